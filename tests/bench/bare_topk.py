"""The bare numpy baseline the skills service's ranking is measured against.

Written here from the rule (DESIGN.md, and the docstring of the skills
service's fit module) over a workforce held as plain arrays: effective levels
and evidence weights per skill column, then the credit arithmetic and
`argpartition` per call. It shares none of the service's code or costs; only
the two similarity constants are imported, so both sides use the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from services.skills.domain.fit import (
    BROADER_SIMILARITY,
    NARROWER_SIMILARITY,
    SkillNeighbourhood,
)
from services.skills.domain.model import Role
from services.skills.domain.seed import SEED_RELATIONS

FloatArray = npt.NDArray[np.float64]
NEVER = 2**31 - 1
TOP_K = 20


@dataclass(frozen=True)
class Workforce:
    """People as rows (in id order), claims as rows of (person row, skill code),
    at most one claim per person and skill; days are date ordinals (NEVER: no expiry)."""

    skill_ids: tuple[str, ...]
    sector: npt.NDArray[np.int8]
    organisation: npt.NDArray[np.int32]
    locality: npt.NDArray[np.int32]
    capacity: FloatArray
    day_rate: FloatArray
    cleared: npt.NDArray[np.bool_]
    claim_person: npt.NDArray[np.int32]
    claim_skill: npt.NDArray[np.int32]
    claim_level: npt.NDArray[np.int8]
    claim_source: npt.NDArray[np.int8]
    claim_assessed: npt.NDArray[np.int32]
    claim_valid_until: npt.NDArray[np.int32]

    @property
    def size(self) -> int:
        return int(self.sector.size)


def neighbourhoods_of(
    broader_edges: Sequence[Sequence[str]], related_pairs: Sequence[Sequence[Any]]
) -> dict[str, SkillNeighbourhood]:
    """Every skill's direct neighbours, as the graph the benches load holds them:
    (child, parent) edges, (skill, skill, similarity) pairs and the seeded relations."""
    broader: dict[str, set[str]] = {}
    narrower: dict[str, set[str]] = {}
    related: dict[str, dict[str, float]] = {}
    for child, parent in broader_edges:
        broader.setdefault(child, set()).add(parent)
        narrower.setdefault(parent, set()).add(child)
    pairs = [(a, r.skill_id, r.similarity) for a, r in SEED_RELATIONS]
    pairs += [(a, b, float(sim)) for a, b, sim in related_pairs]
    for a, b, similarity in pairs:
        related.setdefault(a, {})[b] = similarity
        related.setdefault(b, {})[a] = similarity
    skills = set(broader) | set(narrower) | set(related)
    return {
        s: SkillNeighbourhood(
            tuple(sorted(broader.get(s, ()))),
            tuple(sorted(narrower.get(s, ()))),
            tuple(sorted(related.get(s, {}).items())),
        )
        for s in skills
    }


@dataclass(frozen=True)
class BareRole:
    """Per requirement: its weight, level and the (skill column, factor) pairs giving credit."""

    weights: tuple[float, ...]
    min_levels: tuple[int, ...]
    sources: tuple[tuple[tuple[int, float], ...], ...]


class BareTopK:
    """Effective levels and evidence weights per skill column, then fit and
    top-k with plain numpy."""

    def __init__(self, workforce: Workforce, today: date) -> None:
        today_day = today.toordinal()
        current = workforce.claim_valid_until >= today_day
        age_years = (today_day - workforce.claim_assessed[current]) / 365.25
        ages = np.clip(1.0 - (age_years - 2.0) / 3.0 * 0.5, 0.5, 1.0)
        skills = workforce.claim_skill[current]
        order = np.argsort(skills, kind="stable")
        self.rows = workforce.claim_person[current][order].astype(np.int64)
        self.levels = workforce.claim_level[current][order].astype(np.float64)
        self.ages = ages[order]
        counts = np.bincount(skills, minlength=len(workforce.skill_ids))
        self.starts = np.concatenate([[0], np.cumsum(counts)])
        self.size = workforce.size
        self.locality = workforce.locality
        self.code_of = {s: code for code, s in enumerate(workforce.skill_ids)}

    def role(self, role: Role, neighbourhoods: Mapping[str, SkillNeighbourhood]) -> BareRole:
        sources = []
        for requirement in role.requirements:
            best: dict[str, float] = {requirement.skill_id: 1.0}
            around = neighbourhoods.get(requirement.skill_id, SkillNeighbourhood())
            offers = [(s, NARROWER_SIMILARITY) for s in around.narrower]
            offers += [(s, BROADER_SIMILARITY) for s in around.broader]
            offers += list(around.related)
            for skill_id, factor in offers:
                best[skill_id] = max(best.get(skill_id, 0.0), factor)
            sources.append(
                tuple((self.code_of[s], f) for s, f in best.items() if s in self.code_of)
            )
        return BareRole(
            weights=tuple(r.weight for r in role.requirements),
            min_levels=tuple(r.min_level for r in role.requirements),
            sources=tuple(sources),
        )

    def fits(self, role: BareRole) -> FloatArray:
        total = np.zeros(self.size)
        for weight, min_level, sources in zip(
            role.weights, role.min_levels, role.sources, strict=True
        ):
            credit = np.zeros(self.size)
            for code, factor in sources:
                start, end = self.starts[code], self.starts[code + 1]
                rows = self.rows[start:end]
                value = (
                    factor
                    * np.minimum(self.levels[start:end] / min_level, 1.0)
                    * self.ages[start:end]
                )
                credit[rows] = np.maximum(credit[rows], value)
            total += weight * credit
        fits: FloatArray = total / sum(role.weights)
        return fits

    def top(self, role: BareRole, locality: int | None = None, k: int = TOP_K) -> list[float]:
        fits = self.fits(role)
        rows = np.flatnonzero(self.locality == locality) if locality is not None else None
        scores = fits if rows is None else fits[rows]
        best = np.argpartition(-scores, k - 1)[:k] if scores.size > k else np.arange(scores.size)
        best = best[np.lexsort((best, -scores[best]))]
        return [float(v) for v in scores[best]]


def same_fits(service: Sequence[float], bare: Sequence[float]) -> bool:
    return len(service) == len(bare) and all(
        abs(a - b) <= 1e-9 for a, b in zip(service, bare, strict=True)
    )
