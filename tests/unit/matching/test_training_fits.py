"""Fits after training: the caller's, in rounds, and the planner's estimate."""

from __future__ import annotations

from dataclasses import replace

from services.matching.domain.training import (
    CourseOutcome,
    FitAfter,
    override_rounds,
    plan_training,
    trained_request,
)
from tests.unit.matching.builders import outcome, person
from tests.unit.matching.training_builders import (
    NAVIGATOR,
    course,
    fillable,
    navigator_at,
    training,
)


def test_fits_from_the_caller_take_precedence_over_role_requirements() -> None:
    # The caller knows (say, through a neighbouring skill) that the course lifts
    # Ann's navigator fit all the way; the requirement rule alone would not.
    req = training(
        [outcome("o1", (NAVIGATOR,))],
        [navigator_at("ann", 2)],
        [course("welfare-3", "welfare", from_level=2, to_level=3)],
        fits_after=(FitAfter("ann", "welfare-3", {"navigator": 1.0}),),
    )
    plan = plan_training(req)
    assert fillable(plan) == {("o1", "navigator", "ann")}
    trained = trained_request(req, plan)
    assert trained.candidates[0].fits["navigator"] == 1.0
    assert trained.candidates[0].levels == {"welfare": 3}


def test_fits_after_each_course_are_asked_in_rounds_of_one_level_per_person() -> None:
    # Ann may take either welfare course (both lead to 4) and the design one; Bob
    # (welfare 1, below both) and Cat (welfare 4 already) only the design one.
    courses = [
        course("welfare-a", "welfare"),
        course("welfare-b", "welfare", cost=50.0),
        course("design", "design", from_level=0),
    ]
    people = [
        navigator_at("ann", 3),
        person("bob", {}, levels={"welfare": 1}),
        navigator_at("cat", 4),
    ]
    rounds = override_rounds(people, courses)
    assert rounds == [
        {
            "ann": CourseOutcome("design", 4, ("design",)),
            "bob": CourseOutcome("design", 4, ("design",)),
            "cat": CourseOutcome("design", 4, ("design",)),
        },
        {"ann": CourseOutcome("welfare", 4, ("welfare-a", "welfare-b"))},
    ]


def test_fits_from_the_caller_that_name_nobody_gain_nothing() -> None:
    # Skills found no one who may take the course: the requirement estimate must not
    # step in and claim Ann reaches the slot (as it does when no fits are given).
    req = training(
        [outcome("o1", (NAVIGATOR,))],
        [navigator_at("ann", 3)],
        [course("welfare-4", "welfare")],
        fits_after=(),
    )
    assert fillable(plan_training(req)) == set()
    estimated = plan_training(replace(req, fits_after=None))
    assert fillable(estimated) == {("o1", "navigator", "ann")}
