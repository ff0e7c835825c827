"""Staffing requests and proposals between the wire and the domain."""

from __future__ import annotations

from lps.matching.v1 import matching_pb2
from services.matching.adapters.vocabulary import (
    ASSIGNMENT_STATES,
    MODES,
    SECTORS,
    SOLVE_STATUSES,
)
from services.matching.domain.model import Assignment, ContributionUse, Mode, ObjectiveWeights, Pin
from services.matching.domain.proposals import AssignmentRecord, AssignmentState
from services.matching.domain.summary import summarise
from services.matching.domain.teams import Team, teams_of
from services.matching.domain.whatif import StaffingDiff
from services.matching.entrypoints.outcome_mapping import rules_from_proto
from services.matching.service.ports import LevelOverride
from services.matching.service.staffing import ProposalView, ProposeCommand, WhatIfChange


def weights_from_proto(weights: matching_pb2.ObjectiveWeights) -> ObjectiveWeights:
    """A weight the caller sets counts as given, 0 included; an absent one is the default."""
    given = {field.name: value for field, value in weights.ListFields()}
    return ObjectiveWeights(**given)


def what_if_from_proto(request: matching_pb2.ProposeStaffingRequest) -> WhatIfChange | None:
    if not request.HasField("what_if"):
        return None
    what_if = request.what_if
    return WhatIfChange(
        remove_person_ids=tuple(what_if.remove_person_ids),
        level_changes=tuple(
            LevelOverride(change.person_id, change.skill_id, change.level)
            for change in what_if.level_changes
        ),
        rule_overrides=tuple(
            (override.outcome_id, rules_from_proto(override.rules))
            for override in what_if.rule_overrides
        ),
    )


def propose_command_from_proto(request: matching_pb2.ProposeStaffingRequest) -> ProposeCommand:
    fairness = request.fairness.max_share_of_capacity if request.HasField("fairness") else None
    return ProposeCommand(
        outcome_ids=tuple(request.outcome_ids),
        pins=tuple(Pin(p.person_id, p.outcome_id, p.role_id) for p in request.pins),
        exclusions=tuple(request.exclusions),
        time_limit_s=request.time_limit_s,
        mode=MODES.of_proto_or(request.mode, Mode.SOFT),
        weights=weights_from_proto(request.weights),
        what_if=what_if_from_proto(request),
        fairness_max_share=fairness,
    )


def assignment_to_proto(
    line: Assignment, state: AssignmentState, proposal_id: str
) -> matching_pb2.Assignment:
    return matching_pb2.Assignment(
        person_id=line.person_id,
        role_id=line.role_id,
        fte=line.fte,
        fit=line.fit,
        reasons=list(line.reasons),
        outcome_id=line.outcome_id,
        state=ASSIGNMENT_STATES.to_proto(state),
        proposal_id=proposal_id,
        sector=SECTORS.to_proto(line.sector),
        cost=line.cost,
        development=line.development,
        learns_skill_ids=list(line.learns_skill_ids),
    )


def assignment_record_to_proto(record: AssignmentRecord) -> matching_pb2.Assignment:
    return assignment_to_proto(record.assignment, record.state, record.proposal_id)


def contribution_use_to_proto(use: ContributionUse) -> matching_pb2.ContributionUse:
    contribution = use.contribution
    restricted = contribution.restricted_to
    return matching_pb2.ContributionUse(
        organisation=contribution.organisation,
        sector=SECTORS.to_proto(contribution.sector),
        amount=contribution.amount,
        used=use.used,
        restricted_to=SECTORS.to_proto(restricted) if restricted is not None else None,
    )


def team_to_proto(team: Team, state: AssignmentState, proposal_id: str) -> matching_pb2.Team:
    return matching_pb2.Team(
        outcome_id=team.outcome_id,
        assignments=[assignment_to_proto(line, state, proposal_id) for line in team.assignments],
        unfilled=[
            matching_pb2.UnfilledSlot(role_id=u.role_id, count=u.count, reason=u.reason)
            for u in team.unfilled
        ],
        cost=team.cost,
        contributions=[contribution_use_to_proto(use) for use in team.contributions],
    )


def diff_to_proto(diff: StaffingDiff) -> matching_pb2.ProposalDiff:
    proposed = AssignmentState.PROPOSED
    return matching_pb2.ProposalDiff(
        added=[assignment_to_proto(line, proposed, "") for line in diff.added],
        removed=[assignment_to_proto(line, proposed, "") for line in diff.removed],
        objective_delta=diff.objective_delta,
        unfilled_delta=diff.unfilled_delta,
    )


def proposal_to_proto(view: ProposalView) -> matching_pb2.Proposal:
    proposal = view.proposal
    result = proposal.result
    state = AssignmentState.COMMITTED if proposal.committed else AssignmentState.PROPOSED
    message = matching_pb2.Proposal(
        id=proposal.id,
        status=SOLVE_STATUSES.to_proto(result.status),
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        solve_seconds=result.solve_seconds,
        teams=[
            team_to_proto(team, state, proposal.id)
            for team in teams_of(proposal.outcome_ids, result)
        ],
        conflicts=[matching_pb2.Conflict(rule=c.rule, detail=c.detail) for c in result.conflicts],
        committed=proposal.committed,
        pruned=result.pruned,
        optimality_proven=result.optimality_proven,
        solver=result.solver,
        created_at=proposal.created_at.isoformat(),
        pools=[
            matching_pb2.SlotPoolFigures(
                outcome_id=p.outcome_id, role_id=p.role_id, eligible=p.eligible, kept=p.kept
            )
            for p in result.pools
        ],
        summary=summarise(result),
        fairness_notes=list(result.fairness_notes),
    )
    if view.diff is not None:
        message.diff.CopyFrom(diff_to_proto(view.diff))
    return message
