"""The scoring index against the plain fit rules (fit.py): same fits to 1e-9,
same top-k order, same filters, on hand-checkable cases and random workforces."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from services.common.errors import InvalidArgument, NotFound
from services.skills.domain.fit import (
    BROADER_SIMILARITY,
    Held,
    RoleScorer,
    SkillNeighbourhood,
    effective_claims,
    held_levels,
    top_k,
)
from services.skills.domain.model import (
    Clearance,
    CommittedLoad,
    LevelClaim,
    LevelOverride,
    PeopleFilter,
    Person,
    Requirement,
    Role,
    SkillAtLevel,
    SkillSupplyQuery,
    SlotCandidatesRequest,
    SlotQuery,
)
from services.skills.domain.scoring_index import (
    ClaimColumns,
    PeopleColumns,
    ScoringIndex,
)
from services.skills.domain.scoring_requests import validate_slot_request

TODAY = date(2026, 12, 1)
SOURCES = ("self", "manager", "training", "assessment", "certificate")
SECTORS = ("public", "private", "third_sector", "community")
LOCALITIES = ("Ladywood", "Aston", "Erdington")


def claims_rows(person: Person) -> list[tuple[str, str, int, str, str, str]]:
    return [
        (person.id, c.skill_id, c.level, c.source, c.assessed_at, c.valid_until)
        for c in person.skills
    ]


def index_of(
    people: list[Person], roles: list[Role], hoods: dict[str, SkillNeighbourhood]
) -> ScoringIndex:
    index = ScoringIndex(TODAY)
    index.set_catalogue(roles, hoods)
    index.replace_people(
        [replace(p, skills=()) for p in people], [r for p in people for r in claims_rows(p)]
    )
    return index


def random_workforce(
    seed: int, size: int = 300
) -> tuple[list[Person], list[Role], dict[str, SkillNeighbourhood]]:
    rng = random.Random(seed)
    skills = [f"s{i:02d}" for i in range(30)]
    hoods = {
        s: SkillNeighbourhood(
            broader=tuple(sorted(rng.sample(skills, rng.randint(0, 2)))),
            narrower=tuple(sorted(rng.sample(skills, rng.randint(0, 2)))),
            related=tuple(
                sorted((o, round(rng.uniform(0.1, 0.9), 2)) for o in rng.sample(skills, 2))
            ),
        )
        for s in skills
    }
    roles = [
        Role(
            id=f"role{r}",
            name=f"Role {r}",
            requirements=tuple(
                Requirement(s, rng.randint(1, 4), rng.choice([0.5, 1.0, 2.0]), rng.random() < 0.3)
                for s in rng.sample(skills, rng.randint(1, 5))
            ),
        )
        for r in range(4)
    ]
    people: list[Person] = []
    for i in range(size):
        claims: list[LevelClaim] = []
        for skill in rng.sample(skills, rng.randint(0, 8)):
            for source in rng.sample(SOURCES, rng.choice([1, 1, 1, 2, 3])):
                assessed = (
                    ""
                    if rng.random() < 0.2
                    else (TODAY - timedelta(days=rng.randint(0, 2500))).isoformat()
                )
                valid_until = (
                    ""
                    if rng.random() < 0.7
                    else (TODAY + timedelta(days=rng.randint(-30, 30))).isoformat()
                )
                claims.append(
                    LevelClaim(skill, rng.randint(1, 4), source, "", "", assessed, valid_until)
                )
        people.append(
            Person(
                id=f"p{rng.randint(0, 10**6):07d}-{i}",
                name=f"Person {i}",
                sector=rng.choice(SECTORS),
                organisation=rng.choice(["council", "nhs", "charity"]),
                locality=rng.choice(LOCALITIES),
                capacity_fte=rng.choice([0.2, 0.5, 1.0]),
                clearances=(Clearance("dbs", rng.choice(["", "2026-12-10", "2027-06-01"])),)
                if rng.random() < 0.5
                else (),
                available_from=rng.choice(["", "2026-11-01", "2027-01-15"]),
                available_until=rng.choice(["", "2027-03-01", "2028-01-01"]),
                skills=tuple(claims),
            )
        )
    return people, roles, hoods


def expected_fits(
    people: list[Person], role: Role, hoods: dict[str, SkillNeighbourhood], today: date
) -> dict[str, float]:
    scorer = RoleScorer(role, hoods)
    return {p.id: scorer.fit_value(held_levels(p.skills, today)) for p in people}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fits_and_top_k_equal_the_fit_rules_on_random_workforces(seed: int) -> None:
    people, roles, hoods = random_workforce(seed)
    index = index_of(people, roles, hoods)
    rows = {p.id: index.row_of(p.id) for p in people}
    for role in roles:
        expected = expected_fits(people, role, hoods, TODAY)
        fits = index.fits(role.id)
        for person_id, value in expected.items():
            assert fits[rows[person_id]] == pytest.approx(value, abs=1e-9)
        for k in (1, 5, 20, 300, 500):
            assert [i for i, _ in index.rank(role.id, k=k)] == [
                i for i, _ in top_k(expected.items(), k)
            ]


@pytest.mark.parametrize("seed", [4, 5])
def test_one_persons_fit_and_gaps_equal_the_scorer(seed: int) -> None:
    people, roles, hoods = random_workforce(seed, size=60)
    index = index_of(people, roles, hoods)
    for role in roles:
        scorer = RoleScorer(role, hoods)
        for person in people:
            held = held_levels(person.skills, TODAY)
            assert index.fit_of(person.id, role.id) == scorer.explain(person.id, held)
            assert index.gaps_of(person.id, role.id) == scorer.gaps(person.id, held)


def test_filters_pick_the_same_people_as_plain_predicates() -> None:
    people, roles, hoods = random_workforce(6)
    index = index_of(people, roles, hoods)
    role = roles[0]
    expected = expected_fits(people, role, hoods, TODAY)
    skill = role.requirements[0].skill_id
    cases: list[tuple[PeopleFilter, Callable[[Person], bool]]] = [
        (PeopleFilter(sector="community"), lambda p: p.sector == "community"),
        (PeopleFilter(locality="Aston"), lambda p: p.locality == "Aston"),
        (PeopleFilter(organisation="nhs"), lambda p: p.organisation == "nhs"),
        (PeopleFilter(locality="Nowhere"), lambda p: False),
        (
            PeopleFilter(skill_id=skill),
            lambda p: skill in held_levels(p.skills, TODAY),
        ),
        (
            PeopleFilter(skill_id=skill, min_level=2),
            lambda p: held_levels(p.skills, TODAY).get(skill, Held(0)).level >= 2,
        ),
        (
            PeopleFilter(available_from="2027-01-01", available_until="2027-02-01"),
            lambda p: (
                (p.available_from or "0") <= "2027-01-01"
                and (p.available_until or "9") >= "2027-02-01"
            ),
        ),
        (
            PeopleFilter(clearance="dbs"),
            lambda p: any(not c.expires or c.expires >= TODAY.isoformat() for c in p.clearances),
        ),
        (
            PeopleFilter(clearance="dbs", clearance_valid_until="2027-01-01"),
            lambda p: any(not c.expires or c.expires >= "2027-01-01" for c in p.clearances),
        ),
    ]
    for people_filter, predicate in cases:
        wanted = [(p.id, expected[p.id]) for p in people if predicate(p)]
        assert [i for i, _ in index.rank(role.id, people_filter, k=1000)] == [
            i for i, _ in top_k(wanted, 1000)
        ], people_filter
        ids = index.ids_after(people_filter, "", 1000)
        assert ids == sorted(p.id for p in people if predicate(p))
        paged: list[str] = []
        while page := index.ids_after(people_filter, paged[-1] if paged else "", 7):
            paged.extend(page)
        assert paged == ids
    below = index.rank(role.id, k=1000, below_fit=0.5)
    assert [i for i, _ in below] == [
        i for i, _ in top_k([(i, f) for i, f in expected.items() if f < 0.5], 1000)
    ]


def test_a_hand_checked_fit_through_a_broader_skill_with_old_evidence() -> None:
    role = Role("navigator", "Navigator", requirements=(Requirement("advice", 2),))
    hoods = {"advice": SkillNeighbourhood(broader=("care",))}
    # Assessed 3.5 years ago: age factor 1 - (1.5/3) x 0.5 = 0.75.
    assessed = date.fromordinal(TODAY.toordinal() - round(3.5 * 365.25)).isoformat()
    people = [
        Person(
            "ann", "Ann", "public", skills=(LevelClaim("care", 2, "assessment", "", "", assessed),)
        ),
        Person("bob", "Bob", "public", skills=(LevelClaim("advice", 1, "self"),)),
    ]
    index = index_of(people, [role], hoods)
    age = 1.0 - ((TODAY - date.fromisoformat(assessed)).days / 365.25 - 2.0) / 3.0 * 0.5
    assert index.rank("navigator") == [
        ("bob", 0.5),
        ("ann", pytest.approx(BROADER_SIMILARITY * age)),
    ]


def test_expiry_passing_midnight_is_seen_when_the_day_changes() -> None:
    role = Role("r", "R", requirements=(Requirement("advice", 2),))
    people = [
        Person(
            "ann",
            "Ann",
            "public",
            skills=(
                LevelClaim("advice", 2, "certificate", "", "", "2026-11-01", "2026-12-01"),
                LevelClaim("advice", 1, "self", "", "", "2026-10-01"),
            ),
        )
    ]
    index = index_of(people, [role], {})
    assert index.rank("r") == [("ann", 1.0)]
    index.set_today(TODAY + timedelta(days=1))
    assert index.rank("r") == [("ann", 0.5)]


def test_write_through_replaces_and_erasure_removes() -> None:
    people, roles, hoods = random_workforce(7, size=50)
    index = index_of(people, roles, hoods)
    changed = replace(
        people[0], skills=(LevelClaim(roles[0].requirements[0].skill_id, 4, "certificate"),)
    )
    people[0] = changed
    index.replace_people([replace(changed, skills=())], claims_rows(changed))
    expected = expected_fits(people, roles[0], hoods, TODAY)
    ranked = index.rank(roles[0].id, k=50)
    assert [i for i, _ in ranked] == [i for i, _ in top_k(expected.items(), 50)]
    assert [f for _, f in ranked] == pytest.approx(sorted(expected.values(), reverse=True))
    index.remove_people([people[1].id])
    assert people[1].id not in [i for i, _ in index.rank(roles[0].id, k=1000)]
    assert people[1].id not in index.ids_after(PeopleFilter(), "", 1000)
    with pytest.raises(NotFound):
        index.fit_of(people[1].id, roles[0].id)
    assert index.size == 49


def test_from_arrays_equals_person_by_person_building() -> None:
    people, roles, hoods = random_workforce(8, size=100)
    skill_ids = sorted({c.skill_id for p in people for c in p.skills})
    code = {s: i for i, s in enumerate(skill_ids)}
    claims = [(n, c) for n, p in enumerate(people) for c in p.skills]
    rank = {"self": 1, "manager": 2, "training": 3, "assessment": 4, "certificate": 5}
    arrays = ScoringIndex.from_arrays(
        PeopleColumns.of(people),
        ClaimColumns(
            person=np.array([n for n, _ in claims]),
            skill=np.array([code[c.skill_id] for _, c in claims]),
            level=np.array([c.level for _, c in claims]),
            source_rank=np.array([rank[c.source] for _, c in claims]),
            assessed_day=np.array(
                [
                    date.fromisoformat(c.assessed_at).toordinal() if c.assessed_at else 0
                    for _, c in claims
                ]
            ),
            valid_until_day=np.array(
                [
                    date.fromisoformat(c.valid_until).toordinal() if c.valid_until else 2**31 - 1
                    for _, c in claims
                ]
            ),
        ),
        skill_ids=skill_ids,
        roles=roles,
        neighbourhoods=hoods,
        today=TODAY,
    )
    plain = index_of(people, roles, hoods)
    for role in roles:
        assert arrays.rank(role.id, k=100) == plain.rank(role.id, k=100)


def test_candidate_rows_apply_overrides_and_min_fit() -> None:
    people, roles, hoods = random_workforce(9, size=80)
    index = index_of(people, roles, hoods)
    skill = roles[1].requirements[0].skill_id
    target = people[3]
    overrides = [LevelOverride(target.id, skill, 4)]
    rows = [
        row
        for batch in index.candidate_rows(
            [roles[1].id], [skill], PeopleFilter(), 0.0, overrides, batch=7
        )
        for row in batch
    ]
    assert [r.person.id for r in rows] == sorted(p.id for p in people)
    by_id = {r.person.id: r for r in rows}
    scorer = RoleScorer(roles[1], hoods)
    held = held_levels(target.skills, TODAY)
    held[skill] = Held(4, 1.0)
    assert by_id[target.id].fits[roles[1].id] == pytest.approx(scorer.fit_value(held), abs=1e-9)
    assert by_id[target.id].levels[skill] == 4
    assert by_id[target.id].person.locality == target.locality
    kept = [
        row.person.id
        for batch in index.candidate_rows([roles[1].id], [], PeopleFilter(), 0.4)
        for row in batch
    ]
    expected = expected_fits(people, roles[1], hoods, TODAY)
    expected[target.id] = by_id[target.id].fits[roles[1].id]
    assert kept == sorted(i for i, f in expected.items() if f >= 0.4 and i != target.id)


def test_slot_eligibility_pruning_and_supply() -> None:
    people, roles, hoods = random_workforce(10, size=300)
    index = index_of(people, roles, hoods)
    role = roles[2]
    expected = expected_fits(people, role, hoods, TODAY)
    by_id = {p.id: p for p in people}
    busy = people[0].id
    slot = SlotQuery(
        key="o1/r",
        role_id=role.id,
        min_fit=0.1,
        fte=0.5,
        locality="Aston",
        clearance="dbs",
        start="2027-01-01",
        end="2027-02-01",
        exclude_organisation="charity",
        keep=5,
        keep_per_sector=2,
        coverage=(SkillAtLevel(role.requirements[0].skill_id, 1),),
    )

    def eligible(p: Person, committed: float) -> bool:
        return (
            expected[p.id] >= 0.1 - 1e-9
            and round(p.capacity_fte * 100) - round(committed * 100) >= 50
            and any(not c.expires or c.expires >= "2027-02-01" for c in p.clearances)
            and (p.available_from or "0") <= "2027-01-01"
            and (p.available_until or "9") >= "2027-02-01"
            and p.organisation != "charity"
        )

    request = SlotCandidatesRequest(
        slots=(slot, replace(slot, key="all", keep=0, local_only=True)),
        committed=(CommittedLoad(busy, 0.6, "2026-12-15", "2027-01-10"),),
        skill_supply=(SkillSupplyQuery("supply", role.requirements[0].skill_id, 2, "Aston"),),
    )
    answer = index.slot_candidates(request)
    wanted = [(p.id, expected[p.id]) for p in people if eligible(p, 0.6 if p.id == busy else 0.0)]
    ordered = [i for i, _ in top_k(wanted, len(wanted))]
    pool, local_pool = answer.pools
    assert pool.eligible == len(ordered)
    assert local_pool.eligible == len([i for i in ordered if by_id[i].locality == "Aston"])
    assert local_pool.kept == local_pool.eligible
    kept = set(ordered[:5])
    for sector in SECTORS:
        kept |= set([i for i in ordered if by_id[i].sector == sector][:2])
    skill = role.requirements[0].skill_id
    kept |= set(
        [i for i in ordered if held_levels(by_id[i].skills, TODAY).get(skill, Held(0)).level >= 1][
            :5
        ]
    )
    assert pool.kept == len(kept)
    row_ids = [r.person.id for r in answer.rows]
    assert row_ids == sorted(kept | {i for i in ordered if by_id[i].locality == "Aston"})
    assert pool.passing["fit"] == sum(1 for f in expected.values() if f >= 0.1 - 1e-9)
    assert answer.supply["supply"] == sum(
        1
        for p in people
        if p.locality == "Aston" and held_levels(p.skills, TODAY).get(skill, Held(0)).level >= 2
    )
    counts = index.slot_candidates(replace(request, counts_only=True))
    assert counts.rows == [] and counts.pools == answer.pools


def test_supply_groups_and_shared_supply_keys_count_distinct_people_and_pins_stay() -> None:
    people, roles, hoods = random_workforce(11, size=200)
    index = index_of(people, roles, hoods)
    role = roles[0]
    expected = expected_fits(people, role, hoods, TODAY)
    pin = min(people, key=lambda p: expected[p.id]).id
    aston = SlotQuery(
        "a", role.id, min_fit=0.2, locality="Aston", local_only=True, always_keep=(pin,)
    )
    ladywood = replace(aston, key="l", locality="Ladywood", always_keep=())
    skill = role.requirements[0].skill_id
    answer = index.slot_candidates(
        SlotCandidatesRequest(
            slots=(replace(aston, supply_group="g"), replace(ladywood, supply_group="g")),
            skill_supply=(
                SkillSupplyQuery("k", skill, 1, "Aston"),
                SkillSupplyQuery("k", skill, 1, "Ladywood"),
            ),
        )
    )
    assert answer.group_supply["g"] == sum(
        1 for p in people if expected[p.id] >= 0.2 - 1e-9 and p.locality in ("Aston", "Ladywood")
    )
    assert answer.supply["k"] == sum(
        1
        for p in people
        if p.locality in ("Aston", "Ladywood")
        and held_levels(p.skills, TODAY).get(skill, Held(0)).level >= 1
    )
    assert pin in [r.person.id for r in answer.rows]
    excluded = index.slot_candidates(
        SlotCandidatesRequest(slots=(aston,), exclude_person_ids=(pin,))
    )
    assert pin not in [r.person.id for r in excluded.rows]


def test_people_come_with_their_counting_claims_in_the_skills_asked() -> None:
    people, roles, hoods = random_workforce(12, size=80)
    index = index_of(people, roles, hoods)
    skills = sorted(RoleScorer(roles[0], hoods).relevant_skill_ids)
    answered = index.people_with_levels([p.id for p in people] + ["nobody"], skills)
    assert [p.id for p in answered] == [p.id for p in people]
    for person, got in zip(people, answered, strict=True):
        counting = effective_claims(person.skills, TODAY)
        assert [
            (c.skill_id, c.level, c.source, c.assessed_at, c.valid_until) for c in got.skills
        ] == [
            (c.skill_id, c.level, c.source, c.assessed_at, c.valid_until)
            for s, c in sorted(counting.items())
            if s in skills
        ]
        assert (got.locality, got.clearances, got.available_until) == (
            person.locality,
            person.clearances,
            person.available_until,
        )


def test_slot_keys_are_matchings_own_and_not_held_to_the_id_rule() -> None:
    # Matching keys a slot "outcome/role": the id rule's refusal of "/" must not reach it.
    validate_slot_request(
        SlotCandidatesRequest(
            slots=(SlotQuery(key="o1/navigator", role_id="navigator"),),
            skill_supply=(SkillSupplyQuery("empathy/3", "empathy", 3),),
        )
    )
    with pytest.raises(InvalidArgument):
        validate_slot_request(
            SlotCandidatesRequest(slots=(SlotQuery(key="", role_id="navigator"),))
        )
