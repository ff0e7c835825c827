"""Skills and roles."""

from __future__ import annotations

from pydantic import BaseModel, Field

from lps.skills.v1 import skills_pb2
from services.gateway.entrypoints.http.schemas.common import (
    Identifier,
    Level,
    LongText,
    Name,
    RequestModel,
    ShortText,
)


class SkillFields(RequestModel):
    label: Name
    alt_labels: list[Name] = Field(default_factory=list, max_length=200)
    description: LongText = ""
    broader: list[Identifier] = Field(default_factory=list, max_length=50)
    uri: ShortText = ""

    def to_proto(self, skill_id: str) -> skills_pb2.Skill:
        return skills_pb2.Skill(
            id=skill_id,
            label=self.label,
            alt_labels=self.alt_labels,
            description=self.description,
            broader=self.broader,
            uri=self.uri,
        )


class SkillCreate(SkillFields):
    id: Identifier


class SkillReplace(SkillFields):
    id: Identifier | None = None


class RelatedSkill(BaseModel):
    skill_id: str
    similarity: float


class Skill(BaseModel):
    id: str
    label: str
    alt_labels: list[str]
    description: str
    broader: list[str]
    uri: str
    narrower: list[str]
    related: list[RelatedSkill]
    kind: str = Field(
        default="skill",
        description="skill, or group for an ESCO skill group: a group carries the hierarchy "
        "(broader/narrower) and holds no levels, so it ranks no one.",
    )

    @classmethod
    def of(cls, message: skills_pb2.Skill) -> Skill:
        return cls(
            id=message.id,
            label=message.label,
            alt_labels=list(message.alt_labels),
            description=message.description,
            broader=list(message.broader),
            uri=message.uri,
            narrower=list(message.narrower),
            related=[
                RelatedSkill(skill_id=r.skill_id, similarity=r.similarity) for r in message.related
            ],
            kind=message.kind or "skill",
        )


class Requirement(RequestModel):
    skill_id: Identifier
    min_level: Level
    weight: float = Field(default=1.0, gt=0.0, le=100.0)
    essential: bool = False


class RoleFields(RequestModel):
    name: Name
    description: LongText = ""
    requirements: list[Requirement] = Field(default_factory=list, max_length=200)

    def to_proto(self, role_id: str) -> skills_pb2.Role:
        return skills_pb2.Role(
            id=role_id,
            name=self.name,
            description=self.description,
            requirements=[
                skills_pb2.Requirement(
                    skill_id=r.skill_id,
                    min_level=r.min_level,
                    weight=r.weight,
                    essential=r.essential,
                )
                for r in self.requirements
            ],
        )


class RoleReplace(RoleFields):
    id: Identifier | None = None


class RequirementOut(BaseModel):
    skill_id: str
    min_level: int
    weight: float
    essential: bool


class Role(BaseModel):
    id: str
    name: str
    description: str
    requirements: list[RequirementOut]

    @classmethod
    def of(cls, message: skills_pb2.Role) -> Role:
        return cls(
            id=message.id,
            name=message.name,
            description=message.description,
            requirements=[
                RequirementOut(
                    skill_id=r.skill_id,
                    min_level=r.min_level,
                    weight=r.weight,
                    essential=r.essential,
                )
                for r in message.requirements
            ],
        )
