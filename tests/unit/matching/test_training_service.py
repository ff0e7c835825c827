"""The training-plan use cases' own rules: the request checks."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
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
