"""Shared learning: an outcome's measures and pooled budget, results recorded
against its measures, closing it with an assessment, the teams kept as
history, and the learning report (associations with counts, never causes)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from lps.matching.v1 import matching_pb2
from services.gateway.adapters.enums import LEARNING_GROUPING_TO_PROTO
from services.gateway.domain.learning import figure_label
from services.gateway.domain.vocabulary import Assessment, Direction, LearningGrouping, Sector
from services.gateway.entrypoints.http.schemas.common import (
    Identifier,
    Name,
    RequestModel,
    ShortText,
)
from services.gateway.entrypoints.http.schemas.messages import FromMessage, from_message, to_message

MAX_AMOUNT = 1_000_000_000_000.0
# A measure's figures are whatever the outcome counts (people, visits, percent):
# bounded only so that infinity-like values cannot pass.
MEASURE_BOUND = 1e15


class Measure(RequestModel):
    id: Identifier
    name: Name
    unit: ShortText = ""
    baseline: float = Field(ge=-MEASURE_BOUND, le=MEASURE_BOUND)
    target: float = Field(ge=-MEASURE_BOUND, le=MEASURE_BOUND)
    direction: Direction = Direction.HIGHER_IS_BETTER


class MeasureOut(BaseModel):
    id: str
    name: str
    unit: str
    baseline: float
    target: float
    direction: Direction | None


class Contribution(RequestModel):
    organisation: ShortText
    sector: Sector
    amount: float = Field(ge=0.0, le=MAX_AMOUNT)
    # Absent or null: the money pays any cost of the team.
    restricted_to: Sector | None = None


class ContributionOut(BaseModel):
    organisation: str
    sector: Sector | None
    amount: float
    restricted_to: Sector | None


class ContributionUse(BaseModel):
    """A team's cost against one contribution of its outcome's pooled budget."""

    organisation: str
    sector: Sector | None
    amount: float
    used: float
    restricted_to: Sector | None


class FairnessRule(RequestModel):
    max_share_of_capacity: float = Field(gt=0.0, le=1.0)


class ResultRecord(RequestModel):
    measure_id: Identifier
    value: float = Field(ge=-MEASURE_BOUND, le=MEASURE_BOUND)
    # The day the value describes.
    date: dt.date
    source: ShortText = ""
    note: ShortText = ""

    def to_proto(self, outcome_id: str) -> matching_pb2.MeasureResult:
        return to_message(matching_pb2.MeasureResult, self, outcome_id=outcome_id)


class Result(FromMessage):
    outcome_id: str
    measure_id: str
    value: float
    date: dt.date | None
    source: str
    note: str
    recorded_at: str | None


class Closing(RequestModel):
    assessment: Assessment
    note: ShortText = ""
    # Absent: today.
    closed_on: dt.date | None = None

    def to_proto(self, outcome_id: str) -> matching_pb2.CloseOutcomeRequest:
        return to_message(matching_pb2.CloseOutcomeRequest, self, outcome_id=outcome_id)


class TeamMember(FromMessage):
    """A member of a closed outcome's team, kept after they leave; erased: no person_id."""

    outcome_id: str
    person_id: str | None
    role_id: str
    sector: Sector | None
    fte: float
    start: dt.date | None
    end: dt.date | None
    fit: float


class LearningFigure(BaseModel):
    name: str
    label: str
    # Null: withheld, the group is under the minimum size.
    value: float | None
    count: int

    @classmethod
    def of(cls, message: matching_pb2.LearningFigure) -> LearningFigure:
        return from_message(cls, message, label=figure_label(message.name))


class SectorAmount(BaseModel):
    sector: Sector | None
    amount: float


class LearningGroup(BaseModel):
    key: str
    outcomes: int
    reported: bool
    figures: list[LearningFigure]
    contributions: list[SectorAmount]


class LearningReport(FromMessage):
    group_by: LearningGrouping | None
    min_group_size: int
    groups: list[LearningGroup]
    notes: list[str]


def learning_request(
    group_by: LearningGrouping, min_group_size: int | None
) -> matching_pb2.GetLearningReportRequest:
    return matching_pb2.GetLearningReportRequest(
        group_by=LEARNING_GROUPING_TO_PROTO[group_by],  # type: ignore[arg-type]
        min_group_size=min_group_size or 0,
    )
