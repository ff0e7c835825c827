"""The gateway's configuration, read from the environment (prefix GATEWAY_)."""

from __future__ import annotations

from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.gateway.domain.auth import placeholder_reason

MEGABYTE = 1024 * 1024
# Where `make setup` builds the web page (services/gateway/web/dist).
BUILT_WEB_PAGE = Path(__file__).resolve().parent / "web" / "dist"


class GatewaySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", populate_by_name=True)

    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    skills_address: str = "127.0.0.1:50051"
    matching_address: str = "127.0.0.1:50052"

    # Deadlines of the calls to the services, in seconds.
    call_deadline_s: float = Field(default=5.0, gt=0)
    import_deadline_s: float = Field(default=300.0, gt=0)
    # A proposal's deadline is its solver time limit plus this margin.
    staffing_margin_s: float = Field(default=15.0, gt=0)
    health_deadline_s: float = Field(default=2.0, gt=0)
    # On SIGTERM uvicorn stops accepting and waits this long for requests in flight.
    shutdown_grace_s: float = Field(default=10.0, ge=0)
    # Seconds an idle client connection stays open. Longer than clients keep
    # theirs (httpx and most pools: 5 s; load balancers: 60 s), so a client never
    # reuses a connection the gateway is closing (a dropped request, not an answer).
    keep_alive_s: float = Field(default=75.0, gt=0)

    max_json_bytes: int = Field(default=1 * MEGABYTE, gt=0)
    max_csv_bytes: int = Field(default=20 * MEGABYTE, gt=0)
    max_page_size: int = Field(default=500, ge=1)

    # A completed Idempotency-Key is replayed for this long; a pending one
    # (its request still running, or its process gone) is taken over after the other.
    idempotency_ttl_s: float = Field(default=24 * 3600.0, gt=0)
    idempotency_pending_s: float = Field(default=600.0, gt=0)

    # A key found is kept in memory this long, so requests cost no key lookup; a
    # revocation through this gateway holds at once, through another replica
    # within this bound (0: every request reads its key from the graph).
    key_cache_s: float = Field(default=5.0, ge=0, le=300)

    # The built web page served at /; without it the gateway serves the API alone.
    web_dir: Path = BUILT_WEB_PAGE

    # The admin key seeded at start; read from LPS_ADMIN_KEY (the product-wide name).
    admin_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("LPS_ADMIN_KEY", "GATEWAY_ADMIN_KEY")
    )

    @field_validator("admin_key")
    @classmethod
    def refuse_placeholder_keys(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value():
            return None
        reason = placeholder_reason(value.get_secret_value())
        if reason is not None:
            raise ValueError(f"LPS_ADMIN_KEY {reason}; generate one, e.g. `openssl rand -hex 32`")
        return value
