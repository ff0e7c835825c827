"""The fairness rule: nobody above a share of their capacity while someone who fits idles."""

from __future__ import annotations

from itertools import combinations

from services.matching.domain.greedy import evaluate_objective
from services.matching.domain.model import ObjectiveWeights, Slot, StaffingRequest
from services.matching.domain.objective import OBJECTIVE_SCALE
from services.matching.domain.rules import fairness
from services.matching.domain.staffing import build_model, solve
from tests.unit.matching.builders import outcome, person, request, team
from tests.unit.matching.rules.harness import model_objective

HALF = Slot("navigator", 1, 0.5)
# Ann fits both outcomes best; Bob fits them too. Both outcomes run at once.
PEOPLE = [person("ann", {"navigator": 0.9}), person("bob", {"navigator": 0.7})]


def staffing(weight: float, share: float | None = 0.5) -> StaffingRequest:
    return request(
        [outcome("o1", (HALF,), priority=1), outcome("o2", (HALF,), priority=1)],
        PEOPLE,
        weights=ObjectiveWeights(fairness=weight),
        fairness_max_share=share,
    )


def test_off_unless_share_and_weight_are_set() -> None:
    plain = request([outcome("o1", (HALF,)), outcome("o2", (HALF,))], PEOPLE)
    assert not fairness.is_active(staffing(0.0))
    assert not fairness.is_active(staffing(100.0, share=None))
    assert len(build_model(staffing(0.0))[0].proto.variables) == len(
        build_model(plain)[0].proto.variables
    )
    assert solve(staffing(0.0)).fairness_notes == ()


def test_a_heavy_weight_spreads_the_work_and_says_what_it_cost() -> None:
    # Ann on both: 1.8 fit (1,800); Ann and Bob: 1.6 (1,600). Ann on both is 0.5 FTE
    # above the share: five tenths at 1,000.
    result = solve(staffing(1_000.0))

    assert {a.person_id for a in result.assignments} == {"ann", "bob"}
    assert result.fairness_notes == (
        "the fairness rule (no one above 50% of their capacity while someone who fits "
        "stays idle) cost 0.20 in total fit: 1.60 against 1.80 without it, over 2 against "
        "2 places filled",
    )


def test_a_light_weight_leaves_the_best_person_and_names_them() -> None:
    # Five tenths at 30 (150) do not outweigh 0.2 of fit (200).
    result = solve(staffing(30.0))

    assert team(result, "o1") == {"ann": "navigator"}
    assert team(result, "o2") == {"ann": "navigator"}
    assert len(result.fairness_notes) == 1
    note = result.fairness_notes[0]
    assert note.startswith("ann stays at 100% of capacity as navigator in o1")
    assert "bob, who fits, stays idle" in note


def test_reported_objective_includes_the_penalty() -> None:
    light = staffing(30.0)
    result = solve(light)
    chosen = [(a.person_id, a.outcome_id, a.role_id) for a in result.assignments]

    assert fairness.objective(light, chosen) == -30 * 5 * OBJECTIVE_SCALE
    assert round(result.objective * OBJECTIVE_SCALE) == evaluate_objective(light, chosen)


def test_no_penalty_when_nobody_who_fits_is_idle() -> None:
    # Bob is busy elsewhere: Ann above the share harms nobody.
    third = outcome("o3", (Slot("weaver", 1, 0.5),), priority=5)
    bob = person("bob", {"navigator": 0.7, "weaver": 0.9})
    busy = request(
        [outcome("o1", (HALF,), priority=1), outcome("o2", (HALF,), priority=1), third],
        [PEOPLE[0], bob],
        weights=ObjectiveWeights(fairness=1_000.0),
        fairness_max_share=0.5,
    )
    result = solve(busy)

    assert team(result, "o3") == {"bob": "weaver"}
    assert team(result, "o1") == {"ann": "navigator"}
    assert team(result, "o2") == {"ann": "navigator"}
    assert result.fairness_notes == ()


def test_the_model_scores_every_proposal_as_the_plain_rule_does() -> None:
    carol = person("carol", {"navigator": 0.6}, capacity_fte=0.5)
    people = [*PEOPLE, carol]
    outcomes = [outcome("o1", (HALF,), priority=1), outcome("o2", (HALF,), priority=1)]
    staffing = request(
        outcomes,
        people,
        weights=ObjectiveWeights(fairness=150.0),
        fairness_max_share=0.5,
    )
    options = [(p.person_id, o.id, "navigator") for p in people for o in outcomes]
    penalties = set()

    for size in range(len(options) + 1):
        for chosen in combinations(options, size):
            one_each = {o for _, o, _ in chosen}
            if len(one_each) != len(chosen):
                continue
            if ("carol", "o1", "navigator") in chosen and ("carol", "o2", "navigator") in chosen:
                continue
            expected = evaluate_objective(staffing, list(chosen))
            assert model_objective(staffing, set(chosen)) == expected, chosen
            penalties.add(fairness.objective(staffing, list(chosen)))

    # Per FTE hundredth above the share: Ann on both is 50 above, Carol on one 25.
    assert penalties == {0, -150 * 50, -150 * 25}
