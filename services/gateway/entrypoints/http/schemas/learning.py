"""Shared learning: an outcome's measures and pooled budget, results recorded
against its measures, closing it with an assessment, the teams kept as
history, and the learning report (associations with counts, never causes)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, Field

from lps.matching.v1 import matching_pb2
from services.gateway.adapters.enums import (
    APPROACH_TO_PROTO,
    ASSESSMENT_TO_PROTO,
    DIRECTION_TO_PROTO,
    LEARNING_GROUPING_TO_PROTO,
    SECTOR_TO_PROTO,
    from_proto,
)
from services.gateway.domain.learning import figure_label
from services.gateway.domain.vocabulary import (
    Approach,
    Assessment,
    Direction,
    LearningGrouping,
    Sector,
)
from services.gateway.entrypoints.http.schemas.common import (
    Identifier,
    Name,
    RequestModel,
    ShortText,
    date_or_none,
    date_text,
    text_or_none,
)

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

    def to_proto(self) -> matching_pb2.Measure:
        return matching_pb2.Measure(
            id=self.id,
            name=self.name,
            unit=self.unit,
            baseline=self.baseline,
            target=self.target,
            direction=DIRECTION_TO_PROTO[self.direction],  # type: ignore[arg-type]
        )


class MeasureOut(BaseModel):
    id: str
    name: str
    unit: str
    baseline: float
    target: float
    direction: Direction | None

    @classmethod
    def of(cls, message: matching_pb2.Measure) -> MeasureOut:
        return cls(
            id=message.id,
            name=message.name,
            unit=message.unit,
            baseline=message.baseline,
            target=message.target,
            direction=from_proto(DIRECTION_TO_PROTO, message.direction),
        )


class Contribution(RequestModel):
    organisation: ShortText
    sector: Sector
    amount: float = Field(ge=0.0, le=MAX_AMOUNT)
    # Absent or null: the money pays any cost of the team.
    restricted_to: Sector | None = None

    def to_proto(self) -> matching_pb2.BudgetContribution:
        contribution = matching_pb2.BudgetContribution(
            organisation=self.organisation,
            sector=SECTOR_TO_PROTO[self.sector],  # type: ignore[arg-type]
            amount=self.amount,
        )
        if self.restricted_to is not None:
            contribution.restricted_to = SECTOR_TO_PROTO[self.restricted_to]  # type: ignore[assignment]
        return contribution


class ContributionOut(BaseModel):
    organisation: str
    sector: Sector | None
    amount: float
    restricted_to: Sector | None

    @classmethod
    def of(cls, message: matching_pb2.BudgetContribution) -> ContributionOut:
        return cls(
            organisation=message.organisation,
            sector=from_proto(SECTOR_TO_PROTO, message.sector),
            amount=message.amount,
            restricted_to=from_proto(SECTOR_TO_PROTO, message.restricted_to),
        )


class ContributionUse(BaseModel):
    """A team's cost against one contribution of its outcome's pooled budget."""

    organisation: str
    sector: Sector | None
    amount: float
    used: float
    restricted_to: Sector | None

    @classmethod
    def of(cls, message: matching_pb2.ContributionUse) -> ContributionUse:
        return cls(
            organisation=message.organisation,
            sector=from_proto(SECTOR_TO_PROTO, message.sector),
            amount=message.amount,
            used=message.used,
            restricted_to=from_proto(SECTOR_TO_PROTO, message.restricted_to),
        )


class FairnessRule(RequestModel):
    max_share_of_capacity: float = Field(gt=0.0, le=1.0)

    def to_proto(self) -> matching_pb2.FairnessRule:
        return matching_pb2.FairnessRule(max_share_of_capacity=self.max_share_of_capacity)


def approach_to_proto(approach: Approach | None) -> int:
    return APPROACH_TO_PROTO[approach] if approach is not None else 0


def approach_of(message: matching_pb2.Outcome) -> Approach | None:
    return from_proto(APPROACH_TO_PROTO, message.approach)


def assessment_of(message: matching_pb2.Outcome) -> Assessment | None:
    return from_proto(ASSESSMENT_TO_PROTO, message.assessment)


def measures_to_proto(measures: Iterable[Measure]) -> list[matching_pb2.Measure]:
    return [m.to_proto() for m in measures]


def contributions_to_proto(
    contributions: Iterable[Contribution],
) -> list[matching_pb2.BudgetContribution]:
    return [c.to_proto() for c in contributions]


class ResultRecord(RequestModel):
    measure_id: Identifier
    value: float = Field(ge=-MEASURE_BOUND, le=MEASURE_BOUND)
    # The day the value describes.
    date: dt.date
    source: ShortText = ""
    note: ShortText = ""

    def to_proto(self, outcome_id: str) -> matching_pb2.MeasureResult:
        return matching_pb2.MeasureResult(
            outcome_id=outcome_id,
            measure_id=self.measure_id,
            value=self.value,
            date=date_text(self.date),
            source=self.source,
            note=self.note,
        )


class Result(BaseModel):
    outcome_id: str
    measure_id: str
    value: float
    date: dt.date | None
    source: str
    note: str
    recorded_at: str | None

    @classmethod
    def of(cls, message: matching_pb2.MeasureResult) -> Result:
        return cls(
            outcome_id=message.outcome_id,
            measure_id=message.measure_id,
            value=message.value,
            date=date_or_none(message.date),
            source=message.source,
            note=message.note,
            recorded_at=text_or_none(message.recorded_at),
        )


class Closing(RequestModel):
    assessment: Assessment
    note: ShortText = ""
    # Absent: today.
    closed_on: dt.date | None = None

    def to_proto(self, outcome_id: str) -> matching_pb2.CloseOutcomeRequest:
        return matching_pb2.CloseOutcomeRequest(
            outcome_id=outcome_id,
            assessment=ASSESSMENT_TO_PROTO[self.assessment],  # type: ignore[arg-type]
            note=self.note,
            closed_on=date_text(self.closed_on),
        )


class TeamMember(BaseModel):
    """A member of a closed outcome's team, kept after they leave; erased: no person_id."""

    outcome_id: str
    person_id: str | None
    role_id: str
    sector: Sector | None
    fte: float
    start: dt.date | None
    end: dt.date | None
    fit: float

    @classmethod
    def of(cls, message: matching_pb2.TeamHistoryMember) -> TeamMember:
        return cls(
            outcome_id=message.outcome_id,
            person_id=text_or_none(message.person_id),
            role_id=message.role_id,
            sector=from_proto(SECTOR_TO_PROTO, message.sector),
            fte=message.fte,
            start=date_or_none(message.start),
            end=date_or_none(message.end),
            fit=message.fit,
        )


class LearningFigure(BaseModel):
    name: str
    label: str
    # Null: withheld, the group is under the minimum size.
    value: float | None
    count: int

    @classmethod
    def of(cls, message: matching_pb2.LearningFigure) -> LearningFigure:
        return cls(
            name=message.name,
            label=figure_label(message.name),
            value=message.value if message.HasField("value") else None,
            count=message.count,
        )


class SectorAmount(BaseModel):
    sector: Sector | None
    amount: float


class LearningGroup(BaseModel):
    key: str
    outcomes: int
    reported: bool
    figures: list[LearningFigure]
    contributions: list[SectorAmount]

    @classmethod
    def of(cls, message: matching_pb2.LearningGroup) -> LearningGroup:
        return cls(
            key=message.key,
            outcomes=message.outcomes,
            reported=message.reported,
            figures=[LearningFigure.of(f) for f in message.figures],
            contributions=[
                SectorAmount(sector=from_proto(SECTOR_TO_PROTO, c.sector), amount=c.amount)
                for c in message.contributions
            ],
        )


class LearningReport(BaseModel):
    group_by: LearningGrouping | None
    min_group_size: int
    groups: list[LearningGroup]
    notes: list[str]

    @classmethod
    def of(cls, message: matching_pb2.LearningReport) -> LearningReport:
        return cls(
            group_by=from_proto(LEARNING_GROUPING_TO_PROTO, message.group_by),
            min_group_size=message.min_group_size,
            groups=[LearningGroup.of(g) for g in message.groups],
            notes=list(message.notes),
        )


def learning_request(
    group_by: LearningGrouping, min_group_size: int | None
) -> matching_pb2.GetLearningReportRequest:
    return matching_pb2.GetLearningReportRequest(
        group_by=LEARNING_GROUPING_TO_PROTO[group_by],  # type: ignore[arg-type]
        min_group_size=min_group_size or 0,
    )
