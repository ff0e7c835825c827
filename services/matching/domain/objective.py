"""The objective in integer units, shared by the CP-SAT model and the greedy baseline.

Per assignment: fit x weights.fit x priority, plus a locality bonus
(weights.locality x priority under prefer-local; a tenth of weights.locality
as a tie-break otherwise), minus a cost tie-break of at most weights.cost
(the pair's cost over the most expensive pair in the request). Per unfilled
place and per missing unit of a soft team rule: weights.unfilled_penalty x
priority. Everything is multiplied by OBJECTIVE_SCALE and rounded, so the
reported objective is the integer objective divided by OBJECTIVE_SCALE.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.matching.domain.model import (
    Candidate,
    ObjectiveWeights,
    Outcome,
    Slot,
    StaffingRequest,
)
from services.matching.domain.rules import locality

OBJECTIVE_SCALE = 10
LOCAL_TIE_BREAK_SHARE = 0.1


@dataclass(frozen=True)
class ObjectiveTerms:
    weights: ObjectiveWeights
    max_pair_cost: float

    def assignment_value(
        self, candidate: Candidate, outcome: Outcome, slot: Slot, cost: float
    ) -> int:
        fit = candidate.fits.get(slot.role_id, 0.0)
        value = self.weights.fit * fit * outcome.priority
        if locality.is_local(candidate, outcome):
            if locality.prefers_local(outcome):
                value += self.weights.locality * outcome.priority
            else:
                value += self.weights.locality * LOCAL_TIE_BREAK_SHARE
        if self.max_pair_cost > 0:
            value -= self.weights.cost * cost / self.max_pair_cost
        return round(value * OBJECTIVE_SCALE)

    def shortfall_penalty(self, outcome: Outcome) -> int:
        return round(self.weights.unfilled_penalty * outcome.priority * OBJECTIVE_SCALE)


def objective_terms(request: StaffingRequest, pair_costs: Iterable[float]) -> ObjectiveTerms:
    return ObjectiveTerms(weights=request.weights, max_pair_cost=max(pair_costs, default=0.0))


def to_reported(value: float) -> float:
    return value / OBJECTIVE_SCALE
