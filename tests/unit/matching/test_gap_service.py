"""The gap report over fakes: one definition of demand and supply for every report."""

from __future__ import annotations

from datetime import date

import pytest

from services.common.errors import InvalidArgument
from services.matching.domain.gaps import GapStep
from services.matching.domain.model import (
    CommittedWork,
    LocalityRule,
    SkillCoverage,
    Slot,
    StaffingRequest,
    StaffingResult,
    TeamRules,
)
from services.matching.domain.staffing import solve
from services.matching.domain.time_budget import MAX_GAP_SOLVE_S
from services.matching.service.gaps import FULL_FIT, GapService
from services.matching.service.staffing import StaffingLimits
from tests.unit.matching.builders import outcome, person
from tests.unit.matching.fake_skills import FakeSkills
from tests.unit.matching.fakes import FakeOutcomeRepository, FakeStaffingRepository

TODAY = date(2025, 12, 1)


def riverside_town() -> tuple[FakeOutcomeRepository, FakeStaffingRepository, FakeSkills]:
    """Riverside: an old outcome at minimum fit 0.4, its two navigator places
    committed, and a new local-only one at 0.8. Eight navigators at fit 0.5 and
    three at 0.9, two of them in Riverside; one of those is busy (committed to
    the old outcome full time over the same period)."""
    done = outcome(
        "isolation",
        (Slot("navigator", 2, 0.5, min_fit=0.4),),
        locality="riverside",
    )
    advice = outcome(
        "debt-advice",
        (Slot("navigator", 3, 0.2, min_fit=0.8),),
        locality="riverside",
        rules=TeamRules(locality=LocalityRule.LOCAL_ONLY),
    )
    people = [person(f"mid{i}", {"navigator": 0.5}, locality="riverside") for i in range(8)]
    people += [
        person("ada", {"navigator": 0.9}, locality="riverside"),
        person("bea", {"navigator": 0.9}, locality="riverside"),
        person("cyd", {"navigator": 0.9}, locality="hillcrest"),
    ]
    committed = [
        CommittedWork("bea", "isolation", "navigator", 1.0, done.start, done.end),
        CommittedWork("mid0", "isolation", "navigator", 0.5, done.start, done.end),
    ]
    skills = FakeSkills(
        people, steps={("mid1", "navigator"): (GapStep("casework", 1, 3, 0.3, 0.8, True),)}
    )
    return (
        FakeOutcomeRepository({o.id: o for o in (done, advice)}),
        FakeStaffingRepository(committed),
        skills,
    )


class CountingSolver:
    def __init__(self) -> None:
        self.requests: list[StaffingRequest] = []

    def __call__(self, request: StaffingRequest) -> StaffingResult:
        self.requests.append(request)
        return solve(request)


def service(
    town: tuple[FakeOutcomeRepository, FakeStaffingRepository, FakeSkills], solver: CountingSolver
) -> GapService:
    outcomes, staffing, skills = town
    limits = StaffingLimits(default_time_limit_s=30.0)
    return GapService(outcomes, staffing, skills, solver, limits, today=lambda: TODAY)


async def test_the_locality_report_and_the_outcome_report_agree() -> None:
    town = riverside_town()
    gaps = service(town, CountingSolver())

    by_locality = await gaps.report("riverside", "", [], 5)
    own = await gaps.report("", "", ["debt-advice"], 5)

    # Demand leaves out the committed outcome; supply is the one slot's: Ada only
    # (Bea is busy, Cyd is not local, the rest are below 0.8).
    for report in (by_locality, own):
        [role] = report.roles
        assert (role.role_id, role.demanded, role.supply, role.unfilled) == ("navigator", 3, 1, 2)
        [slot] = report.slots
        assert (slot.outcome_id, slot.open, slot.supply, slot.unfilled) == ("debt-advice", 3, 1, 2)
    assert by_locality.slots == own.slots
    # The locality's committed places are reported, not counted as demand.
    assert [role.committed for role in by_locality.roles] == [2]


async def test_committed_places_are_not_demand_and_are_reported_apart() -> None:
    town = riverside_town()
    report = await service(town, CountingSolver()).report("", "", ["isolation"], 5)
    assert report.roles == () and report.slots == ()

    outcomes, staffing, skills = town
    staffing.earlier_work = staffing.earlier_work[:1]
    report = await service((outcomes, staffing, skills), CountingSolver()).report(
        "", "", ["isolation"], 5
    )
    [role] = report.roles
    assert (role.demanded, role.committed) == (1, 1)
    # Everyone but Bea (busy full time) could take the open place.
    assert role.supply == 10


async def test_a_role_counts_each_person_once_over_its_slots() -> None:
    outcomes, staffing, skills = riverside_town()
    staffing.earlier_work = []
    report = await service((outcomes, staffing, skills), CountingSolver()).report(
        "riverside", "", [], 5
    )
    supply = {slot.outcome_id: slot.supply for slot in report.slots}
    assert supply == {"isolation": 11, "debt-advice": 2}
    [role] = report.roles
    assert role.supply == 11 and role.demanded == 5


async def test_one_pass_without_a_solve_unless_asked() -> None:
    town = riverside_town()
    solver = CountingSolver()
    report = await service(town, solver).report("riverside", "", [], 5)
    _, _, skills = town

    assert solver.requests == [] and not report.solved
    assert len(skills.queries) == 1 and skills.queries[0].counts_only
    assert skills.closest_calls == [("navigator", 5, "riverside", FULL_FIT)]
    assert skills.gap_step_calls == 0
    [blocked] = report.blocked_slots
    assert (blocked.outcome_id, blocked.count) == ("debt-advice", 2)
    assert "only 1 person could take one of the 3 open places" in blocked.reason
    assert blocked.blocking_skill_ids == ("casework",)
    closest = {p.person_id: p for p in report.closest}
    assert [step.skill_id for step in closest["mid1"].steps] == ["casework"]


async def test_asked_to_solve_it_solves_once_within_the_bound() -> None:
    town = riverside_town()
    solver = CountingSolver()
    report = await service(town, solver).report("riverside", "", [], 5, solve=True)

    [request] = solver.requests
    assert request.time_limit_s == MAX_GAP_SOLVE_S
    # Only the open places are staffed.
    assert [(o.id, o.slots[0].count) for o in request.outcomes] == [("debt-advice", 3)]
    assert report.solved
    [role] = report.roles
    assert role.unfilled == 2


async def test_coverage_supply_counts_people_once_over_the_outcomes() -> None:
    first = outcome(
        "a",
        (Slot("navigator", 1, 0.1),),
        skill_coverage=(SkillCoverage("listening", 3, 2),),
    )
    second = outcome(
        "b",
        (Slot("navigator", 1, 0.1),),
        locality="elsewhere",
        skill_coverage=(SkillCoverage("listening", 3, 1),),
    )
    people = [
        person("a1", {"navigator": 0.5}, levels={"listening": 3}),
        person("a2", {"navigator": 0.5}, levels={"listening": 4}, capacity_fte=0.0),
        person("a3", {"navigator": 0.5}, levels={"listening": 2}),
    ]
    gaps = GapService(
        FakeOutcomeRepository({"a": first, "b": second}),
        FakeStaffingRepository(),
        FakeSkills(people),
        CountingSolver(),
        StaffingLimits(),
        today=lambda: TODAY,
    )
    report = await gaps.report("", "", [], 5)
    [skill] = report.skills
    # a2 has no free time; a1 counts once for both outcomes.
    assert (skill.skill_id, skill.demanded_people, skill.supply, skill.shortfall) == (
        "listening",
        3,
        1,
        2,
    )


@pytest.mark.parametrize("limit", [-1, 51])
async def test_closest_limit_out_of_range_is_refused(limit: int) -> None:
    with pytest.raises(InvalidArgument):
        await service(riverside_town(), CountingSolver()).report("", "", [], limit)
