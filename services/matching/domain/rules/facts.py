"""What a rule's wording may cite: who is eligible for each outcome, by sector and by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from services.matching.domain.candidate_table import SECTORS
from services.matching.domain.model import Outcome, Sector, StaffingRequest

if TYPE_CHECKING:
    from services.matching.domain.candidate_table import CandidateTable
    from services.matching.domain.eligibility import CandidatePool


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def person_label(table: CandidateTable, person_id: str) -> str:
    """'Name (id)' for a candidate; the bare id for anyone else."""
    index = table.index.get(person_id)
    if index is None:
        return person_id
    return f"{table.candidates[index].name} ({person_id})"


class PoolFacts:
    def __init__(self, request: StaffingRequest, pool: CandidatePool) -> None:
        self.request = request
        self.pool = pool
        self.table = pool.table
        # outcome id -> rows of the table eligible for any of its slots
        self.eligible_people: dict[str, set[int]] = {}
        for slot_pool in pool.slots:
            outcome = request.outcomes[slot_pool.ref.outcome_index]
            people = self.eligible_people.setdefault(outcome.id, set())
            people.update(int(p) for p in slot_pool.eligible)

    def sectors_of(self, outcome: Outcome) -> dict[Sector, int]:
        counts: dict[Sector, int] = {}
        for person in self.eligible_people.get(outcome.id, set()):
            sector = SECTORS[int(self.table.sector[person])]
            counts[sector] = counts.get(sector, 0) + 1
        return counts

    def person(self, person_id: str) -> str:
        return person_label(self.table, person_id)

    def outcome_index(self, outcome: Outcome) -> int:
        return self.request.outcomes.index(outcome)
