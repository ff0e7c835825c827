from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.matching.domain.model import LocalityRule
from services.matching.domain.outcomes import (
    CoverageDraft,
    OutcomeDraft,
    RulesDraft,
    SlotDraft,
    rules_from_draft,
    validate_outcome,
)

ROLES = {"navigator", "weaver", "architect"}


def draft(**changes: object) -> OutcomeDraft:
    base = OutcomeDraft(
        id="o1",
        title="Warm homes in Ashbridge",
        locality="ashbridge",
        priority=3,
        budget=20_000.0,
        start="2030-01-01",
        end="2030-06-30",
        days=40.0,
        slots=(SlotDraft("navigator", 2, 0.5, 0.4), SlotDraft("weaver", 1, 1.0, 0.0)),
        skill_coverage=(CoverageDraft("listening", 3, 1),),
        rules=RulesDraft(min_sectors=2, max_sector_share=0.5, locality=LocalityRule.PREFER_LOCAL),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def fields_of(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [violation.field for violation in error.value.violations]


def test_a_valid_draft_becomes_an_outcome_with_parsed_dates_and_rules():
    outcome = validate_outcome(draft(), ROLES)
    assert outcome.start == date(2030, 1, 1)
    assert outcome.end == date(2030, 6, 30)
    assert [slot.role_id for slot in outcome.slots] == ["navigator", "weaver"]
    assert outcome.rules.max_sector_share == 0.5
    assert outcome.rules.locality is LocalityRule.PREFER_LOCAL


def test_no_sector_limit_is_an_absent_share_and_a_share_of_zero_is_refused():
    outcome = validate_outcome(draft(rules=RulesDraft(max_sector_share=None)), ROLES)
    assert outcome.rules.max_sector_share is None
    with pytest.raises(InvalidArgument) as error:
        validate_outcome(draft(rules=RulesDraft(max_sector_share=0.0)), ROLES)
    assert fields_of(error) == ["outcome.rules.max_sector_share"]


def test_an_unknown_coverage_skill_is_refused_with_every_other_fault():
    bad = draft(
        start="2030-06-30",
        end="2030-01-01",
        slots=(SlotDraft("juggler", 1, 0.5),),
        skill_coverage=(CoverageDraft("listening", 3, 1), CoverageDraft("telepathy", 2, 1)),
    )
    with pytest.raises(InvalidArgument) as error:
        validate_outcome(bad, ROLES, known_skill_ids={"listening"})
    assert fields_of(error) == [
        "outcome.end",
        "outcome.slots[0].role_id",
        "outcome.skill_coverage[1].skill_id",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"slots": (SlotDraft("navigator", 1, 0.5), SlotDraft("weaver", 0, 1.0))},
            "outcome.slots[1].count",
        ),
        ({"slots": (SlotDraft("storyteller", 1, 0.5),)}, "outcome.slots[0].role_id"),
        ({"slots": (SlotDraft("navigator", 1, 1.5),)}, "outcome.slots[0].fte"),
        ({"slots": (SlotDraft("navigator", 1, 0.0),)}, "outcome.slots[0].fte"),
        ({"slots": (SlotDraft("navigator", 1, 0.5, 1.2),)}, "outcome.slots[0].min_fit"),
        (
            {"slots": (SlotDraft("navigator", 1, 0.5), SlotDraft("navigator", 1, 0.5))},
            "outcome.slots[1].role_id",
        ),
        ({"slots": ()}, "outcome.slots"),
        ({"rules": RulesDraft(max_sector_share=1.5)}, "outcome.rules.max_sector_share"),
        ({"rules": RulesDraft(min_sectors=-1)}, "outcome.rules.min_sectors"),
        ({"rules": RulesDraft(min_community_members=-2)}, "outcome.rules.min_community_members"),
        ({"start": "2030-07-01"}, "outcome.end"),
        ({"start": "first of July"}, "outcome.start"),
        ({"end": ""}, "outcome.end"),
        ({"priority": 0}, "outcome.priority"),
        ({"priority": 6}, "outcome.priority"),
        ({"budget": -1.0}, "outcome.budget"),
        ({"days": -3.0}, "outcome.days"),
        ({"id": "  "}, "outcome.id"),
        ({"title": ""}, "outcome.title"),
        (
            {"skill_coverage": (CoverageDraft("listening", 5, 1),)},
            "outcome.skill_coverage[0].min_level",
        ),
        (
            {"skill_coverage": (CoverageDraft("listening", 2, 0),)},
            "outcome.skill_coverage[0].min_people",
        ),
        ({"skill_coverage": (CoverageDraft("", 2, 1),)}, "outcome.skill_coverage[0].skill_id"),
    ],
)
def test_each_broken_rule_names_its_field(changes: dict[str, object], field: str):
    with pytest.raises(InvalidArgument) as error:
        validate_outcome(draft(**changes), ROLES)
    assert fields_of(error) == [field]


def test_every_fault_is_named_at_once():
    with pytest.raises(InvalidArgument) as error:
        validate_outcome(
            draft(priority=9, budget=-5.0, slots=(SlotDraft("navigator", 0, 0.5),)), ROLES
        )
    assert set(fields_of(error)) == {"outcome.priority", "outcome.budget", "outcome.slots[0].count"}


def test_a_start_on_its_end_day_is_allowed():
    outcome = validate_outcome(draft(start="2030-06-30", end="2030-06-30"), ROLES)
    assert outcome.start == outcome.end


def test_rule_overrides_are_checked_under_their_own_prefix():
    with pytest.raises(InvalidArgument) as error:
        rules_from_draft(RulesDraft(max_sector_share=2.0), "what_if.rule_overrides[0].rules")
    assert fields_of(error) == ["what_if.rule_overrides[0].rules.max_sector_share"]
