"""Bad input through the running gateway: each is a 4xx problem+json that
names the field at fault, never a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from deploy.run_local import LocalStack
from tests.e2e.conftest import client_with_key, issue_key
from tests.e2e.town import PEOPLE_COLUMNS, staffed_outcome

pytestmark = [pytest.mark.e2e, pytest.mark.neo4j]

# Over the gateway's default JSON limit of 1 MiB.
OVERSIZED = 1024 * 1024 + 1


@pytest.fixture(scope="module")
def client(stack: LocalStack, admin: httpx.Client) -> Iterator[httpx.Client]:
    """One key with every persona's scopes but admin's, so that refusals are about input."""
    with client_with_key(stack, issue_key(admin, "hr", "manager", "planner")) as client:
        yield client


def problem_of(answer: httpx.Response, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem: dict[str, Any] = answer.json()
    assert problem["status"] == status
    assert "Traceback" not in answer.text
    return problem


def fields_of(problem: dict[str, Any]) -> set[str]:
    return {error["field"] for error in problem["errors"]}


def test_malformed_json_is_a_400_naming_the_body(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/outcomes",
        content=b'{"title": "Half a body", "slots": [',
        headers={"Content-Type": "application/json"},
    )
    assert fields_of(problem_of(answer, 400)) == {"body"}


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/v1/people",
            {"id": "p-types", "name": "Pat", "sector": "public", "capacity_fte": "lots"},
            "capacity_fte",
        ),
        ("/v1/people", {"id": "p-sector", "name": "Pat", "sector": "martian"}, "sector"),
        ("/v1/people", {"id": 42, "name": "Pat", "sector": "public"}, "id"),
        (
            "/v1/outcomes",
            {**staffed_outcome("o-types"), "slots": [{"role_id": "weaver", "count": "two"}]},
            "slots[0].count",
        ),
        ("/v1/outcomes", {**staffed_outcome("o-dates"), "start": "next tuesday"}, "start"),
        (
            "/v1/outcomes",
            {k: v for k, v in staffed_outcome("o-undated").items() if k != "end"},
            "end",
        ),
        (
            "/v1/staffing/proposals",
            {"outcome_ids": "isolation-northfield", "time_limit_s": 1},
            "outcome_ids",
        ),
        (
            "/v1/staffing/proposals",
            {"outcome_ids": ["o"], "time_limit_s": 100_000},
            "time_limit_s",
        ),
        ("/v1/keys", {"name": "k", "scopes": ["root"]}, "scopes[0]"),
    ],
)
def test_wrong_types_are_a_422_naming_the_field(
    client: httpx.Client, admin: httpx.Client, path: str, body: dict[str, Any], field: str
) -> None:
    sender = admin if path == "/v1/keys" else client
    assert field in fields_of(problem_of(sender.post(path, json=body), 422))


def test_a_level_must_be_a_whole_number_in_range(client: httpx.Client) -> None:
    created = client.post("/v1/people", json={"id": "p-level", "name": "Lee", "sector": "public"})
    assert created.status_code == 201, created.text
    for level in ("3", 5, 2.5, None):
        answer = client.put("/v1/people/p-level/skills/empathy", json={"level": level})
        assert fields_of(problem_of(answer, 422)) == {"level"}, level


def test_numbers_that_are_not_numbers_are_refused(client: httpx.Client) -> None:
    for text in (
        '{"id":"p-nan","name":"N","sector":"public","day_rate":NaN}',
        '{"id":"p-inf","name":"N","sector":"public","capacity_fte":Infinity}',
        '{"id":"p-big","name":"N","sector":"public","day_rate":1e400}',
    ):
        answer = client.post(
            "/v1/people", content=text.encode(), headers={"Content-Type": "application/json"}
        )
        problem = problem_of(answer, 422)
        assert fields_of(problem) & {"day_rate", "capacity_fte"}, text


@pytest.mark.parametrize(
    ("content", "media_type"),
    [
        (b"[]", "application/json"),
        (b'"a person"', "application/json"),
        (b"", "application/json"),
        (b"{}", "application/json"),
        (b'{"id": "p-plain", "name": "P", "sector": "public"}', "text/plain"),
    ],
)
def test_a_body_that_is_no_person_is_refused(
    client: httpx.Client, content: bytes, media_type: str
) -> None:
    answer = client.post("/v1/people", content=content, headers={"Content-Type": media_type})
    assert 400 <= answer.status_code < 500, answer.text
    assert fields_of(problem_of(answer, answer.status_code))


def test_unknown_fields_are_refused_not_ignored(client: httpx.Client) -> None:
    answer = client.post(
        "/v1/people",
        json={"id": "p-extra", "name": "Pat", "sector": "public", "nickname": "P"},
    )
    assert fields_of(problem_of(answer, 422)) == {"nickname"}
    outcome = staffed_outcome("o-extra")
    outcome["rules"] = {**outcome["rules"], "min_sector": 3}  # type: ignore[dict-item]
    answer = client.post("/v1/outcomes", json=outcome)
    assert fields_of(problem_of(answer, 422)) == {"rules.min_sector"}
    assert client.get("/v1/people/p-extra").status_code == 404


def test_an_oversized_body_is_a_413(client: httpx.Client) -> None:
    padding = "x" * OVERSIZED
    declared = client.post(
        "/v1/outcomes", json={**staffed_outcome("o-big"), "description": padding}
    )
    assert fields_of(problem_of(declared, 413)) == {"body"}

    def chunks() -> Iterator[bytes]:
        # No Content-Length: the gateway must count what arrives.
        yield b'{"id": "p-chunked", "name": "'
        for _ in range(OVERSIZED // 65536 + 1):
            yield b"y" * 65536
        yield b'", "sector": "public"}'

    streamed = client.post(
        "/v1/people", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert fields_of(problem_of(streamed, 413)) == {"body"}
    assert client.get("/v1/people/p-chunked").status_code == 404


def test_query_parameters_are_checked(client: httpx.Client) -> None:
    assert "page_size" in fields_of(
        problem_of(client.get("/v1/people", params={"page_size": 0}), 422)
    )
    assert "min_level" in fields_of(
        problem_of(client.get("/v1/people", params={"min_level": "high"}), 422)
    )
    assert "page_token" in fields_of(
        problem_of(client.get("/v1/people", params={"page_token": "not-a-token"}), 422)
    )
    assert "page_token" in fields_of(
        problem_of(client.get("/v1/outcomes", params={"page_token": "!!"}), 422)
    )


def csv_row(*cells: str) -> str:
    return ",".join(cells) + "\n"


def test_a_csv_with_a_broken_row_keeps_the_good_rows(client: httpx.Client) -> None:
    header = ",".join(PEOPLE_COLUMNS) + "\n"
    body = (
        header
        + csv_row(
            "csv-1",
            "Ada",
            "public",
            "Council",
            "northfield",
            "1",
            "300",
            "",
            "empathy",
            "3",
            "",
            "manager",
            "",
        )
        # A quoted cell over two lines: line numbers count file lines, not records.
        + csv_row(
            "csv-2",
            "Bo",
            "community",
            '"Old Town\nResidents"',
            "northfield",
            "0.2",
            "0",
            "",
            "empathy",
            "2",
            "",
            "self",
            "",
        )
        + csv_row(
            "csv-3",
            "Cy",
            "public",
            "Council",
            "northfield",
            "1",
            "300",
            "",
            "empathy",
            "9",
            "",
            "manager",
            "",
        )
        + csv_row(
            "csv-4",
            "Di",
            "third_sector",
            "Advice",
            "northfield",
            "1",
            "250",
            "",
            "case-work",
            "2",
            "",
            "self",
            "",
        )
    )
    answer = client.post(
        "/v1/imports/people", content=body.encode(), headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert [(e["line"], e["id"], e["field"]) for e in report["errors"]] == [(5, "csv-3", "level")]
    assert report["rejected_rows"] == 1
    for person_id in ("csv-1", "csv-2", "csv-4"):
        assert client.get(f"/v1/people/{person_id}").status_code == 200, person_id
    assert client.get("/v1/people/csv-2").json()["organisation"] == "Old Town\nResidents"
    cy = client.get("/v1/people/csv-3")
    assert cy.status_code == 404 or cy.json()["skills"] == []


def test_a_csv_that_is_not_one_is_refused_by_field(client: httpx.Client) -> None:
    missing = client.post(
        "/v1/imports/people",
        content=b"id,name\ncsv-x,Ex\n",
        headers={"Content-Type": "text/csv"},
    )
    problem = problem_of(missing, 422)
    assert fields_of(problem) == {"body"}
    assert "sector" in problem["errors"][0]["message"]
    undecodable = client.post(
        "/v1/imports/people",
        content=(",".join(PEOPLE_COLUMNS) + "\nz,Zo").encode() + b"\x81\n",
        headers={"Content-Type": "text/csv"},
    )
    problem = problem_of(undecodable, 422)
    assert fields_of(problem) == {"body"}
    assert "line 2, column 5" in problem["errors"][0]["message"]
    as_json = client.post("/v1/imports/people", json={"rows": []})
    problem_of(as_json, 415)


def test_unknown_things_are_404_and_conflicts_409(client: httpx.Client) -> None:
    problem_of(client.get("/v1/people/nobody-here"), 404)
    problem_of(client.get("/v1/outcomes/no-such-outcome"), 404)
    problem_of(client.post("/v1/staffing/proposals/no-such-proposal/commit"), 404)
    problem_of(client.get("/v1/people/nobody-here/fit", params={"role": "weaver"}), 404)
    unknown_role = client.post(
        "/v1/outcomes",
        json={**staffed_outcome("o-role"), "slots": [{"role_id": "juggler", "count": 1}]},
    )
    assert unknown_role.status_code in {404, 422}, unknown_role.text
    assert unknown_role.headers["content-type"].startswith("application/problem+json")
    first = client.post("/v1/people", json={"id": "p-twice", "name": "Two", "sector": "public"})
    assert first.status_code == 201
    again = client.post("/v1/people", json={"id": "p-twice", "name": "Two", "sector": "public"})
    problem_of(again, 409)
