"""The training catalogue and training plans."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field, model_validator

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.gateway.adapters.enums import (
    COURSE_KIND_TO_PROTO,
    from_proto,
)
from services.gateway.domain.courses_csv import CourseKind
from services.gateway.domain.vocabulary import MAX_LEVEL, ProposalStatus, TrainingPlanStatus
from services.gateway.entrypoints.http.schemas.common import (
    Identifier,
    Level,
    LongText,
    Name,
    RequestModel,
    ShortText,
)
from services.gateway.entrypoints.http.schemas.messages import FromMessage, from_message, to_message
from services.gateway.entrypoints.http.schemas.outcomes import LevelChange
from services.matching.domain.time_budget import DEFAULT_TIME_LIMIT_S

MAX_PLAN_TIME_LIMIT_S = 120.0


class CourseRun(RequestModel):
    start: date
    end: date

    @model_validator(mode="after")
    def _ends_after_start(self) -> CourseRun:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class CourseFields(RequestModel):
    title: Name
    kind: CourseKind = CourseKind.COURSE
    skill_id: Identifier
    from_level: int = Field(default=0, ge=0, le=MAX_LEVEL - 1, strict=True)
    to_level: Level
    cost: float = Field(default=0.0, ge=0.0, le=1_000_000_000.0)
    duration_days: float = Field(default=1.0, gt=0.0, le=260.0)
    capacity_per_run: int = Field(default=0, ge=0, le=100_000)
    runs: list[CourseRun] = Field(default_factory=list, max_length=1000)
    provider: ShortText = ""
    description: LongText = ""

    @model_validator(mode="after")
    def _raises_a_level(self) -> CourseFields:
        if self.to_level <= self.from_level:
            raise ValueError("to_level must be above from_level")
        return self

    def to_proto(self, course_id: str) -> skills_pb2.Course:
        return to_message(skills_pb2.Course, self, id=course_id)


class CourseCreate(CourseFields):
    id: Identifier


class CourseReplace(CourseFields):
    id: Identifier | None = None


class Run(BaseModel):
    start: date | None
    end: date | None


class Course(BaseModel):
    id: str
    title: str
    kind: CourseKind
    skill_id: str
    from_level: int
    to_level: int
    cost: float
    duration_days: float
    capacity_per_run: int
    runs: list[Run]
    provider: str
    description: str

    @classmethod
    def of(cls, message: skills_pb2.Course) -> Course:
        kind = from_proto(COURSE_KIND_TO_PROTO, message.kind) or CourseKind.COURSE
        return from_message(cls, message, kind=kind)


class PlanOptions(RequestModel):
    time_limit_s: float = Field(default=DEFAULT_TIME_LIMIT_S, gt=0.0, le=MAX_PLAN_TIME_LIMIT_S)
    # Working days each person can give to training, and exceptions by person id.
    default_available_days: float = Field(default=10.0, gt=0.0, le=260.0)
    available_days: dict[Identifier, Annotated[float, Field(ge=0.0, le=260.0)]] = Field(
        default_factory=dict, max_length=100_000
    )
    course_ids: list[Identifier] = Field(default_factory=list, max_length=10_000)


class PlanRequest(RequestModel):
    # Empty: every open outcome.
    outcome_ids: list[Identifier] = Field(default_factory=list, max_length=500)
    budget: float = Field(ge=0.0, le=1_000_000_000_000.0)
    deadline: date
    options: PlanOptions = Field(default_factory=PlanOptions)

    def to_proto(self, actor: str) -> matching_pb2.PlanTrainingRequest:
        return to_message(matching_pb2.PlanTrainingRequest, self, actor=actor)


class Enrolment(BaseModel):
    course_id: str
    course_title: str
    skill_id: str
    from_level: int
    to_level: int
    run_start: date | None
    run_end: date | None
    cost: float
    completed_on: date | None


class PersonPlan(BaseModel):
    person_id: str
    name: str
    cost: float
    enrolments: list[Enrolment]
    levels_after: dict[str, int]
    fits_after: dict[str, float]


class FillablePlace(BaseModel):
    outcome_id: str
    role_id: str
    person_id: str
    fit_before: float
    fit_after: float


class CoverageMet(BaseModel):
    outcome_id: str
    skill_id: str
    min_level: int
    person_ids: list[str]


class UnmetDemand(BaseModel):
    kind: str
    outcome_id: str
    subject_id: str
    count: int
    unreachable: bool
    reason: str
    # False: people who fit are free but staffing rules keep it open; not a training matter.
    skill_gap: bool


class SlotCheck(BaseModel):
    outcome_id: str
    role_id: str
    claimed: int
    filled: int


class PlanCheck(BaseModel):
    holds: bool
    status: ProposalStatus | None
    claimed_places: int
    filled_places: int
    slots: list[SlotCheck]


class TrainingPlan(FromMessage):
    id: str
    # "unconfirmed" when the staffing re-run does not fill the places the plan claims.
    status: TrainingPlanStatus | None
    # In words: what the plan makes staffable and whether staffing confirms it.
    headline: str
    outcome_ids: list[str]
    budget: float
    deadline: date | None
    total_cost: float
    people: list[PersonPlan]
    fillable: list[FillablePlace]
    coverage_met: list[CoverageMet]
    unmet: list[UnmetDemand]
    open_demand: float
    staffable_demand: float
    solve_seconds: float
    check: PlanCheck
    # Ready for what_if.level_changes of POST /v1/staffing/proposals.
    level_changes: list[LevelChange]
    enrolment_count: int
    completed_count: int
    created_at: str
    created_by: str


class Completion(RequestModel):
    person_id: Identifier
    course_id: Identifier
    # Default today.
    completed_on: date | None = None
    note: ShortText = ""

    def to_proto(self, plan_id: str, actor: str) -> matching_pb2.RecordTrainingCompletionRequest:
        return to_message(
            matching_pb2.RecordTrainingCompletionRequest, self, plan_id=plan_id, actor=actor
        )
