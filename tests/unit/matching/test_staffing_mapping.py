"""Staffing requests and proposals across the wire, issue 14's fields included."""

from __future__ import annotations

from datetime import UTC, datetime

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from services.matching.domain.model import (
    Assignment,
    BudgetContribution,
    ContributionUse,
    Mode,
    ObjectiveWeights,
    Sector,
    SolveStatus,
    StaffingResult,
    Unfilled,
)
from services.matching.domain.proposals import ProposalRecord
from services.matching.entrypoints.staffing_mapping import (
    proposal_to_proto,
    propose_command_from_proto,
)
from services.matching.service.staffing import ProposalView


def test_a_request_keeps_given_weights_defaults_the_rest_and_reads_the_fairness_rule() -> None:
    request = matching_pb2.ProposeStaffingRequest(
        outcome_ids=["o1"],
        mode=matching_pb2.STAFFING_MODE_STRICT,
        weights=matching_pb2.ObjectiveWeights(cost=0.0, collaboration=5.0),
        fairness=matching_pb2.FairnessRule(max_share_of_capacity=0.6),
        what_if=matching_pb2.WhatIf(
            rule_overrides=[
                matching_pb2.RuleOverride(
                    outcome_id="o1", rules=matching_pb2.TeamRules(max_sector_share=0.5)
                )
            ]
        ),
    )
    command = propose_command_from_proto(request)
    defaults = ObjectiveWeights()
    assert command.weights == ObjectiveWeights(cost=0.0, collaboration=5.0)
    assert command.weights.fit == defaults.fit and command.weights.new_connections == 0.0
    assert command.mode is Mode.STRICT and command.fairness_max_share == 0.6
    assert command.what_if is not None
    assert command.what_if.rule_overrides[0][1].max_sector_share == 0.5
    plain = propose_command_from_proto(matching_pb2.ProposeStaffingRequest(outcome_ids=["o1"]))
    assert plain.fairness_max_share is None and plain.what_if is None
    assert plain.mode is Mode.SOFT and plain.weights == defaults


def line(person_id: str, outcome_id: str, cost: float, development: bool = False) -> Assignment:
    return Assignment(
        outcome_id=outcome_id,
        person_id=person_id,
        role_id="navigator",
        fte=0.5,
        fit=0.8,
        cost=cost,
        sector=Sector.THIRD_SECTOR,
        development=development,
        learns_skill_ids=("casework",) if development else (),
    )


def test_a_proposal_shows_one_team_per_outcome_with_its_cost_and_contributions() -> None:
    pooled = BudgetContribution("trust", Sector.THIRD_SECTOR, 500.0, Sector.COMMUNITY)
    result = StaffingResult(
        status=SolveStatus.FEASIBLE,
        objective=1.0,
        bound=2.0,
        gap=0.5,
        solve_seconds=0.1,
        assignments=(line("ann", "o1", 100.0), line("bob", "o1", 50.0, development=True)),
        unfilled=(Unfilled("o2", "weaver", 1, "nobody fits"),),
        contribution_uses=(ContributionUse("o1", pooled, 150.0),),
        fairness_notes=("the fairness rule costs 0.05 of fit",),
    )
    record = ProposalRecord(
        id="p1",
        outcome_ids=("o1", "o2"),
        result=result,
        created_at=datetime(2030, 1, 1, tzinfo=UTC),
        basis_sequence=0,
    )
    message = proposal_to_proto(ProposalView(record))
    first, second = message.teams
    assert (first.outcome_id, first.cost, len(first.assignments)) == ("o1", 150.0, 2)
    assert (second.outcome_id, len(second.assignments), second.unfilled[0].role_id) == (
        "o2",
        0,
        "weaver",
    )
    [use] = first.contributions
    assert (use.organisation, use.used, use.amount) == ("trust", 150.0, 500.0)
    assert use.sector == common_pb2.SECTOR_THIRD_SECTOR
    assert use.restricted_to == common_pb2.SECTOR_COMMUNITY
    development = first.assignments[1]
    assert development.development and list(development.learns_skill_ids) == ["casework"]
    assert development.state == matching_pb2.ASSIGNMENT_STATE_PROPOSED
    assert list(message.fairness_notes) == ["the fairness rule costs 0.05 of fit"]
    assert message.status == matching_pb2.PROPOSAL_STATUS_FEASIBLE and not message.HasField("diff")
