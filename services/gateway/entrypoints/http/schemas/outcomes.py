"""Commissioned outcomes, staffing proposals and gap reports."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lps.matching.v1 import matching_pb2
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
)
from services.gateway.entrypoints.http.schemas.learning import (
    Contribution,
    ContributionOut,
    ContributionUse,
    FairnessRule,
    Measure,
    MeasureOut,
)
from services.gateway.entrypoints.http.schemas.messages import from_message, to_message
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
        return to_message(matching_pb2.TeamRules, self)


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
        return to_message(matching_pb2.Outcome, self, id=outcome_id)


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
        return from_message(cls, message)


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
        return to_message(matching_pb2.ProposeStaffingRequest, self)


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
        return from_message(cls, message)


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
        return from_message(cls, message)


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
        return from_message(cls, message)
