from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from lps.matching.v1 import matching_pb2
from services.common.errors import InvalidArgument
from services.gateway.domain.courses_csv import CourseKind, CourseRun, parse_courses_csv
from services.gateway.domain.imports import RowFailure, StreamSummary
from services.gateway.service.training import import_courses_csv, plan_csv

HEADER = "id,title,kind,skill_id,from_level,to_level,cost,duration_days,capacity_per_run,runs\n"


def test_good_rows_are_read_with_defaults_and_runs() -> None:
    text = HEADER + (
        "c1,Listening well,mentoring,listening,1,3,250.5,2,8,2027-01-10/2027-01-12;"
        "2027-03-01/2027-03-03\n"
        "c2,Basics,,listening,,2,,,,\n"
    )
    parsed = parse_courses_csv(text)
    assert parsed.problems == []
    (line1, first), (line2, second) = parsed.courses
    assert (line1, line2) == (2, 3)
    assert first.kind is CourseKind.MENTORING
    assert (first.from_level, first.to_level, first.cost, first.capacity_per_run) == (
        1,
        3,
        250.5,
        8,
    )
    assert first.runs == (
        CourseRun(date(2027, 1, 10), date(2027, 1, 12)),
        CourseRun(date(2027, 3, 1), date(2027, 3, 3)),
    )
    assert (second.kind, second.from_level, second.duration_days, second.runs) == (
        CourseKind.COURSE,
        0,
        1.0,
        (),
    )


def test_each_bad_row_is_reported_by_line_and_field() -> None:
    text = HEADER + (
        "ok,Fine,course,s,1,2,10,1,0,\n"
        ",No id,course,s,1,2,10,1,0,\n"
        "b,Down,course,s,3,2,10,1,0,\n"
        "c,Odd kind,webinar,s,1,2,10,1,0,\n"
        "d,Backwards,course,s,1,2,10,1,0,2027-02-01/2027-01-01\n"
        "e,Costly,course,s,1,2,-5,0,-1,\n"
        "ok,Twice,course,s,1,2,10,1,0,\n"
    )
    parsed = parse_courses_csv(text)
    assert [c.id for _, c in parsed.courses] == ["ok"]
    assert {(p.line, p.field) for p in parsed.problems} == {
        (3, "id"),
        (4, "to_level"),
        (5, "kind"),
        (6, "runs"),
        (7, "cost"),
        (7, "duration_days"),
        (7, "capacity_per_run"),
        (8, "id"),
    }


def test_a_header_without_the_required_columns_is_refused_whole() -> None:
    with pytest.raises(InvalidArgument) as error:
        parse_courses_csv("id,title\nc1,T\n")
    assert error.value.violations[0].field == "body"


class RefusingImporter:
    """Refuses the second course it is sent, as the skills service does for an unknown skill."""

    async def import_courses(self, courses: object, actor: str) -> StreamSummary:
        return StreamSummary(
            accepted=1,
            rejected=1,
            failures=[RowFailure(2, "c3", "course.skill_id", "names no known skill")],
        )


async def test_service_refusals_are_mapped_back_to_file_lines() -> None:
    text = (
        HEADER + "c1,A,course,s,1,2,1,1,0,\nbad,B,course,s,1,7,1,1,0,\nc3,C,course,x,1,2,1,1,0,\n"
    )
    report = await import_courses_csv(RefusingImporter(), text, actor="hr")
    assert report.accepted == 1
    assert [(p.line, p.field) for p in report.problems] == [(3, "to_level"), (4, "skill_id")]


def test_the_plan_export_neutralises_formula_cells() -> None:
    plan = matching_pb2.TrainingPlan(
        id="p1",
        people=[
            matching_pb2.PersonTrainingPlan(
                person_id="ann",
                name='=HYPERLINK("http://evil")',
                enrolments=[
                    matching_pb2.PlannedEnrolment(
                        person_id="ann",
                        course_id="c1",
                        course_title="@SUM(A1)",
                        skill_id="s",
                        from_level=1,
                        to_level=2,
                        run_start="2027-01-01",
                        run_end="2027-01-02",
                        cost=100,
                    )
                ],
            )
        ],
        fillable=[
            matching_pb2.FillablePlace(
                outcome_id="o1", role_id="r", person_id="ann", fit_before=0.5, fit_after=1.0
            )
        ],
        unmet=[
            matching_pb2.UnmetDemand(
                kind="place", outcome_id="o1", subject_id="r", count=2, reason="+no course"
            )
        ],
    )
    rows = list(csv.DictReader(io.StringIO("".join(plan_csv(plan)))))
    assert [r["section"] for r in rows] == ["enrolment", "fillable", "unmet"]
    enrolment, fillable, unmet = rows
    assert enrolment["name"].startswith("'=") and enrolment["course_title"] == "'@SUM(A1)"
    assert (fillable["outcome_id"], fillable["role_id"], fillable["count"]) == ("o1", "r", "1")
    assert (unmet["role_id"], unmet["count"], unmet["detail"]) == ("r", "2", "'+no course")
