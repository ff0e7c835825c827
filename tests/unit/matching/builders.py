"""Small factories for hand-checkable staffing requests."""

from __future__ import annotations

from datetime import date
from typing import Any

from services.matching.domain.model import (
    Candidate,
    Clearance,
    Outcome,
    Sector,
    Slot,
    StaffingRequest,
    TeamRules,
)

START = date(2026, 1, 1)
END = date(2026, 3, 31)
NO_RULES = TeamRules()


def person(
    person_id: str,
    fits: dict[str, float],
    *,
    sector: Sector = Sector.PUBLIC,
    organisation: str = "council",
    locality: str = "ward-1",
    capacity_fte: float = 1.0,
    day_rate: float = 100.0,
    clearances: tuple[Clearance, ...] = (),
    levels: dict[str, int] | None = None,
    **extra: Any,
) -> Candidate:
    return Candidate(
        person_id=person_id,
        name=person_id.upper(),
        sector=sector,
        organisation=organisation,
        locality=locality,
        capacity_fte=capacity_fte,
        day_rate=day_rate,
        clearances=clearances,
        fits=fits,
        levels=levels or {},
        **extra,
    )


def outcome(
    outcome_id: str,
    slots: tuple[Slot, ...],
    *,
    title: str | None = None,
    locality: str = "ward-1",
    priority: int = 3,
    budget: float = 1_000_000.0,
    start: date = START,
    end: date = END,
    days: float = 10.0,
    rules: TeamRules = NO_RULES,
    **extra: Any,
) -> Outcome:
    return Outcome(
        id=outcome_id,
        title=title or outcome_id.title(),
        locality=locality,
        priority=priority,
        budget=budget,
        start=start,
        end=end,
        days=days,
        slots=slots,
        rules=rules,
        **extra,
    )


def request(outcomes: list[Outcome], candidates: list[Candidate], **extra: Any) -> StaffingRequest:
    return StaffingRequest(outcomes=tuple(outcomes), candidates=tuple(candidates), **extra)


def team(result: Any, outcome_id: str) -> dict[str, str]:
    """person id -> role id of one outcome's assignments."""
    return {a.person_id: a.role_id for a in result.assignments if a.outcome_id == outcome_id}
