"""People, their levels and their fit to a role."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2
from services.common.errors import InvalidArgument
from services.gateway.adapters.enums import (
    SECTOR_TO_PROTO,
)
from services.gateway.domain.vocabulary import LevelSource, RequirementStatus, Sector
from services.gateway.entrypoints.http.schemas.common import (
    Fraction,
    Identifier,
    Level,
    LongText,
    Name,
    RequestModel,
    ShortText,
    date_text,
)
from services.gateway.entrypoints.http.schemas.messages import FromMessage, to_message


class Clearance(RequestModel):
    kind: Name
    expires: date


class PersonFields(RequestModel):
    name: Name
    sector: Sector
    organisation: ShortText = ""
    locality: ShortText = ""
    capacity_fte: Fraction = 1.0
    day_rate: float = Field(default=0.0, ge=0.0, le=1_000_000.0)
    clearances: list[Clearance] = Field(default_factory=list, max_length=50)
    available_from: date | None = None
    available_until: date | None = None

    def to_proto(self, person_id: str) -> skills_pb2.Person:
        return to_message(skills_pb2.Person, self, id=person_id)


class PersonCreate(PersonFields):
    id: Identifier


class PersonReplace(PersonFields):
    # Optional so that a fetched person can be sent back; must match the path.
    id: Identifier | None = None


class PersonSkill(FromMessage):
    skill_id: str
    level: int
    evidence: str
    source: LevelSource | None
    assessed_by: str
    assessed_at: date | None
    valid_until: date | None


class ClearanceOut(BaseModel):
    kind: str
    expires: str


class Person(FromMessage):
    id: str
    name: str
    sector: Sector | None
    organisation: str
    locality: str
    capacity_fte: float
    day_rate: float
    clearances: list[ClearanceOut]
    skills: list[PersonSkill]
    available_from: date | None
    available_until: date | None


class LevelBody(RequestModel):
    level: Level
    evidence: LongText = ""
    source: LevelSource = LevelSource.SELF
    valid_until: date | None = None
    assessed_by: ShortText = ""
    assessed_at: date | None = None

    def to_proto(self, person_id: str, skill_id: str, actor: str) -> skills_pb2.SetLevelRequest:
        return to_message(
            skills_pb2.SetLevelRequest,
            self,
            person_id=person_id,
            skill_id=skill_id,
            assessed_by=self.assessed_by or actor,
            actor=actor,
        )


class RequirementFit(BaseModel):
    skill_id: str
    min_level: int
    level: int
    credit: float
    status: RequirementStatus | None
    via_skill_id: str | None
    weight: float
    essential: bool


class LearningStep(FromMessage):
    skill_id: str
    from_level: int
    to_level: int
    fit_gain: float
    fit_after: float
    essential: bool


class Fit(FromMessage):
    person_id: str
    role_id: str
    fit: float
    requirements: list[RequirementFit]
    essential_gaps: list[str]
    # What to learn, in order of what raises fit most (present on /fit).
    steps: list[LearningStep] = Field(default_factory=list)


class Candidate(FromMessage):
    person: Person
    fit: Fit


def people_filter(
    sector: Sector | None,
    organisation: str | None,
    locality: str | None,
    skill: str | None,
    min_level: int | None,
    available_from: date | None = None,
    available_until: date | None = None,
    clearance: str | None = None,
    clearance_valid_until: date | None = None,
) -> common_pb2.PeopleFilter:
    """The filter as the skills service takes it; refuses a period that ends before
    it starts, and a clearance date without the clearance it is about."""
    if available_from and available_until and available_until < available_from:
        raise InvalidArgument.of("available_until", "is before available_from")
    if clearance_valid_until and not clearance:
        raise InvalidArgument.of("clearance_valid_until", "needs clearance (the kind)")
    return common_pb2.PeopleFilter(
        sector=SECTOR_TO_PROTO[sector] if sector else common_pb2.SECTOR_UNSPECIFIED,  # type: ignore[arg-type]
        organisation=organisation or "",
        locality=locality or "",
        skill_id=skill or "",
        min_level=min_level or 0,
        available_from=date_text(available_from),
        available_until=date_text(available_until),
        clearance=clearance or "",
        clearance_valid_until=date_text(clearance_valid_until),
    )
