"""Outcomes between the wire and the domain, both ways. Reading only parses
(dates, enumerations a field must have); the domain's `validate_outcome`
checks the rules. Writing goes by field name (services.common.wire)."""

from __future__ import annotations

from datetime import date

from lps.matching.v1 import matching_pb2
from services.common.errors import Violations
from services.common.wire import message_of
from services.matching.adapters.vocabulary import (
    APPROACHES,
    DIRECTIONS,
    LOCALITY_RULES,
    SECTORS,
    WORDS,
)
from services.matching.domain.model import (
    Approach,
    BudgetContribution,
    Direction,
    LocalityRule,
    Measure,
    Outcome,
    SkillCoverage,
    Slot,
    TeamRules,
)
from services.matching.domain.outcomes import parse_day

# Stands in for a date that did not parse; the violation is raised before use.
UNREAD_DAY = date.min


def rules_from_proto(rules: matching_pb2.TeamRules) -> TeamRules:
    return TeamRules(
        min_sectors=rules.min_sectors,
        max_sector_share=rules.max_sector_share if rules.HasField("max_sector_share") else None,
        min_community_members=rules.min_community_members,
        locality=LOCALITY_RULES.of_proto_or(rules.locality, LocalityRule.ANY),
        exclude_commissioned_organisation=rules.exclude_commissioned_organisation,
    )


def slot_from_proto(slot: matching_pb2.Slot) -> Slot:
    return Slot(
        role_id=slot.role_id,
        count=slot.count,
        fte=slot.fte,
        min_fit=slot.min_fit,
        clearance=slot.clearance,
        development_floor=slot.development_floor if slot.HasField("development_floor") else None,
    )


def measure_from_proto(measure: matching_pb2.Measure) -> Measure:
    return Measure(
        id=measure.id,
        name=measure.name,
        unit=measure.unit,
        baseline=measure.baseline,
        target=measure.target,
        direction=DIRECTIONS.of_proto_or(measure.direction, Direction.HIGHER_IS_BETTER),
    )


def contribution_from_proto(
    contribution: matching_pb2.BudgetContribution, where: str, faults: Violations
) -> BudgetContribution | None:
    sector = SECTORS.of_proto(contribution.sector)
    if sector is None:
        faults.add(f"{where}.sector", "is required: public, private, third_sector or community")
        return None
    return BudgetContribution(
        organisation=contribution.organisation,
        sector=sector,
        amount=contribution.amount,
        restricted_to=SECTORS.of_proto(contribution.restricted_to),
    )


def outcome_from_proto(message: matching_pb2.Outcome, prefix: str = "outcome") -> Outcome:
    """The outcome a caller wrote. Output-only fields (state, assessment, closing)
    are not read: an outcome is opened here and closed by CloseOutcome."""
    faults = Violations()
    start = parse_day(message.start, f"{prefix}.start", faults)
    end = parse_day(message.end, f"{prefix}.end", faults)
    contributions = [
        contribution_from_proto(c, f"{prefix}.contributions[{index}]", faults)
        for index, c in enumerate(message.contributions)
    ]
    faults.raise_if_any()
    return Outcome(
        id=message.id,
        title=message.title,
        description=message.description,
        locality=message.locality,
        priority=message.priority,
        budget=message.budget,
        start=start or UNREAD_DAY,
        end=end or UNREAD_DAY,
        days=message.days,
        commissioned_organisation=message.commissioned_organisation,
        slots=tuple(slot_from_proto(slot) for slot in message.slots),
        skill_coverage=tuple(
            SkillCoverage(c.skill_id, c.min_level, c.min_people) for c in message.skill_coverage
        ),
        rules=rules_from_proto(message.rules),
        measures=tuple(measure_from_proto(measure) for measure in message.measures),
        approach=APPROACHES.of_proto_or(message.approach, Approach.UNSPECIFIED),
        contributions=tuple(c for c in contributions if c is not None),
    )


def outcome_to_proto(outcome: Outcome) -> matching_pb2.Outcome:
    return message_of(matching_pb2.Outcome, outcome, WORDS)
