"""The candidate matrix, slot pools and supply counts, over the index:
each slot's eligibility filters as masks, pruning to the best per slot (and
per sector, per coverage skill, local) when the pool is large, and the
distinct people able to take a place."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from services.skills.domain.fit import Held
from services.skills.domain.model import (
    CandidateRow,
    CommittedLoad,
    LevelOverride,
    PeopleFilter,
    SkillSupplyQuery,
    SlotCandidates,
    SlotCandidatesRequest,
    SlotPool,
    SlotQuery,
)
from services.skills.domain.scoring_index.columns import (
    NEVER,
    SECTOR_NAMES,
    BoolArray,
    FloatArray,
    IntArray,
    day_of,
    fte_units,
)

if TYPE_CHECKING:
    from services.skills.domain.scoring_index.core import ScoringIndex


def _fits_with_overrides(
    index: ScoringIndex, role_ids: Sequence[str], overrides: Mapping[str, dict[str, int]]
) -> dict[str, FloatArray]:
    fits = {role_id: index.fits(role_id) for role_id in role_ids}
    for person_id, levels in overrides.items():
        row = index.people.row_of.get(person_id)
        if row is None or not index.people.alive[row]:
            continue
        for role_id in role_ids:
            scorer = index.scorer(role_id)
            held = index.held(person_id, scorer.relevant_skill_ids)
            held.update({s: Held(level, 1.0) for s, level in levels.items()})
            fits[role_id][row] = scorer.fit_value(held)
    return fits


def _levels_with_overrides(
    index: ScoringIndex, skill_ids: Sequence[str], overrides: Mapping[str, dict[str, int]]
) -> dict[str, FloatArray]:
    levels = {skill_id: index.level_column(skill_id) for skill_id in skill_ids}
    for person_id, overridden in overrides.items():
        row = index.people.row_of.get(person_id)
        if row is None:
            continue
        for skill_id, level in overridden.items():
            if skill_id in levels:
                levels[skill_id][row] = level
    return levels


def candidate_rows(
    index: ScoringIndex,
    role_ids: Sequence[str],
    skill_ids: Sequence[str],
    people_filter: PeopleFilter,
    min_fit: float,
    level_overrides: Sequence[LevelOverride] = (),
    batch: int = 500,
) -> Iterator[list[CandidateRow]]:
    """Every filtered person, by id, with a fit per role and their levels in
    the skills asked; overrides change what is scored, nothing stored."""
    for role_id in role_ids:
        index.credit_table(role_id)
    overrides = _overrides_by_person(level_overrides)
    fits = _fits_with_overrides(index, role_ids, overrides)
    levels = _levels_with_overrides(index, skill_ids, overrides)
    mask = index.mask(people_filter)
    if min_fit > 0:
        best = np.max(np.stack([fits[r] for r in role_ids]), axis=0)
        mask &= best >= min_fit
    rows = np.flatnonzero(mask)
    rows = rows[np.argsort(index.id_rank()[rows], kind="stable")]
    for start in range(0, rows.size, batch):
        yield [
            _row(index, row, role_ids, fits, levels) for row in rows[start : start + batch].tolist()
        ]


def _row(
    index: ScoringIndex,
    row: int,
    role_ids: Sequence[str],
    fits: Mapping[str, FloatArray],
    levels: Mapping[str, FloatArray],
) -> CandidateRow:
    return CandidateRow(
        person=index.people.person_at(row),
        fits={role_id: float(fits[role_id][row]) for role_id in role_ids},
        levels={s: int(column[row]) for s, column in levels.items() if column[row] > 0},
    )


def slot_candidates(index: ScoringIndex, request: SlotCandidatesRequest) -> SlotCandidates:
    """Per slot the eligible people and, where `keep` asks for it, the kept
    ones; the rows of everyone kept (each once, by id); supply counts."""
    role_ids = list(dict.fromkeys(slot.role_id for slot in request.slots))
    for role_id in role_ids:
        index.credit_table(role_id)
    overrides = _overrides_by_person(request.level_overrides)
    fits = _fits_with_overrides(index, role_ids, overrides)
    coverage = (c.skill_id for slot in request.slots for c in slot.coverage)
    skill_ids = list(dict.fromkeys([*request.skill_ids, *coverage]))
    levels = _levels_with_overrides(index, skill_ids, overrides)
    excluded = np.zeros(index.people.size, dtype=bool)
    for person_id in request.exclude_person_ids:
        row = index.people.row_of.get(person_id)
        if row is not None:
            excluded[row] = True
    pools: list[SlotPool] = []
    kept_rows: list[IntArray] = []
    groups: dict[str, BoolArray] = {}
    for slot in request.slots:
        filters = slot_filters(index, slot, fits[slot.role_id], excluded, request.committed)
        pool, kept, eligible_mask = _slot_pool(index, slot, filters, fits[slot.role_id], levels)
        pools.append(pool)
        kept_rows.extend([kept, _pinned(index, slot, excluded)])
        if slot.supply_group:
            grouped = groups.setdefault(slot.supply_group, np.zeros(index.people.size, dtype=bool))
            grouped |= eligible_mask
    rows: list[CandidateRow] = []
    if not request.counts_only and kept_rows:
        union = np.unique(np.concatenate(kept_rows))
        union = union[np.argsort(index.id_rank()[union], kind="stable")]
        rows = [_row(index, row, role_ids, fits, levels) for row in union.tolist()]
    return SlotCandidates(
        rows=rows,
        pools=pools,
        supply=_skill_supply(index, request.skill_supply, excluded, request.committed),
        group_supply={g: int(np.count_nonzero(m)) for g, m in groups.items()},
    )


def _slot_pool(
    index: ScoringIndex,
    slot: SlotQuery,
    filters: Mapping[str, BoolArray],
    fits: FloatArray,
    levels: Mapping[str, FloatArray],
) -> tuple[SlotPool, IntArray, BoolArray]:
    """The slot's pool counts, its kept rows (best first) and its eligible mask."""
    alive = index.people.alive_mask()
    eligible_mask = alive.copy()
    for column in filters.values():
        eligible_mask &= column
    eligible = index.top_rows(fits, np.flatnonzero(eligible_mask), int(eligible_mask.sum()))
    kept = _prune(index, slot, eligible, fits, levels) if slot.keep > 0 else eligible
    pool = SlotPool(
        key=slot.key,
        eligible=int(eligible.size),
        kept=int(kept.size),
        passing={name: int(np.count_nonzero(column & alive)) for name, column in filters.items()},
    )
    return pool, kept, eligible_mask


def _skill_supply(
    index: ScoringIndex,
    queries: Sequence[SkillSupplyQuery],
    excluded: BoolArray,
    committed: Sequence[CommittedLoad],
) -> dict[str, int]:
    """Distinct people per supply key (queries sharing a key count together)."""
    supply_masks: dict[str, BoolArray] = {}
    for query in queries:
        matching = _supply_mask(index, query, excluded, committed)
        if query.key in supply_masks:
            supply_masks[query.key] |= matching
        else:
            supply_masks[query.key] = matching
    return {key: int(np.count_nonzero(mask)) for key, mask in supply_masks.items()}


def _pinned(index: ScoringIndex, slot: SlotQuery, excluded: BoolArray) -> IntArray:
    """The slot's pins that are in the index and not excluded."""
    rows = [index.people.row_of.get(p) for p in slot.always_keep]
    pinned = np.array(
        [r for r in rows if r is not None and index.people.alive[r] and not excluded[r]],
        dtype=np.int64,
    )
    return pinned


def slot_filters(
    index: ScoringIndex,
    slot: SlotQuery,
    fits: FloatArray,
    excluded: BoolArray,
    committed: Sequence[CommittedLoad],
) -> dict[str, BoolArray]:
    """Each eligibility filter of the slot as its own mask, named as
    matching names them, so a reason can say which one bites."""
    start = day_of(slot.start or slot.end)
    end = day_of(slot.end or slot.start, NEVER)
    filters: dict[str, BoolArray] = {
        "not excluded": ~excluded,
        "fit": fits >= slot.min_fit - 1e-9,
    }
    if slot.start or slot.end:
        filters["available"] = index.people.available_mask(start, end)
    filters["capacity"] = index.people.free_units(committed, slot.start, slot.end) >= fte_units(
        slot.fte
    )
    if slot.clearance:
        filters["clearance"] = index.people.clearance_mask(
            slot.clearance, day_of(slot.end, index.claims.today_day)
        )
    if slot.exclude_organisation:
        filters["no conflict of interest"] = ~index.people.organisation_is(
            slot.exclude_organisation
        )
    if slot.local_only:
        filters["local"] = index.people.locality_is(slot.locality)
    return filters


def _prune(
    index: ScoringIndex,
    slot: SlotQuery,
    eligible: IntArray,
    fits: FloatArray,
    levels: Mapping[str, FloatArray],
) -> IntArray:
    """`eligible` is best first, and masks keep that order, so the best of
    any subset are its first ones."""
    parts: list[IntArray] = [eligible[: slot.keep]]
    if slot.keep_per_sector > 0:
        sectors = index.people.sector[eligible]
        for code in range(len(SECTOR_NAMES)):
            parts.append(eligible[sectors == code][: slot.keep_per_sector])
    for coverage in slot.coverage:
        holders = eligible[levels[coverage.skill_id][eligible] >= coverage.min_level]
        parts.append(holders[: slot.keep])
    if slot.prefer_local:
        local = eligible[
            index.people.locality[eligible] == index.people.localities.find(slot.locality)
        ]
        parts.append(local[: slot.keep])
    if slot.always_keep:
        pinned = [index.people.row_of[p] for p in slot.always_keep if p in index.people.row_of]
        parts.append(eligible[np.isin(eligible, np.array(pinned, dtype=np.int64))])
    union = np.unique(np.concatenate(parts))
    # Back to best first.
    order = np.lexsort((index.id_rank()[union], -fits[union]))
    kept: IntArray = union[order].astype(np.int64)
    return kept


def _supply_mask(
    index: ScoringIndex,
    query: SkillSupplyQuery,
    excluded: BoolArray,
    committed: Sequence[CommittedLoad],
) -> BoolArray:
    mask = index.people.alive_mask() & ~excluded
    mask &= index.level_column(query.skill_id) >= query.min_level
    if query.locality:
        mask &= index.people.locality_is(query.locality)
    if query.start or query.end:
        mask &= index.people.available_mask(
            day_of(query.start or query.end), day_of(query.end or query.start, NEVER)
        )
    mask &= index.people.free_units(committed, query.start, query.end) > 0
    return mask


def _overrides_by_person(overrides: Iterable[LevelOverride]) -> dict[str, dict[str, int]]:
    by_person: dict[str, dict[str, int]] = {}
    for override in overrides:
        by_person.setdefault(override.person_id, {})[override.skill_id] = override.level
    return by_person
