"""Shared learning's records as Neo4j properties and back: results, team
members, the assignment lines a team is made of, and a closed outcome's facts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from services.matching.adapters.neo4j_outcomes import outcome_from_node
from services.matching.domain.learning import MeasureResult, ServedLine, TeamMember
from services.matching.domain.learning_report import ClosedOutcomeFacts
from services.matching.domain.model import Sector


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _date_of(value: Any) -> date | None:
    native = _native(value)
    if native is None:
        return None
    return native.date() if isinstance(native, datetime) else native


def result_properties(result: MeasureResult) -> dict[str, Any]:
    return {
        "outcome_id": result.outcome_id,
        "measure_id": result.measure_id,
        "value": result.value,
        "dated": result.on,
        "source": result.source,
        "note": result.note,
        "recorded_at": result.recorded_at,
    }


def result_from(props: Mapping[str, Any]) -> MeasureResult:
    return MeasureResult(
        outcome_id=props["outcome_id"],
        measure_id=props["measure_id"],
        value=props["value"],
        on=_native(props["dated"]),
        source=props.get("source") or "",
        note=props.get("note") or "",
        recorded_at=_native(props.get("recorded_at")),
    )


def member_properties(member: TeamMember) -> dict[str, Any]:
    return {
        "outcome_id": member.outcome_id,
        "person_id": member.person_id,
        "role_id": member.role_id,
        "sector": member.sector.value,
        "fte": member.fte,
        "start": member.start,
        "end": member.end,
        "fit": member.fit,
    }


def member_from(props: Mapping[str, Any]) -> TeamMember:
    return TeamMember(
        outcome_id=props["outcome_id"],
        person_id=props["person_id"],
        role_id=props["role_id"],
        sector=Sector(props["sector"]),
        fte=props["fte"],
        start=_native(props["start"]),
        end=_native(props["end"]),
        fit=props["fit"],
    )


def served_line(line: Mapping[str, Any]) -> ServedLine:
    return ServedLine(
        person_id=line["person_id"],
        role_id=line["role_id"],
        sector=Sector(line["sector"]),
        fte=line["fte"],
        fit=line["fit"],
        committed_on=_date_of(line.get("committed_at")),
        released_on=_date_of(line.get("released_at")),
    )


def closed_facts(row: list[Any]) -> ClosedOutcomeFacts:
    """What the report counts of one closed outcome (results without source and note)."""
    props, members, results = row
    outcome = outcome_from_node(props)
    return ClosedOutcomeFacts(
        outcome=outcome,
        members=tuple(
            TeamMember(
                outcome_id=outcome.id,
                person_id=person_id,
                role_id=role_id,
                sector=Sector(sector),
                fte=fte,
                start=date.fromisoformat(start),
                end=date.fromisoformat(end),
                fit=fit,
            )
            for person_id, role_id, sector, fte, start, end, fit in members
        ),
        results=tuple(
            MeasureResult(
                outcome_id=outcome.id,
                measure_id=measure_id,
                value=value,
                on=date.fromisoformat(dated),
                recorded_at=datetime.fromisoformat(recorded_at) if recorded_at else None,
            )
            for measure_id, value, dated, recorded_at in results
        ),
    )
