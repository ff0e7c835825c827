"""Commissioned outcomes as a caller writes them, and the rules that turn a
draft into a valid `Outcome`. Every violation names the field at fault, so
one error tells the caller everything to fix and nothing gets stored."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date

from services.common.errors import Violations
from services.common.identifiers import id_problem
from services.matching.domain.model import (
    LocalityRule,
    Outcome,
    SkillCoverage,
    Slot,
    TeamRules,
)

MAX_ID_LENGTH = 200
MIN_PRIORITY, MAX_PRIORITY = 1, 5
MIN_LEVEL, MAX_LEVEL = 1, 4


@dataclass(frozen=True)
class SlotDraft:
    role_id: str
    count: int
    fte: float
    min_fit: float = 0.0
    clearance: str = ""


@dataclass(frozen=True)
class CoverageDraft:
    skill_id: str
    min_level: int
    min_people: int


@dataclass(frozen=True)
class RulesDraft:
    min_sectors: int = 0
    # None: no limit (absent on the wire).
    max_sector_share: float | None = None
    min_community_members: int = 0
    locality: LocalityRule = LocalityRule.ANY
    exclude_commissioned_organisation: bool = False


@dataclass(frozen=True)
class OutcomeDraft:
    id: str
    title: str
    locality: str
    priority: int
    budget: float
    # ISO dates (YYYY-MM-DD), parsed here so that a bad one names its field.
    start: str
    end: str
    days: float
    slots: tuple[SlotDraft, ...] = ()
    skill_coverage: tuple[CoverageDraft, ...] = ()
    rules: RulesDraft = field(default_factory=RulesDraft)
    description: str = ""
    commissioned_organisation: str = ""


def _parse_date(text: str, where: str, violations: Violations) -> date | None:
    if not text.strip():
        violations.add(where, "is required (YYYY-MM-DD)")
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        violations.add(where, f"{text!r} is not a date (YYYY-MM-DD)")
        return None


def _check_id(value: str, where: str, violations: Violations) -> None:
    """The id rule of services.common.identifiers."""
    problem = id_problem(value) if value.strip() else "is required"
    if problem is not None:
        violations.add(where, problem)


def _check_slots(
    slots: tuple[SlotDraft, ...],
    known_role_ids: Collection[str],
    prefix: str,
    violations: Violations,
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


def _check_coverage(
    coverage: tuple[CoverageDraft, ...],
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


def _check_rules(rules: RulesDraft, where: str, violations: Violations) -> TeamRules:
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
    return TeamRules(
        min_sectors=rules.min_sectors,
        max_sector_share=rules.max_sector_share,
        min_community_members=rules.min_community_members,
        locality=rules.locality,
        exclude_commissioned_organisation=rules.exclude_commissioned_organisation,
    )


def rules_from_draft(rules: RulesDraft, where: str) -> TeamRules:
    """Team rules on their own (a what-if's rule override), validated the same way."""
    violations = Violations()
    team_rules = _check_rules(rules, where, violations)
    violations.raise_if_any()
    return team_rules


def validate_outcome(
    draft: OutcomeDraft,
    known_role_ids: Collection[str],
    prefix: str = "outcome",
    known_skill_ids: Collection[str] | None = None,
) -> Outcome:
    """The outcome the draft describes; InvalidArgument naming every field at fault.

    `known_skill_ids`: the skills of the catalogue among those the coverage rules
    name (None: not checked)."""
    violations = Violations()
    _check_id(draft.id, f"{prefix}.id", violations)
    violations.check(bool(draft.title.strip()), f"{prefix}.title", "is required")
    violations.check(
        MIN_PRIORITY <= draft.priority <= MAX_PRIORITY,
        f"{prefix}.priority",
        f"must be in {MIN_PRIORITY}..{MAX_PRIORITY}",
    )
    violations.check(draft.budget >= 0, f"{prefix}.budget", "must not be negative")
    violations.check(draft.days >= 0, f"{prefix}.days", "must not be negative")
    start = _parse_date(draft.start, f"{prefix}.start", violations)
    end = _parse_date(draft.end, f"{prefix}.end", violations)
    if start is not None and end is not None and start > end:
        violations.add(f"{prefix}.end", f"ends ({end}) before it starts ({start})")
    _check_slots(draft.slots, known_role_ids, prefix, violations)
    _check_coverage(draft.skill_coverage, known_skill_ids, prefix, violations)
    rules = _check_rules(draft.rules, f"{prefix}.rules", violations)
    violations.raise_if_any()
    assert start is not None and end is not None
    return Outcome(
        id=draft.id.strip(),
        title=draft.title.strip(),
        locality=draft.locality.strip(),
        priority=draft.priority,
        budget=draft.budget,
        start=start,
        end=end,
        days=draft.days,
        slots=tuple(
            Slot(
                role_id=slot.role_id,
                count=slot.count,
                fte=slot.fte,
                min_fit=slot.min_fit,
                clearance=slot.clearance.strip(),
            )
            for slot in draft.slots
        ),
        skill_coverage=tuple(
            SkillCoverage(item.skill_id, item.min_level, item.min_people)
            for item in draft.skill_coverage
        ),
        rules=rules,
        description=draft.description,
        commissioned_organisation=draft.commissioned_organisation.strip(),
    )
