"""Use cases of people: their records, lists, imports and erasure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from services.common.identifiers import id_problem
from services.common.page_tokens import decode_page_token, encode_page_token
from services.skills.domain.fit import effective_claims
from services.skills.domain.model import (
    ImportSummary,
    MalformedId,
    Page,
    PeopleFilter,
    Person,
    PersonImport,
)
from services.skills.domain.validation import (
    page_size_of,
    require_id,
    require_stored_id,
    validate_filter,
    validate_person,
)
from services.skills.service.clock import Clock
from services.skills.service.people_import import PeopleImport
from services.skills.service.person_cache import PersonCache
from services.skills.service.ports import IndexWriteThrough, PeopleRepository


class PeopleService:
    def __init__(
        self,
        people: PeopleRepository,
        index: IndexWriteThrough,
        clock: Clock | None = None,
        records: PersonCache | None = None,
    ) -> None:
        """`records` must be the cache the index's keeper drops records from."""
        self.people = people
        self.index = index
        self.clock = clock or Clock()
        self.records = PersonCache(0) if records is None else records

    async def prepare(self) -> None:
        await self.people.prepare()

    async def upsert_person(self, person: Person, actor: str = "") -> Person:
        validate_person(person, actor)
        await self.people.upsert_person(replace(person, skills=()), actor, self.clock.timestamp())
        await self.index.refresh_people([person.id])
        return await self.get_person(person.id)

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        """The person with the claim that counts in each skill they hold."""
        require_id(person_id, "id")
        person = self.records.get(person_id)
        if person is None:
            ticket = self.records.ticket()
            person = await self.people.get_person(person_id, time_left_s)
            self.records.put(person, ticket)
        return self._with_current_claims(person)

    async def list_people(
        self,
        people_filter: PeopleFilter,
        page_size: int,
        page_token: str,
        time_left_s: float | None = None,
    ) -> Page[Person]:
        """A page of the people the filter selects, by id, from the scoring index."""
        validate_filter(people_filter)
        size = page_size_of(page_size)
        after = decode_page_token(page_token)
        ids = self.index.current().ids_after(people_filter, after, size + 1)
        people = sorted(await self._people_by_ids(ids, time_left_s), key=lambda p: p.id)
        page = [self._with_current_claims(p) for p in people[:size]]
        token = encode_page_token(page[-1].id) if len(people) > size else ""
        return Page(page, token)

    async def erase_person(self, person_id: str, actor: str = "", exact_id: bool = False) -> None:
        """`exact_id` takes the id as stored, even one the id rule refuses, so
        that a record stored before the rule can still be erased."""
        if exact_id:
            require_stored_id(person_id, "id")
        else:
            require_id(person_id, "id")
        try:
            await self.people.erase_person(person_id)
        finally:
            await self.index.refresh_people([person_id])

    async def list_malformed_ids(self) -> list[MalformedId]:
        """Every record whose stored id the id rule refuses, by kind and id."""
        found = [
            MalformedId(kind, stored_id, problem)
            for kind, stored_id in await self.people.stored_ids()
            if (problem := id_problem(stored_id)) is not None
        ]
        return sorted(found, key=lambda m: (m.kind, m.id))

    async def import_people(self, rows: AsyncIterator[PersonImport]) -> ImportSummary:
        """Validates each row as it arrives and writes good rows in batches;
        a row naming an unknown skill is refused whole (see PeopleImport)."""
        return await PeopleImport(self.people, self.index, self.clock).run(rows)

    async def _people_by_ids(self, ids: list[str], time_left_s: float | None) -> list[Person]:
        """The cached records, and the rest in one graph read."""
        cached = [p for i in ids if (p := self.records.get(i)) is not None]
        if len(cached) == len(ids):
            return cached
        held = {p.id for p in cached}
        ticket = self.records.ticket()
        read = await self.people.people_by_ids([i for i in ids if i not in held], time_left_s)
        for person in read:
            self.records.put(person, ticket)
        return cached + read

    def _with_current_claims(self, person: Person) -> Person:
        current = effective_claims(person.skills, self.clock.today())
        return replace(person, skills=tuple(current[s] for s in sorted(current)))
