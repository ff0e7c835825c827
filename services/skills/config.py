"""Settings of the skills service, read from the environment (SKILLS_*)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import Neo4jSettings


class SkillsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SKILLS_", extra="ignore")

    grpc_address: str = "127.0.0.1:50051"
    # Seconds in-flight calls get to finish on SIGTERM.
    shutdown_grace_s: float = Field(default=10.0, ge=0)
    # Seconds health reports NOT_SERVING on SIGTERM while calls are still taken,
    # so that load balancers stop routing here before the port closes.
    shutdown_drain_s: float = Field(default=0.0, ge=0)
    # Prometheus /metrics over HTTP on the host of grpc_address; 0 picks a free port, -1 is off.
    metrics_port: int = Field(default=9101, ge=-1, le=65535)
    # How often health re-checks that Neo4j answers.
    graph_check_interval_s: float = Field(default=1.0, gt=0)
    # The scoring index: seconds between polls of the change feed (the bound on
    # how long another replica's write takes to reach this one's answers).
    index_poll_interval_s: float = Field(default=0.5, gt=0, le=60)
    # Seconds of the change feed re-read at each poll (longer than any write).
    index_feed_overlap_s: float = Field(default=30.0, gt=0)
    # Seconds change records stay in the graph; a replica further behind rebuilds.
    index_feed_retention_s: float = Field(default=3600.0, gt=0)
    # People per bulk read while the index is built at start.
    index_build_chunk: int = Field(default=2_000, ge=100, le=100_000)
    # The scoring index's snapshot on local disk, loaded at start and caught up
    # through the change feed instead of a full build ("" is off). One file per
    # replica: replicas must not share it.
    index_snapshot_path: str = ""
    # Seconds between snapshots of a changed index (0: only on a clean stop).
    index_snapshot_interval_s: float = Field(default=600.0, ge=0)
    # Person records kept in this process for GetPerson and ListPeople, least
    # recently read leaving first, as fresh as the scoring index (0 keeps none);
    # about 10 KiB a person with 25 levels.
    person_cache_size: int = Field(default=10_000, ge=0)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)
