"""Levels with history, roles, fit, ranking, gaps and the candidate matrix."""

from __future__ import annotations

import grpc
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc
from neo4j import AsyncDriver

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.skills.bootstrap import build_application
from services.skills.domain.seed import SEED_ROLES
from services.skills.entrypoints.server import SERVICE_NAME
from tests.integration.skills.support import TIMEOUT_S, add_person, count, set_level

pytestmark = pytest.mark.neo4j


async def test_health_is_serving_for_the_service_and_overall(channel: grpc.aio.Channel) -> None:
    health = health_pb2_grpc.HealthStub(channel)
    for name in ("", SERVICE_NAME):
        reply = await health.Check(health_pb2.HealthCheckRequest(service=name), timeout=TIMEOUT_S)
        assert reply.status == health_pb2.HealthCheckResponse.SERVING


async def test_set_level_keeps_history_and_ranks_sources(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await add_person(skills, "p1")
    first = await set_level(
        skills, "p1", "empathy", 4, source=skills_pb2.LEVEL_SOURCE_SELF, actor="ann"
    )
    assert (first.level, first.source) == (4, skills_pb2.LEVEL_SOURCE_SELF)
    assert len(first.assessed_at) == 10
    certified = await set_level(
        skills,
        "p1",
        "empathy",
        2,
        source=skills_pb2.LEVEL_SOURCE_CERTIFICATE,
        actor="bob",
        evidence="City & Guilds",
        assessed_by="assessor-7",
    )
    assert (certified.level, certified.source) == (2, skills_pb2.LEVEL_SOURCE_CERTIFICATE)
    await set_level(skills, "p1", "empathy", 3, source=skills_pb2.LEVEL_SOURCE_SELF, actor="ann")
    # Same level again: no new history.
    await set_level(skills, "p1", "empathy", 3, source=skills_pb2.LEVEL_SOURCE_SELF, actor="ann")
    got = await skills.GetPerson(skills_pb2.GetPersonRequest(id="p1"), timeout=TIMEOUT_S)
    (held,) = got.skills
    assert (held.level, held.evidence, held.assessed_by) == (2, "City & Guilds", "assessor-7")
    history = await skills.GetLevelHistory(
        skills_pb2.GetLevelHistoryRequest(person_id="p1", skill_id="empathy"), timeout=TIMEOUT_S
    )
    assert [(c.source, c.from_level, c.to_level, c.actor) for c in history.changes] == [
        (skills_pb2.LEVEL_SOURCE_SELF, 0, 4, "ann"),
        (skills_pb2.LEVEL_SOURCE_CERTIFICATE, 0, 2, "bob"),
        (skills_pb2.LEVEL_SOURCE_SELF, 4, 3, "ann"),
    ]


async def test_expired_certificate_gives_way_to_self_declared(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await add_person(skills, "p1")
    await set_level(skills, "p1", "empathy", 1, source=skills_pb2.LEVEL_SOURCE_SELF)
    await set_level(
        skills,
        "p1",
        "empathy",
        4,
        source=skills_pb2.LEVEL_SOURCE_CERTIFICATE,
        valid_until="2001-01-01",
    )
    got = await skills.GetPerson(skills_pb2.GetPersonRequest(id="p1"), timeout=TIMEOUT_S)
    assert [(s.level, s.source) for s in got.skills] == [(1, skills_pb2.LEVEL_SOURCE_SELF)]


async def test_remove_level_by_source_and_all(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await add_person(skills, "p1")
    await set_level(skills, "p1", "empathy", 2, source=skills_pb2.LEVEL_SOURCE_SELF)
    await set_level(skills, "p1", "empathy", 3, source=skills_pb2.LEVEL_SOURCE_MANAGER)
    await skills.RemoveLevel(
        skills_pb2.RemoveLevelRequest(
            person_id="p1", skill_id="empathy", source=skills_pb2.LEVEL_SOURCE_MANAGER, actor="x"
        ),
        timeout=TIMEOUT_S,
    )
    got = await skills.GetPerson(skills_pb2.GetPersonRequest(id="p1"), timeout=TIMEOUT_S)
    assert [(s.level, s.source) for s in got.skills] == [(2, skills_pb2.LEVEL_SOURCE_SELF)]
    await skills.RemoveLevel(
        skills_pb2.RemoveLevelRequest(person_id="p1", skill_id="empathy"), timeout=TIMEOUT_S
    )
    assert await count(driver, "MATCH (:Person {id: 'p1'})-[h:HAS_SKILL]->() RETURN count(h)") == 0
    history = await skills.GetLevelHistory(
        skills_pb2.GetLevelHistoryRequest(person_id="p1"), timeout=TIMEOUT_S
    )
    assert [(c.from_level, c.to_level) for c in history.changes][-2:] == [(3, 0), (2, 0)]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.RemoveLevel(
            skills_pb2.RemoveLevelRequest(person_id="p1", skill_id="empathy"), timeout=TIMEOUT_S
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


@pytest.mark.parametrize(
    ("person_id", "skill_id"), [("nobody", "empathy"), ("p1", "unknown-skill")]
)
async def test_set_level_on_missing_things_is_not_found(
    skills: skills_pb2_grpc.SkillsServiceStub, person_id: str, skill_id: str
) -> None:
    await add_person(skills, "p1")
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await set_level(skills, person_id, skill_id, 2)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def test_a_level_write_leaves_one_change_for_the_index_and_a_refused_one_none(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await add_person(skills, "p1")
    await driver.execute_query("CREATE (:Skill {id: 'care-group', label: 'care', kind: 'group'})")
    changes = "MATCH (c:IndexChange) WHERE $id IN c.person_ids RETURN count(c)"
    before = await count(driver, changes, id="p1")
    await set_level(skills, "p1", "empathy", 3)
    assert await count(driver, changes, id="p1") == before + 1
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await set_level(skills, "p1", "care-group", 3)
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "skill_id" in (error.value.details() or "")
    for person_id, skill_id in (("nobody", "empathy"), ("p1", "unknown-skill")):
        with pytest.raises(grpc.aio.AioRpcError):
            await set_level(skills, person_id, skill_id, 2)
    assert await count(driver, changes, id="p1") == before + 1
    assert (
        await count(driver, "MATCH (c:IndexChange) WHERE 'nobody' IN c.person_ids RETURN count(c)")
        == 0
    )
    assert (
        await count(driver, "MATCH ()-[h:HAS_SKILL]->(:Skill {id: 'care-group'}) RETURN count(h)")
        == 0
    )
    assert await count(driver, "MATCH (c:LevelChange) RETURN count(c)") == 1


async def test_seeded_roles_are_listed_and_edits_survive_a_restart(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    listed = await skills.ListRoles(skills_pb2.ListRolesRequest(), timeout=TIMEOUT_S)
    assert [r.id for r in listed.roles] == ["architect", "navigator", "storyteller", "weaver"]
    navigator = await skills.GetRole(skills_pb2.GetRoleRequest(id="navigator"), timeout=TIMEOUT_S)
    seeded = next(r for r in SEED_ROLES if r.id == "navigator")
    assert [(q.skill_id, q.min_level, q.weight, q.essential) for q in navigator.requirements] == [
        (q.skill_id, q.min_level, q.weight, q.essential) for q in seeded.requirements
    ]
    edited = skills_pb2.Role(
        id="navigator",
        name="Navigator",
        description="edited",
        requirements=[skills_pb2.Requirement(skill_id="empathy", min_level=2, weight=1)],
    )
    assert (
        await skills.UpsertRole(skills_pb2.UpsertRoleRequest(role=edited), timeout=TIMEOUT_S)
        == edited
    )


async def test_seed_never_overwrites_an_edited_role(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    edited = skills_pb2.Role(
        id="weaver",
        name="Weaver",
        requirements=[skills_pb2.Requirement(skill_id="creativity", min_level=4, weight=2)],
    )
    await skills.UpsertRole(skills_pb2.UpsertRoleRequest(role=edited), timeout=TIMEOUT_S)
    await build_application(driver).prepare()
    assert await skills.GetRole(skills_pb2.GetRoleRequest(id="weaver"), timeout=TIMEOUT_S) == edited


async def test_custom_role_with_unknown_skill_is_refused(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.UpsertRole(
            skills_pb2.UpsertRoleRequest(
                role=skills_pb2.Role(
                    id="custom",
                    name="Custom",
                    requirements=[
                        skills_pb2.Requirement(skill_id="empathy", min_level=2, weight=1),
                        skills_pb2.Requirement(skill_id="ghost", min_level=2, weight=1),
                    ],
                )
            ),
            timeout=TIMEOUT_S,
        )
    assert error.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert await count(driver, "MATCH (r:Role {id: 'custom'}) RETURN count(r)") == 0
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.GetRole(skills_pb2.GetRoleRequest(id="custom"), timeout=TIMEOUT_S)
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def navigator_team(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    """navigator: local-services-knowledge 3 (w3, essential), advice-and-signposting 3
    (w2, essential), empathy 3 (w2), case-work 2 (w2); total weight 9."""
    await add_person(skills, "full", locality="Aston")
    for skill_id, level in [
        ("local-services-knowledge", 3),
        ("advice-and-signposting", 4),
        ("empathy", 3),
        ("case-work", 2),
    ]:
        await set_level(skills, "full", skill_id, level)
    await add_person(skills, "half", sector=common_pb2.SECTOR_COMMUNITY)
    await set_level(skills, "half", "local-services-knowledge", 3)
    await set_level(skills, "half", "active-listening", 3)
    await add_person(skills, "none")


async def test_fit_explains_each_requirement(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    await navigator_team(skills)
    fit = await skills.GetFit(
        skills_pb2.GetFitRequest(person_id="half", role_id="navigator"), timeout=TIMEOUT_S
    )
    # 3 x 1 (own) + 2 x 0 + 2 x 0.7 (empathy via active-listening) + 2 x 0.6 x 0 = 4.4 / 9
    assert fit.fit == pytest.approx(4.4 / 9)
    by_skill = {r.skill_id: r for r in fit.requirements}
    assert by_skill["local-services-knowledge"].status == skills_pb2.REQUIREMENT_STATUS_MET
    assert by_skill["empathy"].status == skills_pb2.REQUIREMENT_STATUS_PARTIAL
    assert by_skill["empathy"].via_skill_id == "active-listening"
    assert by_skill["empathy"].credit == pytest.approx(0.7)
    assert by_skill["case-work"].status == skills_pb2.REQUIREMENT_STATUS_MISSING
    assert list(fit.essential_gaps) == ["advice-and-signposting"]
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.GetFit(
            skills_pb2.GetFitRequest(person_id="half", role_id="no-role"), timeout=TIMEOUT_S
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.aio.AioRpcError) as error:
        await skills.GetFit(
            skills_pb2.GetFitRequest(person_id="nobody", role_id="navigator"), timeout=TIMEOUT_S
        )
    assert error.value.code() == grpc.StatusCode.NOT_FOUND


async def test_rank_candidates_orders_and_filters(
    skills: skills_pb2_grpc.SkillsServiceStub,
) -> None:
    await navigator_team(skills)
    ranked = await skills.RankCandidates(
        skills_pb2.RankCandidatesRequest(role_id="navigator"), timeout=TIMEOUT_S
    )
    assert [(c.person.id, round(c.fit.fit, 4)) for c in ranked.candidates] == [
        ("full", 1.0),
        ("half", round(4.4 / 9, 4)),
        ("none", 0.0),
    ]
    assert ranked.candidates[0].person.locality == "Aston"
    assert len(ranked.candidates[0].person.skills) == 4
    top = await skills.RankCandidates(
        skills_pb2.RankCandidatesRequest(role_id="navigator", limit=1), timeout=TIMEOUT_S
    )
    assert [c.person.id for c in top.candidates] == ["full"]
    community = await skills.RankCandidates(
        skills_pb2.RankCandidatesRequest(
            role_id="navigator", filter=common_pb2.PeopleFilter(sector=common_pb2.SECTOR_COMMUNITY)
        ),
        timeout=TIMEOUT_S,
    )
    assert [c.person.id for c in community.candidates] == ["half"]


async def test_gaps_in_order_of_fit_gain(skills: skills_pb2_grpc.SkillsServiceStub) -> None:
    await navigator_team(skills)
    report = await skills.GetGaps(
        skills_pb2.GetGapsRequest(person_id="half", role_id="navigator"), timeout=TIMEOUT_S
    )
    assert report.fit == pytest.approx(4.4 / 9)
    steps = [(s.skill_id, s.from_level, s.to_level, round(s.fit_gain * 9, 4)) for s in report.steps]
    # Advice to 3: +2, and case-work gains 0.6 through their relation (x weight 2).
    # Case-work to 2: +2, and advice gains 0.6 x 2/3. Empathy to 3: 0.7 -> 1, x weight 2.
    assert steps == [
        ("advice-and-signposting", 0, 3, round(2 + 2 * 0.6, 4)),
        ("case-work", 0, 2, round(2 + 2 * 0.4, 4)),
        ("empathy", 0, 3, round(2 * 0.3, 4)),
    ]


async def test_candidate_matrix_streams_fits_levels_and_what_ifs(
    skills: skills_pb2_grpc.SkillsServiceStub, driver: AsyncDriver
) -> None:
    await navigator_team(skills)
    await add_person(
        skills, "zoe", clearances=[common_pb2.Clearance(kind="dbs", expires="2031-01-01")]
    )
    before = await count(driver, "MATCH ()-[h:HAS_SKILL]->() RETURN count(h)")
    request = skills_pb2.CandidateMatrixRequest(
        role_ids=["navigator", "storyteller"],
        skill_ids=["empathy", "case-work"],
        level_overrides=[
            skills_pb2.LevelOverride(person_id="zoe", skill_id="case-work", level=2),
        ],
    )
    rows = {row.person_id: row async for row in skills.StreamCandidateMatrix(request, timeout=30)}
    assert sorted(rows) == ["full", "half", "none", "zoe"]
    assert rows["full"].fits["navigator"] == pytest.approx(1.0)
    assert dict(rows["full"].levels) == {"empathy": 3, "case-work": 2}
    assert rows["half"].fits["navigator"] == pytest.approx(4.4 / 9)
    # storyteller: active-listening 3 (w2 of 8) fully met.
    assert rows["half"].fits["storyteller"] == pytest.approx(2 / 8)
    assert rows["half"].sector == common_pb2.SECTOR_COMMUNITY
    assert dict(rows["zoe"].levels) == {"case-work": 2}
    # The what-if case-work 2 (w2) also lends advice 0.6 x 2/3 (w2).
    assert rows["zoe"].fits["navigator"] == pytest.approx(2.8 / 9)
    assert [c.kind for c in rows["zoe"].clearances] == ["dbs"]
    assert await count(driver, "MATCH ()-[h:HAS_SKILL]->() RETURN count(h)") == before

    filtered = skills_pb2.CandidateMatrixRequest(role_ids=["navigator"], min_fit=0.3)
    kept = [row.person_id async for row in skills.StreamCandidateMatrix(filtered, timeout=30)]
    assert kept == ["full", "half"]
    missing = skills_pb2.CandidateMatrixRequest(role_ids=["ghost"])
    with pytest.raises(grpc.aio.AioRpcError) as error:
        _ = [row async for row in skills.StreamCandidateMatrix(missing, timeout=30)]
    assert error.value.code() == grpc.StatusCode.NOT_FOUND
