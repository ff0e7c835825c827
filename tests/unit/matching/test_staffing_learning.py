"""What staffing takes from shared learning: closed outcomes are not staffed,
and past teams reach the model only when a term asks for them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime

import pytest

from services.common.errors import FailedPrecondition
from services.matching.domain.model import (
    Assessment,
    Candidate,
    Collaboration,
    ObjectiveWeights,
    Outcome,
    OutcomeState,
    Sector,
    Slot,
    StaffingRequest,
    StaffingResult,
)
from services.matching.domain.staffing import solve
from services.matching.domain.training import plan_training
from services.matching.service.gaps import GapService
from services.matching.service.staffing import ProposeCommand, StaffingLimits, StaffingService
from services.matching.service.training import TrainingService
from services.matching.service.training_commands import PlanCommand
from tests.unit.matching.fake_skills import FakeSkills
from tests.unit.matching.fakes import (
    FakeOutcomeRepository,
    FakeStaffingRepository,
    FakeTrainingPlanRepository,
    FakeTrainingSkills,
)

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
OUTCOME = Outcome(
    id="o1",
    title="o1",
    locality="ashbridge",
    priority=3,
    budget=100_000.0,
    start=date(2030, 2, 1),
    end=date(2030, 5, 1),
    days=10.0,
    slots=(Slot("navigator", 2, 0.5),),
)
PAST = Collaboration("ann", "bob", "old", Assessment.MET)


def person(person_id: str) -> Candidate:
    return Candidate(
        person_id=person_id,
        name=person_id,
        sector=Sector.PUBLIC,
        organisation="council",
        locality="ashbridge",
        capacity_fte=1.0,
        day_rate=100.0,
        fits={"navigator": 0.8},
    )


@dataclass
class RecordingCollaborations:
    asked: list[list[str]] = field(default_factory=list)

    async def collaborations(self, person_ids: Sequence[str]) -> list[Collaboration]:
        self.asked.append(sorted(person_ids))
        return [PAST]


@dataclass
class RecordingSolver:
    requests: list[StaffingRequest] = field(default_factory=list)

    def __call__(self, request: StaffingRequest) -> StaffingResult:
        self.requests.append(request)
        return solve(request)


def service(
    outcome: Outcome, source: RecordingCollaborations, solver: RecordingSolver
) -> StaffingService:
    outcomes = FakeOutcomeRepository({outcome.id: outcome})
    return StaffingService(
        outcomes,
        FakeStaffingRepository(outcomes=outcomes),
        FakeSkills([person("ann"), person("bob"), person("cat")]),
        solver,
        StaffingLimits(),
        clock=lambda: NOW,
        collaborations=source,
    )


async def test_a_closed_outcome_is_not_staffed_again() -> None:
    closed = replace(OUTCOME, state=OutcomeState.CLOSED, closed_on=date(2030, 4, 1))
    staffing = service(closed, RecordingCollaborations(), RecordingSolver())
    with pytest.raises(FailedPrecondition, match="outcome o1 is closed"):
        await staffing.propose(ProposeCommand(("o1",)))


async def test_past_teams_are_read_only_when_a_term_uses_them() -> None:
    source, solver = RecordingCollaborations(), RecordingSolver()
    staffing = service(OUTCOME, source, solver)

    await staffing.propose(ProposeCommand(("o1",)))
    assert source.asked == [] and solver.requests[-1].collaborations == ()

    for weights in (ObjectiveWeights(collaboration=5.0), ObjectiveWeights(new_connections=5.0)):
        await staffing.propose(ProposeCommand(("o1",), weights=weights))
        assert source.asked[-1] == ["ann", "bob", "cat"]
        assert list(solver.requests[-1].collaborations) == [PAST]


async def test_gaps_leave_a_closed_outcome_out_and_training_refuses_it() -> None:
    closed = replace(OUTCOME, id="done", state=OutcomeState.CLOSED, closed_on=date(2030, 4, 1))
    outcomes = FakeOutcomeRepository({o.id: o for o in (OUTCOME, closed)})
    staffing = FakeStaffingRepository(outcomes=outcomes)
    skills = FakeTrainingSkills([person("ann")])
    gaps = GapService(outcomes, staffing, skills, solve, StaffingLimits(), today=lambda: NOW.date())
    report = await gaps.report("", "", ["o1", "done"], closest_limit=0)
    assert {slot.outcome_id for slot in report.slots} == {"o1"}

    training = TrainingService(
        outcomes,
        staffing,
        skills,
        FakeTrainingPlanRepository(),
        solve,
        plan_training,
        StaffingLimits(),
        clock=lambda: NOW,
    )
    with pytest.raises(FailedPrecondition, match="outcome done is closed"):
        await training.plan(PlanCommand(("o1", "done"), budget=1000.0, deadline="2030-06-30"))
