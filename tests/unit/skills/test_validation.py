"""Every input rule names the field at fault."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.common.page_tokens import decode_page_token, encode_page_token
from services.skills.domain.fit import Held
from services.skills.domain.model import (
    Clearance,
    EscoBroaderRow,
    EscoSkillRow,
    LevelClaim,
    PeopleFilter,
    Person,
    Requirement,
    Role,
    Skill,
)
from services.skills.domain.scoring_index import ScoringIndex
from services.skills.domain.validation import (
    esco_broader_row_errors,
    esco_skill_id,
    esco_skill_row_errors,
    validate_filter,
    validate_level,
    validate_person,
    validate_person_import,
    validate_relation,
    validate_role,
    validate_skill,
)

GOOD = Person(id="p1", name="Ann", sector="public", capacity_fte=0.5, day_rate=300.0)


def fields_of(error: pytest.ExceptionInfo[InvalidArgument]) -> set[str]:
    return {v.field for v in error.value.violations}


def test_a_good_person_passes() -> None:
    validate_person(GOOD)


def test_every_bad_person_field_is_named() -> None:
    bad = Person(
        id="",
        name="x" * 10_000_001,
        sector="government",
        capacity_fte=1.5,
        day_rate=-1.0,
        clearances=(Clearance("dbs", "2025-13-01"),),
        available_from="tomorrow",
    )
    with pytest.raises(InvalidArgument) as error:
        validate_person(bad)
    assert fields_of(error) == {
        "person.id",
        "person.name",
        "person.sector",
        "person.capacity_fte",
        "person.day_rate",
        "person.clearances[0].expires",
        "person.available_from",
    }


def test_an_id_over_200_characters_is_refused() -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_person(Person(id="x" * 201, name="A", sector="public"))
    assert fields_of(error) == {"person.id"}


def test_nan_capacity_is_refused() -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_person(Person(id="p", name="A", sector="public", capacity_fte=float("nan")))
    assert fields_of(error) == {"person.capacity_fte"}


@pytest.mark.parametrize("level", [0, 5, 7, -1])
def test_levels_outside_one_to_four_are_refused(level: int) -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_level("p1", LevelClaim("a", level, "self"))
    assert fields_of(error) == {"level"}


def test_unknown_source_and_bad_dates_are_named() -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_level("", LevelClaim("a", 2, "gossip", assessed_at="1/2/2024", valid_until="x"))
    assert fields_of(error) == {"person_id", "source", "assessed_at", "valid_until"}


def test_import_row_problems_name_the_level() -> None:
    problems = validate_person_import(
        GOOD, (LevelClaim("a", 2, "self"), LevelClaim("", 9, "self"), LevelClaim("a", 3, "self"))
    )
    assert {field for field, _ in problems} == {
        "levels[1].skill_id",
        "levels[1].level",
        "levels[2].skill_id",
    }


def test_role_rules() -> None:
    validate_role(Role("r", "R", requirements=(Requirement("a", 2, 1.0),)))
    with pytest.raises(InvalidArgument) as error:
        validate_role(
            Role(
                "r",
                "",
                requirements=(Requirement("a", 5, 0.0), Requirement("a", 2, 1.0)),
            )
        )
    assert fields_of(error) == {
        "role.name",
        "role.requirements[0].min_level",
        "role.requirements[0].weight",
        "role.requirements[1].skill_id",
    }
    with pytest.raises(InvalidArgument) as error:
        validate_role(Role("r", "R"))
    assert fields_of(error) == {"role.requirements"}


def test_skill_rules() -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_skill(Skill("s", "", broader=("s", "")))
    assert fields_of(error) == {"skill.label", "skill.broader[0]", "skill.broader[1]"}


@pytest.mark.parametrize(
    ("similarity", "other", "fields"),
    [(1.5, "b", {"similarity"}), (-0.1, "b", {"similarity"}), (0.5, "a", {"related_skill_id"})],
)
def test_relation_rules(similarity: float, other: str, fields: set[str]) -> None:
    with pytest.raises(InvalidArgument) as error:
        validate_relation("a", other, similarity)
    assert fields_of(error) == fields


def test_filter_rules() -> None:
    validate_filter(PeopleFilter(sector="community", skill_id="a", min_level=2))
    with pytest.raises(InvalidArgument) as error:
        validate_filter(PeopleFilter(sector="nowhere", min_level=9))
    assert fields_of(error) == {"filter.sector", "filter.min_level", "filter.skill_id"}


def test_esco_ids_are_the_last_uri_segment() -> None:
    uri = "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"
    assert esco_skill_id(uri) == "0005c151-5b5a-4a66-8aac-60e734beb1ab"
    assert esco_skill_row_errors(EscoSkillRow(uri, "label")) == []
    assert {f for f, _ in esco_skill_row_errors(EscoSkillRow("", ""))} == {
        "skill.concept_uri",
        "skill.preferred_label",
    }
    assert [f for f, _ in esco_broader_row_errors(EscoBroaderRow(uri, uri))] == [
        "broader.broader_uri"
    ]


def test_page_tokens_round_trip_and_refuse_garbage() -> None:
    assert decode_page_token(encode_page_token("person/ü 1")) == "person/ü 1"
    with pytest.raises(InvalidArgument) as error:
        decode_page_token("%%%not-base64")
    assert fields_of(error) == {"page_token"}


def test_bulk_claim_rows_follow_the_effective_level_rules() -> None:
    today = date(2025, 6, 1)
    rows = [
        ("a", 4, "self", "2025-01-01", ""),
        ("a", 2, "certificate", "2025-01-01", ""),
        ("b", 4, "certificate", "2025-01-01", "2025-01-31"),
        ("b", 1, "manager", "2020-01-01", ""),
    ]
    index = ScoringIndex(today)
    index.replace_people([Person("p", "P", "public")], [("p", *row) for row in rows])
    assert index.held("p", ["a", "b"]) == {"a": Held(2, 1.0), "b": Held(1, 0.5)}


def test_slot_and_supply_keys_are_the_callers_labels_not_ids() -> None:
    from services.skills.domain.model import SkillSupplyQuery, SlotCandidatesRequest, SlotQuery
    from services.skills.domain.scoring_requests import validate_slot_request

    request = SlotCandidatesRequest(
        slots=(SlotQuery("riverside-isolation/navigator", "navigator"),),
        skill_supply=(
            SkillSupplyQuery("empathy@3", "empathy", 3, start="2027-01-01", end="2027-03-31"),
            SkillSupplyQuery("empathy@3", "empathy", 3, start="2027-04-01", end="2027-06-30"),
        ),
    )
    validate_slot_request(request)
    with pytest.raises(InvalidArgument) as refused:
        validate_slot_request(SlotCandidatesRequest(slots=(SlotQuery("", "navigator"),)))
    assert "slots[0].key" in str(refused.value)
