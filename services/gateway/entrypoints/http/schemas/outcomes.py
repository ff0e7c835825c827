"""Commissioned outcomes, staffing proposals and gap reports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lps.matching.v1 import matching_pb2
from services.gateway.adapters.enums import (
    ASSIGNMENT_STATE_TO_PROTO,
    LOCALITY_RULE_TO_PROTO,
    MODE_TO_PROTO,
    OUTCOME_STATE_TO_PROTO,
    PROPOSAL_STATUS_TO_PROTO,
    SECTOR_TO_PROTO,
    from_proto,
)
from services.gateway.domain.vocabulary import (
    Approach,
    Assessment,
    AssignmentState,
    LocalityRule,
    OutcomeState,
    ProposalStatus,
    Sector,
    StaffingMode,
)
from services.gateway.entrypoints.http.schemas.common import (
    Fraction,
    Identifier,
    Level,
    LongText,
    Name,
    RequestModel,
    ShortText,
    date_or_none,
    date_text,
    text_or_none,
)
from services.gateway.entrypoints.http.schemas.learning import (
    Contribution,
    ContributionOut,
    ContributionUse,
    FairnessRule,
    Measure,
    MeasureOut,
    approach_of,
    approach_to_proto,
    assessment_of,
    contributions_to_proto,
    measures_to_proto,
)
from services.gateway.entrypoints.http.schemas.people import LearningStep
from services.matching.domain.time_budget import DEFAULT_TIME_LIMIT_S

MAX_TIME_LIMIT_S = 300.0


class Slot(RequestModel):
    role_id: Identifier
    count: int = Field(ge=1, le=1000)
    fte: float = Field(default=1.0, gt=0.0, le=1.0)
    min_fit: Fraction = 0.0
    clearance: ShortText = ""
    # Absent or null: no development placement.
    development_floor: Fraction | None = None


class SkillCoverage(RequestModel):
    skill_id: Identifier
    min_level: Level
    min_people: int = Field(ge=1, le=1000)


class TeamRules(RequestModel):
    min_sectors: int = Field(default=0, ge=0, le=4)
    # Absent or null: no limit.
    max_sector_share: float | None = Field(default=None, gt=0.0, le=1.0)
    min_community_members: int = Field(default=0, ge=0, le=1000)
    locality: LocalityRule = LocalityRule.ANY
    exclude_commissioned_organisation: bool = False

    def to_proto(self) -> matching_pb2.TeamRules:
        return matching_pb2.TeamRules(
            min_sectors=self.min_sectors,
            max_sector_share=self.max_sector_share,
            min_community_members=self.min_community_members,
            locality=LOCALITY_RULE_TO_PROTO[self.locality],  # type: ignore[arg-type]
            exclude_commissioned_organisation=self.exclude_commissioned_organisation,
        )


class OutcomeFields(RequestModel):
    title: Name
    description: LongText = ""
    locality: ShortText = ""
    priority: int = Field(default=3, ge=1, le=5)
    budget: float = Field(default=0.0, ge=0.0)
    # Required: staffing checks availability and capacity over these dates.
    start: date
    end: date
    days: float = Field(default=0.0, ge=0.0, le=10_000.0)
    slots: list[Slot] = Field(min_length=1, max_length=200)
    skill_coverage: list[SkillCoverage] = Field(default_factory=list, max_length=200)
    rules: TeamRules = Field(default_factory=TeamRules)
    commissioned_organisation: ShortText = ""
    measures: list[Measure] = Field(default_factory=list, max_length=50)
    approach: Approach | None = None
    contributions: list[Contribution] = Field(default_factory=list, max_length=100)

    def to_proto(self, outcome_id: str) -> matching_pb2.Outcome:
        return matching_pb2.Outcome(
            id=outcome_id,
            title=self.title,
            description=self.description,
            locality=self.locality,
            priority=self.priority,
            budget=self.budget,
            start=date_text(self.start),
            end=date_text(self.end),
            days=self.days,
            slots=[
                matching_pb2.Slot(
                    role_id=s.role_id,
                    count=s.count,
                    fte=s.fte,
                    min_fit=s.min_fit,
                    clearance=s.clearance,
                    development_floor=s.development_floor,
                )
                for s in self.slots
            ],
            skill_coverage=[
                matching_pb2.SkillCoverage(
                    skill_id=c.skill_id, min_level=c.min_level, min_people=c.min_people
                )
                for c in self.skill_coverage
            ],
            rules=self.rules.to_proto(),
            commissioned_organisation=self.commissioned_organisation,
            measures=measures_to_proto(self.measures),
            approach=approach_to_proto(self.approach),  # type: ignore[arg-type]
            contributions=contributions_to_proto(self.contributions),
        )


class OutcomeCreate(OutcomeFields):
    # Made up by the gateway when absent.
    id: Identifier | None = None


class OutcomeReplace(OutcomeFields):
    id: Identifier | None = None


class SlotOut(BaseModel):
    role_id: str
    count: int
    fte: float
    min_fit: float
    clearance: str
    development_floor: float | None


class SkillCoverageOut(BaseModel):
    skill_id: str
    min_level: int
    min_people: int


class TeamRulesOut(BaseModel):
    min_sectors: int
    # Null: no limit.
    max_sector_share: float | None
    min_community_members: int
    locality: LocalityRule | None
    exclude_commissioned_organisation: bool


class Outcome(BaseModel):
    id: str
    title: str
    description: str
    locality: str
    priority: int
    budget: float
    start: date | None
    end: date | None
    days: float
    slots: list[SlotOut]
    skill_coverage: list[SkillCoverageOut]
    rules: TeamRulesOut
    commissioned_organisation: str
    measures: list[MeasureOut]
    approach: Approach | None
    contributions: list[ContributionOut]
    state: OutcomeState | None
    assessment: Assessment | None
    assessment_note: str
    closed_on: date | None

    @classmethod
    def of(cls, message: matching_pb2.Outcome) -> Outcome:
        rules = message.rules
        return cls(
            id=message.id,
            title=message.title,
            description=message.description,
            locality=message.locality,
            priority=message.priority,
            budget=message.budget,
            start=date_or_none(message.start),
            end=date_or_none(message.end),
            days=message.days,
            slots=[
                SlotOut(
                    role_id=s.role_id,
                    count=s.count,
                    fte=s.fte,
                    min_fit=s.min_fit,
                    clearance=s.clearance,
                    development_floor=s.development_floor
                    if s.HasField("development_floor")
                    else None,
                )
                for s in message.slots
            ],
            skill_coverage=[
                SkillCoverageOut(
                    skill_id=c.skill_id, min_level=c.min_level, min_people=c.min_people
                )
                for c in message.skill_coverage
            ],
            rules=TeamRulesOut(
                min_sectors=rules.min_sectors,
                max_sector_share=rules.max_sector_share
                if rules.HasField("max_sector_share")
                else None,
                min_community_members=rules.min_community_members,
                locality=from_proto(LOCALITY_RULE_TO_PROTO, rules.locality),
                exclude_commissioned_organisation=rules.exclude_commissioned_organisation,
            ),
            commissioned_organisation=message.commissioned_organisation,
            measures=[MeasureOut.of(m) for m in message.measures],
            approach=approach_of(message),
            contributions=[ContributionOut.of(c) for c in message.contributions],
            state=from_proto(OUTCOME_STATE_TO_PROTO, message.state),
            assessment=assessment_of(message),
            assessment_note=message.assessment_note,
            closed_on=date_or_none(message.closed_on),
        )


class Pin(RequestModel):
    person_id: Identifier
    outcome_id: Identifier
    role_id: Identifier


class Weights(RequestModel):
    """Each weight left out (or null) takes its default; 0 switches its term off."""

    fit: float | None = Field(default=None, ge=0.0)
    cost: float | None = Field(default=None, ge=0.0)
    locality: float | None = Field(default=None, ge=0.0)
    unfilled_penalty: float | None = Field(default=None, ge=0.0)
    collaboration: float | None = Field(default=None, ge=0.0)
    new_connections: float | None = Field(default=None, ge=0.0)
    fairness: float | None = Field(default=None, ge=0.0)


class LevelChange(RequestModel):
    person_id: Identifier
    skill_id: Identifier
    level: Level


class RuleOverride(RequestModel):
    outcome_id: Identifier
    rules: TeamRules


class WhatIf(RequestModel):
    remove_person_ids: list[Identifier] = Field(default_factory=list, max_length=10_000)
    level_changes: list[LevelChange] = Field(default_factory=list, max_length=10_000)
    rule_overrides: list[RuleOverride] = Field(default_factory=list, max_length=1000)


class ProposalRequest(RequestModel):
    outcome_ids: list[Identifier] = Field(min_length=1, max_length=500)
    pins: list[Pin] = Field(default_factory=list, max_length=10_000)
    exclusions: list[Identifier] = Field(default_factory=list, max_length=10_000)
    time_limit_s: float = Field(default=DEFAULT_TIME_LIMIT_S, gt=0.0, le=MAX_TIME_LIMIT_S)
    mode: StaffingMode = StaffingMode.SOFT
    weights: Weights | None = None
    what_if: WhatIf | None = None
    # Absent or null: no fairness rule.
    fairness: FairnessRule | None = None

    def to_proto(self) -> matching_pb2.ProposeStaffingRequest:
        request = matching_pb2.ProposeStaffingRequest(
            outcome_ids=self.outcome_ids,
            pins=[
                matching_pb2.Pin(person_id=p.person_id, outcome_id=p.outcome_id, role_id=p.role_id)
                for p in self.pins
            ],
            exclusions=self.exclusions,
            time_limit_s=self.time_limit_s,
            mode=MODE_TO_PROTO[self.mode],  # type: ignore[arg-type]
        )
        if self.weights is not None:
            request.weights.CopyFrom(matching_pb2.ObjectiveWeights(**self.weights.model_dump()))
        if self.fairness is not None:
            request.fairness.CopyFrom(self.fairness.to_proto())
        if self.what_if is not None:
            request.what_if.CopyFrom(
                matching_pb2.WhatIf(
                    remove_person_ids=self.what_if.remove_person_ids,
                    level_changes=[
                        matching_pb2.LevelChangeWhatIf(
                            person_id=c.person_id, skill_id=c.skill_id, level=c.level
                        )
                        for c in self.what_if.level_changes
                    ],
                    rule_overrides=[
                        matching_pb2.RuleOverride(outcome_id=o.outcome_id, rules=o.rules.to_proto())
                        for o in self.what_if.rule_overrides
                    ],
                )
            )
        return request


class Assignment(BaseModel):
    person_id: str
    role_id: str
    outcome_id: str
    fte: float
    fit: float
    reasons: list[str]
    state: AssignmentState | None
    sector: Sector | None
    cost: float
    development: bool
    learns_skill_ids: list[str]

    @classmethod
    def of(cls, message: matching_pb2.Assignment) -> Assignment:
        return cls(
            person_id=message.person_id,
            role_id=message.role_id,
            outcome_id=message.outcome_id,
            fte=message.fte,
            fit=message.fit,
            reasons=list(message.reasons),
            state=from_proto(ASSIGNMENT_STATE_TO_PROTO, message.state),
            sector=from_proto(SECTOR_TO_PROTO, message.sector),
            cost=message.cost,
            development=message.development,
            learns_skill_ids=list(message.learns_skill_ids),
        )


class Unfilled(BaseModel):
    role_id: str
    count: int
    reason: str


class Team(BaseModel):
    outcome_id: str
    assignments: list[Assignment]
    unfilled: list[Unfilled]
    cost: float
    contributions: list[ContributionUse]


class Conflict(BaseModel):
    rule: str
    detail: str


class ProposalDiff(BaseModel):
    added: list[Assignment]
    removed: list[Assignment]
    objective_delta: float
    unfilled_delta: int


class SlotPool(BaseModel):
    """How many people passed a slot's filters, and how many the solver saw."""

    outcome_id: str
    role_id: str
    eligible: int
    kept: int


class Proposal(BaseModel):
    id: str | None
    status: ProposalStatus | None
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    teams: list[Team]
    conflicts: list[Conflict]
    committed: bool
    pruned: bool
    optimality_proven: bool
    diff: ProposalDiff | None
    solver: str
    created_at: str | None
    pools: list[SlotPool]
    # In words: places filled, and why the rest stay open (read this, not the objective).
    summary: str
    fairness_notes: list[str]

    @classmethod
    def of(cls, message: matching_pb2.Proposal) -> Proposal:
        diff = None
        if message.HasField("diff"):
            diff = ProposalDiff(
                added=[Assignment.of(a) for a in message.diff.added],
                removed=[Assignment.of(a) for a in message.diff.removed],
                objective_delta=message.diff.objective_delta,
                unfilled_delta=message.diff.unfilled_delta,
            )
        return cls(
            id=text_or_none(message.id),
            status=from_proto(PROPOSAL_STATUS_TO_PROTO, message.status),
            objective=message.objective,
            bound=message.bound,
            gap=message.gap,
            solve_seconds=message.solve_seconds,
            teams=[
                Team(
                    outcome_id=t.outcome_id,
                    assignments=[Assignment.of(a) for a in t.assignments],
                    unfilled=[
                        Unfilled(role_id=u.role_id, count=u.count, reason=u.reason)
                        for u in t.unfilled
                    ],
                    cost=t.cost,
                    contributions=[ContributionUse.of(c) for c in t.contributions],
                )
                for t in message.teams
            ],
            conflicts=[Conflict(rule=c.rule, detail=c.detail) for c in message.conflicts],
            committed=message.committed,
            pruned=message.pruned,
            optimality_proven=message.optimality_proven,
            diff=diff,
            solver=message.solver,
            created_at=text_or_none(message.created_at),
            pools=[
                SlotPool(
                    outcome_id=p.outcome_id, role_id=p.role_id, eligible=p.eligible, kept=p.kept
                )
                for p in message.pools
            ],
            summary=message.summary,
            fairness_notes=list(message.fairness_notes),
        )


class RoleDemand(BaseModel):
    role_id: str
    demanded: int
    supply: int
    unfilled: int
    committed: int


class SlotGap(BaseModel):
    outcome_id: str
    role_id: str
    places: int
    committed: int
    open: int
    supply: int
    unfilled: int


class SkillDemand(BaseModel):
    skill_id: str
    min_level: int
    demanded_people: int
    supply: int
    shortfall: int


class BlockedSlot(BaseModel):
    outcome_id: str
    role_id: str
    count: int
    reason: str
    blocking_skill_ids: list[str]


class ClosePerson(BaseModel):
    person_id: str
    name: str
    role_id: str
    fit: float
    steps: list[LearningStep]


class Gaps(BaseModel):
    roles: list[RoleDemand]
    skills: list[SkillDemand]
    blocked_slots: list[BlockedSlot]
    closest: list[ClosePerson]
    slots: list[SlotGap]
    solved: bool

    @classmethod
    def of(cls, message: matching_pb2.GapsReport) -> Gaps:
        return cls(
            roles=[
                RoleDemand(
                    role_id=r.role_id,
                    demanded=r.demanded,
                    supply=r.supply,
                    unfilled=r.unfilled,
                    committed=r.committed,
                )
                for r in message.roles
            ],
            skills=[
                SkillDemand(
                    skill_id=s.skill_id,
                    min_level=s.min_level,
                    demanded_people=s.demanded_people,
                    supply=s.supply,
                    shortfall=s.shortfall,
                )
                for s in message.skills
            ],
            blocked_slots=[
                BlockedSlot(
                    outcome_id=b.outcome_id,
                    role_id=b.role_id,
                    count=b.count,
                    reason=b.reason,
                    blocking_skill_ids=list(b.blocking_skill_ids),
                )
                for b in message.blocked_slots
            ],
            closest=[
                ClosePerson(
                    person_id=c.person_id,
                    name=c.name,
                    role_id=c.role_id,
                    fit=c.fit,
                    steps=[LearningStep.of(s) for s in c.steps],
                )
                for c in message.closest
            ],
            slots=[
                SlotGap(
                    outcome_id=g.outcome_id,
                    role_id=g.role_id,
                    places=g.places,
                    committed=g.committed,
                    open=g.open,
                    supply=g.supply,
                    unfilled=g.unfilled,
                )
                for g in message.slots
            ],
            solved=message.solved,
        )
