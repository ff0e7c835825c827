from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.gateway.domain.people_csv import parse_people_csv
from services.gateway.domain.vocabulary import LevelSource, Sector

HEADER = (
    "id,name,sector,organisation,locality,capacity_fte,day_rate,clearances,"
    "skill_id,level,evidence,source,valid_until\n"
)


def test_rows_are_grouped_by_person_in_order_of_first_appearance() -> None:
    parsed = parse_people_csv(
        HEADER
        + "p1,Ada,public,Council,Northfield,0.8,300,dbs:2030-01-31,empathy,3,interview,manager,\n"
        + "p2,Bo,community,,Northfield,0.1,,,case-work,2,,,\n"
        + "p1,Ada,public,Council,Northfield,0.8,300,dbs:2030-01-31,"
        + "case-work,4,,certificate,2027-05-01\n"
    )
    assert parsed.problems == []
    assert [g.person.id for g in parsed.people] == ["p1", "p2"]
    ada = parsed.people[0]
    assert ada.person.sector is Sector.PUBLIC
    assert ada.person.capacity_fte == 0.8
    assert ada.person.clearances[0].expires == date(2030, 1, 31)
    assert [(line, level.skill_id) for line, level in ada.levels] == [
        (2, "empathy"),
        (4, "case-work"),
    ]
    assert ada.levels[1][1].source is LevelSource.CERTIFICATE
    assert ada.levels[1][1].valid_until == date(2027, 5, 1)
    assert parsed.people[1].person.day_rate == 0.0


def test_a_broken_row_in_the_middle_is_reported_by_line_and_the_others_kept() -> None:
    parsed = parse_people_csv(
        HEADER
        + "p1,Ada,public,,,,,,empathy,3,,,\n"
        + "p2,Bo,nowhere,,,,,,empathy,9,,,\n"
        + "p3,Cy,private,,,,,,empathy,2,,,\n"
    )
    assert [g.person.id for g in parsed.people] == ["p1", "p3"]
    assert {(p.line, p.field) for p in parsed.problems} == {(3, "sector"), (3, "level")}
    assert all(p.id == "p2" for p in parsed.problems)


def test_a_bad_level_row_keeps_the_persons_good_rows() -> None:
    parsed = parse_people_csv(
        HEADER + "p1,Ada,public,,,,,,empathy,3,,,\np1,,,,,,,,case-work,x,,,\n"
    )
    assert [level.skill_id for _, level in parsed.people[0].levels] == ["empathy"]
    assert [(p.line, p.field) for p in parsed.problems] == [(3, "level")]


def test_line_numbers_count_quoted_newlines() -> None:
    parsed = parse_people_csv(
        HEADER + 'p1,"Ada\nLovelace",public,,,,,,empathy,3,,,\np2,Bo,public,,,,,,empathy,0,,,\n'
    )
    assert parsed.people[0].person.name == "Ada\nLovelace"
    assert parsed.problems[0].line == 4


@pytest.mark.parametrize(
    ("row", "field"),
    [
        (",Ada,public,,,,,,,,,,", "id"),
        ("p1,,public,,,,,,,,,,", "name"),
        ("p1,Ada,public,,,1.5,,,,,,,", "capacity_fte"),
        ("p1,Ada,public,,,,-3,,,,,,", "day_rate"),
        ("p1,Ada,public,,,,,dbs:31/01/2030,,,,,", "clearances"),
        ("p1,Ada,public,,,,,dbs,,,,,", "clearances"),
        ("p1,Ada,public,,,,,,empathy,,,,", "level"),
        ("p1,Ada,public,,,,,,,3,,,", "skill_id"),
        ("p1,Ada,public,,,,,,empathy,3,,boss,", "source"),
        ("p1,Ada,public,,,,,,empathy,3,,,2027-13-01", "valid_until"),
        ("p1,Ada,public,,,,,,empathy,3,,,,extra", ""),
    ],
)
def test_each_bad_cell_is_named(row: str, field: str) -> None:
    parsed = parse_people_csv(HEADER + row + "\n")
    assert parsed.people == []
    assert field in {p.field for p in parsed.problems}
    assert all(p.line == 2 for p in parsed.problems)


def test_conflicting_person_fields_and_repeated_levels_are_refused() -> None:
    parsed = parse_people_csv(
        HEADER
        + "p1,Ada,public,,,,,,empathy,3,,,\n"
        + "p1,Ada,private,,,,,,case-work,3,,,\n"
        + "p1,,,,,,,,empathy,4,,,\n"
    )
    assert [(p.line, p.reason.split(" ")[0]) for p in parsed.problems] == [
        (3, "person"),
        (4, "repeats"),
    ]
    assert len(parsed.people[0].levels) == 1


def test_a_person_without_skills_is_kept() -> None:
    parsed = parse_people_csv(HEADER + "p1,Ada,third sector,,,,,,,,,,\n")
    assert parsed.people[0].person.sector is Sector.THIRD_SECTOR
    assert parsed.people[0].levels == []


def test_a_header_without_required_columns_is_refused_as_a_whole() -> None:
    with pytest.raises(InvalidArgument) as raised:
        parse_people_csv("id,name\np1,Ada\n")
    assert raised.value.violations[0].field == "body"
    assert "sector" in raised.value.violations[0].message


def test_columns_the_file_lacks_and_empty_numbers_are_kept_as_stored() -> None:
    parsed = parse_people_csv(
        "id,name,sector,capacity_fte,day_rate,skill_id,level\np1,Ann,public,0.5,,empathy,2\n"
    )

    (group,) = parsed.people
    assert group.person.kept == {
        "organisation",
        "locality",
        "day_rate",
        "clearances",
        "available_from",
        "available_until",
        "levels.evidence",
        "levels.valid_until",
    }


def test_availability_and_assessment_dates_are_read() -> None:
    parsed = parse_people_csv(
        "id,name,sector,available_from,available_until,skill_id,level,assessed_at\n"
        "p1,Ann,public,2027-01-04,,empathy,2,2019-05-02\n"
    )

    (group,) = parsed.people
    assert group.person.available_from == date(2027, 1, 4)
    assert group.person.available_until is None
    assert "available_until" not in group.person.kept
    assert group.levels[0][1].assessed_at == date(2019, 5, 2)
