"""Assignments, level history and skill relations: the shapes of the routes
that reach what the services already do."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from lps.skills.v1 import skills_pb2
from services.gateway.adapters.enums import SOURCE_TO_PROTO, from_proto
from services.gateway.domain.vocabulary import LevelSource
from services.gateway.entrypoints.http.schemas.common import (
    Identifier,
    RequestModel,
    date_or_none,
)


class LevelHistoryEntry(BaseModel):
    """One change of a person's level in a skill: 0 is no level (new, or removed)."""

    skill_id: str
    source: LevelSource | None
    from_level: int
    to_level: int
    actor: str
    at: str
    evidence: str
    valid_until: date | None

    @classmethod
    def of(cls, message: skills_pb2.LevelChange) -> LevelHistoryEntry:
        return cls(
            skill_id=message.skill_id,
            source=from_proto(SOURCE_TO_PROTO, message.source),
            from_level=message.from_level,
            to_level=message.to_level,
            actor=message.actor,
            at=message.at,
            evidence=message.evidence,
            valid_until=date_or_none(message.valid_until),
        )


class SkillRelation(RequestModel):
    """Two skills that credit each other in role fit, at a similarity in [0, 1];
    0 removes the relation."""

    skill_id: Identifier
    related_skill_id: Identifier
    similarity: float = Field(ge=0.0, le=1.0)
