"""The helpers the planners build on: a course's runs within the plan's dates and
the cheapest set of runs that reaches a fit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.matching.domain.training import CourseRun
from services.matching.domain.training.options import Option, Priced, cheapest_reach
from tests.unit.matching.training_builders import DEADLINE, TODAY, course, training

WEEK_1 = (date(2025, 11, 3), date(2025, 11, 7))
WEEK_2 = (date(2025, 11, 10), date(2025, 11, 14))


def priced(course_index: int, run: tuple[date, date], gain: float, cost: float) -> Priced:
    return (Option(course_index, *run), gain, cost, 5.0)


def test_an_undated_course_runs_from_today_and_dated_runs_outside_the_plan_are_dropped() -> None:
    req = training([], [], [])
    on_demand = replace(course("c", "welfare", runs=()), duration_days=2.5)
    assert req.runs_of(on_demand) == [(TODAY, date(2025, 10, 4))]
    dated = course(
        "d",
        "welfare",
        runs=(
            CourseRun(date(2025, 9, 29), date(2025, 10, 3)),
            CourseRun(date(2025, 12, 1), date(2025, 12, 5)),
            CourseRun(date(2025, 12, 29), date(2026, 1, 2)),
        ),
    )
    assert req.runs_of(dated) == [(date(2025, 12, 1), date(2025, 12, 5))]
    assert all(end <= DEADLINE for _, end in req.runs_of(dated))


def test_the_cheapest_pair_of_courses_that_adds_up_to_the_deficit_is_chosen() -> None:
    by_skill = {
        "welfare": [priced(0, WEEK_1, 0.3, 100.0), priced(1, WEEK_1, 0.5, 400.0)],
        "design": [priced(2, WEEK_2, 0.2, 50.0)],
    }
    # 0.5 alone costs 400; 0.3 + 0.2 costs 150.
    assert cheapest_reach(by_skill, 0.5, days=10.0) == (
        150.0,
        [Option(0, *WEEK_1), Option(2, *WEEK_2)],
    )
    # Five days leave room for one course only.
    assert cheapest_reach(by_skill, 0.5, days=5.0) == (400.0, [Option(1, *WEEK_1)])
    assert cheapest_reach(by_skill, 0.9, days=10.0) is None


def test_runs_on_the_same_days_as_each_other_or_as_a_course_taken_never_combine() -> None:
    by_skill = {
        "welfare": [priced(0, WEEK_1, 0.3, 100.0)],
        "design": [priced(1, WEEK_1, 0.2, 50.0), priced(2, WEEK_2, 0.2, 80.0)],
    }
    assert cheapest_reach(by_skill, 0.5, days=10.0) == (
        180.0,
        [Option(0, *WEEK_1), Option(2, *WEEK_2)],
    )
    taken = [Option(9, *WEEK_2)]
    assert cheapest_reach(by_skill, 0.5, days=10.0, taken=taken) is None
