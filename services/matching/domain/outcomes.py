"""The rules a commissioned outcome must keep before it is stored, checked on
the domain `Outcome` itself. Every violation names the field at fault, so one
error tells the caller everything to fix and nothing gets stored."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import replace
from datetime import date

from services.common.errors import Violations
from services.common.identifiers import id_problem
from services.matching.domain.model import (
    BudgetContribution,
    Measure,
    Outcome,
    SkillCoverage,
    Slot,
    TeamRules,
)

MAX_ID_LENGTH = 200
MIN_PRIORITY, MAX_PRIORITY = 1, 5
MIN_LEVEL, MAX_LEVEL = 1, 4
# Contributions add up to the budget within a penny.
BUDGET_TOLERANCE = 0.005


def parse_day(text: str, where: str, violations: Violations) -> date | None:
    """An ISO date the caller wrote; None (and a violation) when it is not one."""
    if not text.strip():
        violations.add(where, "is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        violations.add(where, f"{text!r} is not a date (YYYY-MM-DD)")
        return None


def check_id(value: str, where: str, violations: Violations) -> None:
    """The id rule of services.common.identifiers."""
    problem = id_problem(value) if value.strip() else "is required"
    if problem is not None:
        violations.add(where, problem)


def _check_slots(
    slots: tuple[Slot, ...], known_role_ids: Collection[str], prefix: str, violations: Violations
) -> None:
    violations.check(bool(slots), f"{prefix}.slots", "an outcome needs at least one role slot")
    seen: set[str] = set()
    for index, slot in enumerate(slots):
        where = f"{prefix}.slots[{index}]"
        if not slot.role_id.strip():
            violations.add(f"{where}.role_id", "is required")
        elif slot.role_id not in known_role_ids:
            violations.add(f"{where}.role_id", f"unknown role {slot.role_id!r}")
        elif slot.role_id in seen:
            violations.add(f"{where}.role_id", f"role {slot.role_id!r} has more than one slot")
        seen.add(slot.role_id)
        violations.check(slot.count >= 1, f"{where}.count", "must be at least 1")
        violations.check(0 < slot.fte <= 1, f"{where}.fte", "must be in (0, 1]")
        violations.check(0 <= slot.min_fit <= 1, f"{where}.min_fit", "must be in [0, 1]")
        floor = slot.development_floor
        violations.check(
            floor is None or 0 <= floor < slot.min_fit,
            f"{where}.development_floor",
            "must be in [0, min_fit); leave it out for no development placement",
        )


def _check_coverage(
    coverage: tuple[SkillCoverage, ...],
    known_skill_ids: Collection[str] | None,
    prefix: str,
    violations: Violations,
) -> None:
    seen: set[tuple[str, int]] = set()
    for index, item in enumerate(coverage):
        where = f"{prefix}.skill_coverage[{index}]"
        if not item.skill_id.strip():
            violations.add(f"{where}.skill_id", "is required")
        elif known_skill_ids is not None and item.skill_id not in known_skill_ids:
            violations.add(f"{where}.skill_id", f"unknown skill {item.skill_id!r}")
        elif (item.skill_id, item.min_level) in seen:
            violations.add(f"{where}.skill_id", f"{item.skill_id!r} at this level is repeated")
        seen.add((item.skill_id, item.min_level))
        violations.check(
            MIN_LEVEL <= item.min_level <= MAX_LEVEL,
            f"{where}.min_level",
            f"must be in {MIN_LEVEL}..{MAX_LEVEL}",
        )
        violations.check(item.min_people >= 1, f"{where}.min_people", "must be at least 1")


def check_rules(rules: TeamRules, where: str, violations: Violations) -> None:
    """Team rules, on an outcome or in a what-if's rule override."""
    violations.check(rules.min_sectors >= 0, f"{where}.min_sectors", "must not be negative")
    violations.check(
        rules.max_sector_share is None or 0 < rules.max_sector_share <= 1,
        f"{where}.max_sector_share",
        "must be in (0, 1]; leave it out for no limit",
    )
    violations.check(
        rules.min_community_members >= 0,
        f"{where}.min_community_members",
        "must not be negative",
    )


def _check_measures(measures: tuple[Measure, ...], prefix: str, violations: Violations) -> None:
    seen: set[str] = set()
    for index, measure in enumerate(measures):
        where = f"{prefix}.measures[{index}]"
        check_id(measure.id, f"{where}.id", violations)
        if measure.id in seen:
            violations.add(f"{where}.id", f"measure {measure.id!r} is named twice")
        seen.add(measure.id)
        violations.check(bool(measure.name.strip()), f"{where}.name", "is required")
        for name in ("baseline", "target"):
            violations.check(
                math.isfinite(getattr(measure, name)), f"{where}.{name}", "must be a number"
            )


def _check_contributions(
    contributions: tuple[BudgetContribution, ...],
    budget: float,
    prefix: str,
    violations: Violations,
) -> None:
    for index, contribution in enumerate(contributions):
        where = f"{prefix}.contributions[{index}]"
        violations.check(
            bool(contribution.organisation.strip()), f"{where}.organisation", "is required"
        )
        violations.check(
            math.isfinite(contribution.amount) and contribution.amount >= 0,
            f"{where}.amount",
            "must not be negative",
        )
    total = sum(contribution.amount for contribution in contributions)
    violations.check(
        not contributions or abs(total - budget) <= BUDGET_TOLERANCE,
        f"{prefix}.budget",
        f"must equal the contributions' total ({total:g}) when contributions are given",
    )


def validate_outcome(
    outcome: Outcome,
    known_role_ids: Collection[str],
    prefix: str = "outcome",
    known_skill_ids: Collection[str] | None = None,
) -> Outcome:
    """The outcome with its text trimmed; InvalidArgument naming every field at fault.

    `known_skill_ids`: the skills of the catalogue among those the coverage rules
    name (None: not checked)."""
    violations = Violations()
    check_id(outcome.id, f"{prefix}.id", violations)
    violations.check(bool(outcome.title.strip()), f"{prefix}.title", "is required")
    violations.check(
        MIN_PRIORITY <= outcome.priority <= MAX_PRIORITY,
        f"{prefix}.priority",
        f"must be in {MIN_PRIORITY}..{MAX_PRIORITY}",
    )
    violations.check(outcome.budget >= 0, f"{prefix}.budget", "must not be negative")
    violations.check(outcome.days >= 0, f"{prefix}.days", "must not be negative")
    if outcome.start > outcome.end:
        violations.add(f"{prefix}.end", f"ends ({outcome.end}) before it starts ({outcome.start})")
    _check_slots(outcome.slots, known_role_ids, prefix, violations)
    _check_coverage(outcome.skill_coverage, known_skill_ids, prefix, violations)
    check_rules(outcome.rules, f"{prefix}.rules", violations)
    _check_measures(outcome.measures, prefix, violations)
    _check_contributions(outcome.contributions, outcome.budget, prefix, violations)
    violations.raise_if_any()
    return trimmed(outcome)


def trimmed(outcome: Outcome) -> Outcome:
    return replace(
        outcome,
        id=outcome.id.strip(),
        title=outcome.title.strip(),
        locality=outcome.locality.strip(),
        commissioned_organisation=outcome.commissioned_organisation.strip(),
        slots=tuple(replace(slot, clearance=slot.clearance.strip()) for slot in outcome.slots),
        contributions=tuple(
            replace(c, organisation=c.organisation.strip()) for c in outcome.contributions
        ),
    )
