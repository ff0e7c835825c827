"""Literals a rule derives from the decisions (pair products, idle flags, team sizes).

A rule that adds such literals registers them in `StaffingVariables.derived`,
so a hint built from decisions alone is complete (CP-SAT takes only a
complete, feasible hint as its first solution) and an optimistic bound
knows the most they can add to the objective.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class DerivedLiterals(Protocol):
    def hint_values(self, values: Mapping[int, int]) -> dict[int, int]:
        """Each derived literal's value (by variable index), given every decision's."""
        ...

    def most(self) -> int:
        """No proposal gains more than this from the literals' objective terms."""
        ...
