"""Erasing a person from everything matching keeps: proposal lines and
assignments, training plans, team history. One use case over every store
that holds people, so a new store cannot be forgotten by one servicer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from services.common.errors import InvalidArgument


class HoldsPeople(Protocol):
    async def forget_person(self, person_id: str) -> None: ...


class PersonErasure:
    def __init__(self, stores: Sequence[HoldsPeople]) -> None:
        self.stores = tuple(stores)

    async def forget(self, person_id: str) -> None:
        """Each store forgets in turn; erasing twice is harmless, so a retry after
        a failure part way finishes the job."""
        if not person_id.strip():
            raise InvalidArgument.of("person_id", "is required")
        for store in self.stores:
            await store.forget_person(person_id)
