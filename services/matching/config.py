"""Settings of the matching service, from MATCHING_* (and NEO4J_*) environment variables."""

from __future__ import annotations

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.common.settings import Neo4jSettings
from services.matching.domain.time_budget import DEFAULT_TIME_LIMIT_S, MAX_TIME_LIMIT_S


class MatchingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MATCHING_", extra="ignore")

    grpc_address: str = "127.0.0.1:50052"
    skills_address: str = "127.0.0.1:50051"
    # Deadlines of calls to skills; the candidate matrix streams every person, so it gets longer.
    skills_timeout_s: float = Field(default=10.0, gt=0)
    matrix_timeout_s: float = Field(default=60.0, gt=0)
    # A proposal's solver time limit: the default when none is asked, and the cap.
    default_time_limit_s: float = Field(default=DEFAULT_TIME_LIMIT_S, gt=0)
    max_time_limit_s: float = Field(default=MAX_TIME_LIMIT_S, gt=0)
    # Candidates kept per slot before solving; 0 keeps everyone.
    max_candidates_per_slot: int = Field(default=0, ge=0)
    shutdown_grace_s: float = Field(default=10.0, ge=0)
    # Seconds health reports NOT_SERVING on SIGTERM while calls are still taken,
    # so that load balancers stop routing here before the port closes.
    shutdown_drain_s: float = Field(default=0.0, ge=0)
    # Prometheus /metrics over HTTP on the host of grpc_address; 0 picks a free port, -1 is off.
    metrics_port: int = Field(default=9102, ge=-1, le=65535)
    # The learning report withholds figures of groups with fewer closed outcomes.
    learning_min_group_size: int = Field(default=5, ge=1)
    # Pages of the outcome list are kept this long in memory; another replica's
    # write shows within it, this replica's own at once. 0 keeps none.
    outcome_list_ttl_s: float = Field(default=1.0, ge=0, le=60)
    neo4j: Neo4jSettings = Field(default_factory=Neo4jSettings)

    @model_validator(mode="after")
    def _default_within_cap(self) -> MatchingSettings:
        if self.default_time_limit_s > self.max_time_limit_s:
            raise ValueError("default_time_limit_s must not exceed max_time_limit_s")
        return self
