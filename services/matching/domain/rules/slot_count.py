"""Each slot is filled with its count of people: exactly in strict mode; in soft
mode every unfilled place costs weights.unfilled_penalty x priority."""

from __future__ import annotations

from ortools.sat.python import cp_model

from services.matching.domain.eligibility import describe_slot_requirements
from services.matching.domain.model import Slot
from services.matching.domain.rules.context import ModelContext
from services.matching.domain.rules.facts import PoolFacts, plural


def rule_name(outcome_id: str, role_id: str) -> str:
    return f"outcome:{outcome_id}:slot:{role_id}:count"


def unfilled(slot: Slot, filled: int) -> int:
    return max(0, slot.count - filled)


def add_to_model(ctx: ModelContext) -> None:
    """filled + unfilled = count; the unfilled counts also give the team size cheaply."""
    for slot_pool in ctx.pool.slots:
        outcome = ctx.request.outcomes[slot_pool.ref.outcome_index]
        slot = outcome.slots[slot_pool.ref.slot_index]
        filled = cp_model.LinearExpr.sum(ctx.slot_vars(slot_pool))
        missing = ctx.model.new_int_var(0, slot.count, f"unfilled[{outcome.id},{slot.role_id}]")
        ctx.model.add(filled + missing == slot.count)
        ctx.vars.unfilled[(outcome.id, slot.role_id)] = missing
        if ctx.strict:
            ctx.enforce(ctx.model.add(missing == 0), rule_name(outcome.id, slot.role_id))
        else:
            ctx.objective.append((missing, -ctx.vars.terms.shortfall_penalty(outcome)))


def describe(facts: PoolFacts, o_index: int, s_index: int) -> str:
    outcome = facts.request.outcomes[o_index]
    slot = outcome.slots[s_index]
    eligible = facts.pool.slot(o_index, s_index).eligible.size
    need = f"outcome '{outcome.title}' needs {slot.count} {slot.role_id}(s) with " + (
        describe_slot_requirements(outcome, slot)
    )
    if eligible < slot.count:
        verb = "is" if eligible == 1 else "are"
        return f"{need}; only {plural(eligible, 'eligible candidate')} {verb} available"
    return f"{need}; its {eligible} eligible candidates cannot all be placed under the rules below"
