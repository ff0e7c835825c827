"""A role's credit table (the skills giving credit to each requirement, with
their factors, from `fit.RoleScorer`) and every row's fit computed from it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from services.skills.domain.fit import RoleScorer, SkillNeighbourhood
from services.skills.domain.model import Role
from services.skills.domain.scoring_index.claims import EffectiveColumn
from services.skills.domain.scoring_index.columns import FloatArray


@dataclass
class CreditTable:
    scorer: RoleScorer
    min_levels: list[int]
    weights: list[float]
    total_weight: float
    # Per requirement: (skill code, similarity) pairs.
    sources: list[list[tuple[int, float]]]

    @classmethod
    def of(
        cls,
        role: Role,
        neighbourhoods: Mapping[str, SkillNeighbourhood],
        code: Callable[[str], int],
    ) -> CreditTable:
        scorer = RoleScorer(role, neighbourhoods)
        sources: list[list[tuple[int, float]]] = [[] for _ in role.requirements]
        for skill_id, requirement, similarity in scorer.contributions:
            sources[requirement].append((code(skill_id), similarity))
        return cls(
            scorer=scorer,
            min_levels=scorer.min_levels,
            weights=scorer.weights,
            total_weight=sum(scorer.weights),
            sources=sources,
        )

    def fits(self, effective: Callable[[int], EffectiveColumn], size: int) -> FloatArray:
        """Every row's fit: `RoleScorer.fit_value`'s operations in its order,
        over the effective columns of the skills giving credit."""
        total = np.zeros(size, dtype=np.float64)
        if self.total_weight <= 0:
            return total
        for weight, min_level, sources in zip(
            self.weights, self.min_levels, self.sources, strict=True
        ):
            credit = np.zeros(size, dtype=np.float64)
            for code, similarity in sources:
                column = effective(code)
                if column.rows.size == 0:
                    continue
                ratio = np.minimum(column.levels / min_level, 1.0)
                value = similarity * ratio * column.ages
                credit[column.rows] = np.maximum(credit[column.rows], value)
            total += weight * credit
        fits: FloatArray = total / self.total_weight
        return fits
