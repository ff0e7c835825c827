"""A manager's pin forces the person into the slot. A pin overrides the
judgement filters (minimum fit, local-only), never the factual ones."""

from __future__ import annotations

from services.matching.domain.model import Pin
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts


def rule_name(person_id: str, outcome_id: str, role_id: str) -> str:
    return f"pin:{person_id}:{outcome_id}:{role_id}"


def name_of(pin: Pin) -> str:
    return rule_name(pin.person_id, pin.outcome_id, pin.role_id)


def add_to_model(ctx: ModelContext) -> None:
    candidates = ctx.pool.table.candidates
    for person, ref in ctx.pool.pins:
        outcome = ctx.request.outcomes[ref.outcome_index]
        role_id = outcome.slots[ref.slot_index].role_id
        person_id = candidates[person].person_id
        var = ctx.vars.assign[(person_id, outcome.id, role_id)]
        ctx.enforce(ctx.model.add(var == 1), rule_name(person_id, outcome.id, role_id))


def describe(facts: PoolFacts, pin: Pin) -> str:
    title = next(o.title for o in facts.request.outcomes if o.id == pin.outcome_id)
    return f"pin: {facts.person(pin.person_id)} fills {pin.role_id} in '{title}'"


def describe_impossible(who: str, pin: Pin, title: str, refusals: list[str]) -> str:
    return f"pin: {who} cannot fill {pin.role_id} in '{title}': " + "; ".join(refusals)
