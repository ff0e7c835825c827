"""A fake of the skills service as matching sees it (SkillsPort), over a list of
candidates, with the slot-candidates semantics of the contract
(skills.proto, StreamSlotCandidates): the filters of each slot, pruning to
the best by fit plus per-sector, coverage, local and pinned reserves, supply
groups and skill supply. The matching benchmark uses `select` too, to show
that the pruned answer equals the unpruned one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from services.matching.domain.eligibility import is_available_for
from services.matching.domain.gaps import ClosePerson, GapStep
from services.matching.domain.model import Candidate, EssentialSkill
from services.matching.domain.slot_queries import (
    CommittedLoad,
    LevelOverride,
    PoolCount,
    SlotCandidates,
    SlotCandidatesQuery,
    SlotQuery,
)
from services.matching.service.ports import RankedPerson

FIT_TOLERANCE = 1e-9


def _overlaps(load: CommittedLoad, start: date, end: date) -> bool:
    if load.start is None or load.end is None:
        return True
    return load.start <= end and start <= load.end


def _free(candidate: Candidate, loads: Sequence[CommittedLoad], start: date, end: date) -> float:
    taken = sum(
        load.fte
        for load in loads
        if load.person_id == candidate.person_id and _overlaps(load, start, end)
    )
    return candidate.capacity_fte - taken


def slot_filters(
    candidate: Candidate, slot: SlotQuery, query: SlotCandidatesQuery
) -> dict[str, bool]:
    fit = candidate.fits.get(slot.role_id)
    filters = {
        "not excluded": candidate.person_id not in query.exclude_person_ids,
        "fit": fit is not None and fit >= slot.min_fit - FIT_TOLERANCE,
        "available": is_available_for(candidate, slot.start, slot.end),
        "capacity": _free(candidate, query.committed, slot.start, slot.end)
        >= slot.fte - FIT_TOLERANCE,
    }
    if slot.clearance:
        filters["clearance"] = any(
            c.kind == slot.clearance and (c.expires is None or c.expires >= slot.end)
            for c in candidate.clearances
        )
    if slot.exclude_organisation:
        filters["no conflict of interest"] = candidate.organisation != slot.exclude_organisation
    if slot.local_only:
        filters["local"] = candidate.locality == slot.locality
    return filters


def _kept(eligible: list[Candidate], slot: SlotQuery) -> list[Candidate]:
    if slot.keep <= 0:
        return eligible
    kept = eligible[: slot.keep]
    sectors = {person.sector for person in eligible}
    for sector in sectors:
        kept += [p for p in eligible if p.sector == sector][: slot.keep_per_sector]
    for coverage in slot.coverage:
        holders = [p for p in eligible if p.levels.get(coverage.skill_id, 0) >= coverage.min_level]
        kept += holders[: slot.keep]
    if slot.prefer_local:
        kept += [p for p in eligible if p.locality == slot.locality][: slot.keep]
    return list({p.person_id: p for p in kept}.values())


def _with_levels(candidate: Candidate, overrides: Sequence[LevelOverride]) -> Candidate:
    raised = {o.skill_id: o.level for o in overrides if o.person_id == candidate.person_id}
    return replace(candidate, levels={**candidate.levels, **raised}) if raised else candidate


def select(candidates: Sequence[Candidate], query: SlotCandidatesQuery) -> SlotCandidates:
    people = [_with_levels(c, query.level_overrides) for c in candidates]
    by_id = {person.person_id: person for person in people}
    pools: list[PoolCount] = []
    rows: dict[str, Candidate] = {}
    groups: dict[str, set[str]] = {}
    for slot in query.slots:
        checks = [(person, slot_filters(person, slot, query)) for person in people]
        eligible = sorted(
            (person for person, filters in checks if all(filters.values())),
            key=lambda person: -person.fits.get(slot.role_id, 0.0),
        )
        passing = (
            {name: sum(1 for _, f in checks if f[name]) for name in checks[0][1]} if checks else {}
        )
        kept = _kept(eligible, slot)
        pools.append(PoolCount(slot.key, len(eligible), len(kept), passing))
        if slot.supply_group:
            groups.setdefault(slot.supply_group, set()).update(p.person_id for p in eligible)
        for person in kept:
            rows[person.person_id] = person
        for person_id in slot.always_keep:
            if person_id in by_id and person_id not in query.exclude_person_ids:
                rows[person_id] = by_id[person_id]
    supply: dict[str, set[str]] = {}
    for item in query.skill_supply:
        found = supply.setdefault(item.key, set())
        found.update(
            person.person_id
            for person in people
            if person.levels.get(item.skill_id, 0) >= item.min_level
            and (not item.locality or person.locality == item.locality)
            and is_available_for(person, item.start, item.end)
            and _free(person, query.committed, item.start, item.end) > 0
        )
    return SlotCandidates(
        candidates=() if query.counts_only else tuple(rows.values()),
        pools=tuple(pools),
        group_supply={key: len(ids) for key, ids in groups.items()},
        skill_supply={key: len(ids) for key, ids in supply.items()},
    )


@dataclass
class FakeSkills:
    """SkillsPort over candidates; `steps` gives each person's gap steps per role."""

    candidates: list[Candidate]
    steps: dict[tuple[str, str], tuple[GapStep, ...]] = field(default_factory=dict)
    queries: list[SlotCandidatesQuery] = field(default_factory=list)
    closest_calls: list[tuple[str, int, str, float]] = field(default_factory=list)
    gap_step_calls: int = 0
    # The catalogue's skill ids; None: every skill asked about exists.
    catalogue: set[str] | None = None
    # The roles' essential requirements.
    essentials: list[EssentialSkill] = field(default_factory=list)

    async def role_ids(self) -> set[str]:
        return {role for c in self.candidates for role in c.fits}

    async def known_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        if self.catalogue is None:
            return set(skill_ids)
        return set(skill_ids) & self.catalogue

    async def candidate_matrix(
        self,
        role_ids: Sequence[str],
        skill_ids: Sequence[str],
        min_fit: float,
        level_overrides: Sequence[LevelOverride] = (),
    ) -> list[Candidate]:
        return [_with_levels(c, level_overrides) for c in self.candidates]

    async def essential_skills(self, role_ids: Sequence[str]) -> list[EssentialSkill]:
        return [e for e in self.essentials if e.role_id in role_ids]

    async def capacities(self, person_ids: Sequence[str]) -> dict[str, float | None]:
        known = {c.person_id: c.capacity_fte for c in self.candidates}
        return {person_id: known.get(person_id) for person_id in person_ids}

    async def rank(self, role_id: str, limit: int, locality: str = "") -> list[RankedPerson]:
        ranked = sorted(
            (c for c in self.candidates if not locality or c.locality == locality),
            key=lambda c: -c.fits.get(role_id, 0.0),
        )
        return [RankedPerson(c.person_id, c.name, c.fits.get(role_id, 0.0)) for c in ranked][:limit]

    async def gap_steps(self, person_id: str, role_id: str) -> list[GapStep]:
        self.gap_step_calls += 1
        return list(self.steps.get((person_id, role_id), ()))

    async def slot_candidates(self, query: SlotCandidatesQuery) -> SlotCandidates:
        self.queries.append(query)
        return select(self.candidates, query)

    async def closest(
        self, role_id: str, limit: int, locality: str, below_fit: float
    ) -> list[ClosePerson]:
        self.closest_calls.append((role_id, limit, locality, below_fit))
        ranked = await self.rank(role_id, len(self.candidates), locality)
        return [
            ClosePerson(
                p.person_id, p.name, role_id, p.fit, self.steps.get((p.person_id, role_id), ())
            )
            for p in ranked
            if p.fit < below_fit
        ][:limit]
