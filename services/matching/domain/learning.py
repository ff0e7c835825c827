"""Shared learning's rules: results recorded against an outcome's measures, an
outcome closed with its assessment, and the team that served it kept as
history, with who worked with whom. Plain Python: the repository calls
`team_history` and `worked_with` inside the closing transaction.

Decisions worth knowing:
- A closed outcome still takes results: late figures (a survey that reports
  months after the work ended) are the usual case, not the exception.
- Results are appended, never overwritten: a correction is a later recording
  for the same date, and the latest recording of the latest date counts.
- Closing is final: closing twice, staffing, editing or deleting a closed
  outcome are refused, so the history the learning report reads stays as it
  was assessed.
- A member's period is the outcome's dates, narrowed to the day they were
  committed (when later than the start) and the day they were released or
  the outcome closed (when earlier than the end). A person released before
  the outcome began never served and is not kept.
- Two members worked together when their periods overlap: one WORKED_WITH
  relation per pair per outcome, written at closing with the assessment.
  Teams of open outcomes are read from their committed assignment lines
  instead, so the graph keeps one record of who works together now.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import combinations

from services.common.errors import InvalidArgument, Violations
from services.matching.domain.model import (
    Assessment,
    Collaboration,
    Outcome,
    OutcomeState,
    Sector,
)
from services.matching.domain.outcomes import parse_day


@dataclass(frozen=True)
class MeasureResult:
    outcome_id: str
    measure_id: str
    value: float
    # The date the value describes.
    on: date
    source: str = ""
    note: str = ""
    # Set by the repository when stored.
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class ResultDraft:
    """A result as a caller writes it; `on` is an ISO date."""

    outcome_id: str
    measure_id: str
    value: float
    on: str
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class ClosingDraft:
    outcome_id: str
    # None: not given.
    assessment: Assessment | None
    note: str = ""
    # ISO date; empty: today.
    closed_on: str = ""


@dataclass(frozen=True)
class Closing:
    assessment: Assessment
    note: str
    closed_on: date


@dataclass(frozen=True)
class ServedLine:
    """A committed or released assignment line of the outcome being closed."""

    person_id: str
    role_id: str
    sector: Sector
    fte: float
    fit: float
    committed_on: date | None
    released_on: date | None = None


@dataclass(frozen=True)
class TeamMember:
    """A member of a closed outcome's team; `person_id` is empty once the person
    was erased."""

    outcome_id: str
    person_id: str
    role_id: str
    sector: Sector
    fte: float
    start: date
    end: date
    fit: float


def _measure_problem(outcome: Outcome, measure_id: str) -> str | None:
    if any(measure.id == measure_id for measure in outcome.measures):
        return None
    if not outcome.measures:
        return f"outcome {outcome.id} has no measures; add them to the outcome first"
    known = ", ".join(measure.id for measure in outcome.measures)
    return f"outcome {outcome.id} has no measure {measure_id!r} (its measures: {known})"


def validate_result(draft: ResultDraft, outcome: Outcome, today: date) -> MeasureResult:
    """The result the draft describes; InvalidArgument naming every field at fault."""
    prefix = "result"
    violations = Violations()
    measure_id = draft.measure_id.strip()
    if not measure_id:
        violations.add(f"{prefix}.measure_id", "is required")
    else:
        problem = _measure_problem(outcome, measure_id)
        if problem is not None:
            violations.add(f"{prefix}.measure_id", problem)
    violations.check(math.isfinite(draft.value), f"{prefix}.value", "must be a finite number")
    on = parse_day(draft.on, f"{prefix}.date", violations)
    if on is not None and on > today:
        violations.add(f"{prefix}.date", f"{on} is in the future; record a result once it is known")
    violations.raise_if_any()
    assert on is not None
    return MeasureResult(
        outcome_id=outcome.id,
        measure_id=measure_id,
        value=draft.value,
        on=on,
        source=draft.source.strip(),
        note=draft.note.strip(),
    )


def check_measure_filter(outcome: Outcome, measure_id: str) -> None:
    """A measure named to filter an outcome's results must be one of its own."""
    if measure_id:
        problem = _measure_problem(outcome, measure_id)
        if problem is not None:
            raise InvalidArgument.of("measure_id", problem)


def refusal_to_close(outcome: Outcome) -> str | None:
    """Why the outcome may not be closed now; None when it may."""
    if outcome.state is OutcomeState.CLOSED:
        assessment = outcome.assessment.value if outcome.assessment else "no assessment"
        return (
            f"outcome {outcome.id} was already closed on {outcome.closed_on} ({assessment}); "
            "closing is final"
        )
    return None


def closed_outcome_refusal(outcomes: Iterable[Outcome], doing: str = "staffed") -> str | None:
    """Why outcomes that include a closed one may not be `doing`; None when none is closed."""
    for outcome in outcomes:
        if outcome.state is OutcomeState.CLOSED:
            return f"outcome {outcome.id} is closed (on {outcome.closed_on}) and is not {doing}"
    return None


def validate_closing(draft: ClosingDraft, outcome: Outcome, today: date) -> Closing:
    violations = Violations()
    violations.check(
        draft.assessment is not None, "assessment", "is required: met, partly met or not met"
    )
    closed_on = today
    if draft.closed_on.strip():
        parsed = parse_day(draft.closed_on, "closed_on", violations)
        if parsed is not None:
            closed_on = parsed
    if closed_on < outcome.start:
        violations.add("closed_on", f"{closed_on} is before the outcome starts ({outcome.start})")
    if closed_on > today:
        violations.add("closed_on", f"{closed_on} is in the future")
    violations.raise_if_any()
    assert draft.assessment is not None
    return Closing(draft.assessment, draft.note.strip(), closed_on)


def closed(outcome: Outcome, closing: Closing) -> Outcome:
    return replace(
        outcome,
        state=OutcomeState.CLOSED,
        assessment=closing.assessment,
        assessment_note=closing.note,
        closed_on=closing.closed_on,
    )


def _served(outcome: Outcome, work_ends: date, lines: Sequence[ServedLine]) -> list[TeamMember]:
    members = []
    for line in lines:
        start = outcome.start
        if line.committed_on is not None and start < line.committed_on <= work_ends:
            start = line.committed_on
        end = work_ends if line.released_on is None else min(work_ends, line.released_on)
        if end < start:
            continue
        members.append(
            TeamMember(
                outcome_id=outcome.id,
                person_id=line.person_id,
                role_id=line.role_id,
                sector=line.sector,
                fte=line.fte,
                start=start,
                end=end,
                fit=line.fit,
            )
        )
    return sorted(members, key=lambda m: (m.role_id, m.person_id, m.start))


def team_history(
    outcome: Outcome, closing: Closing, lines: Sequence[ServedLine]
) -> list[TeamMember]:
    """The members the outcome's committed and released lines make, each with the
    period they served (see the module's notes)."""
    return _served(outcome, min(outcome.end, closing.closed_on), lines)


def members_leaving(outcome: Outcome, lines: Sequence[ServedLine], on: date) -> list[TeamMember]:
    """What a person erased while serving an open outcome leaves to its history:
    their places until `on`, without their identity, so that the outcome's team
    stays whole when it closes."""
    served = _served(outcome, min(outcome.end, on), lines)
    return [replace(member, person_id="") for member in served]


def worked_with(members: Sequence[TeamMember], assessment: Assessment) -> list[Collaboration]:
    """One collaboration per pair of named members whose periods overlap, the
    pair's ids in order."""
    pairs: set[tuple[str, str]] = set()
    named = [m for m in members if m.person_id]
    for first, second in combinations(named, 2):
        if first.person_id == second.person_id:
            continue
        if first.start <= second.end and second.start <= first.end:
            a, b = sorted((first.person_id, second.person_id))
            pairs.add((a, b))
    outcome_id = members[0].outcome_id if members else ""
    return [Collaboration(a, b, outcome_id, assessment) for a, b in sorted(pairs)]
