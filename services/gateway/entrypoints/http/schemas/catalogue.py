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
from services.gateway.entrypoints.http.schemas.messages import FromMessage, from_message, to_message


class SkillFields(RequestModel):
    label: Name
    alt_labels: list[Name] = Field(default_factory=list, max_length=200)
    description: LongText = ""
    broader: list[Identifier] = Field(default_factory=list, max_length=50)
    uri: ShortText = ""

    def to_proto(self, skill_id: str) -> skills_pb2.Skill:
        return to_message(skills_pb2.Skill, self, id=skill_id)


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
        return from_message(cls, message, kind=message.kind or "skill")


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
        return to_message(skills_pb2.Role, self, id=role_id)


class RoleReplace(RoleFields):
    id: Identifier | None = None


class RequirementOut(BaseModel):
    skill_id: str
    min_level: int
    weight: float
    essential: bool


class Role(FromMessage):
    id: str
    name: str
    description: str
    requirements: list[RequirementOut]
