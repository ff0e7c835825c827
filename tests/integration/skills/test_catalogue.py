"""Skills catalogue RPCs: upsert, get, search, relations and the ESCO import."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_errors import field_violations_of
from tests.integration.skills.support import TIMEOUT_S, count, graph_size

pytestmark = pytest.mark.neo4j

ESCO = "http://data.europa.eu/esco/skill/"


async def upsert(
    skills: skills_pb2_grpc.SkillsServiceStub, skill_id: str, *broader: str, label: str = ""
) -> skills_pb2.Skill:
    reply: skills_pb2.Skill = await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(
            skill=skills_pb2.Skill(id=skill_id, label=label or skill_id, broader=list(broader))
        ),
        timeout=TIMEOUT_S,
    )
    return reply


async def test_upsert_get_and_hierarchy(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    await upsert(skills, "communication")
    await upsert(skills, "writing")
    stored = await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(
            skill=skills_pb2.Skill(
                id="plain-english",
                label="Plain English",
                alt_labels=["clear writing", "Plain language"],
                description="Writes so that anyone understands.",
                broader=["writing", "communication"],
                uri="urn:skill:plain-english",
            )
        ),
        timeout=TIMEOUT_S,
    )
    assert list(stored.broader) == ["communication", "writing"]
    parent = await skills.GetSkill(skills_pb2.GetSkillRequest(id="writing"), timeout=TIMEOUT_S)
    assert list(parent.narrower) == ["plain-english"]
    # Upsert replaces the parents.
    await upsert(skills, "plain-english", "writing", label="Plain English")
    again = await skills.GetSkill(skills_pb2.GetSkillRequest(id="plain-english"), timeout=TIMEOUT_S)
    assert list(again.broader) == ["writing"]
    assert again.alt_labels == []


async def test_get_missing_skill_is_not_found(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.GetSkill(skills_pb2.GetSkillRequest(id="nope"), timeout=TIMEOUT_S)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def test_upsert_refuses_unknown_parent_and_cycle_writing_nothing(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await upsert(skills, "a")
    await upsert(skills, "b", "a")
    before = await graph_size(driver)
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await upsert(skills, "a", "b")
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(error.value)] == ["skill.broader[0]"]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await upsert(skills, "c", "missing")
    assert [v.field for v in field_violations_of(error.value)] == ["skill.broader[0]"]
    assert await graph_size(driver) == before


async def test_search_by_label_and_alternative_label_with_pages(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await skills.UpsertSkill(
        skills_pb2.UpsertSkillRequest(
            skill=skills_pb2.Skill(id="zz-mediation", label="Mediation", alt_labels=["Listening"])
        ),
        timeout=TIMEOUT_S,
    )
    found = await skills.SearchSkills(
        skills_pb2.SearchSkillsRequest(query="LISTEN"), timeout=TIMEOUT_S
    )
    # A label hit ranks above an alternative label, which ranks above a description.
    assert [s.id for s in found.skills][:2] == ["active-listening", "zz-mediation"]
    first = await skills.SearchSkills(
        skills_pb2.SearchSkillsRequest(query="listen", page_size=1), timeout=TIMEOUT_S
    )
    second = await skills.SearchSkills(
        skills_pb2.SearchSkillsRequest(
            query="listen", page_size=1, page_token=first.next_page_token
        ),
        timeout=TIMEOUT_S,
    )
    assert [s.id for s in first.skills] == ["active-listening"]
    assert [s.id for s in second.skills] == ["zz-mediation"]
    everything = await skills.SearchSkills(
        skills_pb2.SearchSkillsRequest(page_size=1000), timeout=TIMEOUT_S
    )
    assert len(everything.skills) == 17


async def test_relate_sets_replaces_and_removes(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    request = skills_pb2.RelateSkillsRequest(
        skill_id="creativity", related_skill_id="service-design", similarity=0.4
    )
    await skills.RelateSkills(request, timeout=TIMEOUT_S)
    await skills.RelateSkills(
        skills_pb2.RelateSkillsRequest(
            skill_id="service-design", related_skill_id="creativity", similarity=0.8
        ),
        timeout=TIMEOUT_S,
    )
    got = await skills.GetSkill(skills_pb2.GetSkillRequest(id="creativity"), timeout=TIMEOUT_S)
    assert [(r.skill_id, r.similarity) for r in got.related] == [("service-design", 0.8)]
    await skills.RelateSkills(
        skills_pb2.RelateSkillsRequest(
            skill_id="creativity", related_skill_id="service-design", similarity=0
        ),
        timeout=TIMEOUT_S,
    )
    assert (
        await count(
            driver,
            "MATCH (:Skill {id: 'creativity'})-[r:RELATED]-(:Skill {id: 'service-design'}) "
            "RETURN count(r)",
        )
        == 0
    )
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.RelateSkills(
            skills_pb2.RelateSkillsRequest(
                skill_id="creativity", related_skill_id="nope", similarity=0.5
            ),
            timeout=TIMEOUT_S,
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


def skill_row(uuid: str, label: str, alt: str = "") -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        skill=skills_pb2.EscoSkillRow(
            concept_uri=ESCO + uuid, preferred_label=label, alt_labels=alt, description=label
        )
    )


def broader_row(child: str, parent: str) -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        broader=skills_pb2.EscoBroaderRow(concept_uri=ESCO + child, broader_uri=ESCO + parent)
    )


async def _stream(
    rows: list[skills_pb2.SkillImportRow],
) -> AsyncIterator[skills_pb2.SkillImportRow]:
    for row in rows:
        yield row


async def test_esco_import_keeps_good_rows_and_refuses_cycles(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await upsert(skills, "existing-parent")
    await upsert(skills, "existing-child", "existing-parent")
    rows = [
        skill_row("s-root", "Root skill"),
        skill_row("s-mid", "Middle skill", "middle\nin between\n"),
        skill_row("s-leaf", "Leaf skill"),
        skills_pb2.SkillImportRow(skill=skills_pb2.EscoSkillRow(preferred_label="No uri")),
        broader_row("s-mid", "s-root"),
        broader_row("s-leaf", "s-mid"),
        broader_row("s-root", "s-leaf"),
        broader_row("s-leaf", "unknown-concept"),
        broader_row("existing-parent", "s-leaf"),
        broader_row("s-root", "existing-child"),
        broader_row("s-root", "s-root"),
    ]
    summary = await skills.ImportSkills(_stream(rows), timeout=TIMEOUT_S)
    # The row naming an unknown concept waits for it: accepted, pending, not written.
    assert (summary.accepted, summary.rejected, summary.relations_written) == (7, 4, 3)
    assert summary.relations_pending == 1
    assert [(e.row, e.field) for e in summary.errors] == [
        (4, "skill.concept_uri"),
        (7, "broader.broader_uri"),
        (10, "broader.broader_uri"),
        (11, "broader.broader_uri"),
    ]
    assert "cycle" in summary.errors[1].reason
    mid = await skills.GetSkill(skills_pb2.GetSkillRequest(id="s-mid"), timeout=TIMEOUT_S)
    assert list(mid.alt_labels) == ["middle", "in between"]
    assert mid.uri == ESCO + "s-mid"
    assert list(mid.broader) == ["s-root"]
    assert list(mid.narrower) == ["s-leaf"]
    # No cycle anywhere in the hierarchy.
    assert await count(driver, "MATCH p = (s:Skill)-[:BROADER*1..10]->(s) RETURN count(p)") == 0
