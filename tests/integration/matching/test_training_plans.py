"""Training plans over gRPC on the real Neo4j, with a real skills service:
plan, check by the staffing what-if, store, list, and completions that move the gap."""

from __future__ import annotations

import grpc
import pytest

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_errors import field_violations_of
from tests.integration.matching.conftest import outcome, rpc_error

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

Stub = matching_pb2_grpc.MatchingServiceStub
SkillsStub = skills_pb2_grpc.SkillsServiceStub

# Levels declared by managers: a completed course (source training) outranks them.
WORKFORCE = {"ann": 2, "bob": 1, "eve": 1, "dan": 0}


@pytest.fixture
async def workforce(skills: SkillsStub) -> None:
    """A caseworker role whose fit is casework level / 2, and a short workforce:
    only Ann reaches level 2 today."""
    await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(skill=skills_pb2.Skill(id="casework", label="Casework"))
    )
    await skills.UpsertRole(
        skills_pb2.UpsertRoleRequest(
            role=skills_pb2.Role(
                id="caseworker",
                name="Caseworker",
                requirements=[skills_pb2.Requirement(skill_id="casework", min_level=2, weight=1)],
            )
        )
    )
    for person_id, level in WORKFORCE.items():
        await skills.UpsertPerson(
            skills_pb2.UpsertPersonRequest(
                person=skills_pb2.Person(
                    id=person_id,
                    name=person_id.title(),
                    sector=common_pb2.SECTOR_PUBLIC,
                    locality="ashbridge",
                    capacity_fte=1.0,
                    day_rate=200.0,
                )
            )
        )
        if level:
            await skills.SetLevel(
                skills_pb2.SetLevelRequest(
                    person_id=person_id,
                    skill_id="casework",
                    level=level,
                    source=skills_pb2.LEVEL_SOURCE_MANAGER,
                )
            )
    courses = [
        ("casework-practice", 1, 2, 500.0),
        ("casework-masterclass", 1, 2, 5_000.0),
        ("casework-intro", 0, 1, 100.0),
    ]
    for course_id, from_level, to_level, cost in courses:
        await skills.UpsertCourse(
            skills_pb2.UpsertCourseRequest(
                course=skills_pb2.Course(
                    id=course_id,
                    title=course_id.replace("-", " ").title(),
                    skill_id="casework",
                    from_level=from_level,
                    to_level=to_level,
                    cost=cost,
                    duration_days=2,
                )
            )
        )


@pytest.fixture
async def short_outcome(matching: Stub, workforce: None) -> None:
    await matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(
            outcome=outcome(
                "warm-homes",
                slots=[matching_pb2.Slot(role_id="caseworker", count=2, fte=0.5, min_fit=0.9)],
            )
        )
    )


def plan_request(budget: float, **changes: object) -> matching_pb2.PlanTrainingRequest:
    request = matching_pb2.PlanTrainingRequest(
        budget=budget,
        deadline="2029-12-01",
        options=matching_pb2.TrainingOptions(time_limit_s=5),
        actor="planner-1",
    )
    for name, value in changes.items():
        if isinstance(value, matching_pb2.TrainingOptions):
            request.options.CopyFrom(value)
        else:
            setattr(request, name, value)
    return request


async def test_a_plan_fills_the_open_place_and_the_staffing_model_agrees(
    matching: Stub, skills: SkillsStub, short_outcome: None
) -> None:
    plan = await matching.PlanTraining(plan_request(600.0))

    assert plan.id and plan.created_by == "planner-1"
    assert list(plan.outcome_ids) == ["warm-homes"]
    # Only one affordable place: the cheaper course, for one of Bob or Eve.
    [person] = plan.people
    assert person.person_id in {"bob", "eve"}
    [enrolment] = person.enrolments
    assert (enrolment.course_id, enrolment.to_level, enrolment.cost) == (
        "casework-practice",
        2,
        500.0,
    )
    assert enrolment.course_title == "Casework Practice"
    assert plan.total_cost == pytest.approx(500.0)
    [place] = plan.fillable
    assert (place.outcome_id, place.role_id, place.person_id) == (
        "warm-homes",
        "caseworker",
        person.person_id,
    )
    # The check: staffing re-run with the plan's levels fills what the plan claims.
    assert plan.check.holds
    assert (plan.check.claimed_places, plan.check.filled_places) == (2, 2)
    assert [(c.person_id, c.skill_id, c.level) for c in plan.level_changes] == [
        (person.person_id, "casework", 2)
    ]

    # The same what-if through ProposeStaffing leaves nothing unfilled; without it, one place.
    before = await matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(outcome_ids=["warm-homes"], time_limit_s=5)
    )
    assert sum(u.count for team in before.teams for u in team.unfilled) == 1
    what_if = await matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(
            outcome_ids=["warm-homes"],
            time_limit_s=5,
            what_if=matching_pb2.WhatIf(level_changes=list(plan.level_changes)),
        )
    )
    assert sum(u.count for team in what_if.teams for u in team.unfilled) == 0
    assert what_if.diff.unfilled_delta == -1
    staffed = {a.person_id for team in what_if.teams for a in team.assignments}
    assert staffed == {"ann", person.person_id}

    stored = await matching.GetTrainingPlan(matching_pb2.GetTrainingPlanRequest(id=plan.id))
    assert stored == plan


async def test_completion_records_a_training_level_and_moves_the_gap(
    matching: Stub, skills: SkillsStub, short_outcome: None
) -> None:
    plan = await matching.PlanTraining(plan_request(600.0))
    trainee = plan.people[0].person_id
    gaps_before = await matching.ReportGaps(matching_pb2.ReportGapsRequest())
    assert [(r.role_id, r.unfilled) for r in gaps_before.roles] == [("caseworker", 1)]

    done = await matching.RecordTrainingCompletion(
        matching_pb2.RecordTrainingCompletionRequest(
            plan_id=plan.id,
            person_id=trainee,
            course_id="casework-practice",
            completed_on="2026-01-15",
            actor="planner-1",
        )
    )
    assert (done.enrolment_count, done.completed_count) == (1, 1)
    assert done.people[0].enrolments[0].completed_on == "2026-01-15"

    person = await skills.GetPerson(skills_pb2.GetPersonRequest(id=trainee))
    [level] = [s for s in person.skills if s.skill_id == "casework"]
    assert (level.level, level.source) == (2, skills_pb2.LEVEL_SOURCE_TRAINING)
    assert "casework-practice" in level.evidence and plan.id in level.evidence
    gaps_after = await matching.ReportGaps(matching_pb2.ReportGapsRequest())
    assert [(r.role_id, r.unfilled) for r in gaps_after.roles] == [("caseworker", 0)]

    again = await rpc_error(
        matching.RecordTrainingCompletion(
            matching_pb2.RecordTrainingCompletionRequest(
                plan_id=plan.id, person_id=trainee, course_id="casework-practice"
            )
        )
    )
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
    not_planned = await rpc_error(
        matching.RecordTrainingCompletion(
            matching_pb2.RecordTrainingCompletionRequest(
                plan_id=plan.id, person_id="dan", course_id="casework-practice"
            )
        )
    )
    assert not_planned.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(not_planned)] == ["course_id"]
    missing = await rpc_error(
        matching.RecordTrainingCompletion(
            matching_pb2.RecordTrainingCompletionRequest(
                plan_id="nope", person_id=trainee, course_id="casework-practice"
            )
        )
    )
    assert missing.code() == grpc.StatusCode.NOT_FOUND


async def test_no_budget_leaves_the_place_open_and_says_so(
    matching: Stub, short_outcome: None
) -> None:
    plan = await matching.PlanTraining(plan_request(0.0))
    assert list(plan.people) == [] and plan.total_cost == 0
    [unmet] = [u for u in plan.unmet if u.kind == "place"]
    assert (unmet.outcome_id, unmet.subject_id, unmet.count) == ("warm-homes", "caseworker", 1)
    assert plan.check.holds


async def test_plans_are_listed_newest_first_in_pages(matching: Stub, short_outcome: None) -> None:
    first = await matching.PlanTraining(plan_request(600.0))
    second = await matching.PlanTraining(plan_request(0.0))
    page = await matching.ListTrainingPlans(matching_pb2.ListTrainingPlansRequest(page_size=1))
    assert [p.id for p in page.plans] == [second.id]
    rest = await matching.ListTrainingPlans(
        matching_pb2.ListTrainingPlansRequest(page_size=1, page_token=page.next_page_token)
    )
    assert [p.id for p in rest.plans] == [first.id] and not rest.next_page_token


async def test_bad_requests_name_their_fields(matching: Stub, short_outcome: None) -> None:
    error = await rpc_error(
        matching.PlanTraining(
            plan_request(
                -1.0,
                deadline="1 Dec",
                options=matching_pb2.TrainingOptions(
                    default_available_days=-3, course_ids=["no-such-course"]
                ),
            )
        )
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations_of(error)} == {
        "budget",
        "deadline",
        "options.default_available_days",
    }
    unknown = await rpc_error(
        matching.PlanTraining(
            plan_request(100.0, options=matching_pb2.TrainingOptions(course_ids=["nope"]))
        )
    )
    assert [v.field for v in field_violations_of(unknown)] == ["options.course_ids[0]"]
    absent = await rpc_error(
        matching.GetTrainingPlan(matching_pb2.GetTrainingPlanRequest(id="nope"))
    )
    assert absent.code() == grpc.StatusCode.NOT_FOUND


async def test_forgetting_a_person_removes_them_from_every_plan(
    matching: Stub, short_outcome: None
) -> None:
    plan = await matching.PlanTraining(plan_request(600.0))
    trainee = plan.people[0].person_id
    await matching.ForgetPerson(matching_pb2.ForgetPersonRequest(person_id=trainee, actor="hr"))
    stored = await matching.GetTrainingPlan(matching_pb2.GetTrainingPlanRequest(id=plan.id))
    assert list(stored.people) == [] and list(stored.fillable) == []
    assert all(c.person_id != trainee for c in stored.level_changes)
    # The plan's figures stay as they were planned.
    assert stored.total_cost == plan.total_cost
