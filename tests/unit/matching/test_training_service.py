"""The training-plan use cases' own rules: the request checks and the plan check."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.matching.domain.model import Assignment, Sector, SolveStatus, StaffingResult
from services.matching.domain.training import FillablePlace, SlotCheck, TrainingPlan
from services.matching.service.plan_check import slot_checks
from services.matching.service.training_commands import PlanCommand, validate_plan_command

TODAY = date(2027, 5, 1)


def fields(error: InvalidArgument) -> set[str]:
    return {v.field for v in error.violations}


def test_a_good_command_gives_its_deadline() -> None:
    command = PlanCommand(outcome_ids=("o1",), budget=0.0, deadline="2027-05-01")
    assert validate_plan_command(command, TODAY) == TODAY


def test_every_bad_field_is_named() -> None:
    command = PlanCommand(
        outcome_ids=("o1", " "),
        budget=float("nan"),
        deadline="2027-04-30",
        time_limit_s=-1,
        default_available_days=300,
        available_days={"ann": -2, "": 1},
    )
    with pytest.raises(InvalidArgument) as error:
        validate_plan_command(command, TODAY)
    assert fields(error.value) == {
        "budget",
        "deadline",
        "options.time_limit_s",
        "options.default_available_days",
        "options.available_days[ann]",
        "options.available_days[]",
        "outcome_ids[1]",
    }


@pytest.mark.parametrize("deadline", ["", "2027-5-1", "2027-02-30"])
def test_a_missing_or_malformed_deadline_is_refused(deadline: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_plan_command(PlanCommand((), 1.0, deadline), TODAY)
    assert fields(error.value) == {"deadline"}


def line(outcome_id: str, person_id: str, role_id: str = "navigator") -> Assignment:
    return Assignment(outcome_id, person_id, role_id, 0.5, 0.9, 100.0, Sector.PUBLIC)


def result(*lines: Assignment) -> StaffingResult:
    return StaffingResult(SolveStatus.OPTIMAL, 1.0, 1.0, 0.0, 0.1, lines)


def test_slot_checks_count_claims_on_top_of_the_baseline() -> None:
    baseline = result(line("o1", "ann"))
    after = result(line("o1", "ann"), line("o1", "bob"), line("o2", "cat", "weaver"))
    plan = TrainingPlan(
        status=SolveStatus.OPTIMAL,
        people=(),
        total_cost=0.0,
        fillable=(
            FillablePlace("o1", "navigator", "bob", 0.4, 0.9),
            FillablePlace("o1", "navigator", "dan", 0.4, 0.9),
            FillablePlace("o2", "weaver", "cat", 0.4, 0.9),
        ),
        coverage_met=(),
        unmet=(),
        open_demand=3.0,
        staffable_demand=3.0,
        solve_seconds=0.1,
    )
    checks = slot_checks(baseline, after, plan)
    # o1 claimed ann + two trained, only one of them filled: the claim does not hold.
    assert checks == (SlotCheck("o1", "navigator", 3, 2), SlotCheck("o2", "weaver", 1, 1))
