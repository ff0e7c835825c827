"""The worked-with terms on small teams checked by hand."""

from __future__ import annotations

from services.matching.domain.greedy import evaluate_objective
from services.matching.domain.model import (
    Assessment,
    Collaboration,
    ObjectiveWeights,
    Slot,
    StaffingRequest,
)
from services.matching.domain.objective import OBJECTIVE_SCALE
from services.matching.domain.rules import collaboration
from services.matching.domain.staffing import build_model, solve
from tests.unit.matching.builders import outcome, person, request, team
from tests.unit.matching.rules.harness import as_team, keys, model_objective, subsets

NAVIGATOR = Slot("navigator", 1, 0.5)
WEAVER = Slot("weaver", 1, 0.5)

# Ann is the best navigator; Bob and Cat are weavers, Bob slightly better. Cat
# worked with Ann on an outcome that was met.
PEOPLE = [
    person("ann", {"navigator": 0.9}),
    person("bob", {"weaver": 0.8}),
    person("cat", {"weaver": 0.75}),
]
MET = Collaboration("ann", "cat", "riverside-isolation", Assessment.MET)


def staffing(
    weights: ObjectiveWeights, collaborations: tuple[Collaboration, ...] = (MET,)
) -> StaffingRequest:
    return request(
        [outcome("o1", (NAVIGATOR, WEAVER), priority=1)],
        PEOPLE,
        weights=weights,
        collaborations=collaborations,
    )


def test_credit_met_one_partly_half_otherwise_nothing() -> None:
    assert collaboration.credit(Assessment.MET) == 1.0
    assert collaboration.credit(Assessment.PARTLY_MET) == 0.5
    assert collaboration.credit(Assessment.NOT_MET) == 0.0
    assert collaboration.credit(None) == 0.0


def test_off_by_default_adds_no_variable() -> None:
    plain = request([outcome("o1", (NAVIGATOR, WEAVER))], PEOPLE)
    with_history = staffing(ObjectiveWeights())

    assert len(build_model(with_history)[0].proto.variables) == len(
        build_model(plain)[0].proto.variables
    )
    assert team(solve(with_history), "o1") == {"ann": "navigator", "bob": "weaver"}


def test_collaboration_term_places_proven_partners_together() -> None:
    # Bob is worth 0.05 fit more (50 at weight 1000); the pair is worth 100.
    result = solve(staffing(ObjectiveWeights(collaboration=100.0)))

    assert team(result, "o1") == {"ann": "navigator", "cat": "weaver"}
    cat = next(a for a in result.assignments if a.person_id == "cat")
    assert "worked with ann on riverside-isolation, met" in cat.reasons


def test_partly_met_counts_half() -> None:
    partly = Collaboration("ann", "cat", "riverside-isolation", Assessment.PARTLY_MET)
    # Half of 80 (40) does not beat Bob's 50; half of 120 (60) does.
    weak = solve(staffing(ObjectiveWeights(collaboration=80.0), (partly,)))
    strong = solve(staffing(ObjectiveWeights(collaboration=120.0), (partly,)))

    assert team(weak, "o1")["bob"] == "weaver"
    assert team(strong, "o1")["cat"] == "weaver"


def test_not_met_earns_nothing() -> None:
    failed = Collaboration("ann", "cat", "riverside-isolation", Assessment.NOT_MET)
    result = solve(staffing(ObjectiveWeights(collaboration=1000.0), (failed,)))

    assert team(result, "o1") == {"ann": "navigator", "bob": "weaver"}


def test_new_connections_prefer_people_who_never_met() -> None:
    result = solve(staffing(ObjectiveWeights(new_connections=10.0)))

    assert team(result, "o1") == {"ann": "navigator", "bob": "weaver"}
    # Against Cat, who already worked with Ann, a new connection outweighs 0.04 of fit.
    close = [*PEOPLE[:1], person("bob", {"weaver": 0.74}), PEOPLE[2]]
    spread = solve(
        request(
            [outcome("o1", (NAVIGATOR, WEAVER), priority=1)],
            close,
            weights=ObjectiveWeights(new_connections=60.0),
            collaborations=(MET,),
        )
    )
    assert team(spread, "o1") == {"ann": "navigator", "bob": "weaver"}
    bob = next(a for a in spread.assignments if a.person_id == "bob")
    assert "new connection with ann" in bob.reasons


def test_reported_objective_counts_the_terms_as_evaluated() -> None:
    weights = ObjectiveWeights(collaboration=100.0, new_connections=30.0)
    three = request(
        [outcome("o1", (NAVIGATOR, Slot("weaver", 2, 0.5)), priority=2)],
        PEOPLE,
        weights=weights,
        collaborations=(MET,),
    )
    result = solve(three)
    chosen = [(a.person_id, a.outcome_id, a.role_id) for a in result.assignments]

    # Three members: three pairs, one of them (ann, cat) not new: 2 x 30 + 100, x priority 2.
    assert collaboration.objective(three, chosen) == (2 * 30 + 100) * 2 * OBJECTIVE_SCALE
    assert round(result.objective * OBJECTIVE_SCALE) == evaluate_objective(three, chosen)


def test_pair_literals_are_bounded_per_outcome() -> None:
    # Everyone worked with everyone: 30 people in one pool, 435 pairs; the model
    # keeps the MAX_PAIR_TERMS (400) strongest.
    people = [person(f"p{i:02d}", {"weaver": 0.5 + i / 100}) for i in range(30)]
    history = tuple(
        Collaboration(a.person_id, b.person_id, f"past-{i}", Assessment.MET)
        for i, a in enumerate(people)
        for b in people[i + 1 :]
    )
    slot = Slot("weaver", 3, 0.1)
    dense = request(
        [outcome("o1", (slot,))],
        people,
        weights=ObjectiveWeights(collaboration=10.0),
        collaborations=history,
    )
    base = len(build_model(request([outcome("o1", (slot,))], people))[0].proto.variables)

    added = len(build_model(dense)[0].proto.variables) - base
    assert len(history) == 435
    assert added == collaboration.MAX_PAIR_TERMS == 400
    smaller = collaboration.pair_terms(
        dense,
        dense.outcomes[0],
        [p.person_id for p in people],
        collaboration.History.of(history),
        limit=25,
    )
    assert len(smaller) == 25
    # Equal values: the bound keeps pairs in person-id order, the same on every run.
    assert smaller[0][0] == ("p00", "p01")


def test_the_model_scores_every_team_as_the_plain_terms_do() -> None:
    people = [person(name, {"weaver": 0.6}) for name in ("ann", "bob", "cat", "dan")]
    history = (
        Collaboration("ann", "bob", "riverside-isolation", Assessment.MET),
        Collaboration("bob", "cat", "old-town-meals", Assessment.PARTLY_MET),
        Collaboration("cat", "dan", "harbour-advice", Assessment.NOT_MET),
        Collaboration("ann", "dan", "open-now", None),
    )
    target = outcome("o1", (Slot("weaver", 4, 0.1),), priority=2)
    staffing = request(
        [target],
        people,
        weights=ObjectiveWeights(collaboration=100.0, new_connections=30.0),
        collaborations=history,
    )
    scores = set()

    for members in subsets(people):
        chosen = keys(target, as_team(target, members))
        expected = evaluate_objective(staffing, sorted(chosen))
        assert model_objective(staffing, chosen) == expected, [p.person_id for p in members]
        scores.add(collaboration.objective(staffing, sorted(chosen)))

    # Ann and Bob alone: one met pair, 100 x priority 2.
    assert 100 * 2 * OBJECTIVE_SCALE in scores
    assert len(scores) > 4


def test_the_pure_assignment_fast_path_steps_aside_when_a_pair_term_is_on() -> None:
    # One outcome and no team rule: places are independent unless pairs count.
    assert solve(staffing(ObjectiveWeights())).solver == "linear-assignment"
    assert solve(staffing(ObjectiveWeights(collaboration=100.0))).solver == "cp-sat"
    assert solve(staffing(ObjectiveWeights(new_connections=10.0))).solver == "cp-sat"


def test_one_place_slots_still_score_every_team_as_the_plain_terms_do() -> None:
    # Both slots take one person and everyone fits both: the cut that keeps two people
    # from sharing one place must leave every real team its pair.
    both = {"navigator": 0.7, "weaver": 0.6}
    people = [person(name, both) for name in ("ann", "bob", "cat")]
    target = outcome("o1", (NAVIGATOR, WEAVER), priority=1)
    staffing = request(
        [target],
        people,
        weights=ObjectiveWeights(collaboration=100.0),
        collaborations=(MET, Collaboration("ann", "bob", "harbour-advice", Assessment.MET)),
    )
    names = [p.person_id for p in people]
    teams = [{(n, "o1", "navigator"), (w, "o1", "weaver")} for n in names for w in names if n != w]

    for chosen in teams:
        assert model_objective(staffing, chosen) == evaluate_objective(staffing, sorted(chosen))
    best = solve(staffing)
    assert set(team(best, "o1")) in ({"ann", "cat"}, {"ann", "bob"})
