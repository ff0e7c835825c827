"""A planner's choice, in the prepared request's indices."""

from __future__ import annotations

from dataclasses import dataclass, field

from services.matching.domain.training.options import Option


@dataclass
class Selection:
    # person index -> skill id -> the option taken
    enrolments: dict[int, dict[str, Option]] = field(default_factory=dict)
    # (place index, person index)
    fills: list[tuple[int, int]] = field(default_factory=list)
    # (coverage index, people whose training meets it)
    met: list[tuple[int, tuple[int, ...]]] = field(default_factory=list)
