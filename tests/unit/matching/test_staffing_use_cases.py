"""The staffing use cases on fake repositories and a fake skills port, with
the real solver: propose, what-if, commit, staleness, release, erasure."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from services.common.errors import FailedPrecondition, InvalidArgument, NotFound
from services.matching.domain.model import (
    Candidate,
    EssentialSkill,
    Outcome,
    Pin,
    Sector,
    Slot,
    TeamRules,
)
from services.matching.domain.staffing import solve
from services.matching.domain.teams import teams_of
from services.matching.service.erasure import PersonErasure
from services.matching.service.staffing import (
    ProposeCommand,
    StaffingLimits,
    StaffingService,
    WhatIfChange,
)
from tests.unit.matching.fake_skills import FakeSkills
from tests.unit.matching.fakes import (
    FakeOutcomeRepository,
    FakeStaffingRepository,
    FakeTrainingPlanRepository,
)

NOW = datetime(2030, 1, 1, 9, tzinfo=UTC)


def outcome(outcome_id: str, count: int = 1) -> Outcome:
    return Outcome(
        id=outcome_id,
        title=outcome_id,
        locality="ashbridge",
        priority=3,
        budget=100_000.0,
        start=date(2030, 2, 1),
        end=date(2030, 5, 1),
        days=10.0,
        slots=(Slot("navigator", count, 1.0, min_fit=0.5),),
    )


def person(person_id: str, fit: float, sector: Sector = Sector.PUBLIC) -> Candidate:
    return Candidate(
        person_id=person_id,
        name=person_id.title(),
        sector=sector,
        organisation="council",
        locality="ashbridge",
        capacity_fte=1.0,
        day_rate=200.0,
        fits={"navigator": fit},
    )


class Town:
    def __init__(self, *outcomes: Outcome) -> None:
        self.outcomes = FakeOutcomeRepository({o.id: o for o in outcomes})
        self.staffing = FakeStaffingRepository(outcomes=self.outcomes)
        self.skills = FakeSkills([person("ann", 0.9), person("bob", 0.7), person("cat", 0.2)])
        self.service = StaffingService(
            self.outcomes, self.staffing, self.skills, solve, StaffingLimits(), clock=lambda: NOW
        )


async def test_a_proposal_is_stored_and_grouped_into_one_team_per_outcome() -> None:
    town = Town(outcome("o1"), outcome("o2"))
    view = await town.service.propose(ProposeCommand(("o1", "o2", "o1")))
    proposal = view.proposal
    assert proposal.outcome_ids == ("o1", "o2") and view.diff is None
    assert town.staffing.proposals[proposal.id] == proposal
    teams = teams_of(proposal.outcome_ids, proposal.result)
    assert [len(team.assignments) for team in teams] == [1, 1]
    # Everyone staffed fits; cat is below every slot's minimum.
    assert {a.person_id for a in proposal.result.assignments} == {"ann", "bob"}
    assert proposal.capacity_seen == {"ann": 1.0, "bob": 1.0}


async def test_a_command_naming_what_is_not_staffed_is_refused_by_field() -> None:
    town = Town(outcome("o1"))
    with pytest.raises(InvalidArgument) as error:
        await town.service.propose(
            ProposeCommand(
                ("o1",),
                pins=(Pin("ann", "o9", "navigator"),),
                what_if=WhatIfChange(rule_overrides=(("o1", TeamRules(max_sector_share=2.0)),)),
                fairness_max_share=0.0,
            )
        )
    assert {v.field for v in error.value.violations} == {
        "pins[0].outcome_id",
        "what_if.rule_overrides[0].rules.max_sector_share",
        "fairness.max_share_of_capacity",
    }
    with pytest.raises(NotFound):
        await town.service.propose(ProposeCommand(("nowhere",)))


async def test_a_what_if_is_not_stored_and_shows_what_changes() -> None:
    town = Town(outcome("o1"))
    stored = await town.service.propose(ProposeCommand(("o1",)))
    view = await town.service.propose(
        ProposeCommand(("o1",), what_if=WhatIfChange(remove_person_ids=("ann",)))
    )
    assert view.proposal.id == "" and list(town.staffing.proposals) == [stored.proposal.id]
    assert view.diff is not None
    assert [a.person_id for a in view.diff.removed] == ["ann"]
    assert [a.person_id for a in view.diff.added] == ["bob"]


async def test_a_commit_makes_the_work_committed_and_a_second_commit_is_refused() -> None:
    town = Town(outcome("o1"))
    proposal = (await town.service.propose(ProposeCommand(("o1",)))).proposal
    committed = await town.service.commit(proposal.id, "key_1")
    assert committed.committed and committed.committed_by == "key_1"
    assert [(w.person_id, w.outcome_id) for w in await town.staffing.committed_work()] == [
        ("ann", "o1")
    ]
    assert [r.assignment.person_id for r in await town.service.assignments("o1", "")] == ["ann"]
    with pytest.raises(FailedPrecondition, match="already committed"):
        await town.service.commit(proposal.id, "key_1")


async def test_a_later_commitment_of_the_same_person_makes_a_proposal_stale() -> None:
    town = Town(outcome("o1"), outcome("o2"))
    first = (await town.service.propose(ProposeCommand(("o1",)))).proposal
    second = (await town.service.propose(ProposeCommand(("o2",)))).proposal
    await town.service.commit(second.id, "key_1")
    with pytest.raises(FailedPrecondition, match="later commitment staffed ann on o2"):
        await town.service.commit(first.id, "key_1")


async def test_a_capacity_changed_since_proposing_makes_it_stale() -> None:
    town = Town(outcome("o1"))
    proposal = (await town.service.propose(ProposeCommand(("o1",)))).proposal
    town.skills.candidates[0] = replace(town.skills.candidates[0], capacity_fte=0.5)
    with pytest.raises(FailedPrecondition, match="capacity of ann changed"):
        await town.service.commit(proposal.id, "key_1")


async def test_a_committed_assignment_is_released_once() -> None:
    town = Town(outcome("o1"))
    proposal = (await town.service.propose(ProposeCommand(("o1",)))).proposal
    await town.service.commit(proposal.id, "key_1")
    await town.service.release("o1", "ann", "key_1")
    assert await town.staffing.committed_work() == []
    with pytest.raises(NotFound):
        await town.service.release("o1", "ann", "key_1")
    with pytest.raises(InvalidArgument):
        await town.service.release("", " ", "key_1")


async def test_erasure_reaches_every_store_and_makes_open_proposals_stale() -> None:
    town = Town(outcome("o1"))
    proposal = (await town.service.propose(ProposeCommand(("o1",)))).proposal
    plans = FakeTrainingPlanRepository()
    erasure = PersonErasure([town.staffing, plans])
    await erasure.forget("ann")
    assert all(line.record.assignment.person_id != "ann" for line in town.staffing.lines)
    with pytest.raises(FailedPrecondition, match="a person in it was erased"):
        await town.service.commit(proposal.id, "key_1")
    with pytest.raises(InvalidArgument) as error:
        await erasure.forget("  ")
    assert [v.field for v in error.value.violations] == ["person_id"]


async def test_a_development_placement_learns_the_essential_skill_from_an_expert() -> None:
    town = Town()
    slot = Slot("navigator", 2, 0.5, min_fit=0.8, development_floor=0.5)
    town.outcomes.items["o1"] = replace(outcome("o1"), slots=(slot,))
    town.skills.candidates = [
        replace(person("ann", 0.9), levels={"casework": 4}),
        replace(person("bob", 0.6), levels={"casework": 1}),
    ]
    town.skills.essentials = [EssentialSkill("navigator", "casework", 3)]
    proposal = (await town.service.propose(ProposeCommand(("o1",)))).proposal
    placed = {a.person_id: a for a in proposal.result.assignments}
    assert set(placed) == {"ann", "bob"}
    assert placed["bob"].development and placed["bob"].learns_skill_ids == ("casework",)
    assert not placed["ann"].development
    # The levels in the essential skill were asked of skills with the slot's candidates.
    assert "casework" in town.skills.queries[-1].skill_ids
