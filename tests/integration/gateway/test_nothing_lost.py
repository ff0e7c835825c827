"""Nothing lost: a re-import keeps what its file does not carry, an export
imported again changes nothing, levels keep their dates and their history,
and every record stays reachable and erasable."""

from __future__ import annotations

from datetime import date
from typing import Any

import grpc
import httpx
import pytest
from neo4j import Driver

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2
from services.common.settings import Neo4jSettings
from tests.integration.gateway.data import OUTCOME, PEOPLE_HEADER, create_skill
from tests.support.services import RunningGateway

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

CSV = {"Content-Type": "text/csv"}
ESCO_HEADER = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description\n"
)


async def import_people(admin: httpx.AsyncClient, text: str) -> dict[str, Any]:
    answer = await admin.post("/v1/imports/people", content=text.encode(), headers=CSV)
    assert answer.status_code == 200, answer.text
    report: dict[str, Any] = answer.json()
    return report


async def person(admin: httpx.AsyncClient, person_id: str) -> dict[str, Any]:
    answer = await admin.get(f"/v1/people/{person_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()
    return found


async def history(gateway: RunningGateway, person_id: str) -> list[skills_pb2.LevelChange]:
    answer = await gateway.gateway.skills.stub.GetLevelHistory(
        skills_pb2.GetLevelHistoryRequest(person_id=person_id), timeout=10
    )
    return list(answer.changes)


async def test_a_reimport_without_availability_columns_keeps_what_the_api_set(
    admin: httpx.AsyncClient,
) -> None:
    await create_skill(admin, "empathy")
    answer = await admin.put(
        "/v1/people/ana",
        json={
            "name": "Ana",
            "sector": "public",
            "locality": "Northfield",
            "capacity_fte": 0.4,
            "day_rate": 250,
            "available_from": "2027-01-04",
            "available_until": "2027-06-30",
        },
    )
    assert answer.status_code == 200, answer.text

    # HR's nightly file: no availability columns, capacity and day rate left empty.
    report = await import_people(
        admin, PEOPLE_HEADER + "ana,Ana,public,,Northfield,,,,empathy,2,,manager,\n"
    )

    assert report["errors"] == []
    stored = await person(admin, "ana")
    assert stored["available_from"] == "2027-01-04"
    assert stored["available_until"] == "2027-06-30"
    assert stored["capacity_fte"] == pytest.approx(0.4)
    assert stored["day_rate"] == pytest.approx(250)


async def test_a_new_person_imported_without_capacity_gets_the_default(
    admin: httpx.AsyncClient,
) -> None:
    await import_people(admin, "id,name,sector,skill_id,level\nnew-1,Neo,community,,\n")

    stored = await person(admin, "new-1")
    assert stored["capacity_fte"] == pytest.approx(1.0)
    assert stored["day_rate"] == pytest.approx(0.0)


async def test_export_then_import_changes_nothing(
    admin: httpx.AsyncClient, gateway: RunningGateway
) -> None:
    await create_skill(admin, "empathy")
    await create_skill(admin, "case-work")
    answer = await admin.put(
        "/v1/people/rt-1",
        json={
            "name": "Rae",
            "sector": "third_sector",
            "organisation": "Age Concern",
            "locality": "Riverside",
            "capacity_fte": 0.6,
            "day_rate": 120.5,
            "clearances": [{"kind": "dbs", "expires": "2030-01-31"}],
            "available_from": "2027-02-01",
            "available_until": "2027-12-31",
        },
    )
    assert answer.status_code == 200, answer.text
    for skill_id, body in (
        (
            "empathy",
            {
                "level": 3,
                "source": "assessment",
                "evidence": "panel, 2021",
                "assessed_at": "2021-03-01",
                "valid_until": "2031-03-01",
            },
        ),
        ("case-work", {"level": 2, "source": "self"}),
    ):
        answer = await admin.put(f"/v1/people/rt-1/skills/{skill_id}", json=body)
        assert answer.status_code == 200, answer.text
    before = await person(admin, "rt-1")
    changes_before = await history(gateway, "rt-1")

    exported = await admin.get("/v1/exports/people.csv")
    assert exported.status_code == 200, exported.text
    header = exported.text.splitlines()[0].split(",")
    assert {"available_from", "available_until", "assessed_at"} <= set(header)
    report = await import_people(admin, exported.text)

    assert report["errors"] == []
    assert await person(admin, "rt-1") == before
    assert len(await history(gateway, "rt-1")) == len(changes_before)


async def test_imported_levels_carry_their_assessment_date(
    admin: httpx.AsyncClient,
) -> None:
    await create_skill(admin, "empathy")
    await create_skill(admin, "case-work")
    text = (
        "id,name,sector,skill_id,level,source,assessed_at\n"
        "old-1,Olga,public,empathy,3,assessment,2019-05-02\n"
        "old-1,Olga,public,case-work,2,self,\n"
    )
    await import_people(admin, text)

    levels = {s["skill_id"]: s for s in (await person(admin, "old-1"))["skills"]}
    assert levels["empathy"]["assessed_at"] == "2019-05-02"
    # No date in the file: assessed on the day it was imported, as through the API.
    assert levels["case-work"]["assessed_at"] == date.today().isoformat()

    # Imported again without the column, the stored dates stay.
    await import_people(
        admin,
        "id,name,sector,skill_id,level,source\n"
        "old-1,Olga,public,empathy,3,assessment\nold-1,Olga,public,case-work,2,self\n",
    )
    again = {s["skill_id"]: s for s in (await person(admin, "old-1"))["skills"]}
    assert again["empathy"]["assessed_at"] == "2019-05-02"


async def test_a_reimport_without_evidence_or_expiry_columns_keeps_them(
    admin: httpx.AsyncClient,
) -> None:
    await create_skill(admin, "empathy")
    await import_people(
        admin,
        PEOPLE_HEADER + "ev-1,Eve,public,,,,,,empathy,3,observed twice,manager,2030-01-01\n",
    )

    await import_people(
        admin, "id,name,sector,skill_id,level,source\nev-1,Eve,public,empathy,3,manager\n"
    )

    (level,) = (await person(admin, "ev-1"))["skills"]
    assert level["evidence"] == "observed twice"
    assert level["valid_until"] == "2030-01-01"


async def test_esco_rows_with_empty_alternative_labels_keep_the_stored_ones(
    admin: httpx.AsyncClient,
) -> None:
    first = (
        ESCO_HEADER + "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/"
        "0005c151-5b5a-4a66-8aac-60e734beb1ab,skill/competence,cross-sector,provide home care,"
        '"home care\ndomiciliary care",,released,2024-01-01,,,,Support people at home.\n'
    )
    bare = (
        ESCO_HEADER + "KnowledgeSkillCompetence,http://data.europa.eu/esco/skill/"
        "0005c151-5b5a-4a66-8aac-60e734beb1ab,skill/competence,cross-sector,provide home care,"
        ",,released,2024-01-01,,,,\n"
    )
    for text in (first, bare):
        answer = await admin.post("/v1/imports/skills", content=text.encode(), headers=CSV)
        assert answer.status_code == 200, answer.text
        assert answer.json()["errors"] == []

    skill = (await admin.get("/v1/skills/0005c151-5b5a-4a66-8aac-60e734beb1ab")).json()
    assert skill["alt_labels"] == ["home care", "domiciliary care"]
    assert skill["description"] == "Support people at home."
    found = (await admin.get("/v1/skills", params={"q": "domiciliary"})).json()["items"]
    assert [s["id"] for s in found] == ["0005c151-5b5a-4a66-8aac-60e734beb1ab"]


async def test_level_history_records_changes_of_evidence_and_expiry(
    admin: httpx.AsyncClient, gateway: RunningGateway
) -> None:
    await create_skill(admin, "empathy")
    await admin.put("/v1/people/hi-1", json={"name": "Hal", "sector": "public"})
    bodies = [
        {"level": 2, "source": "manager", "evidence": "first review"},
        {"level": 2, "source": "manager", "evidence": "second review"},
        {"level": 2, "source": "manager", "evidence": "second review", "valid_until": "2030-01-01"},
        {"level": 2, "source": "manager", "evidence": "second review", "valid_until": "2030-01-01"},
    ]
    for body in bodies:
        answer = await admin.put("/v1/people/hi-1/skills/empathy", json=body)
        assert answer.status_code == 200, answer.text

    changes = await history(gateway, "hi-1")

    # The last write repeats the one before: it changes nothing and is not recorded.
    assert [(c.from_level, c.to_level, c.evidence) for c in changes] == [
        (0, 2, "first review"),
        (2, 2, "second review"),
        (2, 2, "second review"),
    ]
    assert [c.valid_until for c in changes] == ["", "", "2030-01-01"]


# One identifier rule at every way in.


@pytest.mark.parametrize("bad_id", ["nc 043", "nc/045", " nc-046", "nc-047 ", "..", "a\tb"])
async def test_an_id_breaking_the_rule_is_refused_in_a_body(
    admin: httpx.AsyncClient, bad_id: str
) -> None:
    answer = await admin.post("/v1/people", json={"id": bad_id, "name": "N", "sector": "public"})
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["id"]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/people/nc%20043",
        "/v1/people/%20nc-046",
        "/v1/skills/a%20b",
        "/v1/skills/a/b",
        "/v1/roles/nav%20igator",
        "/v1/outcomes/o%201",
        "/v1/training/courses/c%201",
    ],
)
async def test_an_id_breaking_the_rule_is_refused_in_a_path(
    admin: httpx.AsyncClient, path: str
) -> None:
    for method in ("GET", "PUT", "DELETE"):
        answer = await admin.request(method, path, json={"name": "x", "label": "x"})
        if answer.status_code == 405:
            continue
        assert answer.status_code == 422, (method, path, answer.text)
        fields = [e["field"] for e in answer.json()["errors"]]
        assert any(f.endswith("_id") for f in fields), fields


async def test_csv_rows_with_ids_breaking_the_rule_are_refused_by_line(
    admin: httpx.AsyncClient,
) -> None:
    report = await import_people(
        admin,
        "id,name,sector,skill_id,level\n"
        "nc 043,Ann,public,,\n"
        "nc/045,Bo,public,,\n"
        "nc-046 ,Cy,public,,\n"
        "nc-047,Di,public,,\n",
    )

    refused = {(e["line"], e["field"]) for e in report["errors"]}
    assert refused == {(2, "id"), (3, "id"), (4, "id")}
    assert report["accepted"] == 1


async def test_the_grpc_services_refuse_ids_breaking_the_rule(
    gateway: RunningGateway,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await gateway.gateway.skills.stub.UpsertPerson(
            skills_pb2.UpsertPersonRequest(
                person=skills_pb2.Person(
                    id="nc/045", name="N", sector=common_pb2.SECTOR_PUBLIC, capacity_fte=1
                )
            ),
            timeout=10,
        )
    assert refused.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_records_stored_under_refused_ids_are_listed_and_erased_by_an_admin(
    admin: httpx.AsyncClient,
    client_for: Any,
    issue_key: Any,
    graph: Neo4jSettings,
    neo4j_admin_driver: Driver,
) -> None:
    await create_skill(admin, "empathy")
    with neo4j_admin_driver.session(database=graph.database) as session:
        session.run(
            """
            UNWIND ['nc 043', 'nc/045'] AS id
            CREATE (p:Person {id: id, name: id, sector: 'public', capacity_fte: 1.0,
                              day_rate: 0.0, organisation: '', locality: ''})
            WITH p MATCH (s:Skill {id: 'empathy'})
            CREATE (p)-[:HAS_SKILL {source: 'self', level: 2, evidence: '', assessed_by: '',
                                    assessed_at: '', valid_until: '', rank: 0}]->(s)
            """
        ).consume()
        session.run(
            "CREATE (:Course {id: 'c 1', title: 'Old course', kind: 'course', "
            "skill_id: 'empathy', from_level: 0, to_level: 2, cost: 10.0, duration_days: 1.0, "
            "capacity_per_run: 0, provider: '', description: ''})"
        ).consume()
    created = await admin.post("/v1/outcomes", json={**OUTCOME, "id": "o-legacy"})
    assert created.status_code == 201, created.text
    with neo4j_admin_driver.session(database=graph.database) as session:
        session.run("MATCH (o:Outcome {id: 'o-legacy'}) SET o.id = 'o legacy'").consume()

    hr = client_for(await issue_key("hr"))
    assert (await hr.get("/v1/admin/unreachable-ids")).status_code == 403
    listing = await admin.get("/v1/admin/unreachable-ids")
    assert listing.status_code == 200, listing.text
    items = listing.json()["items"]
    assert {(i["kind"], i["id"]) for i in items} == {
        ("course", "c 1"),
        ("outcome", "o legacy"),
        ("person", "nc 043"),
        ("person", "nc/045"),
    }
    assert all(i["reason"] for i in items)

    erased = await admin.post("/v1/admin/erasures", json={"kind": "person", "id": "nc/045"})
    assert erased.status_code == 204, erased.text

    for kind, stored_id in (("course", "c 1"), ("outcome", "o legacy")):
        erased = await admin.post("/v1/admin/erasures", json={"kind": kind, "id": stored_id})
        assert erased.status_code == 204, erased.text

    after = (await admin.get("/v1/admin/unreachable-ids")).json()["items"]
    assert [(i["kind"], i["id"]) for i in after] == [("person", "nc 043")]
    with neo4j_admin_driver.session(database=graph.database) as session:
        left = session.run("MATCH (p:Person {id: 'nc/045'}) RETURN count(p) AS n").single()
    assert left is not None and left["n"] == 0
    again = await admin.post("/v1/admin/erasures", json={"kind": "person", "id": "nc/045"})
    assert again.status_code == 404
