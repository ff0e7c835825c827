"""ESCO's concepts in the catalogue's terms: skills, skill groups and relations.

A skill group (ESCO conceptType SkillGroup, from skillGroups_en.csv) is
stored as a skill of kind "group": it carries the hierarchy that
broaderRelationsSkillPillar.csv builds, and holds no levels, so it ranks no one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from services.skills.domain.model import EscoSkillRow, Skill

SKILL_KIND = "skill"
GROUP_KIND = "group"
GROUP_CONCEPT_TYPE = "skillgroup"

# http://data.europa.eu/esco/skill/<uuid>, .../esco/isced-f/<code> (knowledge groups), ...
ESCO_URI = re.compile(r"^https?://data\.europa\.eu/esco/[A-Za-z0-9-]+/[A-Za-z0-9._~-]+$")

# skillSkillRelations.csv says a skill needs another (essential) or can use it
# (optional). As a RELATED similarity, that is the share of credit fit gives a
# person who holds the related skill instead of the one asked for: half for an
# essential companion, a quarter for an optional one, below the 0.4-0.7 of
# the hand-made relations in the seed, which name near-equivalent skills.
RELATION_SIMILARITY = {"essential": 0.5, "optional": 0.25}


def is_esco_uri(uri: str) -> bool:
    return bool(ESCO_URI.match(uri.strip()))


def kind_of_concept_type(concept_type: str) -> str:
    return GROUP_KIND if concept_type.strip().lower() == GROUP_CONCEPT_TYPE else SKILL_KIND


def concept_id(concept_uri: str) -> str:
    """The id of an ESCO concept: the last path segment of its URI.

    http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab
    becomes 0005c151-5b5a-4a66-8aac-60e734beb1ab; the URI itself is kept on the skill.
    """
    return concept_uri.rstrip("/").rsplit("/", 1)[-1].strip()


def skill_of_row(row: EscoSkillRow) -> Skill:
    alt_labels = tuple(
        label.strip() for label in row.alt_labels.replace("\r\n", "\n").split("\n") if label.strip()
    )
    return Skill(
        id=concept_id(row.concept_uri),
        label=row.preferred_label.strip(),
        alt_labels=alt_labels,
        description=row.description,
        uri=row.concept_uri.strip(),
        kind=kind_of_concept_type(row.concept_type),
    )


@dataclass(frozen=True)
class ConceptRelation:
    """A broader edge (child -> parent) or a related pair, by concept id."""

    kind: str
    source: str
    target: str
    similarity: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.kind}|{self.source}|{self.target}"


BROADER = "broader"
RELATED = "related"
