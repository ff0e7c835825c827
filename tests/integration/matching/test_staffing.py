from __future__ import annotations

import grpc
import pytest
from neo4j import Driver

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.grpc_errors import field_violations_of
from services.common.settings import Neo4jSettings
from tests.integration.matching.conftest import outcome, rpc_error

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

Stub = matching_pb2_grpc.MatchingServiceStub
SOFT = matching_pb2.STAFFING_MODE_SOFT
STRICT = matching_pb2.STAFFING_MODE_STRICT


def caseworkers(outcome_id: str, count: int, min_fit: float = 0.9, **changes):
    """Ann and Cat reach a fit of 1.0; Bob 0.5; Dan has no casework."""
    return outcome(
        outcome_id,
        slots=[matching_pb2.Slot(role_id="caseworker", count=count, fte=1.0, min_fit=min_fit)],
        **changes,
    )


async def create(matching: Stub, *outcomes: matching_pb2.Outcome) -> None:
    for item in outcomes:
        await matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=item))


async def propose(matching: Stub, *outcome_ids: str, **options) -> matching_pb2.Proposal:
    proposal: matching_pb2.Proposal = await matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(outcome_ids=list(outcome_ids), **options)
    )
    return proposal


def staffed(proposal: matching_pb2.Proposal, outcome_id: str | None = None) -> set[str]:
    return {
        line.person_id
        for team in proposal.teams
        if outcome_id is None or team.outcome_id == outcome_id
        for line in team.assignments
    }


def stored_proposals(driver: Driver, settings: Neo4jSettings) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (p:Proposal) RETURN count(p) AS n", database_=settings.database
    )
    return int(records[0]["n"])


async def test_a_soft_proposal_fills_what_it_can_reports_the_rest_and_is_stored(
    matching: Stub, people
):
    await create(matching, caseworkers("warm-homes", 3))
    proposal = await propose(matching, "warm-homes", mode=SOFT)

    assert proposal.id
    assert proposal.status == matching_pb2.PROPOSAL_STATUS_OPTIMAL
    assert staffed(proposal) == {"ann", "cat"}
    [team] = proposal.teams
    assert [(u.role_id, u.count) for u in team.unfilled] == [("caseworker", 1)]
    assert team.unfilled[0].reason
    assert all(line.fit == pytest.approx(1.0) for line in team.assignments)
    assert all(line.state == matching_pb2.ASSIGNMENT_STATE_PROPOSED for line in team.assignments)

    stored = await matching.GetProposal(matching_pb2.GetProposalRequest(id=proposal.id))
    assert stored.id == proposal.id
    assert staffed(stored) == {"ann", "cat"}
    assert [(u.role_id, u.count) for u in stored.teams[0].unfilled] == [("caseworker", 1)]


async def test_a_strict_proposal_that_cannot_be_met_names_the_conflicting_rule(
    matching: Stub, people
):
    await create(
        matching,
        caseworkers(
            "warm-homes", 2, min_fit=0.0, rules=matching_pb2.TeamRules(min_community_members=2)
        ),
    )
    proposal = await propose(matching, "warm-homes", mode=STRICT)

    assert proposal.status == matching_pb2.PROPOSAL_STATUS_INFEASIBLE
    assert staffed(proposal) == set()
    rules = [conflict.rule for conflict in proposal.conflicts]
    assert "outcome:warm-homes:min_community_members" in rules
    assert all(conflict.detail for conflict in proposal.conflicts)

    refused = await rpc_error(
        matching.CommitProposal(matching_pb2.CommitProposalRequest(id=proposal.id))
    )
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_pin_is_honoured_and_excluded_people_are_not_staffed(matching: Stub, people):
    await create(matching, caseworkers("warm-homes", 1, min_fit=0.0))
    pinned = await propose(
        matching,
        "warm-homes",
        pins=[matching_pb2.Pin(person_id="bob", outcome_id="warm-homes", role_id="caseworker")],
    )
    assert staffed(pinned) == {"bob"}

    excluded = await propose(matching, "warm-homes", exclusions=["ann", "cat"])
    assert staffed(excluded) == {"bob"}

    wrong_role = await rpc_error(
        propose(
            matching,
            "warm-homes",
            pins=[matching_pb2.Pin(person_id="bob", outcome_id="warm-homes", role_id="weaver")],
        )
    )
    assert wrong_role.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(wrong_role)] == ["pins[0].role_id"]


async def test_proposing_for_an_unknown_outcome_is_not_found(matching: Stub, people):
    error = await rpc_error(propose(matching, "nowhere"))
    assert error.code() == grpc.StatusCode.NOT_FOUND


async def test_a_what_if_removal_returns_the_difference_and_stores_nothing(
    matching: Stub, people, graph: Neo4jSettings, neo4j_admin_driver: Driver
):
    await create(matching, caseworkers("warm-homes", 2))
    current = await propose(matching, "warm-homes")
    assert staffed(current) == {"ann", "cat"}

    what_if = await propose(
        matching, "warm-homes", what_if=matching_pb2.WhatIf(remove_person_ids=["cat"])
    )

    assert what_if.id == ""
    assert staffed(what_if) == {"ann"}
    assert [line.person_id for line in what_if.diff.removed] == ["cat"]
    assert list(what_if.diff.added) == []
    assert what_if.diff.unfilled_delta == 1
    assert stored_proposals(neo4j_admin_driver, graph) == 1


async def test_a_what_if_rule_relaxation_lets_a_non_local_person_in(matching: Stub, people):
    await create(
        matching,
        caseworkers(
            "warm-homes",
            2,
            rules=matching_pb2.TeamRules(locality=matching_pb2.LOCALITY_RULE_LOCAL_ONLY),
        ),
    )
    current = await propose(matching, "warm-homes")
    assert staffed(current) == {"ann"}

    relaxed = await propose(
        matching,
        "warm-homes",
        what_if=matching_pb2.WhatIf(
            rule_overrides=[
                matching_pb2.RuleOverride(
                    outcome_id="warm-homes",
                    rules=matching_pb2.TeamRules(locality=matching_pb2.LOCALITY_RULE_ANY),
                )
            ]
        ),
    )
    assert [line.person_id for line in relaxed.diff.added] == ["cat"]
    assert relaxed.diff.unfilled_delta == -1


async def test_a_what_if_level_raise_is_scored_by_skills(matching: Stub, people):
    await create(matching, caseworkers("warm-homes", 3))
    current = await propose(matching, "warm-homes")
    assert "bob" not in staffed(current)

    trained = await propose(
        matching,
        "warm-homes",
        what_if=matching_pb2.WhatIf(
            level_changes=[
                matching_pb2.LevelChangeWhatIf(person_id="bob", skill_id="casework", level=2)
            ]
        ),
    )
    assert [line.person_id for line in trained.diff.added] == ["bob"]
    assert trained.diff.unfilled_delta == -1


async def test_committing_makes_assignments_committed_once_and_uses_up_capacity(
    matching: Stub, people
):
    await create(matching, caseworkers("first", 2), caseworkers("second", 2))
    proposal = await propose(matching, "first")
    committed = await matching.CommitProposal(
        matching_pb2.CommitProposalRequest(id=proposal.id, actor="manager-1")
    )
    assert committed.committed
    assert all(
        line.state == matching_pb2.ASSIGNMENT_STATE_COMMITTED
        for team in committed.teams
        for line in team.assignments
    )
    listed = await matching.ListAssignments(matching_pb2.ListAssignmentsRequest(outcome_id="first"))
    assert {(a.person_id, a.state, a.proposal_id) for a in listed.assignments} == {
        ("ann", matching_pb2.ASSIGNMENT_STATE_COMMITTED, proposal.id),
        ("cat", matching_pb2.ASSIGNMENT_STATE_COMMITTED, proposal.id),
    }

    twice = await rpc_error(
        matching.CommitProposal(matching_pb2.CommitProposalRequest(id=proposal.id))
    )
    assert twice.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "already committed" in (twice.details() or "")

    # Ann and Cat give all their time to "first": nobody else reaches the minimum fit.
    later = await propose(matching, "second")
    assert staffed(later) == set()
    assert sum(u.count for u in later.teams[0].unfilled) == 2

    await matching.ReleaseAssignment(
        matching_pb2.ReleaseAssignmentRequest(outcome_id="first", person_id="ann", actor="m")
    )
    mine = await matching.ListAssignments(matching_pb2.ListAssignmentsRequest(person_id="ann"))
    assert [a.state for a in mine.assignments] == [matching_pb2.ASSIGNMENT_STATE_RELEASED]
    freed = await propose(matching, "second")
    assert staffed(freed) == {"ann"}

    again = await rpc_error(
        matching.ReleaseAssignment(
            matching_pb2.ReleaseAssignmentRequest(outcome_id="first", person_id="ann")
        )
    )
    assert again.code() == grpc.StatusCode.NOT_FOUND
    busy = await rpc_error(matching.DeleteOutcome(matching_pb2.DeleteOutcomeRequest(id="first")))
    assert busy.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_commitment_holds_a_person_only_while_its_outcome_runs(matching: Stub, people):
    later = caseworkers("later", 2, start="2030-07-01", end="2030-12-31")
    await create(matching, caseworkers("first", 2), later, caseworkers("alongside", 2))
    proposal = await propose(matching, "first")
    await matching.CommitProposal(matching_pb2.CommitProposalRequest(id=proposal.id))

    assert staffed(await propose(matching, "later")) == {"ann", "cat"}
    assert staffed(await propose(matching, "alongside")) == set()


async def test_a_proposal_made_stale_by_a_later_commitment_is_refused_whole(matching: Stub, people):
    await create(matching, caseworkers("warm-homes", 2))
    earlier = await propose(matching, "warm-homes")
    rival = await propose(matching, "warm-homes")
    await matching.CommitProposal(matching_pb2.CommitProposalRequest(id=rival.id))

    stale = await rpc_error(
        matching.CommitProposal(matching_pb2.CommitProposalRequest(id=earlier.id))
    )
    assert stale.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "stale" in (stale.details() or "")
    listed = await matching.ListAssignments(
        matching_pb2.ListAssignmentsRequest(outcome_id="warm-homes")
    )
    assert {a.proposal_id for a in listed.assignments} == {rival.id}
    assert len(listed.assignments) == 2
    unchanged = await matching.GetProposal(matching_pb2.GetProposalRequest(id=earlier.id))
    assert not unchanged.committed


async def test_a_capacity_change_after_proposing_makes_the_commit_fail_with_nothing_committed(
    matching: Stub, skills: skills_pb2_grpc.SkillsServiceStub, people
):
    await create(matching, caseworkers("warm-homes", 2))
    proposal = await propose(matching, "warm-homes")
    assert staffed(proposal) == {"ann", "cat"}
    await skills.UpsertPerson(
        skills_pb2.UpsertPersonRequest(
            person=skills_pb2.Person(
                id="cat",
                name="Cat",
                sector=common_pb2.SECTOR_THIRD_SECTOR,
                organisation="cat-org",
                locality="brookfield",
                capacity_fte=0.5,
                day_rate=300.0,
            )
        )
    )

    refused = await rpc_error(
        matching.CommitProposal(matching_pb2.CommitProposalRequest(id=proposal.id))
    )

    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "capacity of cat" in (refused.details() or "")
    listed = await matching.ListAssignments(matching_pb2.ListAssignmentsRequest())
    assert list(listed.assignments) == []


async def test_forgetting_a_person_removes_their_lines_and_assignments(matching: Stub, people):
    await create(matching, caseworkers("first", 2), caseworkers("second", 2))
    committed = await propose(matching, "first")
    await matching.CommitProposal(matching_pb2.CommitProposalRequest(id=committed.id))
    await matching.ReleaseAssignment(
        matching_pb2.ReleaseAssignmentRequest(outcome_id="first", person_id="ann")
    )
    pending = await propose(matching, "second")
    assert "ann" in staffed(pending)

    await matching.ForgetPerson(matching_pb2.ForgetPersonRequest(person_id="ann", actor="dpo"))

    mine = await matching.ListAssignments(matching_pb2.ListAssignmentsRequest(person_id="ann"))
    assert list(mine.assignments) == []
    assert staffed(
        await matching.GetProposal(matching_pb2.GetProposalRequest(id=committed.id))
    ) == {"cat"}
    after = await matching.GetProposal(matching_pb2.GetProposalRequest(id=pending.id))
    assert "ann" not in staffed(after)
    refused = await rpc_error(
        matching.CommitProposal(matching_pb2.CommitProposalRequest(id=pending.id))
    )
    assert refused.code() == grpc.StatusCode.FAILED_PRECONDITION


async def test_a_proposal_says_how_many_people_each_slot_had_and_kept(matching: Stub, people):
    await create(matching, caseworkers("warm-homes", 1, min_fit=0.4))
    proposal = await propose(matching, "warm-homes")

    # Ann, Bob and Cat reach 0.4; Dan does not. A pool this small is not pruned.
    [pool] = proposal.pools
    assert (pool.outcome_id, pool.role_id, pool.eligible, pool.kept) == (
        "warm-homes",
        "caseworker",
        3,
        3,
    )
    assert not proposal.pruned and proposal.optimality_proven
    stored = await matching.GetProposal(matching_pb2.GetProposalRequest(id=proposal.id))
    assert list(stored.pools) == list(proposal.pools)
