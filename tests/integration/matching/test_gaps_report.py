from __future__ import annotations

import pytest

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from tests.integration.matching.conftest import outcome

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

Stub = matching_pb2_grpc.MatchingServiceStub


@pytest.fixture
async def demanding_outcome(matching: Stub, people) -> matching_pb2.Outcome:
    """Three caseworkers at fit 0.9 (only Ann and Cat reach it) and two members
    at listening level 3 (only Cat)."""
    item = outcome(
        "warm-homes",
        slots=[matching_pb2.Slot(role_id="caseworker", count=3, fte=0.5, min_fit=0.9)],
        skill_coverage=[
            matching_pb2.SkillCoverage(skill_id="listening", min_level=3, min_people=2)
        ],
    )
    created: matching_pb2.Outcome = await matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=item)
    )
    return created


async def test_the_report_sets_demand_against_supply_and_names_what_blocks(
    matching: Stub, demanding_outcome
):
    report = await matching.ReportGaps(matching_pb2.ReportGapsRequest(closest_limit=4))

    [role] = report.roles
    assert (role.role_id, role.demanded, role.supply, role.unfilled) == ("caseworker", 3, 2, 1)
    [skill] = report.skills
    assert (skill.skill_id, skill.min_level, skill.demanded_people, skill.supply) == (
        "listening",
        3,
        2,
        1,
    )
    assert skill.shortfall == 1
    [blocked] = report.blocked_slots
    assert (blocked.outcome_id, blocked.role_id, blocked.count) == ("warm-homes", "caseworker", 1)
    assert list(blocked.blocking_skill_ids) == ["casework"]
    closest = {person.person_id: person for person in report.closest}
    # Ann and Cat already fit the role fully: they are supply, with nothing to learn.
    assert "bob" in closest and not {"ann", "cat"} & set(closest)
    assert all(person.role_id == "caseworker" for person in report.closest)
    assert closest["bob"].fit == pytest.approx(0.5)
    assert [step.skill_id for step in closest["bob"].steps] == ["casework"]
    assert closest["bob"].steps[0].to_level >= 2


async def test_filters_keep_to_the_locality_and_role_asked_for(matching: Stub, demanding_outcome):
    elsewhere = await matching.ReportGaps(matching_pb2.ReportGapsRequest(locality="brookfield"))
    assert list(elsewhere.roles) == [] and list(elsewhere.blocked_slots) == []
    other_role = await matching.ReportGaps(matching_pb2.ReportGapsRequest(role_id="weaver"))
    assert list(other_role.roles) == [] and list(other_role.closest) == []
    here = await matching.ReportGaps(
        matching_pb2.ReportGapsRequest(locality="ashbridge", role_id="caseworker", closest_limit=1)
    )
    assert [role.role_id for role in here.roles] == ["caseworker"]
    # Cat lives in Brookfield; Ann fits fully; Bob is the closest in Ashbridge.
    assert [person.person_id for person in here.closest] == ["bob"]


async def test_the_locality_report_and_the_outcome_report_count_alike(matching: Stub, people):
    """Issue #10, 'Counts that disagree': an outcome fully committed is no demand,
    and a slot's supply is the people who could take it (fit at its minimum,
    free after commitments, its locality rule), the same in every report."""
    done = outcome(
        "done",
        slots=[matching_pb2.Slot(role_id="caseworker", count=1, fte=1.0, min_fit=0.4)],
    )
    local_only = matching_pb2.TeamRules(locality=matching_pb2.LOCALITY_RULE_LOCAL_ONLY)
    advice = outcome(
        "advice",
        slots=[matching_pb2.Slot(role_id="caseworker", count=2, fte=0.5, min_fit=0.5)],
        rules=local_only,
    )
    for item in (done, advice):
        await matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=item))
    proposal = await matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(
            outcome_ids=["done"],
            pins=[matching_pb2.Pin(person_id="ann", outcome_id="done", role_id="caseworker")],
        )
    )
    await matching.CommitProposal(matching_pb2.CommitProposalRequest(id=proposal.id))

    by_locality = await matching.ReportGaps(matching_pb2.ReportGapsRequest(locality="ashbridge"))
    own = await matching.ReportGaps(matching_pb2.ReportGapsRequest(outcome_ids=["advice"]))

    # Ann is committed full time, Cat lives in Brookfield, Dan has no casework:
    # only Bob (fit 0.5) could take one of the two open places.
    for report in (by_locality, own):
        [role] = report.roles
        assert (role.role_id, role.demanded, role.supply, role.unfilled) == ("caseworker", 2, 1, 1)
        [slot] = report.slots
        assert (slot.outcome_id, slot.open, slot.supply) == ("advice", 2, 1)
        assert not report.solved
    assert list(by_locality.slots) == list(own.slots)
    assert by_locality.roles[0].committed == 1


async def test_asked_to_solve_the_report_staffs_the_open_places_once(
    matching: Stub, demanding_outcome
):
    report = await matching.ReportGaps(matching_pb2.ReportGapsRequest(solve=True))
    assert report.solved
    [role] = report.roles
    assert (role.demanded, role.supply, role.unfilled) == (3, 2, 1)
