"""Role fit, ranking and gaps on cases small enough to check by hand."""

from __future__ import annotations

from datetime import date

import pytest

from services.skills.domain.fit import (
    BROADER_SIMILARITY,
    NARROWER_SIMILARITY,
    Held,
    RoleScorer,
    SkillNeighbourhood,
    effective_claims,
    evidence_age_factor,
    held_levels,
    top_k,
)
from services.skills.domain.model import LevelClaim, Requirement, RequirementStatus, Role

TODAY = date(2025, 6, 1)


def role(*requirements: Requirement) -> Role:
    return Role("r", "R", requirements=requirements)


def scorer(*requirements: Requirement, **neighbourhoods: SkillNeighbourhood) -> RoleScorer:
    return RoleScorer(role(*requirements), neighbourhoods)


def test_own_level_below_minimum_earns_its_share() -> None:
    fit = scorer(Requirement("a", 4)).explain("p", {"a": Held(2)})
    assert fit.fit == pytest.approx(0.5)
    (requirement,) = fit.requirements
    assert requirement.status is RequirementStatus.PARTIAL
    assert requirement.level == 2
    assert requirement.via_skill_id == ""


def test_level_above_minimum_caps_at_full_credit() -> None:
    fit = scorer(Requirement("a", 2)).explain("p", {"a": Held(4)})
    assert fit.fit == 1.0
    assert fit.requirements[0].status is RequirementStatus.MET


def test_narrower_skill_gives_discounted_credit() -> None:
    fit = scorer(Requirement("a", 3), a=SkillNeighbourhood(narrower=("a-child",))).explain(
        "p", {"a-child": Held(3)}
    )
    assert fit.fit == pytest.approx(NARROWER_SIMILARITY)
    assert NARROWER_SIMILARITY == 0.7
    assert fit.requirements[0].status is RequirementStatus.PARTIAL
    assert fit.requirements[0].via_skill_id == "a-child"
    assert fit.requirements[0].level == 0


def test_broader_skill_gives_half_credit_of_its_ratio() -> None:
    fit = scorer(Requirement("a", 4), a=SkillNeighbourhood(broader=("field",))).explain(
        "p", {"field": Held(2)}
    )
    # 0.5 similarity x min(1, 2/4)
    assert BROADER_SIMILARITY == 0.5
    assert fit.fit == pytest.approx(0.25)
    assert fit.requirements[0].via_skill_id == "field"


def test_related_skill_uses_its_similarity() -> None:
    fit = scorer(Requirement("a", 4), a=SkillNeighbourhood(related=(("b", 0.6),))).explain(
        "p", {"b": Held(2)}
    )
    assert fit.fit == pytest.approx(0.3)


def test_best_of_own_and_neighbour_credit_wins() -> None:
    s = scorer(Requirement("a", 4), a=SkillNeighbourhood(related=(("b", 0.9),)))
    fit = s.explain("p", {"a": Held(1), "b": Held(4)})
    assert fit.fit == pytest.approx(0.9)
    assert fit.requirements[0].via_skill_id == "b"
    assert fit.requirements[0].level == 1
    own_better = s.explain("p", {"a": Held(4), "b": Held(4)})
    assert own_better.requirements[0].via_skill_id == ""
    assert own_better.requirements[0].status is RequirementStatus.MET


def test_weighted_mean_over_requirements() -> None:
    s = scorer(Requirement("a", 2, weight=3.0), Requirement("b", 2, weight=1.0))
    assert s.fit_value({"a": Held(2)}) == pytest.approx(0.75)
    assert s.fit_value({"b": Held(1)}) == pytest.approx(0.125)
    assert s.fit_value({}) == 0.0


def test_missing_and_essential_gaps_are_named() -> None:
    s = scorer(
        Requirement("a", 3, essential=True),
        Requirement("b", 2, essential=True),
        Requirement("c", 2),
    )
    fit = s.explain("p", {"a": Held(2), "b": Held(2)})
    assert fit.essential_gaps == ("a",)
    assert [r.status for r in fit.requirements] == [
        RequirementStatus.PARTIAL,
        RequirementStatus.MET,
        RequirementStatus.MISSING,
    ]
    assert fit.requirements[2].credit == 0.0


def test_essential_met_only_through_a_neighbour_is_still_a_gap() -> None:
    s = scorer(Requirement("a", 2, essential=True), a=SkillNeighbourhood(related=(("b", 1.0),)))
    fit = s.explain("p", {"b": Held(4)})
    assert fit.fit == 1.0
    assert fit.essential_gaps == ("a",)


def test_old_evidence_reduces_credit() -> None:
    s = scorer(Requirement("a", 2))
    assert s.fit_value({"a": Held(2, age_factor=0.75)}) == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("assessed_at", "factor"),
    [
        ("", 1.0),
        ("2025-01-01", 1.0),
        ("2023-06-02", 1.0),
        # 3.5 years: halfway down the taper from 1.0 to 0.5.
        ("2021-12-01", 0.75),
        ("2020-06-01", 0.5),
        ("2010-01-01", 0.5),
    ],
)
def test_evidence_age_factor(assessed_at: str, factor: float) -> None:
    assert evidence_age_factor(assessed_at, TODAY) == pytest.approx(factor, abs=0.001)


def test_certified_level_outranks_self_declared_even_when_lower() -> None:
    claims = [
        LevelClaim("a", 4, "self", assessed_at="2025-05-01"),
        LevelClaim("a", 2, "certificate", assessed_at="2024-01-01"),
    ]
    assert effective_claims(claims, TODAY)["a"].level == 2


def test_expired_evidence_does_not_count() -> None:
    claims = [
        LevelClaim("a", 4, "self"),
        LevelClaim("a", 2, "certificate", valid_until="2025-05-31"),
        LevelClaim("b", 3, "assessment", valid_until="2025-06-01"),
    ]
    current = effective_claims(claims, TODAY)
    assert current["a"].source == "self"
    assert current["b"].level == 3


def test_between_equal_sources_the_newest_counts() -> None:
    claims = [
        LevelClaim("a", 3, "manager", assessed_at="2024-01-01"),
        LevelClaim("a", 1, "manager", assessed_at="2025-01-01"),
    ]
    assert effective_claims(claims, TODAY)["a"].level == 1


def test_held_levels_carry_the_age_factor() -> None:
    held = held_levels([LevelClaim("a", 3, "assessment", assessed_at="2020-01-01")], TODAY)
    assert held == {"a": Held(3, 0.5)}


def test_gaps_ordered_by_fit_gain() -> None:
    s = scorer(
        Requirement("small", 2, weight=1.0),
        Requirement("big", 4, weight=3.0, essential=True),
        Requirement("done", 1, weight=1.0),
    )
    report = s.gaps("p", {"done": Held(1), "big": Held(2)})
    # fit = (0 + 3 x 0.5 + 1) / 5 = 0.5
    assert report.fit == pytest.approx(0.5)
    assert [step.skill_id for step in report.steps] == ["big", "small"]
    big, small = report.steps
    assert (big.from_level, big.to_level) == (2, 4)
    assert big.fit_gain == pytest.approx(0.3)
    assert big.fit_after == pytest.approx(0.8)
    assert big.essential
    assert small.fit_gain == pytest.approx(0.2)


def test_gap_through_a_neighbour_counts_the_whole_role() -> None:
    # Raising "a" also gives related credit to "b".
    s = scorer(
        Requirement("a", 2),
        Requirement("b", 2),
        a=SkillNeighbourhood(related=(("b", 0.5),)),
        b=SkillNeighbourhood(related=(("a", 0.5),)),
    )
    report = s.gaps("p", {})
    assert [step.skill_id for step in report.steps] == ["a", "b"]
    assert report.steps[0].fit_after == pytest.approx(0.75)


def test_stale_evidence_of_a_met_requirement_is_a_refresh_step() -> None:
    report = scorer(Requirement("a", 2)).gaps("p", {"a": Held(3, 0.5)})
    (step,) = report.steps
    assert (step.from_level, step.to_level) == (3, 3)
    assert step.fit_gain == pytest.approx(0.5)


def test_top_k_breaks_ties_by_id() -> None:
    scored = [("c", 0.5), ("a", 0.5), ("b", 0.9), ("d", 0.1)]
    assert top_k(scored, 3) == [("b", 0.9), ("a", 0.5), ("c", 0.5)]
