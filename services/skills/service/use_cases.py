"""The skills service's use cases: validate, ask the repository, score in the domain."""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import replace
from datetime import date, datetime

from services.common.errors import InvalidArgument, NotFound, Violations
from services.skills.domain.fit import (
    Fit,
    GapReport,
    Held,
    RoleScorer,
    chronological_key,
    effective_claims,
    evidence_age_factor,
    supersedes,
    top_k,
)
from services.skills.domain.model import (
    CandidateRow,
    ImportSummary,
    LevelChange,
    LevelClaim,
    LevelOverride,
    LevelSource,
    Page,
    PeopleFilter,
    Person,
    PersonImport,
    Role,
    RowError,
    Skill,
)
from services.skills.domain.seed import SEED_RELATIONS, SEED_ROLES, SEED_SKILLS
from services.skills.domain.validation import (
    candidate_limit_of,
    check_filter,
    check_id,
    check_level,
    page_size_of,
    require_id,
    validate_filter,
    validate_level,
    validate_person,
    validate_person_import,
    validate_relation,
    validate_role,
    validate_skill,
)
from services.skills.service.repository import ClaimRow, SkillsRepository

# People per write transaction in imports: with 25 levels each, a few thousand rows.
IMPORT_BATCH_PEOPLE = 200
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


def held_from_rows(rows: Iterable[ClaimRow], today: date) -> dict[str, Held]:
    """Effective levels from bulk claim rows, on the same rules as
    `effective_claims` (see `supersedes`; expired ones left out)."""
    iso_today = today.isoformat()
    current = sorted(
        (
            (skill_id, level, source, assessed_at or "")
            for skill_id, level, source, assessed_at, valid_until in rows
            if not valid_until or valid_until >= iso_today
        ),
        key=lambda row: chronological_key(row[2], row[1], row[3]),
    )
    best: dict[str, tuple[int, str, str]] = {}
    for skill_id, level, source, assessed_at in current:
        held = best.get(skill_id)
        if held is None or supersedes(source, level, assessed_at, held[1], held[0], held[2]):
            best[skill_id] = (level, source, assessed_at)
    return {
        skill_id: Held(level, evidence_age_factor(assessed_at, today))
        for skill_id, (level, _, assessed_at) in best.items()
    }


class SkillsService:
    def __init__(
        self,
        repository: SkillsRepository,
        today: Callable[[], date] = date.today,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        self.repository = repository
        self.today = today
        self.now = now or (lambda: datetime.now().astimezone())

    def _timestamp(self) -> str:
        return self.now().isoformat(timespec="microseconds")

    async def prepare(self) -> None:
        await self.repository.prepare(SEED_SKILLS, SEED_ROLES, SEED_RELATIONS)

    # People

    async def upsert_person(self, person: Person, actor: str = "") -> Person:
        validate_person(person, actor)
        await self.repository.upsert_person(replace(person, skills=()), actor, self._timestamp())
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
        people = await self.repository.list_people(
            people_filter, self.today().isoformat(), after, size + 1, time_left_s
        )
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

    async def erase_person(self, person_id: str, actor: str = "") -> None:
        require_id(person_id, "id")
        await self.repository.erase_person(person_id)

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
        try:
            async for row in rows:
                number += 1
                problems = validate_person_import(row.person, row.levels)
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
                    writing = asyncio.create_task(self._write_people(batch, summary))
                    batch = []
            if writing is not None:
                await writing
            writing = None
            if batch:
                await self._write_people(batch, summary)
        finally:
            # The caller went away or a write failed: stop the write still running.
            if writing is not None and not writing.done():
                writing.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await writing
        summary.errors.sort(key=lambda e: e.row)
        return summary

    async def _write_people(
        self, batch: Sequence[tuple[int, PersonImport]], summary: ImportSummary
    ) -> None:
        refused, levels_written = await self.repository.import_people(batch, self._timestamp())
        refused_rows = {e.row for e in refused}
        summary.rejected += len(refused_rows)
        summary.accepted += len(batch) - len(refused_rows)
        summary.errors.extend(refused)
        summary.levels_written += levels_written

    # Skills

    async def upsert_skill(self, skill: Skill) -> Skill:
        validate_skill(skill)
        await self.repository.upsert_skill(skill)
        return await self.repository.get_skill(skill.id)

    async def get_skill(self, skill_id: str) -> Skill:
        require_id(skill_id, "id")
        return await self.repository.get_skill(skill_id)

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        validate_relation(skill_id, related_skill_id, similarity)
        await self.repository.relate_skills(skill_id, related_skill_id, similarity)

    # Levels

    async def set_level(self, person_id: str, claim: LevelClaim, actor: str = "") -> LevelClaim:
        if not claim.assessed_at:
            claim = replace(claim, assessed_at=self.today().isoformat())
        validate_level(person_id, claim, actor)
        await self.repository.set_level(person_id, claim, actor, self._timestamp())
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
        return await self.repository.get_role(role.id)

    async def get_role(self, role_id: str) -> Role:
        require_id(role_id, "id")
        return await self.repository.get_role(role_id)

    async def list_roles(self) -> list[Role]:
        return await self.repository.list_roles()

    # Fit, ranking, gaps

    async def _scorers(
        self, role_ids: Sequence[str], time_left_s: float | None
    ) -> list[RoleScorer]:
        roles = [await self.repository.get_role(role_id, time_left_s) for role_id in role_ids]
        required = sorted({r.skill_id for role in roles for r in role.requirements})
        neighbourhoods = await self.repository.neighbourhoods(required, time_left_s)
        return [RoleScorer(role, neighbourhoods) for role in roles]

    async def _held_by(
        self, person_id: str, scorer: RoleScorer, time_left_s: float | None
    ) -> dict[str, Held]:
        today = self.today()
        rows = await self.repository.claims_of_person(
            person_id, sorted(scorer.relevant_skill_ids), today.isoformat(), time_left_s
        )
        return held_from_rows(rows, today)

    async def get_fit(self, person_id: str, role_id: str, time_left_s: float | None = None) -> Fit:
        _require_ids(("person_id", person_id), ("role_id", role_id))
        (scorer,) = await self._scorers([role_id], time_left_s)
        return scorer.explain(person_id, await self._held_by(person_id, scorer, time_left_s))

    async def get_gaps(
        self, person_id: str, role_id: str, time_left_s: float | None = None
    ) -> GapReport:
        _require_ids(("person_id", person_id), ("role_id", role_id))
        (scorer,) = await self._scorers([role_id], time_left_s)
        return scorer.gaps(person_id, await self._held_by(person_id, scorer, time_left_s))

    async def rank_candidates(
        self,
        role_id: str,
        people_filter: PeopleFilter,
        limit: int,
        time_left_s: float | None = None,
    ) -> list[tuple[Person, Fit]]:
        """Top `limit` people for the role: fit descending, then id. One query
        for the holders of relevant skills, scored here; people holding none
        have fit 0 and only fill the list when too few hold any."""
        violations = Violations()
        check_id(violations, role_id, "role_id")
        check_filter(violations, people_filter, "filter")
        violations.raise_if_any()
        k = candidate_limit_of(limit)
        (scorer,) = await self._scorers([role_id], time_left_s)
        today = self.today()
        iso_today = today.isoformat()
        holders = await self.repository.claims_of_holders(
            people_filter, sorted(scorer.relevant_skill_ids), iso_today, time_left_s
        )
        held_of: dict[str, dict[str, Held]] = {}
        fit_value = scorer.fit_value
        scored: list[tuple[str, float]] = []
        for person_id, rows in holders:
            held = held_from_rows(rows, today)
            held_of[person_id] = held
            scored.append((person_id, fit_value(held)))
        best = top_k(scored, k)
        if len(best) < k:
            more = await self.repository.ids_of_people(
                people_filter, iso_today, k + len(held_of), time_left_s
            )
            fillers = [(pid, 0.0) for pid in more if pid not in held_of]
            best = top_k([*best, *fillers], k)
        people = {
            p.id: p for p in await self.repository.people_by_ids([i for i, _ in best], time_left_s)
        }
        return [
            (people[person_id], scorer.explain(person_id, held_of.get(person_id, {})))
            for person_id, _ in best
            if person_id in people
        ]

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
        for index, override in enumerate(level_overrides[:10_000]):
            check_id(violations, override.person_id, f"level_overrides[{index}].person_id")
            check_id(violations, override.skill_id, f"level_overrides[{index}].skill_id")
            check_level(violations, override.level, f"level_overrides[{index}].level")
        violations.raise_if_any()
        return self._matrix_rows(
            list(dict.fromkeys(role_ids)),
            list(dict.fromkeys(skill_ids)),
            people_filter,
            min_fit,
            level_overrides,
            time_left_s,
        )

    async def _matrix_rows(
        self,
        role_ids: list[str],
        skill_ids: list[str],
        people_filter: PeopleFilter,
        min_fit: float,
        level_overrides: Sequence[LevelOverride],
        time_left_s: float | None,
    ) -> AsyncIterator[list[CandidateRow]]:
        scorers = await self._scorers(role_ids, time_left_s)
        relevant = set(skill_ids).union(*(s.relevant_skill_ids for s in scorers))
        overrides: dict[str, dict[str, int]] = defaultdict(dict)
        for override in level_overrides:
            overrides[override.person_id][override.skill_id] = override.level
        today = self.today()
        people = await self.repository.candidate_people(
            people_filter, sorted(relevant), today.isoformat(), time_left_s
        )
        batch: list[CandidateRow] = []
        for person, rows in people:
            held = held_from_rows(rows, today)
            for skill_id, level in overrides.get(person.id, {}).items():
                held[skill_id] = Held(level, 1.0)
            fits = {s.role.id: s.fit_value(held) for s in scorers}
            if min_fit > 0 and max(fits.values()) < min_fit:
                continue
            levels = {s: held[s].level for s in skill_ids if s in held}
            batch.append(CandidateRow(person, fits, levels))
            if len(batch) >= MATRIX_BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _require_ids(*pairs: tuple[str, str]) -> None:
    violations = Violations()
    for field, value in pairs:
        check_id(violations, value, field)
    violations.raise_if_any()
