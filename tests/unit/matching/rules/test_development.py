"""Development placements: one member below the minimum fit, learning from an expert."""

from __future__ import annotations

from dataclasses import replace

from services.matching.domain.greedy import greedy
from services.matching.domain.model import (
    Candidate,
    EssentialSkill,
    Pin,
    Slot,
    StaffingRequest,
)
from services.matching.domain.rules import development, min_fit
from services.matching.domain.staffing import solve
from tests.unit.matching.builders import outcome, person, request, team
from tests.unit.matching.rules.harness import as_team, keys, model_allows, subsets

SAFEGUARDING = EssentialSkill("navigator", "safeguarding", 3)
WITH_FLOOR = Slot("navigator", 3, 0.5, min_fit=0.6, development_floor=0.4)

ANN = person("ann", {"navigator": 0.9}, levels={"safeguarding": 4})
DAN = person("dan", {"navigator": 0.5}, levels={"safeguarding": 1})
EVE = person("eve", {"navigator": 0.45}, levels={"safeguarding": 2})


def staffing(
    slot: Slot = WITH_FLOOR, people: tuple[Candidate, ...] = (ANN, DAN, EVE), **extra: object
) -> StaffingRequest:
    return request(
        [outcome("o1", (slot,))], list(people), essential_skills=(SAFEGUARDING,), **extra
    )


def test_band_and_threshold() -> None:
    assert min_fit.threshold(WITH_FLOOR) == 0.4
    assert min_fit.threshold(Slot("navigator", 1, 0.5, min_fit=0.6)) == 0.6
    assert development.in_band(0.4, WITH_FLOOR)
    assert development.in_band(0.59, WITH_FLOOR)
    assert not development.in_band(0.6, WITH_FLOOR)
    assert not development.in_band(0.39, WITH_FLOOR)


def test_one_placement_learns_from_the_expert() -> None:
    result = solve(staffing())

    assert team(result, "o1") == {"ann": "navigator", "dan": "navigator"}
    dan = next(a for a in result.assignments if a.person_id == "dan")
    ann = next(a for a in result.assignments if a.person_id == "ann")
    assert dan.development is True
    assert dan.learns_skill_ids == ("safeguarding",)
    assert "stretch assignment: learns safeguarding from ann" in dan.reasons
    assert ann.development is False
    # One place stays open: Eve would be a second placement.
    assert sum(u.count for u in result.unfilled) == 1


def test_no_placement_without_an_expert() -> None:
    practitioner = person("ann", {"navigator": 0.9}, levels={"safeguarding": 3})
    result = solve(staffing(people=(practitioner, DAN, EVE)))

    assert team(result, "o1") == {"ann": "navigator"}


def test_the_expert_may_fill_another_slot_of_the_team() -> None:
    architect = person("ada", {"architect": 0.8}, levels={"safeguarding": 4})
    staffing_two_slots = request(
        [
            outcome(
                "o1",
                (
                    Slot("navigator", 1, 0.5, min_fit=0.6, development_floor=0.4),
                    Slot("architect", 1, 0.5),
                ),
            )
        ],
        [architect, DAN],
        essential_skills=(SAFEGUARDING,),
    )
    result = solve(staffing_two_slots)

    assert team(result, "o1") == {"ada": "architect", "dan": "navigator"}
    dan = next(a for a in result.assignments if a.person_id == "dan")
    assert dan.learns_skill_ids == ("safeguarding",)


def test_nothing_to_learn_means_no_placement() -> None:
    # Dan's fit is low for other reasons: he holds the essential skill at its level.
    skilled = person("dan", {"navigator": 0.5}, levels={"safeguarding": 3})
    result = solve(staffing(people=(ANN, skilled)))

    assert team(result, "o1") == {"ann": "navigator"}


def test_without_a_floor_nobody_below_the_minimum() -> None:
    result = solve(staffing(slot=Slot("navigator", 3, 0.5, min_fit=0.6)))

    assert team(result, "o1") == {"ann": "navigator"}


def test_a_pinned_member_below_the_minimum_is_no_placement() -> None:
    pinned = staffing(pins=(Pin("eve", "o1", "navigator"),))
    result = solve(pinned)

    eve = next(a for a in result.assignments if a.person_id == "eve")
    assert eve.development is False
    # The pin does not use up the slot's one placement.
    assert team(result, "o1").keys() == {"ann", "dan", "eve"}


def test_greedy_keeps_the_same_limits() -> None:
    result = greedy(staffing())

    assert set(team(result, "o1")) == {"ann", "dan"}
    dan = next(a for a in result.assignments if a.person_id == "dan")
    assert dan.development is True


def test_plain_predicate_over_a_team() -> None:
    o = staffing().outcomes[0]
    req = staffing()
    assert development.holds(o, [(ANN, WITH_FLOOR), (DAN, WITH_FLOOR)], req)
    assert not development.holds(o, [(ANN, WITH_FLOOR), (DAN, WITH_FLOOR), (EVE, WITH_FLOOR)], req)
    assert not development.holds(o, [(DAN, WITH_FLOOR)], req)


def test_the_model_accepts_exactly_the_teams_the_predicate_accepts() -> None:
    outsider = person("fay", {"navigator": 0.42}, levels={"safeguarding": 4})
    people = (ANN, DAN, EVE, outsider)
    staffing_all = staffing(slot=Slot("navigator", 4, 0.5, min_fit=0.6, development_floor=0.4))
    staffing_all = replace(staffing_all, candidates=people)
    target = staffing_all.outcomes[0]
    verdicts = set()

    for members in subsets(people):
        team = as_team(target, members)
        allowed = model_allows(staffing_all, keys(target, team), "no named rule")
        assert allowed == development.holds(target, team, staffing_all), [
            p.person_id for p in members
        ]
        verdicts.add(allowed)

    assert verdicts == {True, False}


def test_greedy_does_not_count_a_pinned_member_as_the_placement() -> None:
    result = greedy(staffing(pins=(Pin("eve", "o1", "navigator"),)))

    assert set(team(result, "o1")) == {"ann", "dan", "eve"}
    assert [a.person_id for a in result.assignments if a.development] == ["dan"]


def test_a_slot_too_short_even_with_its_placement_says_what_it_accepts() -> None:
    result = solve(staffing(people=(DAN, EVE)))

    assert team(result, "o1") == {}
    assert result.unfilled[0].reason == (
        "only 2 eligible candidate(s) with fit >= 0.60 "
        "(one member from 0.40 as a development placement)"
    )


def test_the_pure_assignment_fast_path_steps_aside_for_a_development_floor() -> None:
    plain = staffing(slot=Slot("navigator", 3, 0.5, min_fit=0.6))

    assert solve(plain).solver == "linear-assignment"
    assert solve(staffing()).solver == "cp-sat"
