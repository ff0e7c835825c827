"""Staffing requests and proposals between the wire and the domain."""

from __future__ import annotations

from lps.matching.v1 import matching_pb2
from services.common.wire import message_of
from services.matching.adapters.vocabulary import ASSIGNMENT_STATES, MODES, WORDS
from services.matching.domain.model import Assignment, Mode, ObjectiveWeights, Pin
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
    return message_of(
        matching_pb2.Assignment,
        line,
        WORDS,
        state=ASSIGNMENT_STATES.to_proto(state),
        proposal_id=proposal_id,
    )


def assignment_record_to_proto(record: AssignmentRecord) -> matching_pb2.Assignment:
    return assignment_to_proto(record.assignment, record.state, record.proposal_id)


def team_to_proto(team: Team, state: AssignmentState, proposal_id: str) -> matching_pb2.Team:
    return message_of(
        matching_pb2.Team,
        team,
        WORDS,
        assignments=[assignment_to_proto(line, state, proposal_id) for line in team.assignments],
        # A use is its contribution's figures and what the team takes of it.
        contributions=[
            message_of(matching_pb2.ContributionUse, use.contribution, WORDS, used=use.used)
            for use in team.contributions
        ],
    )


def diff_to_proto(diff: StaffingDiff) -> matching_pb2.ProposalDiff:
    proposed = AssignmentState.PROPOSED
    return message_of(
        matching_pb2.ProposalDiff,
        diff,
        WORDS,
        added=[assignment_to_proto(line, proposed, "") for line in diff.added],
        removed=[assignment_to_proto(line, proposed, "") for line in diff.removed],
    )


def proposal_to_proto(view: ProposalView) -> matching_pb2.Proposal:
    proposal = view.proposal
    state = AssignmentState.COMMITTED if proposal.committed else AssignmentState.PROPOSED
    teams = teams_of(proposal.outcome_ids, proposal.result)
    return message_of(
        matching_pb2.Proposal,
        proposal.result,
        WORDS,
        id=proposal.id,
        teams=[team_to_proto(team, state, proposal.id) for team in teams],
        committed=proposal.committed,
        created_at=proposal.created_at.isoformat(),
        summary=summarise(proposal.result),
        diff=diff_to_proto(view.diff) if view.diff is not None else None,
    )
