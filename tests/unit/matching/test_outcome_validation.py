"""The outcome rules, through the chain a caller's outcome takes: the wire
message read by the mapper, then checked by the domain."""

from __future__ import annotations

from datetime import date

import pytest

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from services.common.errors import InvalidArgument, Violations
from services.matching.domain.model import (
    Approach,
    Direction,
    LocalityRule,
    Outcome,
    Sector,
    TeamRules,
)
from services.matching.domain.outcomes import check_rules, validate_outcome
from services.matching.entrypoints.outcome_mapping import outcome_from_proto, outcome_to_proto

ROLES = {"navigator", "weaver", "architect"}


def slot(
    role_id: str, count: int, fte: float, min_fit: float = 0.0, floor: float | None = None
) -> matching_pb2.Slot:
    return matching_pb2.Slot(
        role_id=role_id, count=count, fte=fte, min_fit=min_fit, development_floor=floor
    )


def coverage(skill_id: str, min_level: int, min_people: int) -> matching_pb2.SkillCoverage:
    return matching_pb2.SkillCoverage(skill_id=skill_id, min_level=min_level, min_people=min_people)


def rules(**fields: object) -> matching_pb2.TeamRules:
    return matching_pb2.TeamRules(**fields)  # type: ignore[arg-type]


def contribution(
    amount: float, sector: int = common_pb2.SECTOR_PUBLIC
) -> matching_pb2.BudgetContribution:
    return matching_pb2.BudgetContribution(
        organisation="council",
        sector=sector,  # type: ignore[arg-type]
        amount=amount,
    )


def measure(measure_id: str, name: str = "Homes warmed") -> matching_pb2.Measure:
    return matching_pb2.Measure(id=measure_id, name=name, unit="homes", baseline=0, target=40)


def draft(**changes: object) -> matching_pb2.Outcome:
    fields: dict[str, object] = {
        "id": "o1",
        "title": "Warm homes in Ashbridge",
        "locality": "ashbridge",
        "priority": 3,
        "budget": 20_000.0,
        "start": "2030-01-01",
        "end": "2030-06-30",
        "days": 40.0,
        "slots": [slot("navigator", 2, 0.5, 0.4), slot("weaver", 1, 1.0, 0.0)],
        "skill_coverage": [coverage("listening", 3, 1)],
        "rules": rules(
            min_sectors=2,
            max_sector_share=0.5,
            locality=matching_pb2.LOCALITY_RULE_PREFER_LOCAL,
        ),
    }
    fields.update(changes)
    return matching_pb2.Outcome(**fields)  # type: ignore[arg-type]


def check(message: matching_pb2.Outcome, known_skill_ids: set[str] | None = None) -> Outcome:
    return validate_outcome(outcome_from_proto(message), ROLES, known_skill_ids=known_skill_ids)


def fields_of(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [violation.field for violation in error.value.violations]


def test_a_valid_draft_becomes_an_outcome_with_parsed_dates_and_rules():
    outcome = check(draft())
    assert outcome.start == date(2030, 1, 1)
    assert outcome.end == date(2030, 6, 30)
    assert [slot.role_id for slot in outcome.slots] == ["navigator", "weaver"]
    assert outcome.rules.max_sector_share == 0.5
    assert outcome.rules.locality is LocalityRule.PREFER_LOCAL


def test_no_sector_limit_is_an_absent_share_and_a_share_of_zero_is_refused():
    outcome = check(draft(rules=rules()))
    assert outcome.rules.max_sector_share is None
    with pytest.raises(InvalidArgument) as error:
        check(draft(rules=rules(max_sector_share=0.0)))
    assert fields_of(error) == ["outcome.rules.max_sector_share"]


def test_an_unknown_coverage_skill_is_refused_with_every_other_fault():
    bad = draft(
        start="2030-06-30",
        end="2030-01-01",
        slots=[slot("juggler", 1, 0.5)],
        skill_coverage=[coverage("listening", 3, 1), coverage("telepathy", 2, 1)],
    )
    with pytest.raises(InvalidArgument) as error:
        check(bad, known_skill_ids={"listening"})
    assert fields_of(error) == [
        "outcome.end",
        "outcome.slots[0].role_id",
        "outcome.skill_coverage[1].skill_id",
    ]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (
            {"slots": [slot("navigator", 1, 0.5), slot("weaver", 0, 1.0)]},
            "outcome.slots[1].count",
        ),
        ({"slots": [slot("storyteller", 1, 0.5)]}, "outcome.slots[0].role_id"),
        ({"slots": [slot("navigator", 1, 1.5)]}, "outcome.slots[0].fte"),
        ({"slots": [slot("navigator", 1, 0.0)]}, "outcome.slots[0].fte"),
        ({"slots": [slot("navigator", 1, 0.5, 1.2)]}, "outcome.slots[0].min_fit"),
        (
            {"slots": [slot("navigator", 1, 0.5), slot("navigator", 1, 0.5)]},
            "outcome.slots[1].role_id",
        ),
        ({"slots": []}, "outcome.slots"),
        ({"rules": rules(max_sector_share=1.5)}, "outcome.rules.max_sector_share"),
        ({"rules": rules(min_sectors=-1)}, "outcome.rules.min_sectors"),
        ({"rules": rules(min_community_members=-2)}, "outcome.rules.min_community_members"),
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
            {"skill_coverage": [coverage("listening", 5, 1)]},
            "outcome.skill_coverage[0].min_level",
        ),
        (
            {"skill_coverage": [coverage("listening", 2, 0)]},
            "outcome.skill_coverage[0].min_people",
        ),
        ({"skill_coverage": [coverage("", 2, 1)]}, "outcome.skill_coverage[0].skill_id"),
        # Shared learning (issue 14): development placements, measures, pooled budgets.
        ({"slots": [slot("navigator", 1, 0.5, 0.6, 0.6)]}, "outcome.slots[0].development_floor"),
        ({"slots": [slot("navigator", 1, 0.5, 0.6, -0.1)]}, "outcome.slots[0].development_floor"),
        ({"slots": [slot("navigator", 1, 0.5, 0.0, 0.0)]}, "outcome.slots[0].development_floor"),
        ({"measures": [measure("homes"), measure("homes")]}, "outcome.measures[1].id"),
        ({"measures": [measure("a/b")]}, "outcome.measures[0].id"),
        ({"measures": [measure("homes", name=" ")]}, "outcome.measures[0].name"),
        ({"contributions": [contribution(25_000.0)]}, "outcome.budget"),
        (
            {"budget": 0.0, "contributions": [contribution(5.0), contribution(-5.0)]},
            "outcome.contributions[1].amount",
        ),
        (
            {"contributions": [contribution(20_000.0, common_pb2.SECTOR_UNSPECIFIED)]},
            "outcome.contributions[0].sector",
        ),
    ],
)
def test_each_broken_rule_names_its_field(changes: dict[str, object], field: str):
    with pytest.raises(InvalidArgument) as error:
        check(draft(**changes))
    assert fields_of(error) == [field]


def test_every_fault_is_named_at_once():
    with pytest.raises(InvalidArgument) as error:
        check(draft(priority=9, budget=-5.0, slots=[slot("navigator", 0, 0.5)]))
    assert set(fields_of(error)) == {"outcome.priority", "outcome.budget", "outcome.slots[0].count"}


def test_a_start_on_its_end_day_is_allowed():
    outcome = check(draft(start="2030-06-30", end="2030-06-30"))
    assert outcome.start == outcome.end


def test_rule_overrides_are_checked_under_their_own_prefix():
    violations = Violations()
    check_rules(TeamRules(max_sector_share=2.0), "what_if.rule_overrides[0].rules", violations)
    with pytest.raises(InvalidArgument) as error:
        violations.raise_if_any()
    assert fields_of(error) == ["what_if.rule_overrides[0].rules.max_sector_share"]


def test_shared_learning_fields_come_through_the_chain_and_back():
    pooled = draft(
        budget=20_000.0,
        slots=[slot("navigator", 2, 0.5, 0.6, 0.3)],
        measures=[measure("homes")],
        approach=matching_pb2.APPROACH_PREVENTATIVE,
        contributions=[
            contribution(15_000.0),
            matching_pb2.BudgetContribution(
                organisation="trust",
                sector=common_pb2.SECTOR_THIRD_SECTOR,
                amount=5_000.0,
                restricted_to=common_pb2.SECTOR_COMMUNITY,
            ),
        ],
    )
    outcome = check(pooled)
    assert outcome.slots[0].development_floor == 0.3
    assert outcome.approach is Approach.PREVENTATIVE
    assert outcome.measures[0].direction is Direction.HIGHER_IS_BETTER
    assert [c.sector for c in outcome.contributions] == [Sector.PUBLIC, Sector.THIRD_SECTOR]
    assert outcome.contributions[1].restricted_to is Sector.COMMUNITY
    back = outcome_to_proto(outcome)
    assert back.slots[0].development_floor == 0.3
    assert back.contributions[1].restricted_to == common_pb2.SECTOR_COMMUNITY
    assert back.contributions[0].restricted_to == common_pb2.SECTOR_UNSPECIFIED
    assert back.measures[0].direction == matching_pb2.DIRECTION_HIGHER_IS_BETTER
    assert back.state == matching_pb2.OUTCOME_STATE_OPEN
    assert back.assessment == matching_pb2.ASSESSMENT_UNSPECIFIED and back.closed_on == ""


def test_a_slot_without_a_floor_has_no_development_placement_either_way():
    outcome = check(draft())
    assert outcome.slots[0].development_floor is None
    assert not outcome_to_proto(outcome).slots[0].HasField("development_floor")
