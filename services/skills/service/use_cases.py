"""The skills service's use cases: validate, ask the repository, score in the domain."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import math
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime

from services.common.errors import InvalidArgument, NotFound, Violations
from services.common.identifiers import id_problem
from services.skills.domain.fit import (
    Fit,
    GapReport,
    effective_claims,
)
from services.skills.domain.model import (
    CandidateRow,
    ImportSummary,
    LevelChange,
    LevelClaim,
    LevelOverride,
    LevelSource,
    MalformedId,
    Page,
    PeopleFilter,
    Person,
    PersonImport,
    Role,
    RowError,
    Skill,
    SlotCandidates,
    SlotCandidatesRequest,
)
from services.skills.domain.seed import SEED_RELATIONS, SEED_ROLES, SEED_SKILLS
from services.skills.domain.validation import (
    candidate_limit_of,
    check_filter,
    check_id,
    check_level,
    page_size_of,
    require_id,
    require_stored_id,
    validate_filter,
    validate_level,
    validate_person,
    validate_person_import,
    validate_relation,
    validate_role,
    validate_skill,
    validate_slot_request,
)
from services.skills.service.index_keeper import FeedSettings, IndexKeeper
from services.skills.service.repository import SkillsRepository

# People per write transaction in imports: with 25 levels each, a few thousand rows.
IMPORT_BATCH_PEOPLE = 200
INDEX_REFRESH_PEOPLE = 2_000
MATRIX_BATCH = 500


def encode_page_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_page_token(token: str, field: str = "page_token") -> str:
    if not token:
        return ""
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidArgument.of(field, "is not a page token this service issued") from error


class SkillsService:
    def __init__(
        self,
        repository: SkillsRepository,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] | None = None,
        feed: FeedSettings | None = None,
    ) -> None:
        self.repository = repository
        self.today = today
        self.now = now or (lambda: datetime.now().astimezone())
        self.keeper = IndexKeeper(repository, today, feed)

    async def build_index(self) -> None:
        """The scoring index from the whole graph; answers wait for it."""
        await self.keeper.build()

    async def follow_changes(self) -> None:
        """Applies other replicas' writes to this index, forever."""
        await self.keeper.follow_changes()

    @property
    def index_ready(self) -> bool:
        return self.keeper.ready

    def _timestamp(self) -> str:
        return self.now().isoformat(timespec="microseconds")

    async def prepare(self) -> None:
        await self.repository.prepare(SEED_SKILLS, SEED_ROLES, SEED_RELATIONS)

    # People

    async def upsert_person(self, person: Person, actor: str = "") -> Person:
        validate_person(person, actor)
        await self.repository.upsert_person(replace(person, skills=()), actor, self._timestamp())
        await self.keeper.refresh_people([person.id])
        return await self.get_person(person.id)

    async def get_person(self, person_id: str, time_left_s: float | None = None) -> Person:
        require_id(person_id, "id")
        person = await self.repository.get_person(person_id, time_left_s)
        current = effective_claims(person.skills, self.today())
        return replace(person, skills=tuple(current[s] for s in sorted(current)))

    async def list_people(
        self,
        people_filter: PeopleFilter,
        page_size: int,
        page_token: str,
        time_left_s: float | None = None,
    ) -> Page[Person]:
        validate_filter(people_filter)
        size = page_size_of(page_size)
        after = decode_page_token(page_token)
        ids = self.keeper.current().ids_after(people_filter, after, size + 1)
        people = sorted(await self.repository.people_by_ids(ids, time_left_s), key=lambda p: p.id)
        today = self.today()
        page = [
            replace(
                p,
                skills=tuple(
                    sorted(effective_claims(p.skills, today).values(), key=lambda c: c.skill_id)
                ),
            )
            for p in people[:size]
        ]
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
            await self.repository.erase_person(person_id)
        finally:
            await self.keeper.refresh_people([person_id])

    async def list_malformed_ids(self) -> list[MalformedId]:
        """Every record whose stored id the id rule refuses, by kind and id."""
        found = [
            MalformedId(kind, stored_id, problem)
            for kind, stored_id in await self.repository.stored_ids()
            if (problem := id_problem(stored_id)) is not None
        ]
        return sorted(found, key=lambda m: (m.kind, m.id))

    async def import_people(self, rows: AsyncIterator[PersonImport]) -> ImportSummary:
        """Validates each row as it arrives and writes good rows in batches;
        a row naming an unknown skill is refused whole.

        One batch is written while the next is read and validated, so the
        graph and this process work at the same time; never more than one
        write is in flight, so batches commit in stream order."""
        summary = ImportSummary()
        batch: list[tuple[int, PersonImport]] = []
        seen_ids: dict[str, int] = {}
        number = 0
        writing: asyncio.Task[None] | None = None
        # Written people not yet reloaded into the index: reloaded a few thousand
        # at a time, which touches each level column once rather than per batch.
        written: list[str] = []
        try:
            async for row in rows:
                number += 1
                problems = validate_person_import(row.person, row.levels, row.keep_stored)
                earlier = seen_ids.get(row.person.id)
                if earlier is not None:
                    problems.append(("person.id", f"already given in row {earlier}"))
                if problems:
                    summary.rejected += 1
                    summary.errors.extend(
                        RowError(number, row.person.id[:200], field, reason)
                        for field, reason in problems
                    )
                    continue
                seen_ids[row.person.id] = number
                batch.append((number, row))
                if len(batch) >= IMPORT_BATCH_PEOPLE:
                    if writing is not None:
                        await writing
                    if len(written) >= INDEX_REFRESH_PEOPLE:
                        await self.keeper.refresh_people(written)
                        written = []
                    written.extend(row.person.id for _, row in batch)
                    writing = asyncio.create_task(self._write_people(batch, summary))
                    batch = []
            if writing is not None:
                await writing
            writing = None
            if batch:
                written.extend(row.person.id for _, row in batch)
                await self._write_people(batch, summary)
            # The import answers only once this replica's index holds every row.
            await self.keeper.refresh_people(written)
            written = []
        finally:
            # The caller went away or a write failed: stop the write still running.
            if writing is not None and not writing.done():
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await writing
            # Whatever was written and not yet reloaded reaches the index at the next poll.
            self.keeper.mark_stale(written)
        summary.errors.sort(key=lambda e: e.row)
        return summary

    async def _write_people(
        self, batch: Sequence[tuple[int, PersonImport]], summary: ImportSummary
    ) -> None:
        refused, levels_written, unchanged = await self.repository.import_people(
            batch, self._timestamp()
        )
        refused_rows = {e.row for e in refused}
        summary.rejected += len(refused_rows)
        summary.unchanged += unchanged
        summary.accepted += len(batch) - len(refused_rows) - unchanged
        summary.errors.extend(refused)
        summary.levels_written += levels_written

    # Skills

    async def upsert_skill(self, skill: Skill) -> Skill:
        validate_skill(skill)
        await self.repository.upsert_skill(skill)
        await self.keeper.refresh_catalogue()
        return await self.repository.get_skill(skill.id)

    async def get_skill(self, skill_id: str) -> Skill:
        require_id(skill_id, "id")
        return await self.repository.get_skill(skill_id)

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        validate_relation(skill_id, related_skill_id, similarity)
        await self.repository.relate_skills(skill_id, related_skill_id, similarity)
        await self.keeper.refresh_catalogue()

    # Levels

    async def set_level(self, person_id: str, claim: LevelClaim, actor: str = "") -> LevelClaim:
        if not claim.assessed_at:
            claim = replace(claim, assessed_at=self.today().isoformat())
        validate_level(person_id, claim, actor)
        await self.repository.set_level(person_id, claim, actor, self._timestamp())
        await self.keeper.refresh_people([person_id])
        person = await self.repository.get_person(person_id)
        current = effective_claims(person.skills, self.today())
        return current.get(claim.skill_id, claim)

    async def remove_level(
        self, person_id: str, skill_id: str, source: str = "", actor: str = ""
    ) -> None:
        violations = Violations()
        check_id(violations, person_id, "person_id")
        check_id(violations, skill_id, "skill_id")
        violations.check(
            not source or source in set(LevelSource), "source", "is not a known source"
        )
        violations.raise_if_any()
        removed = await self.repository.remove_level(
            person_id, skill_id, source, actor, self._timestamp()
        )
        await self.keeper.refresh_people([person_id])
        if not removed:
            raise NotFound.of("level", f"{person_id}/{skill_id}")

    async def level_history(self, person_id: str, skill_id: str = "") -> list[LevelChange]:
        violations = Violations()
        check_id(violations, person_id, "person_id")
        if skill_id:
            check_id(violations, skill_id, "skill_id")
        violations.raise_if_any()
        return await self.repository.level_history(person_id, skill_id)

    # Roles

    async def upsert_role(self, role: Role) -> Role:
        validate_role(role)
        await self.repository.upsert_role(role)
        await self.keeper.refresh_catalogue()
        return await self.repository.get_role(role.id)

    async def get_role(self, role_id: str) -> Role:
        require_id(role_id, "id")
        return await self.repository.get_role(role_id)

    async def list_roles(self) -> list[Role]:
        return await self.repository.list_roles()

    # Fit, ranking, gaps

    async def get_fit(
        self,
        person_id: str,
        role_id: str,
        time_left_s: float | None = None,
        include_gaps: bool = False,
    ) -> Fit:
        _require_ids(("person_id", person_id), ("role_id", role_id))
        index = self.keeper.current()
        index.role(role_id)
        fit = index.fit_of(person_id, role_id)
        if include_gaps:
            fit = replace(fit, steps=index.gaps_of(person_id, role_id).steps)
        return fit

    async def get_gaps(
        self, person_id: str, role_id: str, time_left_s: float | None = None
    ) -> GapReport:
        _require_ids(("person_id", person_id), ("role_id", role_id))
        index = self.keeper.current()
        index.role(role_id)
        return index.gaps_of(person_id, role_id)

    async def rank_candidates(
        self,
        role_id: str,
        people_filter: PeopleFilter,
        limit: int,
        time_left_s: float | None = None,
        include_gaps: bool = False,
        below_fit: float = 0.0,
    ) -> list[tuple[Person, Fit]]:
        """Top `limit` people for the role from the scoring index: fit
        descending, then id; with `below_fit`, only people below that fit.
        Each person carries their counting levels in the skills that count
        for the role, from the index (no read of the graph)."""
        violations = Violations()
        check_id(violations, role_id, "role_id")
        check_filter(violations, people_filter, "filter")
        violations.check(
            0.0 <= below_fit <= 1.0 if math.isfinite(below_fit) else False,
            "below_fit",
            "must be between 0 and 1",
        )
        violations.raise_if_any()
        k = candidate_limit_of(limit)
        index = self.keeper.current()
        best = index.rank(role_id, people_filter, k, below_fit)
        fits = [index.fit_of(person_id, role_id) for person_id, _ in best]
        if include_gaps:
            fits = [replace(fit, steps=index.gaps_of(fit.person_id, role_id).steps) for fit in fits]
        people = index.people_with_levels(
            [i for i, _ in best], index.scorer(role_id).relevant_skill_ids
        )
        return list(zip(people, fits, strict=True))

    async def candidate_matrix(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        people_filter: PeopleFilter,
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
        time_left_s: float | None = None,
    ) -> AsyncIterator[list[CandidateRow]]:
        """Every filtered person with a fit per role and their levels in the
        skills asked, in batches. Overrides change the levels scored, never the graph."""
        violations = Violations()
        violations.check(bool(role_ids), "role_ids", "must name at least one role")
        violations.check(len(role_ids) <= 100, "role_ids", "at most 100 roles")
        violations.check(len(skill_ids) <= 1_000, "skill_ids", "at most 1000 skills")
        for index, role_id in enumerate(role_ids[:100]):
            check_id(violations, role_id, f"role_ids[{index}]")
        for index, skill_id in enumerate(skill_ids[:1_000]):
            check_id(violations, skill_id, f"skill_ids[{index}]")
        check_filter(violations, people_filter, "filter")
        violations.check(0.0 <= min_fit <= 1.0, "min_fit", "must be between 0 and 1")
        _check_overrides(violations, level_overrides)
        violations.raise_if_any()
        scoring = self.keeper.current()
        unique_roles = list(dict.fromkeys(role_ids))
        for role_id in unique_roles:
            scoring.role(role_id)
        batches = scoring.candidate_rows(
            unique_roles,
            list(dict.fromkeys(skill_ids)),
            people_filter,
            min_fit,
            level_overrides,
            MATRIX_BATCH,
        )
        return _async_batches(batches)

    async def slot_candidates(self, request: SlotCandidatesRequest) -> SlotCandidates:
        """Per slot the eligible people, pruned where asked, their rows and
        the supply counts, from the scoring index."""
        validate_slot_request(request)
        index = self.keeper.current()
        for slot in request.slots:
            index.role(slot.role_id)
        return index.slot_candidates(request)


async def _async_batches(
    batches: Iterator[list[CandidateRow]],
) -> AsyncIterator[list[CandidateRow]]:
    for batch in batches:
        yield batch
        # Let other calls in between batches of a large matrix.
        await asyncio.sleep(0)


def _check_overrides(violations: Violations, level_overrides: Sequence[LevelOverride]) -> None:
    for index, override in enumerate(level_overrides[:10_000]):
        check_id(violations, override.person_id, f"level_overrides[{index}].person_id")
        check_id(violations, override.skill_id, f"level_overrides[{index}].skill_id")
        check_level(violations, override.level, f"level_overrides[{index}].level")


def _require_ids(*pairs: tuple[str, str]) -> None:
    violations = Violations()
    for field, value in pairs:
        check_id(violations, value, field)
    violations.raise_if_any()
