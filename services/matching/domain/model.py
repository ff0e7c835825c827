"""The staffing domain in plain data: outcomes, the candidates the skills
service reports, and what a solve returns. No grpc, no neo4j."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Sector(StrEnum):
    PUBLIC = "public"
    PRIVATE = "private"
    THIRD_SECTOR = "third_sector"
    COMMUNITY = "community"


class LocalityRule(StrEnum):
    ANY = "any"
    PREFER_LOCAL = "prefer_local"
    LOCAL_ONLY = "local_only"


class Mode(StrEnum):
    SOFT = "soft"
    STRICT = "strict"


class Approach(StrEnum):
    UNSPECIFIED = "unspecified"
    PREVENTATIVE = "preventative"
    RESPONSIVE = "responsive"


class OutcomeState(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class Assessment(StrEnum):
    MET = "met"
    PARTLY_MET = "partly_met"
    NOT_MET = "not_met"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


class SolveStatus(StrEnum):
    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    TIMED_OUT = "timed_out"


@dataclass(frozen=True)
class Slot:
    role_id: str
    count: int
    fte: float
    min_fit: float = 0.0
    clearance: str = ""
    # Set: one development placement allowed, fit in [floor, min_fit).
    development_floor: float | None = None


@dataclass(frozen=True)
class SkillCoverage:
    skill_id: str
    min_level: int
    min_people: int


@dataclass(frozen=True)
class TeamRules:
    min_sectors: int = 0
    # None: no limit.
    max_sector_share: float | None = None
    min_community_members: int = 0
    locality: LocalityRule = LocalityRule.ANY
    exclude_commissioned_organisation: bool = False


@dataclass(frozen=True)
class Measure:
    id: str
    name: str
    unit: str
    baseline: float
    target: float
    direction: Direction = Direction.HIGHER_IS_BETTER


@dataclass(frozen=True)
class BudgetContribution:
    organisation: str
    sector: Sector
    amount: float
    # Set: pays only the staff costs of people of this sector.
    restricted_to: Sector | None = None


@dataclass(frozen=True)
class Outcome:
    id: str
    title: str
    locality: str
    priority: int
    budget: float
    start: date
    end: date
    days: float
    slots: tuple[Slot, ...]
    skill_coverage: tuple[SkillCoverage, ...] = ()
    rules: TeamRules = TeamRules()
    description: str = ""
    commissioned_organisation: str = ""
    measures: tuple[Measure, ...] = ()
    approach: Approach = Approach.UNSPECIFIED
    # When present, `budget` is their total.
    contributions: tuple[BudgetContribution, ...] = ()
    state: OutcomeState = OutcomeState.OPEN
    assessment: Assessment | None = None
    assessment_note: str = ""
    closed_on: date | None = None


@dataclass(frozen=True)
class Collaboration:
    """Two people served one outcome together (a WORKED_WITH relation);
    `assessment` is None while that outcome is open."""

    person_a: str
    person_b: str
    outcome_id: str
    assessment: Assessment | None = None


@dataclass(frozen=True)
class Clearance:
    kind: str
    expires: date | None


@dataclass(frozen=True)
class Candidate:
    """One row of the skills service's candidate matrix."""

    person_id: str
    name: str
    sector: Sector
    organisation: str
    locality: str
    capacity_fte: float
    day_rate: float
    clearances: tuple[Clearance, ...] = ()
    # role id -> fit in [0, 1]
    fits: dict[str, float] = field(default_factory=dict)
    # skill id -> effective level
    levels: dict[str, int] = field(default_factory=dict)
    available_from: date | None = None
    available_until: date | None = None


@dataclass(frozen=True)
class CommittedWork:
    """FTE a person already gives to a committed assignment; it reduces their capacity
    while its outcome runs (no dates: always)."""

    person_id: str
    outcome_id: str
    role_id: str
    fte: float
    start: date | None = None
    end: date | None = None


@dataclass(frozen=True)
class Pin:
    person_id: str
    outcome_id: str
    role_id: str


@dataclass(frozen=True)
class EssentialSkill:
    """An essential requirement of a role: what a development placement below
    `min_level` learns from an expert of the team."""

    role_id: str
    skill_id: str
    min_level: int


@dataclass(frozen=True)
class ObjectiveWeights:
    fit: float = 1000.0
    cost: float = 1.0
    locality: float = 10.0
    unfilled_penalty: float = 10000.0
    # Off by default (issue 14's soft terms).
    collaboration: float = 0.0
    new_connections: float = 0.0
    fairness: float = 0.0


@dataclass(frozen=True)
class StaffingRequest:
    outcomes: tuple[Outcome, ...]
    candidates: tuple[Candidate, ...]
    committed: tuple[CommittedWork, ...] = ()
    pins: tuple[Pin, ...] = ()
    exclusions: frozenset[str] = frozenset()
    mode: Mode = Mode.SOFT
    time_limit_s: float = 10.0
    weights: ObjectiveWeights = ObjectiveWeights()
    # Keep at most this many candidates per slot before solving (0: no pruning).
    max_candidates_per_slot: int = 0
    # The candidates are already a pruned pool (the skills service kept the best
    # per slot): optimality then holds over them only.
    pruned_upstream: bool = False
    # Past teams, for the collaboration and new-connection terms.
    collaborations: tuple[Collaboration, ...] = ()
    # Fairness rule: nobody above this share of their capacity while others who
    # fit stay idle (None: off).
    fairness_max_share: float | None = None
    # The roles' essential requirements (development placements; empty: none).
    essential_skills: tuple[EssentialSkill, ...] = ()


@dataclass(frozen=True)
class Assignment:
    outcome_id: str
    person_id: str
    role_id: str
    fte: float
    fit: float
    cost: float
    sector: Sector
    reasons: tuple[str, ...] = ()
    # A development placement (stretch assignment) and what it will teach.
    development: bool = False
    learns_skill_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Unfilled:
    outcome_id: str
    role_id: str
    count: int
    reason: str


@dataclass(frozen=True)
class Conflict:
    # A stable rule name, e.g. "outcome:o1:min_community_members".
    rule: str
    # Worded for a manager.
    detail: str


@dataclass(frozen=True)
class SlotPoolFigures:
    """How many people passed a slot's filters, and how many of them the solver saw."""

    outcome_id: str
    role_id: str
    eligible: int
    kept: int


@dataclass(frozen=True)
class ContributionUse:
    """A team's staff cost charged to one budget contribution of its outcome."""

    outcome_id: str
    contribution: BudgetContribution
    used: float


@dataclass(frozen=True)
class StaffingResult:
    status: SolveStatus
    objective: float
    bound: float
    gap: float
    solve_seconds: float
    assignments: tuple[Assignment, ...]
    unfilled: tuple[Unfilled, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    # Which solver answered: "cp-sat", "linear-assignment", ...
    solver: str = "cp-sat"
    pruned: bool = False
    optimality_proven: bool = False
    pools: tuple[SlotPoolFigures, ...] = ()
    # Per outcome with contributions: the cost charged to each.
    contribution_uses: tuple[ContributionUse, ...] = ()
    # The fairness rule's cost in fit, worded (empty when off or free).
    fairness_notes: tuple[str, ...] = ()
