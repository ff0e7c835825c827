"""Shared learning through HTTP only, every process running: a manager's
outcome with measures and a pooled budget is staffed, its results recorded
and it is closed; its team is kept as history (and survives an erasure
without the person's identity); the planner's learning report groups closed
outcomes with counts beside every figure and withholds small groups; a later
proposal may reward people who worked together on a met outcome; and a slot
may take a development placement that learns from the team's experts."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from deploy.run_local import LocalStack
from services.gateway import cli
from tests.e2e.conftest import client_with_key, issue_key
from tests.e2e.town import ROLE_SKILLS, Resident, people_csv, residents, staffed_outcome

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

TIME_LIMIT_S = 5.0
CLOSED = "learning-closed"
LATER = "learning-later"
TODAY = date.today().isoformat()
# Started in the past, so that it can be closed today (a closing date is never
# in the future, nor before the outcome starts).
STARTED = "2026-01-05"
MEASURES = [
    {
        "id": "lonely",
        "name": "Residents reporting loneliness",
        "unit": "percent",
        "baseline": 30,
        "target": 20,
        "direction": "lower_is_better",
    },
    {"id": "visits", "name": "Befriending visits a month", "baseline": 0, "target": 200},
]
CONTRIBUTIONS = [
    {"organisation": "Northfield Council", "sector": "public", "amount": 60_000},
    {
        "organisation": "Northfield Community Trust",
        "sector": "third_sector",
        "amount": 40_000,
        "restricted_to": "third_sector",
    },
]


def ok(answer: httpx.Response, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    return answer.json()


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


@pytest.fixture(scope="module")
def town(hr: httpx.Client) -> list[Resident]:
    people = residents()
    report = ok(
        hr.post(
            "/v1/imports/people",
            content=people_csv(people).encode(),
            headers={"Content-Type": "text/csv"},
        )
    )
    assert report["errors"] == []
    return people


def learning_outcome(outcome_id: str, approach: str) -> dict[str, Any]:
    return {
        **staffed_outcome(outcome_id),
        "start": STARTED,
        "end": "2027-06-30",
        "approach": approach,
        "measures": MEASURES,
        "contributions": CONTRIBUTIONS,
        # The budget of a pooled outcome is the total of its contributions.
        "budget": 100_000,
    }


def propose(manager: httpx.Client, outcome_id: str, **extra: Any) -> dict[str, Any]:
    body = {"outcome_ids": [outcome_id], "time_limit_s": TIME_LIMIT_S, **extra}
    proposal: dict[str, Any] = ok(manager.post("/v1/staffing/proposals", json=body), 201)
    assert proposal["status"] in {"optimal", "feasible"}, proposal
    return proposal


@pytest.fixture(scope="module")
def closed_outcome(manager: httpx.Client, town: list[Resident]) -> dict[str, Any]:
    """Commissioned with measures and a pooled budget, staffed, committed, a result recorded."""
    ok(manager.post("/v1/outcomes", json=learning_outcome(CLOSED, "preventative")), 201)
    proposal = propose(manager, CLOSED)
    ok(manager.post(f"/v1/staffing/proposals/{proposal['id']}/commit"))
    return proposal


def test_measures_approach_and_contributions_round_trip(
    manager: httpx.Client, planner: httpx.Client, closed_outcome: dict[str, Any]
) -> None:
    outcome = ok(planner.get(f"/v1/outcomes/{CLOSED}"))
    assert outcome["approach"] == "preventative"
    assert [m["id"] for m in outcome["measures"]] == ["lonely", "visits"]
    assert outcome["measures"][0]["direction"] == "lower_is_better"
    assert outcome["measures"][1]["direction"] == "higher_is_better"
    assert [
        (c["organisation"], c["sector"], c["amount"], c["restricted_to"])
        for c in outcome["contributions"]
    ] == [
        ("Northfield Council", "public", 60_000, None),
        ("Northfield Community Trust", "third_sector", 40_000, "third_sector"),
    ]
    assert outcome["state"] == "open" and outcome["assessment"] is None


def test_the_proposal_shows_the_cost_against_each_contribution(
    closed_outcome: dict[str, Any],
) -> None:
    [team] = closed_outcome["teams"]
    uses = {use["organisation"]: use for use in team["contributions"]}
    assert set(uses) == {"Northfield Council", "Northfield Community Trust"}
    assert all(use["used"] <= use["amount"] + 1e-6 for use in uses.values())
    assert sum(use["used"] for use in uses.values()) == pytest.approx(team["cost"], abs=0.01)


def test_results_are_recorded_by_managers_and_read_by_planners(
    manager: httpx.Client, planner: httpx.Client, closed_outcome: dict[str, Any]
) -> None:
    path = f"/v1/outcomes/{CLOSED}/results"
    first = ok(
        manager.post(
            path,
            json={"measure_id": "lonely", "value": 26, "date": STARTED, "source": "survey"},
        ),
        201,
    )
    assert (first["outcome_id"], first["measure_id"], first["value"]) == (CLOSED, "lonely", 26)
    assert first["recorded_at"]
    ok(manager.post(path, json={"measure_id": "lonely", "value": 19, "date": TODAY}), 201)
    ok(manager.post(path, json={"measure_id": "visits", "value": 150, "date": TODAY}), 201)

    assert (
        planner.post(path, json={"measure_id": "lonely", "value": 1, "date": TODAY}).status_code
        == 403
    )
    unknown = manager.post(path, json={"measure_id": "smiles", "value": 1, "date": TODAY})
    assert unknown.status_code == 422, unknown.text
    assert unknown.headers["content-type"].startswith("application/problem+json")
    assert [e["field"] for e in unknown.json()["errors"]] == ["measure_id"]

    listed = ok(planner.get(path))["items"]
    assert sorted((r["measure_id"], r["value"]) for r in listed) == [
        ("lonely", 19),
        ("lonely", 26),
        ("visits", 150),
    ]
    only = ok(planner.get(path, params={"measure_id": "visits"}))["items"]
    assert [r["value"] for r in only] == [150]


def test_closing_keeps_the_team_as_history_and_is_final(
    manager: httpx.Client,
    planner: httpx.Client,
    closed_outcome: dict[str, Any],
    town: list[Resident],
) -> None:
    close = f"/v1/outcomes/{CLOSED}/close"
    assert planner.post(close, json={"assessment": "met"}).status_code == 403
    bad = manager.post(close, json={"assessment": "caused"})
    assert bad.status_code == 422
    assert [e["field"] for e in bad.json()["errors"]] == ["assessment"]

    closed = ok(manager.post(close, json={"assessment": "met", "note": "loneliness below target"}))
    assert (closed["state"], closed["assessment"], closed["closed_on"]) == ("closed", "met", TODAY)
    assert closed["assessment_note"] == "loneliness below target"
    assert manager.post(close, json={"assessment": "not_met"}).status_code == 409

    history = ok(planner.get(f"/v1/outcomes/{CLOSED}/team-history"))["items"]
    [team] = closed_outcome["teams"]
    assert sorted((m["person_id"], m["role_id"]) for m in history) == sorted(
        (a["person_id"], a["role_id"]) for a in team["assignments"]
    )
    sectors = {p.id: p.sector for p in town}
    assert all(m["sector"] == sectors[m["person_id"]] for m in history)
    assert all(m["fte"] == pytest.approx(0.2) and m["end"] == TODAY for m in history)
    # A person's own history: the closed outcomes they served on.
    member = history[0]
    served = ok(planner.get(f"/v1/people/{member['person_id']}/team-history"))["items"]
    assert [(m["outcome_id"], m["role_id"]) for m in served] == [(CLOSED, member["role_id"])]
    assert planner.get("/v1/people/nobody-here/team-history").status_code == 404


def test_a_closed_outcome_is_no_longer_staffed_replaced_or_deleted(
    manager: httpx.Client, planner: httpx.Client, closed_outcome: dict[str, Any]
) -> None:
    if ok(planner.get(f"/v1/outcomes/{CLOSED}"))["state"] != "closed":
        ok(manager.post(f"/v1/outcomes/{CLOSED}/close", json={"assessment": "met"}))
    replaced = manager.put(f"/v1/outcomes/{CLOSED}", json=learning_outcome(CLOSED, "responsive"))
    assert replaced.status_code == 409, replaced.text
    assert manager.delete(f"/v1/outcomes/{CLOSED}").status_code == 409
    refused = manager.post(
        "/v1/staffing/proposals", json={"outcome_ids": [CLOSED], "time_limit_s": TIME_LIMIT_S}
    )
    assert refused.status_code == 409, refused.text
    assert "closed" in refused.json()["detail"]


def report(planner: httpx.Client, **params: Any) -> dict[str, Any]:
    found: dict[str, Any] = ok(planner.get("/v1/learning", params=params))
    return found


def test_the_learning_report_counts_every_figure_and_withholds_small_groups(
    manager: httpx.Client, planner: httpx.Client, closed_outcome: dict[str, Any]
) -> None:
    if ok(planner.get(f"/v1/outcomes/{CLOSED}"))["state"] != "closed":
        ok(manager.post(f"/v1/outcomes/{CLOSED}/close", json={"assessment": "met"}))

    # One closed outcome is under the default minimum: counts, no figures.
    withheld = report(planner)
    assert withheld["group_by"] == "locality" and withheld["min_group_size"] > 1
    [group] = withheld["groups"]
    assert (group["key"], group["outcomes"], group["reported"]) == ("northfield", 1, False)
    assert group["figures"] and all(f["value"] is None for f in group["figures"])
    assert all(f["count"] >= 0 for f in group["figures"])
    notes = " ".join(withheld["notes"]).lower()
    assert "associated with" in notes
    assert "caused by" not in notes

    shown = report(planner, group_by="approach", min_group_size=1)
    [group] = shown["groups"]
    assert (group["key"], group["reported"]) == ("preventative", True)
    figures = {f["name"]: f for f in group["figures"]}
    assert figures["met_share"]["value"] == pytest.approx(1.0)
    assert figures["met_share"]["count"] == 1
    # The team rules asked for a community member among five.
    assert 0 < figures["community_share"]["value"] <= 0.4
    assert figures["sector_count"]["value"] >= 3
    assert all(f["value"] is not None and f["count"] >= 1 for f in figures.values())
    assert {(c["sector"], c["amount"]) for c in group["contributions"]} == {
        ("public", 60_000),
        ("third_sector", 40_000),
    }
    [by_priority] = report(planner, group_by="priority", min_group_size=1)["groups"]
    assert by_priority["key"] == "5"

    too_small = planner.get("/v1/learning", params={"min_group_size": 0})
    assert too_small.status_code == 422
    assert [e["field"] for e in too_small.json()["errors"]] == ["min_group_size"]
    assert planner.get("/v1/learning", params={"group_by": "colour"}).status_code == 422

    export = planner.get("/v1/exports/learning.csv", params={"group_by": "approach"})
    assert export.status_code == 200, export.text
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    met = next(r for r in rows if r["section"] == "figure" and r["name"] == "met_share")
    assert (met["group"], met["reported"], met["value"], met["count"]) == (
        "preventative",
        "no",
        "",
        "1",
    )
    assert any(r["section"] == "note" and "associated with" in r["detail"] for r in rows)


def lps(stack: LocalStack, key: str, *args: str) -> str:
    done = CliRunner().invoke(
        cli.app, list(args), env={"LPS_URL": stack.gateway_url, "LPS_KEY": key, "COLUMNS": "200"}
    )
    assert done.exit_code == 0, done.output
    return done.output


def test_the_lps_client_records_results_and_reads_the_learning_report(
    stack: LocalStack,
    admin: httpx.Client,
    manager: httpx.Client,
    planner: httpx.Client,
    closed_outcome: dict[str, Any],
) -> None:
    if ok(planner.get(f"/v1/outcomes/{CLOSED}"))["state"] != "closed":
        ok(manager.post(f"/v1/outcomes/{CLOSED}/close", json={"assessment": "met"}))
    manager_key, planner_key = issue_key(admin, "manager"), issue_key(admin, "planner")
    added = lps(stack, manager_key, "results", "add", CLOSED, "visits", "180", "--source", "log")
    assert f"visits = 180 on {TODAY} for {CLOSED}" in added
    listed = lps(stack, planner_key, "results", "list", CLOSED, "--measure", "visits")
    assert "180" in listed and "200" in listed  # the value beside the measure's target
    history = lps(stack, planner_key, "outcomes", "history", CLOSED)
    assert "architect" in history and "community" in history

    table = lps(stack, planner_key, "learning", "--group-by", "approach", "--min-group-size", "1")
    assert "associated with" in table
    met = next(line for line in table.splitlines() if "share of outcomes met" in line)
    assert "1.00" in met and " 1 " in met
    withheld = lps(stack, planner_key, "learning")
    assert "withheld" in withheld
    exported = lps(stack, planner_key, "learning", "--csv", "--group-by", "priority")
    assert exported.startswith("section,group,outcomes,reported,name,label,value,count,detail")
    refused = CliRunner().invoke(
        cli.app,
        ["outcomes", "close", CLOSED, "--assessment", "met"],
        env={"LPS_URL": stack.gateway_url, "LPS_KEY": manager_key},
    )
    assert refused.exit_code == 1 and "409" in refused.output


def test_collaboration_rewards_people_who_worked_together_on_a_met_outcome(
    manager: httpx.Client, closed_outcome: dict[str, Any]
) -> None:
    ok(manager.post("/v1/outcomes", json=learning_outcome(LATER, "responsive")), 201)
    proposal = propose(manager, LATER, weights={"collaboration": 5.0})
    [team] = proposal["teams"]
    assert team["unfilled"] == []
    reasons = [reason for a in team["assignments"] for reason in a["reasons"]]
    assert any(f"on {CLOSED}, met" in reason and "worked with" in reason for reason in reasons), (
        reasons
    )
    # Off by default: the same request without the weight names no collaboration.
    plain = propose(manager, LATER)
    assert not any(
        "worked with" in reason for a in plain["teams"][0]["assignments"] for reason in a["reasons"]
    )


def test_a_development_placement_learns_from_the_team_s_experts(
    manager: httpx.Client, town: list[Resident]
) -> None:
    """Two expert architects fit; a third place below the minimum fit goes to the
    architect novice, who lacks essential skills the experts hold at level 4."""
    outcome = {
        **staffed_outcome("learning-stretch"),
        "start": STARTED,
        "slots": [
            {
                "role_id": "architect",
                "count": 3,
                "fte": 0.1,
                "min_fit": 0.9,
                "development_floor": 0.1,
            }
        ],
        "rules": {"locality": "any"},
    }
    created = ok(manager.post("/v1/outcomes", json=outcome), 201)
    assert created["slots"][0]["development_floor"] == pytest.approx(0.1)
    [team] = propose(manager, "learning-stretch")["teams"]
    placements = [a for a in team["assignments"] if a["development"]]
    assert [a["person_id"] for a in placements] == ["novice-3"], team
    [placement] = placements
    assert placement["fit"] < 0.9
    assert placement["learns_skill_ids"]
    assert set(placement["learns_skill_ids"]) <= set(ROLE_SKILLS["architect"])
    experts = {a["person_id"] for a in team["assignments"] if not a["development"]}
    assert experts == {"arch-1", "arch-2"}


def test_erasure_keeps_role_and_sector_in_the_history_but_not_the_person(
    hr: httpx.Client,
    manager: httpx.Client,
    planner: httpx.Client,
    closed_outcome: dict[str, Any],
) -> None:
    if ok(planner.get(f"/v1/outcomes/{CLOSED}"))["state"] != "closed":
        ok(manager.post(f"/v1/outcomes/{CLOSED}/close", json={"assessment": "met"}))
    before = ok(planner.get(f"/v1/outcomes/{CLOSED}/team-history"))["items"]
    leaver = next(m for m in before if m["sector"] == "community")
    assert hr.delete(f"/v1/people/{leaver['person_id']}").status_code == 204

    after = ok(planner.get(f"/v1/outcomes/{CLOSED}/team-history"))["items"]
    assert len(after) == len(before)
    assert leaver["person_id"] not in {m["person_id"] for m in after}
    [erased] = [m for m in after if m["person_id"] is None]
    assert (erased["role_id"], erased["sector"], erased["fte"]) == (
        leaver["role_id"],
        "community",
        leaver["fte"],
    )
