"""Development placements: a slot may take one member below its minimum fit, to learn.

A slot with `development_floor` accepts at most one member whose fit is in
[floor, min_fit) (a development placement, or stretch assignment), and only
when the team also holds, for every essential requirement of the role the
person holds below its level (`StaffingRequest.essential_skills`), another
member at expert level (EXPERT_LEVEL) in that skill. A person who lacks no
essential skill has nothing to learn there and is not placed below the
minimum. A pinned person is the manager's choice, never a placement of this
rule. Hard in both modes; it only ever adds candidates to a slot.

CP-SAT form per slot: the band's decisions sum to at most one; each band
decision is at most the number of other members at expert level in each
skill the person lacks (zero when the team pool has none).

The slot's lowest accepted fit (`min_fit.threshold`) is the floor, so the
band passes eligibility; a pool pruned to the best by fit keeps band
candidates only where regular ones run short, which is where a placement
helps.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from ortools.sat.python import cp_model

from services.matching.domain.model import (
    Assignment,
    Candidate,
    EssentialSkill,
    Outcome,
    Slot,
    StaffingRequest,
)
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.min_fit import fit_of
from services.matching.domain.rules.outcome_rule import Team

EXPERT_LEVEL = 4
# Fits travel as floats: a fit equal to the minimum is not below it.
TOLERANCE = 1e-9


def is_set(outcome: Outcome) -> bool:
    """Whether any slot of the outcome takes a development placement."""
    return any(slot.development_floor is not None for slot in outcome.slots)


def in_band(fit: float, slot: Slot) -> bool:
    """Below the slot's minimum fit but at or above its development floor."""
    floor = slot.development_floor
    if floor is None:
        return False
    return floor - TOLERANCE <= fit < slot.min_fit - TOLERANCE


def essentials_by_role(request: StaffingRequest) -> dict[str, tuple[EssentialSkill, ...]]:
    grouped: dict[str, list[EssentialSkill]] = {}
    for essential in request.essential_skills:
        grouped.setdefault(essential.role_id, []).append(essential)
    return {role: tuple(items) for role, items in grouped.items()}


def lacking(candidate: Candidate, essentials: Iterable[EssentialSkill]) -> tuple[str, ...]:
    """The essential skills the candidate holds below their level, sorted."""
    return tuple(
        sorted(
            {e.skill_id for e in essentials if candidate.levels.get(e.skill_id, 0) < e.min_level}
        )
    )


def teachers(learns: Sequence[str], team: Iterable[Candidate]) -> dict[str, str] | None:
    """For each skill to learn, the first team member (by id) at expert level in it;
    None when a skill has nobody to learn from."""
    members = sorted(team, key=lambda c: c.person_id)
    found: dict[str, str] = {}
    for skill in learns:
        expert = next((c for c in members if c.levels.get(skill, 0) >= EXPERT_LEVEL), None)
        if expert is None:
            return None
        found[skill] = expert.person_id
    return found


@dataclass(frozen=True)
class Placement:
    """A development placement as reported: the skills and whom they are learnt from."""

    learns: tuple[str, ...]
    teachers: dict[str, str]

    def reason(self) -> str:
        taught = ", ".join(f"{skill} from {self.teachers[skill]}" for skill in self.learns)
        return f"stretch assignment: learns {taught}"


def placement(
    request: StaffingRequest,
    candidate: Candidate,
    slot: Slot,
    team: Iterable[Candidate],
    pinned: bool = False,
) -> Placement | None:
    """The placement this member is, in a team of `team` (others of the outcome);
    None when they are a regular member (or the placement is not backed)."""
    if pinned or not in_band(fit_of(candidate, slot), slot):
        return None
    learns = lacking(candidate, essentials_by_role(request).get(slot.role_id, ()))
    if not learns:
        return None
    others = [c for c in team if c.person_id != candidate.person_id]
    found = teachers(learns, others)
    if found is None:
        return None
    return Placement(learns, found)


def band_members(
    request: StaffingRequest, outcome: Outcome, slot: Slot, team: Team
) -> list[Candidate]:
    """The team's unpinned members of the slot below its minimum fit, best fit first."""
    pinned = {
        p.person_id for p in request.pins if (p.outcome_id, p.role_id) == (outcome.id, slot.role_id)
    }
    band = [
        person
        for person, s in team
        if s.role_id == slot.role_id
        and person.person_id not in pinned
        and in_band(fit_of(person, slot), slot)
    ]
    return sorted(band, key=lambda p: (-fit_of(p, slot), p.person_id))


def may_join(
    request: StaffingRequest, outcome: Outcome, candidate: Candidate, slot: Slot, team: Team
) -> bool:
    """The plain predicate for a greedy step: a regular member always may; a member in
    the band only as the slot's one placement, backed by experts already in `team`."""
    if not in_band(fit_of(candidate, slot), slot):
        return True
    if band_members(request, outcome, slot, team):
        return False
    return placement(request, candidate, slot, [person for person, _ in team]) is not None


def holds(outcome: Outcome, team: Team, request: StaffingRequest) -> bool:
    """Every slot holds at most one unpinned member in its band, each backed by experts."""
    return not unbacked(request, outcome, team)


def add_to_model(ctx: ModelContext) -> None:
    for o_index, outcome in enumerate(ctx.request.outcomes):
        add_outcome_rule(ctx, o_index, outcome)


def add_outcome_rule(ctx: ModelContext, o_index: int, outcome: Outcome) -> None:
    """Per slot with a floor: its band's decisions sum to at most one, and each is at most
    the decisions of other members at expert level in each skill the person lacks."""
    if not is_set(outcome):
        return
    table = ctx.pool.table
    pinned = {
        (person, ref.slot_index) for person, ref in ctx.pool.pins if ref.outcome_index == o_index
    }
    essentials = essentials_by_role(ctx.request)
    members = ctx.members[o_index]
    for slot_pool in ctx.pool.slots:
        if slot_pool.ref.outcome_index != o_index:
            continue
        s_index = slot_pool.ref.slot_index
        slot = outcome.slots[s_index]
        band = [
            (
                person,
                ctx.vars.assign[(table.candidates[person].person_id, outcome.id, slot.role_id)],
            )
            for person in slot_pool.kept.tolist()
            if (person, s_index) not in pinned
            and in_band(fit_of(table.candidates[person], slot), slot)
        ]
        if not band:
            continue
        ctx.model.add(cp_model.LinearExpr.sum([var for _, var in band]) <= 1)
        for person, var in band:
            learns = lacking(table.candidates[person], essentials.get(slot.role_id, ()))
            if not learns:
                ctx.model.add(var == 0)
                continue
            for skill in learns:
                levels = table.level_column(skill)
                experts = [
                    decision
                    for other, decisions in members.items()
                    if other != person and levels[other] >= EXPERT_LEVEL
                    for decision in decisions
                ]
                ctx.model.add(var <= cp_model.LinearExpr.sum(experts))


def annotate(request: StaffingRequest, assignments: Sequence[Assignment]) -> list[Assignment]:
    """Mark each development placement of a proposal, with what it learns from whom."""
    if not any(is_set(outcome) for outcome in request.outcomes):
        return list(assignments)
    people = {c.person_id: c for c in request.candidates}
    slots = {(o.id, s.role_id): s for o in request.outcomes for s in o.slots}
    pinned = {(p.person_id, p.outcome_id, p.role_id) for p in request.pins}
    teams: dict[str, list[Candidate]] = {}
    for assignment in assignments:
        teams.setdefault(assignment.outcome_id, []).append(people[assignment.person_id])
    marked = []
    for assignment in assignments:
        key = (assignment.person_id, assignment.outcome_id, assignment.role_id)
        found = placement(
            request,
            people[assignment.person_id],
            slots[(assignment.outcome_id, assignment.role_id)],
            teams[assignment.outcome_id],
            pinned=key in pinned,
        )
        if found is None:
            marked.append(assignment)
            continue
        marked.append(
            replace(
                assignment,
                development=True,
                learns_skill_ids=found.learns,
                reasons=(*assignment.reasons, found.reason()),
            )
        )
    return marked


def unbacked(request: StaffingRequest, outcome: Outcome, team: Team) -> list[str]:
    """Members below a slot's minimum fit whom the team does not back (no expert for a
    skill they lack, or a second placement in the slot, the weaker one): whom a greedy
    team must drop."""
    members = [person for person, _ in team]
    dropped: list[str] = []
    for slot in outcome.slots:
        for position, person in enumerate(band_members(request, outcome, slot, team)):
            if position > 0 or placement(request, person, slot, members) is None:
                dropped.append(person.person_id)
    return dropped
