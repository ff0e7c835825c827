"""Which claim counts: rank first, but a newer evidenced claim at a higher
level (a completed course, a fresh assessment) shows progress and counts."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from services.skills.domain.fit import EVIDENCED_SOURCES, Held, effective_claims
from services.skills.domain.model import LevelClaim, Person
from services.skills.domain.scoring_index import ScoringIndex

TODAY = date(2026, 6, 1)


def index_held(rows: list[tuple[str, int, str, str, str]], today: date) -> dict[str, Held]:
    """Effective levels as the scoring index derives them from bulk claim rows."""
    index = ScoringIndex(today)
    index.replace_people(
        [Person("p", "P", "public")],
        [("p", s, level, src, at, until) for s, level, src, at, until in rows],
    )
    return index.held("p", sorted({r[0] for r in rows}))


def level_of(*claims: LevelClaim) -> int:
    return effective_claims(claims, TODAY)["a"].level


def test_a_completed_course_moves_an_older_assessed_level() -> None:
    assert (
        level_of(
            LevelClaim("a", 2, "assessment", assessed_at="2025-01-01"),
            LevelClaim("a", 3, "training", assessed_at="2026-03-01"),
        )
        == 3
    )


def test_an_older_training_claim_does_not_beat_a_newer_assessment() -> None:
    assert (
        level_of(
            LevelClaim("a", 3, "training", assessed_at="2025-01-01"),
            LevelClaim("a", 2, "assessment", assessed_at="2026-03-01"),
        )
        == 2
    )


def test_a_newer_lower_evidenced_claim_does_not_displace_a_higher_ranking_one() -> None:
    assert (
        level_of(
            LevelClaim("a", 3, "certificate", assessed_at="2025-01-01"),
            LevelClaim("a", 2, "training", assessed_at="2026-03-01"),
        )
        == 3
    )


@pytest.mark.parametrize("source", ["self", "manager"])
def test_self_declared_and_manager_levels_never_beat_evidence(source: str) -> None:
    assert (
        level_of(
            LevelClaim("a", 1, "assessment", assessed_at="2025-01-01"),
            LevelClaim("a", 4, source, assessed_at="2026-03-01"),
        )
        == 1
    )


def test_the_answer_does_not_depend_on_the_order_claims_arrive_in() -> None:
    claims = [
        LevelClaim("a", 2, "certificate", assessed_at="2025-01-01"),
        LevelClaim("a", 3, "training", assessed_at="2025-06-01"),
        LevelClaim("a", 1, "assessment", assessed_at="2026-01-01"),
        LevelClaim("a", 4, "self", assessed_at="2026-02-01"),
    ]
    answers = {level_of(*order) for order in itertools.permutations(claims)}
    # The latest assessment speaks last among the evidenced claims.
    assert answers == {1}


def test_bulk_rows_follow_the_same_rule() -> None:
    rows = [
        ("a", 2, "assessment", "2025-01-01", ""),
        ("a", 3, "training", "2026-03-01", ""),
        ("b", 3, "training", "2025-01-01", ""),
        ("b", 2, "assessment", "2026-03-01", ""),
        ("c", 1, "assessment", "2025-01-01", ""),
        ("c", 4, "self", "2026-03-01", ""),
    ]
    assert index_held(rows, TODAY) == {"a": Held(3, 1.0), "b": Held(2, 1.0), "c": Held(1, 1.0)}


def test_the_index_does_not_depend_on_the_order_claims_arrive_in() -> None:
    rows = [
        ("a", 2, "certificate", "2025-01-01", ""),
        ("a", 3, "training", "2025-06-01", ""),
        ("a", 1, "assessment", "2026-01-01", ""),
        ("a", 4, "self", "2026-02-01", ""),
    ]
    answers = {index_held(list(order), TODAY)["a"].level for order in itertools.permutations(rows)}
    assert answers == {1}
    assert {"training", "assessment", "certificate"} == EVIDENCED_SOURCES
