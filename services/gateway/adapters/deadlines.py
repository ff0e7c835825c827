"""How long the gateway waits for each kind of call."""

from __future__ import annotations

from dataclasses import dataclass

from services.gateway.config import GatewaySettings


@dataclass(frozen=True)
class Deadlines:
    call_s: float = 5.0
    import_s: float = 300.0
    staffing_margin_s: float = 15.0
    health_s: float = 2.0

    @classmethod
    def of(cls, settings: GatewaySettings) -> Deadlines:
        return cls(
            call_s=settings.call_deadline_s,
            import_s=settings.import_deadline_s,
            staffing_margin_s=settings.staffing_margin_s,
            health_s=settings.health_deadline_s,
        )
