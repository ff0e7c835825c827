"""Course validation names every field at fault."""

from __future__ import annotations

import math

import pytest

from services.common.errors import InvalidArgument
from services.skills.domain.courses import Course, CourseRun, course_errors, validate_course


def course(**changes: object) -> Course:
    values: dict[str, object] = {
        "id": "c1",
        "title": "Listening well",
        "skill_id": "listening",
        "from_level": 1,
        "to_level": 3,
        "cost": 300.0,
        "duration_days": 2.0,
    }
    values.update(changes)
    return Course(**values)  # type: ignore[arg-type]


def fields(error: InvalidArgument) -> set[str]:
    return {v.field for v in error.violations}


def test_a_good_course_passes() -> None:
    validate_course(course(runs=(CourseRun("2027-01-01", "2027-01-01"),), kind="secondment"))
    validate_course(course(from_level=0, to_level=1, cost=0.0))


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id": " c1"}, "course.id"),
        ({"title": ""}, "course.title"),
        ({"kind": "webinar"}, "course.kind"),
        ({"skill_id": ""}, "course.skill_id"),
        ({"from_level": 4}, "course.from_level"),
        ({"from_level": -1}, "course.from_level"),
        ({"to_level": 5}, "course.to_level"),
        ({"from_level": 3, "to_level": 3}, "course.to_level"),
        ({"cost": -0.01}, "course.cost"),
        ({"cost": math.nan}, "course.cost"),
        ({"duration_days": 0.0}, "course.duration_days"),
        ({"duration_days": math.inf}, "course.duration_days"),
        ({"capacity_per_run": -1}, "course.capacity_per_run"),
        ({"runs": (CourseRun("2027-01-02", "2027-01-01"),)}, "course.runs[0].end"),
        ({"runs": (CourseRun("2027-13-01", "2027-12-01"),)}, "course.runs[0].start"),
        ({"runs": (CourseRun("", "2027-12-01"),)}, "course.runs[0].start"),
    ],
)
def test_each_rule_names_its_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_course(course(**changes))
    assert fields(error.value) == {field}


def test_every_field_at_fault_is_named_at_once() -> None:
    bad = course(title="", cost=-1.0, capacity_per_run=-1)
    assert {f for f, _ in course_errors(bad)} == {
        "course.title",
        "course.cost",
        "course.capacity_per_run",
    }
