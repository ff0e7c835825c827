"""People, their levels and their fit to a role."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lps.common.v1 import common_pb2
from lps.skills.v1 import skills_pb2
from services.common.errors import InvalidArgument
from services.gateway.adapters.enums import (
    REQUIREMENT_STATUS_TO_PROTO,
    SECTOR_TO_PROTO,
    SOURCE_TO_PROTO,
    from_proto,
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
    date_or_none,
    date_text,
    text_or_none,
)


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
        return skills_pb2.Person(
            id=person_id,
            name=self.name,
            sector=SECTOR_TO_PROTO[self.sector],  # type: ignore[arg-type]
            organisation=self.organisation,
            locality=self.locality,
            capacity_fte=self.capacity_fte,
            day_rate=self.day_rate,
            clearances=[
                common_pb2.Clearance(kind=c.kind, expires=c.expires.isoformat())
                for c in self.clearances
            ],
            available_from=date_text(self.available_from),
            available_until=date_text(self.available_until),
        )


class PersonCreate(PersonFields):
    id: Identifier


class PersonReplace(PersonFields):
    # Optional so that a fetched person can be sent back; must match the path.
    id: Identifier | None = None


class PersonSkill(BaseModel):
    skill_id: str
    level: int
    evidence: str
    source: LevelSource | None
    assessed_by: str
    assessed_at: date | None
    valid_until: date | None

    @classmethod
    def of(cls, message: skills_pb2.PersonSkill) -> PersonSkill:
        return cls(
            skill_id=message.skill_id,
            level=message.level,
            evidence=message.evidence,
            source=from_proto(SOURCE_TO_PROTO, message.source),
            assessed_by=message.assessed_by,
            assessed_at=date_or_none(message.assessed_at),
            valid_until=date_or_none(message.valid_until),
        )


class ClearanceOut(BaseModel):
    kind: str
    expires: str


class Person(BaseModel):
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

    @classmethod
    def of(cls, message: skills_pb2.Person) -> Person:
        return cls(
            id=message.id,
            name=message.name,
            sector=from_proto(SECTOR_TO_PROTO, message.sector),
            organisation=message.organisation,
            locality=message.locality,
            capacity_fte=message.capacity_fte,
            day_rate=message.day_rate,
            clearances=[ClearanceOut(kind=c.kind, expires=c.expires) for c in message.clearances],
            skills=[PersonSkill.of(s) for s in message.skills],
            available_from=date_or_none(message.available_from),
            available_until=date_or_none(message.available_until),
        )


class LevelBody(RequestModel):
    level: Level
    evidence: LongText = ""
    source: LevelSource = LevelSource.SELF
    valid_until: date | None = None
    assessed_by: ShortText = ""
    assessed_at: date | None = None

    def to_proto(self, person_id: str, skill_id: str, actor: str) -> skills_pb2.SetLevelRequest:
        return skills_pb2.SetLevelRequest(
            person_id=person_id,
            skill_id=skill_id,
            level=self.level,
            evidence=self.evidence,
            source=SOURCE_TO_PROTO[self.source],  # type: ignore[arg-type]
            assessed_by=self.assessed_by or actor,
            assessed_at=date_text(self.assessed_at),
            valid_until=date_text(self.valid_until),
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


class LearningStep(BaseModel):
    skill_id: str
    from_level: int
    to_level: int
    fit_gain: float
    fit_after: float
    essential: bool

    @classmethod
    def of(cls, message: skills_pb2.GapStep) -> LearningStep:
        return cls(
            skill_id=message.skill_id,
            from_level=message.from_level,
            to_level=message.to_level,
            fit_gain=message.fit_gain,
            fit_after=message.fit_after,
            essential=message.essential,
        )


class Fit(BaseModel):
    person_id: str
    role_id: str
    fit: float
    requirements: list[RequirementFit]
    essential_gaps: list[str]
    # What to learn, in order of what raises fit most (present on /fit).
    steps: list[LearningStep] = Field(default_factory=list)

    @classmethod
    def of(cls, message: skills_pb2.Fit) -> Fit:
        return cls(
            person_id=message.person_id,
            role_id=message.role_id,
            fit=message.fit,
            requirements=[
                RequirementFit(
                    skill_id=r.skill_id,
                    min_level=r.min_level,
                    level=r.level,
                    credit=r.credit,
                    status=from_proto(REQUIREMENT_STATUS_TO_PROTO, r.status),
                    via_skill_id=text_or_none(r.via_skill_id),
                    weight=r.weight,
                    essential=r.essential,
                )
                for r in message.requirements
            ],
            essential_gaps=list(message.essential_gaps),
            steps=[LearningStep.of(s) for s in message.steps],
        )


class Candidate(BaseModel):
    person: Person
    fit: Fit

    @classmethod
    def of(cls, message: skills_pb2.Candidate) -> Candidate:
        return cls(person=Person.of(message.person), fit=Fit.of(message.fit))


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
