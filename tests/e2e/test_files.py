"""HR's real files through the gateway on the running stack: ESCO's four
files (a small sample written for these tests, with the quirks real copies
have) imported in any order, spreadsheets in each encoding and delimiter,
form uploads, skills named by label or URI, ranked search, the offline
docs, and `lps` against a broken file and an unreachable gateway."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from deploy.local_neo4j import free_port
from deploy.run_local import LocalStack
from tests.e2e.conftest import client_with_key, issue_key
from tests.e2e.town import PEOPLE_COLUMNS

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

ESCO = "http://data.europa.eu/esco/skill/"
LPS = str(Path(sys.executable).parent / "lps")

# skills_en.csv, its columns in ESCO's order. Line 4 opens a quote in altLabels
# that it never closes before the next record; line 7 is shifted left by one
# (the label sits where the conceptUri belongs).
SKILLS_EN = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,"
    "status,modifiedDate,scopeNote,definition,inScheme,description\n"
    f"KnowledgeSkillCompetence,{ESCO}e2e-budget,skill/competence,cross-sector,"
    'manage budgets,"budget management\nmanaging budgets",,released,2024-01-01,,,,'
    '"Plan, monitor and report on the budget."\n'
    f'KnowledgeSkillCompetence,{ESCO}e2e-broken,skill/competence,,broken skill,"never closed,,'
    "released,2024-01-01,,,,Broken.\n"
    f"KnowledgeSkillCompetence,{ESCO}e2e-supplies,skill/competence,sector-specific,"
    "order supplies,,,released,2024-01-01,,,,Order goods and manage budgets for them.\n"
    f"KnowledgeSkillCompetence,{ESCO}e2e-listen,skill/competence,transversal,"
    "listen actively,active listening,,released,2024-01-01,,,,Give full attention.\n"
    "KnowledgeSkillCompetence,lead a team,skill/competence,transversal,lead teams,,,released,"
    "2024-01-01,,,,Lead.\n"
    f"KnowledgeSkillCompetence,{ESCO}e2e-listen-2,skill/competence,transversal,"
    "Listen Actively,,,released,2024-01-01,,,,The same label once more.\n"
)
# skillGroups_en.csv, columns in another order than ESCO's: read by name.
SKILL_GROUPS_EN = (
    "code,preferredLabel,conceptUri,conceptType,altLabels,description\n"
    f"S4.1,managing finance,{ESCO}e2e-finance,SkillGroup,,Money matters.\n"
    f"S4,management skills,{ESCO}e2e-management,SkillGroup,,Managing.\n"
)
# broaderRelationsSkillPillar.csv: skill to group, group to group, skill to skill.
BROADER_RELATIONS = (
    "conceptType,conceptUri,broaderType,broaderUri\n"
    f"KnowledgeSkillCompetence,{ESCO}e2e-budget,SkillGroup,{ESCO}e2e-finance\n"
    f"SkillGroup,{ESCO}e2e-finance,SkillGroup,{ESCO}e2e-management\n"
    f"KnowledgeSkillCompetence,{ESCO}e2e-supplies,KnowledgeSkillCompetence,{ESCO}e2e-budget\n"
)
# skillSkillRelations.csv.
SKILL_SKILL_RELATIONS = (
    "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n"
    f"{ESCO}e2e-budget,skill/competence,essential,skill/competence,{ESCO}e2e-listen\n"
    f"{ESCO}e2e-supplies,skill/competence,optional,skill/competence,{ESCO}e2e-listen\n"
)


@pytest.fixture(scope="module")
def hr(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    with client_with_key(stack, issue_key(admin, "hr")) as client:
        yield client


@pytest.fixture(scope="module")
def hr_key(admin: httpx.Client) -> str:
    return issue_key(admin, "hr")


def upload(client: httpx.Client, path: str, text: str) -> dict[str, Any]:
    answer = client.post(path, content=text.encode(), headers={"Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


@pytest.fixture(scope="module")
def esco(hr: httpx.Client) -> list[dict[str, Any]]:
    """The four files, relations first: each relation waits for its concepts."""
    return [
        upload(hr, "/v1/imports/skills", text)
        for text in (SKILL_SKILL_RELATIONS, BROADER_RELATIONS, SKILLS_EN, SKILL_GROUPS_EN)
    ]


def test_esco_four_files_in_any_order_build_the_hierarchy_and_relations(
    hr: httpx.Client, esco: list[dict[str, Any]]
) -> None:
    relations, broader, skills, groups = esco
    assert [r["kind"] for r in esco] == ["relations", "broader", "skills", "groups"]
    assert relations["relations_pending"] == 2
    assert broader["relations_pending"] == 5
    assert skills["relations_pending"] == 2
    assert groups["relations_pending"] == 0
    assert sum(r["relations_written"] for r in esco) == 5

    budget = hr.get("/v1/skills/e2e-budget").json()
    assert budget["broader"] == ["e2e-finance"]
    assert budget["alt_labels"] == ["budget management", "managing budgets"]
    assert budget["narrower"] == ["e2e-supplies"]
    assert budget["related"] == [{"skill_id": "e2e-listen", "similarity": 0.5}]
    finance = hr.get("/v1/skills/e2e-finance").json()
    assert finance["kind"] == "group"
    assert finance["broader"] == ["e2e-management"]
    assert finance["narrower"] == ["e2e-budget"]


def test_messy_rows_are_named_by_their_own_line(esco: list[dict[str, Any]]) -> None:
    skills = esco[2]
    errors = {(e["line"], e["field"]) for e in skills["errors"]}
    # The open quote on line 4, not the lines it swallowed; the shifted row on line 7.
    assert (4, "") in errors
    assert (7, "conceptUri") in errors
    assert len(errors) == 2
    shifted = next(e for e in skills["errors"] if e["line"] == 7)
    assert "not an ESCO concept URI" in shifted["reason"]
    assert skills["accepted"] == 4


def test_importing_esco_again_changes_nothing(hr: httpx.Client, esco: list[dict[str, Any]]) -> None:
    again = [
        upload(hr, "/v1/imports/skills", text)
        for text in (SKILLS_EN, SKILL_GROUPS_EN, BROADER_RELATIONS, SKILL_SKILL_RELATIONS)
    ]
    assert [r["relations_written"] for r in again] == [0, 0, 0, 0]
    assert again[-1]["relations_pending"] == 0


def test_search_finds_by_relevance_in_any_word_order(
    hr: httpx.Client, esco: list[dict[str, Any]]
) -> None:
    for query in ("manage budgets", "budgets manage", "Managing Budgets"):
        found = hr.get("/v1/skills", params={"q": query}).json()["items"]
        assert found[0]["id"] == "e2e-budget", query
    found = [s["id"] for s in hr.get("/v1/skills", params={"q": "manage budgets"}).json()["items"]]
    assert "e2e-supplies" in found


def people_file(delimiter: str, rows: list[list[str]]) -> str:
    return "\r\n".join(delimiter.join(row) for row in [list(PEOPLE_COLUMNS), *rows]) + "\r\n"


def person_row(person_id: str, name: str, skill: str, level: str = "3") -> list[str]:
    return [person_id, name, "public", "Ashbridge Council", "Northfield", "", "", "", skill, level]


def test_an_excel_file_in_windows_1252_with_semicolons_uploads_as_a_form(
    hr: httpx.Client, esco: list[dict[str, Any]]
) -> None:
    text = people_file(
        ";",
        [
            [*person_row("xl-1", "Zoë Brontë", "manage budgets"), "", "", ""],
            [*person_row("xl-1", "Zoë Brontë", ESCO + "e2e-supplies", "2"), "", "", ""],
            [*person_row("xl-1", "Zoë Brontë", "LISTEN ACTIVELY"), "", "", ""],
            [*person_row("xl-1", "Zoë Brontë", "managing finance"), "", "", ""],
            [*person_row("xl-1", "Zoë Brontë", "no such skill"), "", "", ""],
        ],
    )
    answer = hr.post(
        "/v1/imports/people",
        files={"file": ("staff.csv", text.encode("cp1252"), "text/csv")},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["encoding"], report["delimiter"]) == ("Windows-1252", "semicolon")
    errors = {e["line"]: e["reason"] for e in report["errors"]}
    assert set(errors) == {4, 5, 6}
    assert "e2e-listen" in errors[4] and "e2e-listen-2" in errors[4]
    assert "group" in errors[5]
    assert "names no skill" in errors[6]
    person = hr.get("/v1/people/xl-1").json()
    assert person["name"] == "Zoë Brontë"
    assert sorted(s["skill_id"] for s in person["skills"]) == ["e2e-budget", "e2e-supplies"]


@pytest.mark.parametrize(
    ("body", "encoding", "delimiter"),
    [
        (
            codecs.BOM_UTF8 + people_file(",", [person_row("bom-1", "Åsa", "e2e-budget")]).encode(),
            "UTF-8 with BOM",
            "comma",
        ),
        (
            people_file("\t", [person_row("tab-1", "Ørjan", "e2e-budget")]).encode("utf-16"),
            "UTF-16",
            "tab",
        ),
        (
            people_file(",", [person_row("cp-1", "Renée", "e2e-budget")]).encode("cp1252"),
            "Windows-1252",
            "comma",
        ),
    ],
)
def test_each_encoding_and_delimiter_as_text_csv(
    hr: httpx.Client, esco: list[dict[str, Any]], body: bytes, encoding: str, delimiter: str
) -> None:
    answer = hr.post("/v1/imports/people", content=body, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert (report["encoding"], report["delimiter"], report["errors"]) == (encoding, delimiter, [])
    assert report["accepted"] == 1


def test_an_unreadable_file_is_named_by_line_and_column(hr: httpx.Client) -> None:
    body = people_file(",", [person_row("bad-1", "Ann", "e2e-budget")]).encode() + b"x\x81y\r\n"
    answer = hr.post("/v1/imports/people", content=body, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 422
    assert "line 3, column 2" in answer.json()["errors"][0]["message"]


def test_other_media_types_are_refused_with_415(hr: httpx.Client) -> None:
    answer = hr.post("/v1/imports/skills", json={"rows": []})
    assert answer.status_code == 415
    assert "multipart/form-data" in answer.json()["detail"]


def test_a_403_names_the_scope_needed(stack: LocalStack, admin: httpx.Client) -> None:
    with client_with_key(stack, issue_key(admin, "planner")) as planner:
        answer = planner.post(
            "/v1/imports/people", content=b"id\n", headers={"Content-Type": "text/csv"}
        )
    assert answer.status_code == 403
    assert "hr" in answer.json()["detail"] and "admin" in answer.json()["detail"]


def test_the_docs_load_their_assets_from_the_gateway(stack: LocalStack) -> None:
    with httpx.Client(base_url=stack.gateway_url) as anonymous:
        page = anonymous.get("/docs").text
        assert "cdn" not in page.lower()
        assert "/docs-assets/swagger-ui-bundle.js" in page
        script = anonymous.get("/docs-assets/swagger-ui-bundle.js")
        assert script.status_code == 200 and len(script.content) > 100_000
        assert anonymous.get("/docs-assets/swagger-ui.css").status_code == 200


def run_lps(stack_url: str, key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LPS_URL": stack_url, "LPS_KEY": key, "COLUMNS": "200"}
    return subprocess.run(
        [LPS, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )


def test_lps_shows_labels_beside_ids(
    stack: LocalStack, hr_key: str, esco: list[dict[str, Any]], hr: httpx.Client
) -> None:
    upload(hr, "/v1/imports/people", people_file(",", [person_row("lbl-1", "Lu", "e2e-budget")]))
    done = run_lps(stack.gateway_url, hr_key, "people", "show", "lbl-1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "e2e-budget" in done.stdout and "manage budgets" in done.stdout


def test_lps_reports_a_broken_file_without_a_traceback(
    stack: LocalStack, hr_key: str, tmp_path: Path, esco: list[dict[str, Any]]
) -> None:
    broken = tmp_path / "broken.csv"
    broken.write_bytes(
        people_file(";", [person_row("cli-1", "Cé", "manage budgets")]).encode("cp1252")
        + b'cli-2;"Bo;public;;;;;;e2e-budget;2\r\n'
        + b"cli-3;Cy;public;;;;;;e2e-budget;2\r\n"
    )
    done = run_lps(stack.gateway_url, hr_key, "people", "import", str(broken))
    output = done.stdout + done.stderr
    assert "Traceback" not in output
    assert "Windows-1252" in output and "semicolon" in output
    assert "2 people imported" in output
    assert "never closed" in output

    undecodable = tmp_path / "undecodable.csv"
    undecodable.write_bytes(b"id,name\r\np1,\x81\r\n")
    done = run_lps(stack.gateway_url, hr_key, "people", "import", str(undecodable))
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    assert "line 2, column 4" in done.stdout


def test_lps_against_an_unreachable_gateway_says_so_in_one_sentence(hr_key: str) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    for args in (("people", "show", "p1"), ("gaps",)):
        done = run_lps(nowhere, hr_key, *args)
        assert done.returncode != 0
        assert "Traceback" not in done.stdout + done.stderr
        assert "Cannot reach the gateway" in done.stdout
