"""The training-plan use cases on fake repositories and a fake skills port,
with the real planner and solver: plan (checked by the staffing re-run),
list, record a completion, erasure."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument
from services.matching.domain.model import Candidate, Outcome, Sector, Slot, SolveStatus
from services.matching.domain.staffing import solve
from services.matching.domain.training import (
    Course,
    CourseKind,
    RoleProfile,
    RoleRequirement,
    plan_training,
)
from services.matching.service.erasure import PersonErasure
from services.matching.service.staffing import StaffingLimits
from services.matching.service.training import TrainingService
from services.matching.service.training_commands import CompletionCommand, PlanCommand
from tests.unit.matching.fakes import (
    FakeOutcomeRepository,
    FakeStaffingRepository,
    FakeTrainingPlanRepository,
    FakeTrainingSkills,
)

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)
NAVIGATOR = RoleProfile("navigator", (RoleRequirement("casework", 3),))
CASEWORK = Course(
    id="c1",
    title="Casework practice",
    kind=CourseKind.COURSE,
    skill_id="casework",
    from_level=1,
    to_level=3,
    cost=400.0,
    duration_days=3.0,
    capacity_per_run=0,
)


def person(person_id: str, casework: int) -> Candidate:
    return Candidate(
        person_id=person_id,
        name=person_id.title(),
        sector=Sector.PUBLIC,
        organisation="council",
        locality="ashbridge",
        capacity_fte=1.0,
        day_rate=200.0,
        levels={"casework": casework},
    )


def advice_outcome() -> Outcome:
    return Outcome(
        id="advice",
        title="Advice",
        locality="ashbridge",
        priority=3,
        budget=100_000.0,
        start=date(2030, 3, 1),
        end=date(2030, 9, 1),
        days=10.0,
        slots=(Slot("navigator", 2, 0.5, min_fit=0.9),),
    )


class Town:
    def __init__(self) -> None:
        self.outcomes = FakeOutcomeRepository({"advice": advice_outcome()})
        self.staffing = FakeStaffingRepository(outcomes=self.outcomes)
        # ann fits already; bob is one course away; cat holds no casework at all.
        self.skills = FakeTrainingSkills(
            [person("ann", 3), person("bob", 2), person("cat", 0)],
            profiles=[NAVIGATOR],
            catalogue_courses=[CASEWORK],
        )
        self.plans = FakeTrainingPlanRepository()
        self.service = TrainingService(
            self.outcomes,
            self.staffing,
            self.skills,
            self.plans,
            solve,
            plan_training,
            StaffingLimits(default_time_limit_s=5.0),
            clock=lambda: NOW,
        )


def command(**changes: object) -> PlanCommand:
    fields: dict[str, object] = {"outcome_ids": ("advice",), "budget": 1_000.0}
    fields["deadline"] = "2030-02-28"
    fields.update(changes)
    return PlanCommand(**fields)  # type: ignore[arg-type]


async def test_a_plan_trains_the_person_one_course_away_and_the_re_run_confirms_it() -> None:
    town = Town()
    record = await town.service.plan(command(actor="key_1"))
    assert [(e.person_id, e.course_id) for e in record.enrolments] == [("bob", "c1")]
    assert [(f.person_id, f.fit_after) for f in record.fillable] == [("bob", 1.0)]
    assert record.check.holds and record.check.status is not SolveStatus.INFEASIBLE
    assert record.total_cost == 400.0 and record.created_by == "key_1"
    assert await town.plans.get(record.id) == record
    plans, token = await town.service.list(0, "")
    assert [p.id for p in plans] == [record.id] and token == ""


async def test_a_budget_below_every_course_plans_nothing_and_bad_fields_are_named() -> None:
    town = Town()
    record = await town.service.plan(command(budget=100.0))
    assert record.enrolments == ()
    with pytest.raises(InvalidArgument) as error:
        await town.service.plan(command(budget=-1.0, deadline="soon", course_ids=("c9",)))
    assert {v.field for v in error.value.violations} == {"budget", "deadline"}
    with pytest.raises(InvalidArgument) as unknown:
        await town.service.plan(command(course_ids=("c9",)))
    assert [v.field for v in unknown.value.violations] == ["options.course_ids[0]"]


async def test_a_completion_records_the_level_in_skills_once() -> None:
    town = Town()
    record = await town.service.plan(command())
    completed = await town.service.record_completion(
        CompletionCommand(record.id, "bob", "c1", completed_on="2029-12-20", actor="key_2")
    )
    [level] = town.skills.recorded
    assert (level.person_id, level.skill_id, level.level, level.on) == (
        "bob",
        "casework",
        3,
        date(2029, 12, 20),
    )
    assert "Casework practice" in level.evidence and record.id in level.evidence
    assert completed.enrolment("bob", "c1") is not None
    with pytest.raises(FailedPrecondition, match="already completed"):
        await town.service.record_completion(CompletionCommand(record.id, "bob", "c1"))
    with pytest.raises(InvalidArgument) as error:
        await town.service.record_completion(CompletionCommand(record.id, "ann", "c1"))
    assert [v.field for v in error.value.violations] == ["course_id"]


async def test_erasure_drops_the_person_from_every_plan() -> None:
    town = Town()
    record = await town.service.plan(command())
    await PersonErasure([town.staffing, town.plans]).forget("bob")
    kept = await town.service.get(record.id)
    assert kept.people == () and kept.fillable == ()
