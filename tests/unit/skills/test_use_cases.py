"""The skills use cases on in-memory repositories and the real scoring index:
what each writes, what it answers, what it refuses, and what it asks of storage."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from services.common.errors import InvalidArgument, NotFound
from services.skills.domain.model import (
    LevelClaim,
    LevelOverride,
    LevelSource,
    PeopleFilter,
    Person,
    PersonImport,
    Requirement,
    Role,
)
from tests.unit.skills.fakes import FakeSkills, FakeStore, skills_over

NAVIGATOR_LEVELS = {
    "local-services-knowledge": 3,
    "advice-and-signposting": 3,
    "empathy": 3,
    "case-work": 2,
}


def fields_of(error: pytest.ExceptionInfo[InvalidArgument]) -> set[str]:
    return {v.field for v in error.value.violations}


async def with_people(*ids: str) -> FakeSkills:
    skills = await skills_over(FakeStore())
    for person_id in ids:
        await skills.people.upsert_person(Person(id=person_id, name=person_id, sector="public"))
    skills.store.calls.clear()
    return skills


async def test_a_level_write_is_one_write_and_one_index_reload_and_no_second_read() -> None:
    skills = await with_people("ann")
    await skills.levels.set_level("ann", LevelClaim("empathy", 3))
    assert skills.store.calls == ["set_level", "people_for_index"]


async def test_set_level_answers_with_the_claim_that_counts_in_the_skill() -> None:
    skills = await with_people("ann")
    certificate = LevelClaim("empathy", 4, source=LevelSource.CERTIFICATE, evidence="cert-1")
    await skills.levels.set_level("ann", certificate)
    answer = await skills.levels.set_level("ann", LevelClaim("empathy", 2))
    assert (answer.level, answer.source, answer.evidence) == (4, LevelSource.CERTIFICATE, "cert-1")


async def test_an_undated_level_is_dated_today() -> None:
    skills = await with_people("ann")
    answer = await skills.levels.set_level("ann", LevelClaim("empathy", 3))
    assert answer.assessed_at == "2026-12-01"


async def test_a_level_written_is_scored_before_the_write_answers() -> None:
    skills = await with_people("ann")
    assert (await skills.scoring.get_fit("ann", "navigator")).fit == 0.0
    for skill_id, level in NAVIGATOR_LEVELS.items():
        await skills.levels.set_level("ann", LevelClaim(skill_id, level))
    assert (await skills.scoring.get_fit("ann", "navigator")).fit == pytest.approx(1.0)


async def test_set_level_refuses_bad_fields_by_name_and_absent_records() -> None:
    skills = await with_people("ann")
    with pytest.raises(InvalidArgument) as error:
        await skills.levels.set_level("ann", LevelClaim("empathy", 9, source="rumour"))
    assert fields_of(error) == {"level", "source"}
    with pytest.raises(NotFound):
        await skills.levels.set_level("nobody", LevelClaim("empathy", 3))
    with pytest.raises(NotFound):
        await skills.levels.set_level("ann", LevelClaim("no-such-skill", 3))
    assert skills.store.claims == {}


async def test_removing_a_level_reaches_the_index_and_a_missing_one_is_not_found() -> None:
    skills = await with_people("ann")
    for skill_id, level in NAVIGATOR_LEVELS.items():
        await skills.levels.set_level("ann", LevelClaim(skill_id, level))
    await skills.levels.remove_level("ann", "local-services-knowledge")
    fit = await skills.scoring.get_fit("ann", "navigator")
    assert fit.fit < 1.0
    assert "local-services-knowledge" in fit.essential_gaps
    with pytest.raises(NotFound):
        await skills.levels.remove_level("ann", "local-services-knowledge")
    with pytest.raises(InvalidArgument) as error:
        await skills.levels.remove_level("ann", "empathy", source="rumour")
    assert fields_of(error) == {"source"}


async def test_history_records_each_change_of_level() -> None:
    skills = await with_people("ann")
    await skills.levels.set_level("ann", LevelClaim("empathy", 2), actor="lead")
    await skills.levels.set_level("ann", LevelClaim("empathy", 3), actor="lead")
    history = await skills.levels.level_history("ann", "empathy")
    assert [(c.from_level, c.to_level, c.actor) for c in history] == [
        (0, 2, "lead"),
        (2, 3, "lead"),
    ]


async def test_an_erased_person_leaves_the_index_and_a_second_erasure_is_not_found() -> None:
    skills = await with_people("ann", "bob")
    await skills.levels.set_level("ann", LevelClaim("empathy", 3))
    await skills.people.erase_person("ann")
    assert skills.keeper.current().person_ids() == ["bob"]
    assert all(key[0] != "ann" for key in skills.store.claims)
    with pytest.raises(NotFound):
        await skills.people.erase_person("ann")


async def test_erasure_by_stored_id_takes_an_id_the_rule_refuses() -> None:
    skills = await with_people()
    skills.store.people["Old Id"] = Person(id="Old Id", name="old", sector="public")
    await skills.keeper.refresh_people(["Old Id"])
    with pytest.raises(InvalidArgument):
        await skills.people.erase_person("Old Id")
    await skills.people.erase_person("Old Id", exact_id=True)
    assert skills.keeper.current().person_ids() == []
    assert [m.id for m in await skills.people.list_malformed_ids()] == []


async def test_people_are_listed_by_filter_a_page_at_a_time() -> None:
    skills = await with_people("a1", "a2", "a3", "b1")
    for person_id in ("a1", "a3", "b1"):
        await skills.levels.set_level(person_id, LevelClaim("empathy", 4))
    selected = PeopleFilter(skill_id="empathy", min_level=3)
    first = await skills.people.list_people(selected, 2, "")
    assert [p.id for p in first.items] == ["a1", "a3"]
    second = await skills.people.list_people(selected, 2, first.next_page_token)
    assert ([p.id for p in second.items], second.next_page_token) == (["b1"], "")


async def test_a_people_filter_is_checked_before_anything_is_read() -> None:
    skills = await with_people("ann")
    with pytest.raises(InvalidArgument) as error:
        await skills.people.list_people(PeopleFilter(min_level=3, sector="guild"), 10, "")
    assert fields_of(error) == {"filter.skill_id", "filter.sector"}
    with pytest.raises(InvalidArgument) as error:
        await skills.scoring.rank_candidates(
            "navigator", PeopleFilter(available_from="2026-02-01", available_until="2026-01-01"), 5
        )
    assert fields_of(error) == {"filter.available_until"}
    with pytest.raises(InvalidArgument) as error:
        await skills.scoring.rank_candidates("navigator", PeopleFilter(), 5, below_fit=float("nan"))
    assert fields_of(error) == {"below_fit"}
    with pytest.raises(InvalidArgument) as error:
        await skills.scoring.candidate_matrix(
            [], [], PeopleFilter(), 1.5, [LevelOverride("ann", "empathy", 8)]
        )
    assert fields_of(error) == {"role_ids", "min_fit", "level_overrides[0].level"}
    assert skills.store.calls == []


async def test_a_new_role_is_scored_as_soon_as_it_is_stored() -> None:
    skills = await with_people("ann")
    await skills.levels.set_level("ann", LevelClaim("empathy", 3))
    listener = Role("listener", "Listener", requirements=(Requirement("empathy", 3),))
    assert await skills.roles.upsert_role(listener) == listener
    assert (await skills.scoring.get_fit("ann", "listener")).fit == pytest.approx(1.0)
    ranked = await skills.scoring.rank_candidates("listener", PeopleFilter(), 5)
    assert [person.id for person, _ in ranked] == ["ann"]
    assert ranked[0][1].fit == pytest.approx(1.0)


async def test_a_role_naming_an_unknown_skill_is_refused_and_not_scored() -> None:
    skills = await with_people("ann")
    ghost = Role("ghost", "Ghost", requirements=(Requirement("empathy", 2), Requirement("nope", 2)))
    with pytest.raises(InvalidArgument) as error:
        await skills.roles.upsert_role(ghost)
    assert fields_of(error) == {"role.requirements[1].skill_id"}
    with pytest.raises(NotFound):
        await skills.scoring.get_fit("ann", "ghost")


async def rows(*items: PersonImport) -> AsyncIterator[PersonImport]:
    for item in items:
        yield item


async def test_an_import_refuses_repeated_ids_and_unknown_skills_and_indexes_the_rest() -> None:
    skills = await with_people()
    summary = await skills.people.import_people(
        rows(
            PersonImport(Person("cat", "Cat", "public"), (LevelClaim("empathy", 3),)),
            PersonImport(Person("dan", "Dan", "public"), (LevelClaim("nope", 3),)),
            PersonImport(Person("cat", "Cat", "public")),
            PersonImport(Person("", "", "guild")),
        )
    )
    assert (summary.accepted, summary.rejected, summary.levels_written) == (1, 3, 1)
    assert [(e.row, e.field) for e in summary.errors][:2] == [
        (2, "levels[0].skill_id"),
        (3, "person.id"),
    ]
    assert skills.keeper.current().person_ids() == ["cat"]
    assert (await skills.people.get_person("cat")).skills[0].level == 3
