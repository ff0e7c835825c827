"""A day of each persona, through HTTP only, against Neo4j and the three
services running as separate processes.

The tests of this module share one stack and one town (imported once by HR);
each test creates the outcomes it needs under its own ids.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from deploy.run_local import LocalStack
from services.gateway import cli
from tests.e2e.conftest import client_with_key, issue_key
from tests.e2e.town import (
    FORMULA_ORGANISATION,
    PEOPLE_COLUMNS,
    Resident,
    people_csv,
    residents,
    staffed_outcome,
)

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

PERSONAS = ("hr", "manager", "planner")
# Small solver limits keep the tier quick; the town is small enough to prove optimality.
TIME_LIMIT_S = 5.0


@pytest.fixture(scope="module")
def hr(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with client_with_key(stack, issue_key(admin, "hr")) as client:
        yield client


@pytest.fixture(scope="module")
def manager(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with client_with_key(stack, issue_key(admin, "manager")) as client:
        yield client


@pytest.fixture(scope="module")
def planner(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with client_with_key(stack, issue_key(admin, "planner")) as client:
        yield client


@pytest.fixture(scope="module")
def town() -> list[Resident]:
    return residents()


@pytest.fixture(scope="module")
def town_imported(hr: httpx.Client, town: list[Resident]) -> dict[str, Any]:
    """HR's first task of the day: the staff spreadsheet goes in."""
    answer = hr.post(
        "/v1/imports/people",
        content=people_csv(town).encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


def all_pages(client: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    token = ""
    while True:
        answer = client.get(path, params={**params, "page_token": token} if token else params)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        items.extend(page["items"])
        token = page["next_page_token"] or ""
        if not token:
            return items


def team_of(proposal: dict[str, Any], outcome_id: str) -> dict[str, Any]:
    teams = [team for team in proposal["teams"] if team["outcome_id"] == outcome_id]
    assert len(teams) == 1, proposal
    team: dict[str, Any] = teams[0]
    return team


def sector_of(town: list[Resident], person_id: str) -> str:
    return next(person.sector for person in town if person.id == person_id)


def test_hr_imports_the_staff_and_corrects_a_level(
    hr: httpx.Client,
    admin: httpx.Client,
    town: list[Resident],
    town_imported: dict[str, Any],
) -> None:
    rows = sum(len(person.levels) for person in town)
    assert town_imported["errors"] == []
    assert town_imported["rows_read"] == rows
    assert town_imported["levels_written"] == rows

    imported = all_pages(hr, "/v1/people", {"page_size": 100})
    assert {p["id"]: {s["skill_id"]: s["level"] for s in p["skills"]} for p in imported} == {
        p.id: p.levels for p in town
    }
    again = hr.post(
        "/v1/imports/people",
        content=people_csv(town).encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert again.status_code == 200, again.text
    assert again.json()["errors"] == []
    assert all_pages(hr, "/v1/people", {"page_size": 100}) == imported

    before = hr.get("/v1/people/novice-1/fit", params={"role": "storyteller"})
    assert before.status_code == 200, before.text
    assert "narrative-communication" in before.json()["essential_gaps"]

    corrected = hr.put(
        "/v1/people/novice-1/skills/narrative-communication",
        json={"level": 3, "source": "assessment", "evidence": "observed at the ward forum"},
    )
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["level"] == 3
    assert corrected.json()["source"] == "assessment"

    after = hr.get("/v1/people/novice-1/fit", params={"role": "storyteller"}).json()
    assert after["fit"] > before.json()["fit"]
    narrative = next(r for r in after["requirements"] if r["skill_id"] == "narrative-communication")
    assert narrative["status"] == "met"
    assert "narrative-communication" not in after["essential_gaps"]

    # The correction is in the audit trail under HR's key.
    audit = admin.get("/v1/audit", params={"page_size": 100}).json()["items"]
    targets = {(entry["target"], entry["status"]) for entry in audit}
    assert ("/v1/people/novice-1/skills/narrative-communication", 200) in targets
    assert ("/v1/imports/people", 200) in targets


ESCO_SKILLS = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description\n"
    "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/e2e-care,"
    "skill/competence,sector-specific,provide home care,"
    '"home care\ndomiciliary care",,released,2024-01-01,,,,Support people at home.\n'
    "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/e2e-social,"
    "skill/competence,cross-sector,social work,,,released,2024-01-01,,,,Social work.\n"
)
ESCO_BROADER = (
    "conceptType,conceptUri,broaderType,broaderUri\n"
    "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/e2e-care,"
    "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/e2e-social\n"
)


def test_hr_imports_esco_skills_and_their_hierarchy(hr: httpx.Client) -> None:
    for text in (ESCO_SKILLS, ESCO_BROADER, ESCO_SKILLS):
        answer = hr.post(
            "/v1/imports/skills", content=text.encode(), headers={"Content-Type": "text/csv"}
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["errors"] == []
    found = hr.get("/v1/skills", params={"q": "domiciliary"}).json()["items"]
    assert [s["id"] for s in found] == ["e2e-care"]
    assert found[0]["uri"] == "http://data.europa.eu/esco/skill/e2e-care"
    assert found[0]["alt_labels"] == ["home care", "domiciliary care"]
    assert hr.get("/v1/skills/e2e-care").json()["broader"] == ["e2e-social"]


def test_hr_finds_people_by_filter_page_by_page(
    hr: httpx.Client, town: list[Resident], town_imported: dict[str, Any]
) -> None:
    community = all_pages(hr, "/v1/people", {"sector": "community", "page_size": 2})
    assert sorted(p["id"] for p in community) == sorted(
        p.id for p in town if p.sector == "community"
    )
    experts = all_pages(
        hr, "/v1/people", {"skill": "public-engagement", "min_level": 4, "page_size": 1}
    )
    assert sorted(p["id"] for p in experts) == ["story-1", "story-2"]


def test_hr_exports_people_with_formulas_neutralised(
    hr: httpx.Client, town_imported: dict[str, Any]
) -> None:
    answer = hr.get("/v1/exports/people.csv")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    formula_rows = [row for row in rows if row["id"] == "formula-1"]
    assert formula_rows, "the person with a formula-like organisation is exported"
    assert formula_rows[0]["organisation"] == "'" + FORMULA_ORGANISATION
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


def test_manager_staffs_an_outcome_pins_a_person_and_commits(
    manager: httpx.Client,
    admin: httpx.Client,
    town: list[Resident],
    town_imported: dict[str, Any],
) -> None:
    outcome_id = "isolation-northfield"
    idempotency = {"Idempotency-Key": uuid.uuid4().hex}
    created = manager.post("/v1/outcomes", json=staffed_outcome(outcome_id), headers=idempotency)
    assert created.status_code == 201, created.text
    # A retried POST gets the first answer, not a 409 for the id it created.
    retried = manager.post("/v1/outcomes", json=staffed_outcome(outcome_id), headers=idempotency)
    assert retried.status_code == 201, retried.text
    assert retried.json() == created.json()
    assert retried.headers.get("idempotent-replayed") == "true"
    outcomes = all_pages(manager, "/v1/outcomes", {"locality": "northfield"})
    assert [o["id"] for o in outcomes].count(outcome_id) == 1
    # The trail names the outcome created, and tells the replay, which wrote nothing, apart.
    trail = admin.get("/v1/audit", params={"page_size": 100}).json()["items"]
    creations = [e for e in trail if e["target"] == f"/v1/outcomes/{outcome_id}"]
    assert sorted(e["action"] for e in creations) == [
        "POST /v1/outcomes (replayed)",
        "create_outcome",
    ]

    first = manager.post(
        "/v1/staffing/proposals",
        json={"outcome_ids": [outcome_id], "time_limit_s": TIME_LIMIT_S},
    )
    assert first.status_code == 201, first.text
    proposal = first.json()
    assert proposal["status"] in {"optimal", "feasible"}, proposal
    team = team_of(proposal, outcome_id)
    assert team["unfilled"] == []
    assert Counter(a["role_id"] for a in team["assignments"]) == {
        "architect": 1,
        "navigator": 2,
        "storyteller": 1,
        "weaver": 1,
    }
    sectors = [sector_of(town, a["person_id"]) for a in team["assignments"]]
    assert len(set(sectors)) >= 3
    assert "community" in sectors

    chosen = {a["person_id"] for a in team["assignments"]}
    navigators = [p.id for p in town if p.id.startswith("nav-")]
    pinned = next(person for person in navigators if person not in chosen)
    second = manager.post(
        "/v1/staffing/proposals",
        json={
            "outcome_ids": [outcome_id],
            "pins": [{"person_id": pinned, "outcome_id": outcome_id, "role_id": "navigator"}],
            "time_limit_s": TIME_LIMIT_S,
        },
    )
    assert second.status_code == 201, second.text
    repinned = second.json()
    assert repinned["id"] != proposal["id"]
    team = team_of(repinned, outcome_id)
    assert {"person_id": pinned, "role_id": "navigator"}.items() <= next(
        a for a in team["assignments"] if a["person_id"] == pinned
    ).items()
    assert team["unfilled"] == []
    assert len({sector_of(town, a["person_id"]) for a in team["assignments"]}) >= 3

    committed = manager.post(f"/v1/staffing/proposals/{repinned['id']}/commit")
    assert committed.status_code == 200, committed.text
    assert committed.json()["committed"] is True
    states = {a["state"] for t in committed.json()["teams"] for a in t["assignments"]}
    assert states == {"committed"}
    stored = manager.get(f"/v1/staffing/proposals/{repinned['id']}").json()
    assert stored["committed"] is True

    # The first proposal staffed the same slots: committing it too is refused, not doubled.
    stale = manager.post(f"/v1/staffing/proposals/{proposal['id']}/commit")
    assert stale.status_code == 409, stale.text
    assert stale.headers["content-type"].startswith("application/problem+json")


def test_planner_reads_the_gaps_left_in_the_town(
    manager: httpx.Client, planner: httpx.Client, town_imported: dict[str, Any]
) -> None:
    stories = {
        "id": "stories-northfield",
        "title": "Northfield tells its own story",
        "locality": "northfield",
        "priority": 3,
        "budget": 50_000,
        "start": "2027-01-04",
        "end": "2027-06-30",
        "days": 30,
        "slots": [{"role_id": "storyteller", "count": 4, "fte": 0.5, "min_fit": 0.7}],
        "rules": {"min_sectors": 1},
    }
    assert manager.post("/v1/outcomes", json=stories).status_code == 201

    answer = planner.get("/v1/gaps")
    assert answer.status_code == 200, answer.text
    report = answer.json()
    storytellers = next(r for r in report["roles"] if r["role_id"] == "storyteller")
    assert storytellers["demanded"] >= 4
    assert storytellers["unfilled"] >= 2
    blocked = [
        b
        for b in report["blocked_slots"]
        if b["outcome_id"] == "stories-northfield" and b["role_id"] == "storyteller"
    ]
    assert blocked and blocked[0]["count"] >= 2, report["blocked_slots"]
    assert set(blocked[0]["blocking_skill_ids"]) & {
        "narrative-communication",
        "public-engagement",
    }
    closest = [c for c in report["closest"] if c["role_id"] == "storyteller"]
    novices = [c for c in closest if c["person_id"] in {"novice-1", "novice-2"}]
    assert novices, closest
    for person in novices:
        assert person["steps"], person
        assert all(step["to_level"] > step["from_level"] for step in person["steps"])
    # Demand is the open places: a role's row adds up its slots' open places, and a
    # place already committed (earlier tests commit the town's team) is not demand.
    for row in report["roles"]:
        slots = [s for s in report["slots"] if s["role_id"] == row["role_id"]]
        assert row["demanded"] == sum(s["open"] for s in slots) > 0, report["slots"]
        assert all(s["open"] == s["places"] - s["committed"] for s in slots), slots

    one_role = planner.get("/v1/gaps", params={"role": "storyteller"}).json()
    assert {r["role_id"] for r in one_role["roles"]} == {"storyteller"}
    assert {c["role_id"] for c in one_role["closest"]} == {"storyteller"}
    elsewhere = planner.get("/v1/gaps", params={"locality": "elsewhere"}).json()
    assert elsewhere["roles"] == [] and elsewhere["blocked_slots"] == []

    one_outcome = planner.get("/v1/gaps/outcomes/stories-northfield").json()
    assert {r["role_id"] for r in one_outcome["roles"]} == {"storyteller"}
    assert one_outcome["blocked_slots"]

    exported = planner.get("/v1/exports/gaps.csv", params={"role": "storyteller"})
    assert exported.status_code == 200, exported.text
    assert "stories-northfield" in exported.text

    candidates = planner.get(
        "/v1/roles/storyteller/candidates", params={"sector": "public", "limit": 3}
    ).json()["items"]
    assert candidates[0]["person"]["id"] == "story-2"
    assert {c["person"]["sector"] for c in candidates} == {"public"}

    refused = planner.post("/v1/outcomes", json={**stories, "id": "planner-outcome"})
    assert refused.status_code == 403


def test_the_contract_is_published(stack: LocalStack) -> None:
    with httpx.Client(base_url=stack.gateway_url) as anonymous:
        spec = anonymous.get("/openapi.json")
        assert spec.status_code == 200
        document = spec.json()
        assert document["openapi"].startswith("3.1")
        for path in (
            "/v1/people",
            "/v1/people/{person_id}/fit",
            "/v1/imports/people",
            "/v1/staffing/proposals",
            "/v1/staffing/proposals/{proposal_id}/commit",
            "/v1/gaps",
            "/v1/gaps/outcomes/{outcome_id}",
            "/v1/keys",
            "/v1/audit",
        ):
            assert path in document["paths"], path
        outcome = document["components"]["schemas"]["OutcomeCreate"]
        assert {"title", "start", "end", "slots"} <= set(outcome["required"])
        docs = anonymous.get("/docs")
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()


def test_no_answer_tells_which_keys_exist(stack: LocalStack, admin: httpx.Client) -> None:
    issued = admin.post("/v1/keys", json={"name": "soon revoked", "scopes": ["planner"]})
    assert issued.status_code == 201, issued.text
    revoked_key = issued.json()["key"]
    assert admin.delete(f"/v1/keys/{issued.json()['id']}").status_code == 204

    def refusal(headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with httpx.Client(base_url=stack.gateway_url, headers=headers) as client:
            answer = client.get("/v1/people")
        body = answer.json()
        body.pop("request_id")
        return answer.status_code, body

    answers = [
        refusal({}),
        refusal({"Authorization": "Bearer lps_" + "x" * 43}),
        refusal({"Authorization": f"Bearer {revoked_key}"}),
        refusal({"Authorization": "Basic dXNlcjpwYXNz"}),
    ]
    assert answers[0][0] == 401
    assert all(answer == answers[0] for answer in answers)


def lps(stack: LocalStack, key: str, *args: str) -> str:
    """Runs the `lps` client in process (it still talks HTTP to the stack); its output."""
    done = CliRunner().invoke(
        cli.app, list(args), env={"LPS_URL": stack.gateway_url, "LPS_KEY": key, "COLUMNS": "200"}
    )
    assert done.exit_code == 0, done.output
    return done.output


def test_the_lps_client_does_each_personas_task(
    stack: LocalStack, admin: httpx.Client, town_imported: dict[str, Any], tmp_path: Path
) -> None:
    installed = entry_points(group="console_scripts", name="lps")
    assert [script.value for script in installed] == ["services.gateway.cli:main"]
    hr_key, manager_key, planner_key = (issue_key(admin, scope) for scope in PERSONAS)
    people = tmp_path / "people.csv"
    people.write_text(
        ",".join(PEOPLE_COLUMNS)
        + "\ncli-1,Cleo,public,Council,northfield,1,300,,local-services-knowledge,4,,manager,"
        + "\ncli-1,Cleo,public,Council,northfield,1,300,,advice-and-signposting,4,,manager,"
        + "\ncli-2,Cal,public,Council,northfield,1,300,,empathy,six,,manager,"
        + "\ncli-3,Cas,community,,northfield,0.2,0,,empathy,3,,self,\n"
    )
    imported = lps(stack, hr_key, "people", "import", str(people))
    assert "2 people imported" in imported
    assert re.search(r"\b4\b.*\blevel\b", imported), imported
    fit = lps(stack, planner_key, "fit", "cli-1", "navigator")
    assert "cli-1 as navigator: fit" in fit and "empathy" in fit

    outcome = tmp_path / "outcome.yaml"
    outcome.write_text(
        "id: cli-outcome\ntitle: Advice at the library\nlocality: northfield\n"
        "start: 2027-02-01\nend: 2027-03-31\n"
        "slots:\n  - {role_id: navigator, count: 1, fte: 0.1, min_fit: 0.5}\n"
    )
    assert "created outcome cli-outcome" in lps(
        stack, manager_key, "outcomes", "create", str(outcome)
    )
    # Read while its place is open: a committed place is no longer demand.
    gaps = lps(stack, planner_key, "gaps", "--role", "navigator")
    assert "Roles" in gaps and "Closest people" in gaps and "navigator" in gaps
    # Each slot's own figures, so an easy slot cannot hide a short one.
    slots = gaps[gaps.index("Slots") : gaps.index("Blocked slots")]
    assert re.search(r"cli-outco\S*\s*│\s*navigator\s*│\s*1\s*│\s*0\s*│\s*1\s*│", slots), gaps
    proposed = lps(stack, manager_key, "propose", "cli-outcome", "--time-limit", "3")
    match = re.search(r"proposal (\S+): (optimal|feasible)", proposed)
    assert match, proposed
    assert "committed" in lps(stack, manager_key, "commit", match.group(1))
