"""A training planner's day through HTTP only: from a gap report to a plan,
the plan checked by a staffing what-if, and completions that close the gap.

HR keeps the catalogue (a CSV import with bad rows reported by line), the
manager owns the outcome and runs the what-if, the planner plans and
records completions."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.run_local import LocalStack
from tests.e2e.conftest import client_with_key, issue_key

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

SKILL = "welfare-rights"
ROLE = "benefits-adviser"
OUTCOME = "no-wrong-door"
# Levels declared by managers: ann already qualifies, bob and cat are one level short,
# dan two levels short.
LEVELS = {"ann": 3, "bob": 2, "cat": 2, "dan": 1}
PEOPLE_HEADER = "id,name,sector,organisation,locality,capacity_fte,day_rate,skill_id,level,source\n"
PEOPLE_CSV = PEOPLE_HEADER + "".join(
    f"{pid},{pid.title()},public,Ashbridge Council,ashbridge,1,250,{SKILL},{level},manager\n"
    for pid, level in LEVELS.items()
)
COURSES_CSV = (
    "id,title,kind,skill_id,from_level,to_level,cost,duration_days,capacity_per_run,runs\n"
    f"welfare-advanced,Advanced welfare rights,course,{SKILL},2,3,800,3,10,\n"
    f"welfare-basics,Welfare rights basics,course,{SKILL},1,2,200,2,0,\n"
    f"welfare-shadow,Shadow an adviser,shadowing,{SKILL},2,3,5000,10,1,\n"
    f"too-far,Beyond expert,course,{SKILL},1,9,100,1,0,\n"
    "no-skill,Needs a skill,course,underwater-basket-weaving,1,2,100,1,0,\n"
    f"bad-run,Backwards,course,{SKILL},1,2,100,1,0,2027-02-01/2027-01-01\n"
)


def _client(stack: LocalStack, admin: httpx.Client, scope: str) -> httpx.Client:
    return client_with_key(stack, issue_key(admin, scope))


@pytest.fixture(scope="module")
def hr(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with _client(stack, admin, "hr") as client:
        yield client


@pytest.fixture(scope="module")
def manager(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with _client(stack, admin, "manager") as client:
        yield client


@pytest.fixture(scope="module")
def planner(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with _client(stack, admin, "planner") as client:
        yield client


def ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


def unfilled_advisers(planner: httpx.Client) -> int:
    report = ok(planner.get("/v1/gaps", params={"role": ROLE}))
    return sum(role["unfilled"] for role in report["roles"] if role["role_id"] == ROLE)


@pytest.fixture(scope="module")
def short_of_advisers(hr: httpx.Client, manager: httpx.Client) -> dict[str, Any]:
    """The skill, a one-skill role, four people, the catalogue, and an outcome
    asking for three advisers that only Ann can fill today."""
    ok(hr.post("/v1/skills", json={"id": SKILL, "label": "Welfare rights"}), 201)
    ok(
        hr.put(
            f"/v1/roles/{ROLE}",
            json={
                "name": "Benefits adviser",
                "requirements": [{"skill_id": SKILL, "min_level": 3, "essential": True}],
            },
        )
    )
    people = ok(
        hr.post("/v1/imports/people", content=PEOPLE_CSV, headers={"Content-Type": "text/csv"})
    )
    assert (people["accepted"], people["errors"]) == (4, [])
    courses = ok(
        hr.post("/v1/imports/courses", content=COURSES_CSV, headers={"Content-Type": "text/csv"})
    )
    outcome = ok(
        manager.post(
            "/v1/outcomes",
            json={
                "id": OUTCOME,
                "title": "No wrong door",
                "locality": "ashbridge",
                "priority": 4,
                "budget": 500_000,
                "start": "2030-01-01",
                "end": "2030-12-31",
                "days": 40,
                "slots": [{"role_id": ROLE, "count": 3, "fte": 0.5, "min_fit": 0.9}],
            },
        ),
        201,
    )
    return {"courses": courses, "outcome": outcome}


def test_the_catalogue_import_keeps_good_rows_and_reports_bad_ones_by_line(
    hr: httpx.Client, planner: httpx.Client, short_of_advisers: dict[str, Any]
) -> None:
    report = short_of_advisers["courses"]
    assert report["kind"] == "courses"
    assert report["accepted"] == 3
    assert {(e["line"], e["field"]) for e in report["errors"]} == {
        (5, "to_level"),
        (6, "skill_id"),
        (7, "runs"),
    }
    # Planners read the catalogue; only hr writes it.
    listed = ok(planner.get("/v1/training/courses", params={"skill": SKILL}))
    assert [c["id"] for c in listed["items"]] == [
        "welfare-advanced",
        "welfare-basics",
        "welfare-shadow",
    ]
    denied = planner.post(
        "/v1/training/courses",
        json={"id": "x", "title": "X", "skill_id": SKILL, "to_level": 2},
    )
    assert denied.status_code == 403
    assert denied.headers["content-type"].startswith("application/problem+json")
    # CRUD by id.
    created = ok(
        hr.post(
            "/v1/training/courses",
            json={
                "id": "welfare-mentor",
                "title": "Mentoring by a senior adviser",
                "kind": "mentoring",
                "skill_id": SKILL,
                "from_level": 2,
                "to_level": 3,
                "cost": 9000,
                "duration_days": 5,
                "runs": [{"start": "2028-03-01", "end": "2028-03-31"}],
            },
        ),
        201,
    )
    assert created["kind"] == "mentoring" and created["runs"][0]["start"] == "2028-03-01"
    assert hr.post("/v1/training/courses", json={**created, "runs": []}).status_code == 409
    replaced = ok(hr.put("/v1/training/courses/welfare-mentor", json={**created, "cost": 9500}))
    assert replaced["cost"] == 9500
    invalid = hr.put(
        "/v1/training/courses/welfare-mentor", json={**created, "from_level": 3, "to_level": 2}
    )
    assert invalid.status_code == 422
    assert ok(planner.get("/v1/training/courses/welfare-mentor"))["cost"] == 9500
    assert hr.delete("/v1/training/courses/welfare-mentor").status_code == 204
    assert planner.get("/v1/training/courses/welfare-mentor").status_code == 404


def test_from_a_gap_to_a_checked_plan_to_completions_that_close_it(
    hr: httpx.Client,
    manager: httpx.Client,
    planner: httpx.Client,
    short_of_advisers: dict[str, Any],
) -> None:
    # The gap: two of three adviser places cannot be filled.
    assert unfilled_advisers(planner) == 2

    # Only a planner plans.
    request = {
        "outcome_ids": [OUTCOME],
        "budget": 1_700,
        "deadline": "2029-06-30",
        "options": {"time_limit_s": 5},
    }
    assert manager.post("/v1/training/plans", json=request).status_code == 403
    created = planner.post("/v1/training/plans", json=request)
    plan = ok(created, 201)
    assert created.headers["location"] == f"/v1/training/plans/{plan['id']}"

    # Bob and Cat each take the affordable advanced course; Dan would need two courses.
    taken = {
        person["person_id"]: [e["course_id"] for e in person["enrolments"]]
        for person in plan["people"]
    }
    assert taken == {"bob": ["welfare-advanced"], "cat": ["welfare-advanced"]}
    assert plan["total_cost"] == pytest.approx(1_600)
    assert sorted(f["person_id"] for f in plan["fillable"]) == ["bob", "cat"]
    assert [u for u in plan["unmet"] if u["kind"] == "place"] == []
    assert plan["check"]["holds"] is True
    assert (plan["check"]["claimed_places"], plan["check"]["filled_places"]) == (3, 3)

    # The what-if the plan hands over, run by the manager's staffing model.
    what_if = ok(
        manager.post(
            "/v1/staffing/proposals",
            json={
                "outcome_ids": [OUTCOME],
                "time_limit_s": 5,
                "what_if": {"level_changes": plan["level_changes"]},
            },
        ),
        200,
    )
    [team] = what_if["teams"]
    assert team["unfilled"] == []
    assert {a["person_id"] for a in team["assignments"]} == {"ann", "bob", "cat"}

    # Stored, listed and exported.
    assert ok(planner.get(f"/v1/training/plans/{plan['id']}"))["id"] == plan["id"]
    listed = ok(planner.get("/v1/training/plans"))
    assert plan["id"] in [p["id"] for p in listed["items"]]
    export = planner.get(f"/v1/training/plans/{plan['id']}/export")
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    enrolments = sorted(
        (r["person_id"], r["course_id"]) for r in rows if r["section"] == "enrolment"
    )
    assert enrolments == [("bob", "welfare-advanced"), ("cat", "welfare-advanced")]
    assert sorted(r["person_id"] for r in rows if r["section"] == "fillable") == ["bob", "cat"]

    # Bob completes: his level is recorded from training with the course as evidence.
    path = f"/v1/training/plans/{plan['id']}/completions"
    after_bob = ok(
        planner.post(path, json={"person_id": "bob", "course_id": "welfare-advanced"}), 201
    )
    assert (after_bob["enrolment_count"], after_bob["completed_count"]) == (2, 1)
    bob = ok(hr.get("/v1/people/bob"))
    [level] = [s for s in bob["skills"] if s["skill_id"] == SKILL]
    assert (level["level"], level["source"]) == (3, "training")
    assert "welfare-advanced" in level["evidence"]
    assert unfilled_advisers(planner) == 1

    # A second completion of the same course is refused; a course not in the plan too.
    again = planner.post(path, json={"person_id": "bob", "course_id": "welfare-advanced"})
    assert again.status_code == 409
    stray = planner.post(path, json={"person_id": "dan", "course_id": "welfare-advanced"})
    assert stray.status_code == 422
    assert stray.json()["errors"][0]["field"] == "course_id"

    # HR records Cat's completion; the gap is closed.
    after_cat = ok(hr.post(path, json={"person_id": "cat", "course_id": "welfare-advanced"}), 201)
    assert after_cat["completed_count"] == 2
    assert unfilled_advisers(planner) == 0


def test_a_plan_request_with_bad_fields_is_a_problem_naming_them(
    planner: httpx.Client, short_of_advisers: dict[str, Any]
) -> None:
    answer = planner.post(
        "/v1/training/plans", json={"budget": -5, "deadline": "soon", "surprise": 1}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    fields = {error["field"] for error in answer.json()["errors"]}
    assert {"budget", "deadline", "surprise"} <= fields
    past = planner.post("/v1/training/plans", json={"budget": 10, "deadline": "2020-01-01"})
    assert past.status_code == 422
    assert [e["field"] for e in past.json()["errors"]] == ["deadline"]
    assert planner.get("/v1/training/plans/no-such-plan").status_code == 404
