"""The one id rule (services.common.identifiers), as every way in applies it."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.common.identifiers import MAX_ID_CHARS, id_problem
from services.gateway.domain.people_csv import parse_people_csv
from services.matching.domain.model import Outcome, Slot
from services.matching.domain.outcomes import validate_outcome
from services.skills.domain.validation import require_id, require_stored_id


@pytest.mark.parametrize(
    "good",
    [
        "nc-043",
        "E1234",
        "ward.7_nav",
        "Zoë",
        "0005c151-5b5a-4a66-8aac-60e734beb1ab",  # ESCO: the UUID ending a concept URI
        "S4.8.1",  # ESCO skill groups
        "x" * MAX_ID_CHARS,
    ],
)
def test_ordinary_ids_and_escos_pass(good: str) -> None:
    assert id_problem(good) is None


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("", "empty"),
        ("nc 043", "white space"),
        ("nc/045", "'/'"),
        (" nc-046", "white space"),
        ("nc-047 ", "white space"),
        ("a\u00a0b", "white space"),
        ("a?b", "'?'"),
        ("a#b", "'#'"),
        ("a\\b", "'\\\\'"),
        ("a\x00b", "control"),
        ("a\u200bb", "control"),
        (".", "'.'"),
        ("..", "'..'"),
        ("x" * (MAX_ID_CHARS + 1), "at most"),
    ],
)
def test_ids_a_url_or_a_person_would_change_are_refused(bad: str, reason: str) -> None:
    problem = id_problem(bad)
    assert problem is not None and reason in problem


def test_surrounding_spaces_are_refused_not_trimmed_in_the_people_csv() -> None:
    parsed = parse_people_csv(
        "id,name,sector,skill_id,level\n p1,Ann,public,,\np2,Bo,public,empathy ,2\n"
    )

    assert parsed.people == []
    assert {(p.line, p.field) for p in parsed.problems} == {(2, "id"), (3, "skill_id")}


def test_the_skills_service_refuses_what_the_rule_refuses_but_erases_as_stored() -> None:
    with pytest.raises(InvalidArgument):
        require_id("nc/045", "id")
    require_stored_id("nc/045", "id")


def test_an_outcome_id_follows_the_rule() -> None:
    draft = Outcome(
        id="o 1",
        title="T",
        locality="L",
        priority=3,
        budget=1000,
        start=date(2027, 1, 1),
        end=date(2027, 2, 1),
        days=5,
        slots=(Slot(role_id="navigator", count=1, fte=0.5),),
    )
    with pytest.raises(InvalidArgument) as refused:
        validate_outcome(draft, {"navigator"})
    assert [v.field for v in refused.value.violations] == ["outcome.id"]
