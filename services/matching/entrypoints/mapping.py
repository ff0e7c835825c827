"""Between the wire (generated messages) and the domain's plain data."""

from __future__ import annotations

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.matching.domain import gaps
from services.matching.domain.model import (
    Assignment,
    LocalityRule,
    Mode,
    ObjectiveWeights,
    Outcome,
    Pin,
    Sector,
    SolveStatus,
)
from services.matching.domain.outcomes import (
    CoverageDraft,
    OutcomeDraft,
    RulesDraft,
    SlotDraft,
    rules_from_draft,
)
from services.matching.domain.proposals import AssignmentRecord, AssignmentState
from services.matching.domain.summary import summarise
from services.matching.service.ports import LevelOverride
from services.matching.service.staffing import ProposalView, ProposeCommand, WhatIfChange

LOCALITY_OF_PROTO: dict[int, LocalityRule] = {
    matching_pb2.LOCALITY_RULE_UNSPECIFIED: LocalityRule.ANY,
    matching_pb2.LOCALITY_RULE_ANY: LocalityRule.ANY,
    matching_pb2.LOCALITY_RULE_PREFER_LOCAL: LocalityRule.PREFER_LOCAL,
    matching_pb2.LOCALITY_RULE_LOCAL_ONLY: LocalityRule.LOCAL_ONLY,
}
PROTO_OF_LOCALITY: dict[LocalityRule, int] = {
    LocalityRule.ANY: matching_pb2.LOCALITY_RULE_ANY,
    LocalityRule.PREFER_LOCAL: matching_pb2.LOCALITY_RULE_PREFER_LOCAL,
    LocalityRule.LOCAL_ONLY: matching_pb2.LOCALITY_RULE_LOCAL_ONLY,
}
PROTO_OF_STATUS: dict[SolveStatus, int] = {
    SolveStatus.OPTIMAL: matching_pb2.PROPOSAL_STATUS_OPTIMAL,
    SolveStatus.FEASIBLE: matching_pb2.PROPOSAL_STATUS_FEASIBLE,
    SolveStatus.INFEASIBLE: matching_pb2.PROPOSAL_STATUS_INFEASIBLE,
    SolveStatus.TIMED_OUT: matching_pb2.PROPOSAL_STATUS_TIMED_OUT,
}
PROTO_OF_STATE: dict[AssignmentState, int] = {
    AssignmentState.PROPOSED: matching_pb2.ASSIGNMENT_STATE_PROPOSED,
    AssignmentState.COMMITTED: matching_pb2.ASSIGNMENT_STATE_COMMITTED,
    AssignmentState.RELEASED: matching_pb2.ASSIGNMENT_STATE_RELEASED,
}
PROTO_OF_SECTOR: dict[Sector, int] = {
    Sector.PUBLIC: common_pb2.SECTOR_PUBLIC,
    Sector.PRIVATE: common_pb2.SECTOR_PRIVATE,
    Sector.THIRD_SECTOR: common_pb2.SECTOR_THIRD_SECTOR,
    Sector.COMMUNITY: common_pb2.SECTOR_COMMUNITY,
}


def rules_draft_from(rules: matching_pb2.TeamRules) -> RulesDraft:
    return RulesDraft(
        min_sectors=rules.min_sectors,
        max_sector_share=rules.max_sector_share if rules.HasField("max_sector_share") else None,
        min_community_members=rules.min_community_members,
        locality=LOCALITY_OF_PROTO.get(rules.locality, LocalityRule.ANY),
        exclude_commissioned_organisation=rules.exclude_commissioned_organisation,
    )


def outcome_draft_from(outcome: matching_pb2.Outcome) -> OutcomeDraft:
    return OutcomeDraft(
        id=outcome.id,
        title=outcome.title,
        description=outcome.description,
        locality=outcome.locality,
        priority=outcome.priority,
        budget=outcome.budget,
        start=outcome.start,
        end=outcome.end,
        days=outcome.days,
        commissioned_organisation=outcome.commissioned_organisation,
        slots=tuple(
            SlotDraft(s.role_id, s.count, s.fte, s.min_fit, s.clearance) for s in outcome.slots
        ),
        skill_coverage=tuple(
            CoverageDraft(c.skill_id, c.min_level, c.min_people) for c in outcome.skill_coverage
        ),
        rules=rules_draft_from(outcome.rules),
    )


def outcome_to_proto(outcome: Outcome) -> matching_pb2.Outcome:
    rules = outcome.rules
    return matching_pb2.Outcome(
        id=outcome.id,
        title=outcome.title,
        description=outcome.description,
        locality=outcome.locality,
        priority=outcome.priority,
        budget=outcome.budget,
        start=outcome.start.isoformat(),
        end=outcome.end.isoformat(),
        days=outcome.days,
        commissioned_organisation=outcome.commissioned_organisation,
        slots=[
            matching_pb2.Slot(
                role_id=s.role_id,
                count=s.count,
                fte=s.fte,
                min_fit=s.min_fit,
                clearance=s.clearance,
            )
            for s in outcome.slots
        ],
        skill_coverage=[
            matching_pb2.SkillCoverage(
                skill_id=c.skill_id, min_level=c.min_level, min_people=c.min_people
            )
            for c in outcome.skill_coverage
        ],
        rules=matching_pb2.TeamRules(
            min_sectors=rules.min_sectors,
            max_sector_share=rules.max_sector_share,
            min_community_members=rules.min_community_members,
            locality=PROTO_OF_LOCALITY[rules.locality],  # type: ignore[arg-type]
            exclude_commissioned_organisation=rules.exclude_commissioned_organisation,
        ),
    )


def weights_from(weights: matching_pb2.ObjectiveWeights) -> ObjectiveWeights:
    """A weight the caller sets counts as given, 0 included; an absent one is the default."""
    defaults = ObjectiveWeights()
    return ObjectiveWeights(
        fit=weights.fit if weights.HasField("fit") else defaults.fit,
        cost=weights.cost if weights.HasField("cost") else defaults.cost,
        locality=weights.locality if weights.HasField("locality") else defaults.locality,
        unfilled_penalty=weights.unfilled_penalty
        if weights.HasField("unfilled_penalty")
        else defaults.unfilled_penalty,
    )


def what_if_from(request: matching_pb2.ProposeStaffingRequest) -> WhatIfChange | None:
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
            (
                override.outcome_id,
                rules_from_draft(
                    rules_draft_from(override.rules), f"what_if.rule_overrides[{index}].rules"
                ),
            )
            for index, override in enumerate(what_if.rule_overrides)
        ),
    )


def propose_command_from(request: matching_pb2.ProposeStaffingRequest) -> ProposeCommand:
    return ProposeCommand(
        outcome_ids=tuple(request.outcome_ids),
        pins=tuple(Pin(p.person_id, p.outcome_id, p.role_id) for p in request.pins),
        exclusions=tuple(request.exclusions),
        time_limit_s=request.time_limit_s,
        mode=Mode.STRICT if request.mode == matching_pb2.STAFFING_MODE_STRICT else Mode.SOFT,
        weights=weights_from(request.weights),
        what_if=what_if_from(request),
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
        state=PROTO_OF_STATE[state],  # type: ignore[arg-type]
        proposal_id=proposal_id,
        sector=PROTO_OF_SECTOR[line.sector],  # type: ignore[arg-type]
        cost=line.cost,
    )


def assignment_record_to_proto(record: AssignmentRecord) -> matching_pb2.Assignment:
    return assignment_to_proto(record.assignment, record.state, record.proposal_id)


def proposal_to_proto(view: ProposalView) -> matching_pb2.Proposal:
    proposal = view.proposal
    result = proposal.result
    state = AssignmentState.COMMITTED if proposal.committed else AssignmentState.PROPOSED
    teams = []
    for outcome_id in proposal.outcome_ids:
        lines = [line for line in result.assignments if line.outcome_id == outcome_id]
        teams.append(
            matching_pb2.Team(
                outcome_id=outcome_id,
                assignments=[assignment_to_proto(line, state, proposal.id) for line in lines],
                unfilled=[
                    matching_pb2.UnfilledSlot(role_id=u.role_id, count=u.count, reason=u.reason)
                    for u in result.unfilled
                    if u.outcome_id == outcome_id
                ],
                cost=sum(line.cost for line in lines),
            )
        )
    message = matching_pb2.Proposal(
        id=proposal.id,
        status=PROTO_OF_STATUS[result.status],  # type: ignore[arg-type]
        objective=result.objective,
        bound=result.bound,
        gap=result.gap,
        solve_seconds=result.solve_seconds,
        teams=teams,
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
    )
    if view.diff is not None:
        diff = view.diff
        message.diff.CopyFrom(
            matching_pb2.ProposalDiff(
                added=[
                    assignment_to_proto(line, AssignmentState.PROPOSED, "") for line in diff.added
                ],
                removed=[
                    assignment_to_proto(line, AssignmentState.PROPOSED, "") for line in diff.removed
                ],
                objective_delta=diff.objective_delta,
                unfilled_delta=diff.unfilled_delta,
            )
        )
    return message


def gaps_report_to_proto(report: gaps.GapsReport) -> matching_pb2.GapsReport:
    return matching_pb2.GapsReport(
        roles=[
            matching_pb2.RoleDemand(
                role_id=r.role_id,
                demanded=r.demanded,
                supply=r.supply,
                unfilled=r.unfilled,
                committed=r.committed,
            )
            for r in report.roles
        ],
        skills=[
            matching_pb2.SkillDemand(
                skill_id=s.skill_id,
                min_level=s.min_level,
                demanded_people=s.demanded_people,
                supply=s.supply,
                shortfall=s.shortfall,
            )
            for s in report.skills
        ],
        blocked_slots=[
            matching_pb2.BlockedSlot(
                outcome_id=b.outcome_id,
                role_id=b.role_id,
                count=b.count,
                reason=b.reason,
                blocking_skill_ids=list(b.blocking_skill_ids),
            )
            for b in report.blocked_slots
        ],
        closest=[
            matching_pb2.ClosePerson(
                person_id=c.person_id,
                name=c.name,
                role_id=c.role_id,
                fit=c.fit,
                steps=[
                    skills_pb2.GapStep(
                        skill_id=step.skill_id,
                        from_level=step.from_level,
                        to_level=step.to_level,
                        fit_gain=step.fit_gain,
                        fit_after=step.fit_after,
                        essential=step.essential,
                    )
                    for step in c.steps
                ],
            )
            for c in report.closest
        ],
        slots=[
            matching_pb2.SlotGap(
                outcome_id=g.outcome_id,
                role_id=g.role_id,
                places=g.places,
                committed=g.committed,
                open=g.open,
                supply=g.supply,
                unfilled=g.unfilled,
            )
            for g in report.slots
        ],
        solved=report.solved,
    )
