"""Configuration shared by the services, read from the environment."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Neo4jSettings(BaseSettings):
    """Where the graph is. Defaults match the local runtime that `make up` starts."""

    model_config = SettingsConfigDict(env_prefix="NEO4J_", extra="ignore")

    uri: str = "bolt://127.0.0.1:7687"
    user: str = "neo4j"
    # Empty means the server runs without authentication (the local default).
    password: str = ""
    database: str = "neo4j"
    max_connection_pool_size: int = Field(default=50, ge=1)
    connection_timeout_s: float = Field(default=5.0, gt=0)
    # How long the driver retries a transaction that failed for a lost connection.
    # Its own default (30 s) would hold a request that long while Neo4j is down;
    # work done for a gRPC call is also cut at that call's deadline.
    max_transaction_retry_time_s: float = Field(default=3.0, ge=0)

    @property
    def auth(self) -> tuple[str, str] | None:
        return (self.user, self.password) if self.password else None


class LoggingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LOG_", extra="ignore")

    level: str = "INFO"
    # "json" for machines, "text" for a person at a terminal.
    format: str = "json"
