"""ESCO's four files through ImportSkills in any order, and ranked full-text
search, on the real Neo4j."""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_errors import field_violations_of
from tests.integration.skills.support import TIMEOUT_S, add_person, count

pytestmark = pytest.mark.neo4j

ESCO = "http://data.europa.eu/esco/skill/"


def concept(
    uuid: str, label: str, alt: str = "", description: str = "", group: bool = False
) -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        skill=skills_pb2.EscoSkillRow(
            concept_uri=ESCO + uuid,
            preferred_label=label,
            alt_labels=alt,
            description=description,
            concept_type="SkillGroup" if group else "KnowledgeSkillCompetence",
        )
    )


def broader(child: str, parent: str) -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        broader=skills_pb2.EscoBroaderRow(concept_uri=ESCO + child, broader_uri=ESCO + parent)
    )


def related(original: str, other: str, kind: str) -> skills_pb2.SkillImportRow:
    return skills_pb2.SkillImportRow(
        relation=skills_pb2.EscoRelationRow(
            original_skill_uri=ESCO + original, related_skill_uri=ESCO + other, relation_type=kind
        )
    )


async def stream(rows: list[skills_pb2.SkillImportRow]) -> AsyncIterator[skills_pb2.SkillImportRow]:
    for row in rows:
        yield row


async def load(
    skills: skills_pb2_grpc.SkillsServiceStub, rows: list[skills_pb2.SkillImportRow]
) -> skills_pb2.ImportSummary:
    summary: skills_pb2.ImportSummary = await skills.ImportSkills(stream(rows), timeout=TIMEOUT_S)
    return summary


async def test_relations_imported_before_their_concepts_wait_and_land_once_they_arrive(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    relations = [
        broader("budget", "finance-group"),
        broader("finance-group", "management-group"),
        related("budget", "supplies", "essential"),
        related("supplies", "budget", "optional"),
    ]
    first = await load(skills, relations)
    assert (first.accepted, first.rejected, first.relations_written) == (4, 0, 0)
    assert first.relations_pending == 4
    groups = [
        concept("finance-group", "finance", group=True),
        concept("management-group", "management", group=True),
    ]
    second = await load(skills, groups)
    # Both groups now exist: the group-to-group edge lands, the others still wait.
    assert (second.relations_written, second.relations_pending) == (1, 3)
    third = await load(skills, [concept("budget", "manage budgets"), concept("supplies", "order")])
    assert (third.relations_written, third.relations_pending) == (2, 0)
    budget = await skills.GetSkill(skills_pb2.GetSkillRequest(id="budget"), timeout=TIMEOUT_S)
    assert list(budget.broader) == ["finance-group"]
    assert budget.kind == "skill"
    # essential and optional in the two directions: one RELATED edge, the stronger similarity.
    assert [(r.skill_id, r.similarity) for r in budget.related] == [("supplies", 0.5)]
    group = await skills.GetSkill(skills_pb2.GetSkillRequest(id="finance-group"), timeout=TIMEOUT_S)
    assert group.kind == "group" and list(group.narrower) == ["budget"]
    # Importing everything again changes nothing.
    edges = await count(driver, "MATCH ()-[r:BROADER|RELATED]->() RETURN count(r)")
    again = await load(skills, [*relations, *groups])
    assert (again.relations_written, again.relations_pending, again.rejected) == (0, 0, 0)
    assert await count(driver, "MATCH ()-[r:BROADER|RELATED]->() RETURN count(r)") == edges


async def test_rows_that_are_not_esco_are_refused_by_row(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    shifted = skills_pb2.SkillImportRow(
        skill=skills_pb2.EscoSkillRow(concept_uri="manage budgets", preferred_label="skill")
    )
    summary = await load(
        skills, [concept("ok", "fine"), shifted, related("ok", "ok2", "sometimes")]
    )
    assert [(e.row, e.field) for e in summary.errors] == [
        (2, "skill.concept_uri"),
        (3, "relation.relation_type"),
    ]
    assert "not an ESCO concept URI" in summary.errors[0].reason


CATALOGUE = [
    concept("budget", "manage budgets", "budget management\nmanaging budgets", "Plan and report."),
    concept("supplies", "order supplies", "", "Order goods to manage budgets well."),
    concept("quality", "train staff on call quality assurance", "", "Communicate with staff."),
    concept("communicate", "communicate with customers", "talk with clients", "Speak."),
    concept("communicate-bare", "communicate with", "", ""),
    concept("child", "child protection", "safeguarding children", "Keep children safe."),
]


async def search(skills: skills_pb2_grpc.SkillsServiceStub, query: str) -> list[str]:
    found = await skills.SearchSkills(
        skills_pb2.SearchSkillsRequest(query=query), timeout=TIMEOUT_S
    )
    return [s.id for s in found.skills]


async def test_search_ranks_by_relevance_with_the_exact_label_first(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await load(skills, CATALOGUE)
    found = await search(skills, "manage budgets")
    assert found[0] == "budget" and "supplies" in found
    assert (await search(skills, "budgets manage"))[0] == "budget"
    found = await search(skills, "Communicate With")
    assert found[0] == "communicate-bare"
    assert found.index("communicate") < found.index("quality")
    # Plurals and other forms of a word: "child" finds "children" and "budget" finds "budgets".
    assert "child" in await search(skills, "children protections")
    assert (await search(skills, "budget"))[0] == "budget"
    # Alternative labels count.
    assert (await search(skills, "safeguarding"))[0] == "child"


@pytest.mark.parametrize(
    "query", ['"', "manage AND (", "budget~ /x/ [a TO z] ^2 *", "\\", "NOT", "a:b && c || !d"]
)
async def test_lucene_syntax_in_user_text_is_only_text(
    skills: skills_pb2_grpc.SkillsServiceStub, query: str
) -> None:
    await load(skills, CATALOGUE)
    found = await search(skills, query)
    assert isinstance(found, list)


async def test_search_pages_follow_the_ranking(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    await load(skills, CATALOGUE)
    everything = await search(skills, "communicate staff budgets")
    seen: list[str] = []
    token = ""
    while True:
        page = await skills.SearchSkills(
            skills_pb2.SearchSkillsRequest(
                query="communicate staff budgets", page_size=2, page_token=token
            ),
            timeout=TIMEOUT_S,
        )
        seen.extend(s.id for s in page.skills)
        token = page.next_page_token
        if not token:
            break
    assert seen == everything and len(seen) >= 4


async def test_references_resolve_by_id_uri_and_label(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await load(
        skills,
        [
            *CATALOGUE,
            concept("budget-2", "Manage budgets"),
            concept("g", "Communication", group=True),
        ],
    )
    reply = await skills.ResolveSkills(
        skills_pb2.ResolveSkillsRequest(
            references=["child", ESCO + "supplies", "CHILD PROTECTION", "manage budgets", "nope"]
        ),
        timeout=TIMEOUT_S,
    )
    assert [[s.id for s in m.skills] for m in reply.matches] == [
        ["child"],
        ["supplies"],
        ["child"],
        ["budget", "budget-2"],
        [],
    ]


async def test_a_bad_search_page_token_is_invalid(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.SearchSkills(
            skills_pb2.SearchSkillsRequest(query="x", page_token="bm90LWFuLW9mZnNldA"),
            timeout=TIMEOUT_S,
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT


async def test_a_skill_group_holds_no_levels(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    await load(skills, [concept("grp", "communication", group=True)])
    await add_person(skills, "p1")
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.SetLevel(
            skills_pb2.SetLevelRequest(person_id="p1", skill_id="grp", level=2),
            timeout=TIMEOUT_S,
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(error.value)] == ["skill_id"]
