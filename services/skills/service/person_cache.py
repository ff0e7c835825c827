"""This process's copy of the person records it read lately, kept as fresh as
the scoring index.

Neo4j stays the source of truth: a record enters only after a graph read, and
the index keeper (service/index_keeper.py) drops it whenever it reloads that
person into the index (this replica's writes, other replicas' changes from the
feed, people marked stale), and drops every record when the catalogue changes,
when someone is found erased, and when the index is rebuilt. Records are kept as
stored, every claim included: which claims count today is worked out per
request.

A graph read that began before a drop of its person must not put back what it
read, which may predate the write behind the drop: every drop advances an epoch,
a reader takes the epoch before it reads (`ticket`), and `put` refuses a record
whose person was dropped since. Drops are remembered for the last
`remembered_drops` people; a ticket older than a forgotten drop is refused
whatever the person.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable

from services.skills.domain.model import Person


class PersonCache:
    def __init__(self, capacity: int, remembered_drops: int = 10_000) -> None:
        """`capacity` people at most, least recently used leaving first; 0 keeps none."""
        self.capacity = capacity
        self.remembered_drops = remembered_drops
        self._records: OrderedDict[str, Person] = OrderedDict()
        self._epoch = 0
        self._dropped_at: OrderedDict[str, int] = OrderedDict()
        # The latest drop of everyone, and the latest drop no longer remembered by person.
        self._all_dropped_at = 0
        self._forgotten_at = 0

    def __len__(self) -> int:
        return len(self._records)

    def get(self, person_id: str) -> Person | None:
        record = self._records.get(person_id)
        if record is not None:
            self._records.move_to_end(person_id)
        return record

    def ticket(self) -> int:
        """Taken before a graph read whose records may be put here afterwards."""
        return self._epoch

    def put(self, person: Person, ticket: int) -> bool:
        """Keeps the record unless its person was dropped after `ticket` was
        taken; True when kept."""
        if self.capacity <= 0 or ticket < self._latest_drop(person.id):
            return False
        self._records[person.id] = person
        self._records.move_to_end(person.id)
        while len(self._records) > self.capacity:
            self._records.popitem(last=False)
        return True

    def drop(self, person_ids: Iterable[str]) -> None:
        self._epoch += 1
        for person_id in person_ids:
            self._records.pop(person_id, None)
            self._dropped_at[person_id] = self._epoch
            self._dropped_at.move_to_end(person_id)
        while len(self._dropped_at) > self.remembered_drops:
            _, at = self._dropped_at.popitem(last=False)
            self._forgotten_at = at

    def drop_all(self) -> None:
        self._epoch += 1
        self._records.clear()
        self._dropped_at.clear()
        self._all_dropped_at = self._epoch

    def _latest_drop(self, person_id: str) -> int:
        return max(self._all_dropped_at, self._forgotten_at, self._dropped_at.get(person_id, 0))
