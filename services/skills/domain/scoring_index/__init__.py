"""The scoring index: what fit and ranking need, in memory, as numpy arrays.
See `core` for what it holds; `state` is its plain-array form for snapshots."""

from services.skills.domain.scoring_index.columns import (
    NEVER,
    NO_DATE,
    ClaimColumns,
    PeopleColumns,
    concatenate_claims,
    day_of,
    iso_of,
)
from services.skills.domain.scoring_index.core import ScoringIndex

__all__ = [
    "NEVER",
    "NO_DATE",
    "ClaimColumns",
    "PeopleColumns",
    "ScoringIndex",
    "concatenate_claims",
    "day_of",
    "iso_of",
]
