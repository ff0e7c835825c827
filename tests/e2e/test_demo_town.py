"""The demo town of `make up`, loaded through the gateway as `make up` loads it:
its past of closed outcomes gives the planner's learning report groups with
figures and groups withheld, its open outcomes are still the team builder's
to staff, and loading it again into a graph with people changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.demo_data import PAST_OUTCOMES, load_demo_data, make_outcomes
from deploy.run_local import LocalStack
from tests.e2e.conftest import client_with_key

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

# What README's "Shared learning" promises of the demo: (outcomes, reported) per group.
BY_LOCALITY = {
    "ashbridge-north": (5, True),
    "ashbridge-south": (2, False),
    "hillcrest": (5, True),
    "old-town": (2, False),
}
BY_APPROACH = {"preventative": (7, True), "responsive": (6, True), "unspecified": (1, False)}


@pytest.fixture(scope="module")
def keys(stack: LocalStack) -> dict[str, str]:
    return load_demo_data(stack.gateway_url, stack.admin_key)


@pytest.fixture(scope="module")
def planner(stack: LocalStack, keys: dict[str, str]) -> Iterator[httpx.Client]:
    with client_with_key(stack, keys["planner"]) as client:
        yield client


def report(planner: httpx.Client, group_by: str) -> dict[str, Any]:
    answer = planner.get("/v1/learning", params={"group_by": group_by})
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


def sizes(found: dict[str, Any]) -> dict[str, tuple[int, bool]]:
    return {group["key"]: (group["outcomes"], group["reported"]) for group in found["groups"]}


@pytest.mark.parametrize(
    ("group_by", "expected"), [("locality", BY_LOCALITY), ("approach", BY_APPROACH)]
)
def test_the_learning_report_has_groups_to_show_and_groups_withheld(
    planner: httpx.Client, group_by: str, expected: dict[str, tuple[int, bool]]
) -> None:
    found = report(planner, group_by)
    assert found["min_group_size"] == 5
    assert sizes(found) == expected
    for group in found["groups"]:
        values = {figure["name"]: figure["value"] for figure in group["figures"]}
        counts = {figure["count"] for figure in group["figures"]}
        # Every closed demo outcome has a team, results and an assessment.
        assert counts == {group["outcomes"]}, group
        if group["reported"]:
            assert None not in values.values(), group
            assert 0.0 <= values["met_share"] <= 1.0 and 0.0 <= values["progress"] <= 1.0
        else:
            assert set(values.values()) == {None}, group
    assert any("associated with" in note for note in found["notes"])


def test_some_budgets_are_pooled_from_several_sectors(planner: httpx.Client) -> None:
    found = report(planner, "approach")
    pooled = {
        group["key"]: {c["sector"] for c in group["contributions"]} for group in found["groups"]
    }
    assert {"public", "third_sector", "private", "community"} <= pooled["preventative"]


def test_a_closed_outcome_keeps_its_team_and_its_results_over_time(
    planner: httpx.Client,
) -> None:
    closed_id = PAST_OUTCOMES[0].id
    outcome = planner.get(f"/v1/outcomes/{closed_id}").json()
    assert outcome["state"] == "closed" and outcome["assessment"] == PAST_OUTCOMES[0].assessment
    team = planner.get(f"/v1/outcomes/{closed_id}/team-history").json()["items"]
    assert len(team) == 4 and all(member["person_id"] for member in team)
    results = planner.get(f"/v1/outcomes/{closed_id}/results").json()["items"]
    assert len({result["date"] for result in results}) == 3


def test_the_open_outcomes_are_left_for_the_team_builder(planner: httpx.Client) -> None:
    for outcome in make_outcomes():
        found = planner.get(f"/v1/outcomes/{outcome['id']}").json()
        assert found["state"] == "open"
        lines = planner.get(f"/v1/outcomes/{outcome['id']}/assignments").json()["items"]
        assert [line for line in lines if line["state"] == "committed"] == [], outcome["id"]


def test_who_worked_together_on_a_met_outcome_can_be_placed_together_again(
    stack: LocalStack, keys: dict[str, str]
) -> None:
    body = {
        "outcome_ids": [make_outcomes()[0]["id"]],
        "time_limit_s": 5,
        "weights": {"collaboration": 1.0},
    }
    with client_with_key(stack, keys["manager"]) as manager:
        answer = manager.post("/v1/staffing/proposals", json=body)
    assert answer.status_code == 201, answer.text
    reasons = [
        reason
        for team in answer.json()["teams"]
        for assignment in team["assignments"]
        for reason in assignment["reasons"]
    ]
    assert any(reason.startswith("worked with ") and reason.endswith(", met") for reason in reasons)


def test_loading_again_leaves_the_town_as_it_was(
    stack: LocalStack, keys: dict[str, str], planner: httpx.Client
) -> None:
    before = report(planner, "locality")
    again = load_demo_data(stack.gateway_url, stack.admin_key, keys)
    assert again == keys
    assert report(planner, "locality") == before
