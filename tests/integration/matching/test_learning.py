"""Shared learning through the real matching and skills services on a real
Neo4j: measures and contributions stored with outcomes, results, closing with
the team kept as history and as WORKED_WITH, erasure of a person in a team's
history, and the learning report's groups and minimum size."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import grpc
import pytest
from neo4j import Driver

from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.common.graph import open_driver
from services.common.grpc_errors import field_violations_of
from services.common.settings import Neo4jSettings
from services.matching.adapters.neo4j_learning import Neo4jLearningRepository
from services.matching.adapters.skills_client import SkillsClient
from services.matching.config import MatchingSettings
from services.matching.domain.model import Assessment, Collaboration
from services.matching.entrypoints.server import create_server
from tests.integration.matching.conftest import outcome, rpc_error, wait_until_serving

pytestmark = [pytest.mark.neo4j, pytest.mark.integration]

MET = matching_pb2.ASSESSMENT_MET
NOT_MET = matching_pb2.ASSESSMENT_NOT_MET
PUBLIC = common_pb2.SECTOR_PUBLIC
THIRD = common_pb2.SECTOR_THIRD_SECTOR


@dataclass
class Stubs:
    matching: matching_pb2_grpc.MatchingServiceStub
    learning: matching_pb2_grpc.LearningServiceStub


@pytest.fixture
async def stubs(graph: Neo4jSettings, skills_address: str) -> AsyncIterator[Stubs]:
    driver = open_driver(graph)
    client = SkillsClient.connect(skills_address, timeout_s=10, matrix_timeout_s=30)
    settings = MatchingSettings(
        neo4j=graph, default_time_limit_s=5, max_time_limit_s=10, learning_min_group_size=2
    )
    server, port = await create_server(settings, driver, client, "127.0.0.1:0")
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await wait_until_serving(channel)
            yield Stubs(
                matching_pb2_grpc.MatchingServiceStub(channel),  # type: ignore[no-untyped-call]
                matching_pb2_grpc.LearningServiceStub(channel),  # type: ignore[no-untyped-call]
            )
    finally:
        await server.stop(0)
        await client.close()
        await driver.close()


def past_outcome(outcome_id: str, **changes: Any) -> matching_pb2.Outcome:
    """A finished outcome (it can close today), two caseworker places, one measure."""
    defaults: dict[str, Any] = {
        "start": "2025-01-01",
        "end": "2025-12-31",
        "slots": [matching_pb2.Slot(role_id="caseworker", count=2, fte=0.5)],
        "measures": [
            matching_pb2.Measure(
                id="lonely",
                name="People who report loneliness",
                unit="people",
                baseline=40.0,
                target=20.0,
                direction=matching_pb2.DIRECTION_LOWER_IS_BETTER,
            )
        ],
    }
    return outcome(outcome_id, **(defaults | changes))


async def staffed_and_committed(stubs: Stubs, outcome_id: str) -> set[str]:
    proposal = await stubs.matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(outcome_ids=[outcome_id])
    )
    await stubs.matching.CommitProposal(
        matching_pb2.CommitProposalRequest(id=proposal.id, actor="manager")
    )
    return {line.person_id for team in proposal.teams for line in team.assignments}


async def close(
    stubs: Stubs, outcome_id: str, assessment: matching_pb2.Assessment = MET
) -> matching_pb2.Outcome:
    closed: matching_pb2.Outcome = await stubs.learning.CloseOutcome(
        matching_pb2.CloseOutcomeRequest(
            outcome_id=outcome_id, assessment=assessment, note="reviewed"
        )
    )
    return closed


def worked_with(driver: Driver, settings: Neo4jSettings) -> list[tuple[str, str, str, str]]:
    records, _, _ = driver.execute_query(
        "MATCH (a:Collaborator)-[w:WORKED_WITH]->(b:Collaborator) "
        "RETURN a.person_id AS a, b.person_id AS b, w.outcome_id AS o, w.assessment AS s "
        "ORDER BY a, b",
        database_=settings.database,
    )
    return [(r["a"], r["b"], r["o"], r["s"]) for r in records]


async def test_measures_approach_and_contributions_round_trip(stubs: Stubs, people: Any) -> None:
    contributions = [
        matching_pb2.BudgetContribution(organisation="council", sector=PUBLIC, amount=60_000.0),
        matching_pb2.BudgetContribution(
            organisation="trust", sector=THIRD, amount=40_000.0, restricted_to=THIRD
        ),
    ]
    created = past_outcome(
        "warm-homes",
        approach=matching_pb2.APPROACH_PREVENTATIVE,
        contributions=contributions,
        budget=100_000.0,
    )
    await stubs.matching.CreateOutcome(matching_pb2.CreateOutcomeRequest(outcome=created))
    stored = await stubs.matching.GetOutcome(matching_pb2.GetOutcomeRequest(id="warm-homes"))
    assert list(stored.measures) == list(created.measures)
    assert list(stored.contributions) == contributions
    assert stored.approach == matching_pb2.APPROACH_PREVENTATIVE
    assert stored.state == matching_pb2.OUTCOME_STATE_OPEN

    changed = past_outcome("warm-homes", contributions=contributions[:1], budget=60_000.0)
    await stubs.matching.UpdateOutcome(matching_pb2.UpdateOutcomeRequest(outcome=changed))
    listed = await stubs.matching.ListOutcomes(matching_pb2.ListOutcomesRequest())
    [only] = listed.outcomes
    assert list(only.contributions) == contributions[:1]
    assert only.approach == matching_pb2.APPROACH_UNSPECIFIED


async def test_results_name_an_existing_outcome_and_measure(stubs: Stubs, people: Any) -> None:
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("warm-homes"))
    )

    def result(**changes: Any) -> matching_pb2.RecordResultRequest:
        fields: dict[str, Any] = {"outcome_id": "warm-homes", "measure_id": "lonely"}
        fields |= {"value": 35.0, "date": "2025-06-01", "source": "survey"} | changes
        return matching_pb2.RecordResultRequest(result=matching_pb2.MeasureResult(**fields))

    error = await rpc_error(stubs.learning.RecordResult(result(measure_id="smiles", date="June")))
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert {v.field for v in field_violations_of(error)} == {"result.measure_id", "result.date"}
    error = await rpc_error(stubs.learning.RecordResult(result(outcome_id="nowhere")))
    assert error.code() == grpc.StatusCode.NOT_FOUND

    first = await stubs.learning.RecordResult(result())
    assert first.result.recorded_at
    await stubs.learning.RecordResult(result(value=30.0, date="2025-09-01"))
    listed = await stubs.learning.ListResults(
        matching_pb2.ListResultsRequest(outcome_id="warm-homes", measure_id="lonely")
    )
    assert [(r.date, r.value, r.source) for r in listed.results] == [
        ("2025-06-01", 35.0, "survey"),
        ("2025-09-01", 30.0, "survey"),
    ]

    # A measure that has results stays among the outcome's measures.
    error = await rpc_error(
        stubs.matching.UpdateOutcome(
            matching_pb2.UpdateOutcomeRequest(outcome=past_outcome("warm-homes", measures=[]))
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "lonely" in (error.details() or "")


async def test_closing_keeps_the_team_as_history_and_worked_with(
    stubs: Stubs, people: Any, neo4j_admin_driver: Driver, graph: Neo4jSettings
) -> None:
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("warm-homes"))
    )
    team = await staffed_and_committed(stubs, "warm-homes")
    assert team == {"ann", "cat"}

    error = await rpc_error(
        stubs.learning.CloseOutcome(matching_pb2.CloseOutcomeRequest(outcome_id="warm-homes"))
    )
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert [v.field for v in field_violations_of(error)] == ["assessment"]
    error = await rpc_error(close(stubs, "nowhere"))
    assert error.code() == grpc.StatusCode.NOT_FOUND

    closed = await close(stubs, "warm-homes")
    assert closed.state == matching_pb2.OUTCOME_STATE_CLOSED
    assert closed.assessment == MET
    assert closed.closed_on and closed.assessment_note == "reviewed"

    history = await stubs.learning.GetTeamHistory(
        matching_pb2.GetTeamHistoryRequest(outcome_id="warm-homes")
    )
    assert [(m.person_id, m.role_id, m.sector, m.fte) for m in history.members] == [
        ("ann", "caseworker", PUBLIC, 0.5),
        ("cat", "caseworker", THIRD, 0.5),
    ]
    assert all(m.start == "2025-01-01" and m.end == "2025-12-31" for m in history.members)
    assert worked_with(neo4j_admin_driver, graph) == [("ann", "cat", "warm-homes", "met")]

    again = await rpc_error(close(stubs, "warm-homes"))
    assert again.code() == grpc.StatusCode.FAILED_PRECONDITION
    for refused in (
        stubs.matching.UpdateOutcome(
            matching_pb2.UpdateOutcomeRequest(outcome=past_outcome("warm-homes"))
        ),
        stubs.matching.DeleteOutcome(matching_pb2.DeleteOutcomeRequest(id="warm-homes")),
    ):
        error = await rpc_error(refused)
        assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
        assert "warm-homes is closed" in (error.details() or "")

    # Late results are the usual case: a closed outcome still takes them.
    late = matching_pb2.MeasureResult(
        outcome_id="warm-homes", measure_id="lonely", value=22.0, date="2026-01-15"
    )
    await stubs.learning.RecordResult(matching_pb2.RecordResultRequest(result=late))


async def test_a_closed_outcome_is_not_staffed_again(stubs: Stubs, people: Any) -> None:
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("warm-homes"))
    )
    stale = await stubs.matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(outcome_ids=["warm-homes"])
    )
    await close(stubs, "warm-homes", NOT_MET)

    error = await rpc_error(
        stubs.matching.CommitProposal(matching_pb2.CommitProposalRequest(id=stale.id))
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "was closed" in (error.details() or "")
    error = await rpc_error(
        stubs.matching.ProposeStaffing(
            matching_pb2.ProposeStaffingRequest(outcome_ids=["warm-homes"])
        )
    )
    assert error.code() == grpc.StatusCode.FAILED_PRECONDITION
    assert "warm-homes is closed" in (error.details() or "")


async def test_erasure_removes_the_identity_but_keeps_sector_and_role(
    stubs: Stubs, people: Any, neo4j_admin_driver: Driver, graph: Neo4jSettings
) -> None:
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("warm-homes"))
    )
    await staffed_and_committed(stubs, "warm-homes")
    await close(stubs, "warm-homes")

    await stubs.matching.ForgetPerson(matching_pb2.ForgetPersonRequest(person_id="ann"))

    history = await stubs.learning.GetTeamHistory(
        matching_pb2.GetTeamHistoryRequest(outcome_id="warm-homes")
    )
    assert sorted((m.person_id, m.sector, m.role_id) for m in history.members) == [
        ("", PUBLIC, "caseworker"),
        ("cat", THIRD, "caseworker"),
    ]
    by_person = await stubs.learning.GetTeamHistory(
        matching_pb2.GetTeamHistoryRequest(person_id="ann")
    )
    assert list(by_person.members) == []
    assert worked_with(neo4j_admin_driver, graph) == []
    records, _, _ = neo4j_admin_driver.execute_query(
        "MATCH (c:Collaborator) RETURN collect(c.person_id) AS ids", database_=graph.database
    )
    assert records[0]["ids"] == ["cat"]


async def test_the_report_groups_closed_outcomes_and_withholds_small_groups(
    stubs: Stubs, people: Any
) -> None:
    pooled = [matching_pb2.BudgetContribution(organisation="council", sector=PUBLIC, amount=10.0)]
    for outcome_id, locality in (("a1", "ashbridge"), ("a2", "ashbridge"), ("b1", "brookfield")):
        await stubs.matching.CreateOutcome(
            matching_pb2.CreateOutcomeRequest(
                outcome=past_outcome(
                    outcome_id, locality=locality, contributions=pooled, budget=10.0
                )
            )
        )
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("still-open"))
    )
    await staffed_and_committed(stubs, "a1")
    for outcome_id, value in (("a1", 30.0), ("a2", 20.0)):
        await stubs.learning.RecordResult(
            matching_pb2.RecordResultRequest(
                result=matching_pb2.MeasureResult(
                    outcome_id=outcome_id, measure_id="lonely", value=value, date="2025-12-01"
                )
            )
        )
    await close(stubs, "a1", MET)
    await close(stubs, "a2", NOT_MET)
    await close(stubs, "b1", MET)

    report = await stubs.learning.GetLearningReport(matching_pb2.GetLearningReportRequest())
    assert report.group_by == matching_pb2.LEARNING_GROUPING_LOCALITY
    assert report.min_group_size == 2
    ashbridge, brookfield = report.groups
    assert (ashbridge.key, ashbridge.outcomes, ashbridge.reported) == ("ashbridge", 2, True)
    figures = {f.name: f for f in ashbridge.figures}
    assert (figures["met_share"].value, figures["met_share"].count) == (0.5, 2)
    # (40 - 30) / 20 and (40 - 20) / 20.
    assert (figures["progress"].value, figures["progress"].count) == (0.75, 2)
    # Only a1 had a team: one outcome, under the minimum, so no value.
    assert figures["mean_fit"].count == 1 and not figures["mean_fit"].HasField("value")
    assert [(c.sector, c.amount) for c in ashbridge.contributions] == [(PUBLIC, 20.0)]
    assert (brookfield.key, brookfield.outcomes, brookfield.reported) == ("brookfield", 1, False)
    assert not any(f.HasField("value") for f in brookfield.figures)
    assert any("associated with" in note for note in report.notes)

    by_priority = await stubs.learning.GetLearningReport(
        matching_pb2.GetLearningReportRequest(
            group_by=matching_pb2.LEARNING_GROUPING_PRIORITY, min_group_size=4
        )
    )
    [group] = by_priority.groups
    assert (group.key, group.outcomes, group.reported) == ("3", 3, False)
    error = await rpc_error(
        stubs.learning.GetLearningReport(matching_pb2.GetLearningReportRequest(min_group_size=-1))
    )
    assert [v.field for v in field_violations_of(error)] == ["min_group_size"]


async def test_closing_frees_the_team_for_other_work(stubs: Stubs, people: Any) -> None:
    full_time = [matching_pb2.Slot(role_id="caseworker", count=2, fte=1.0, min_fit=0.9)]
    for outcome_id in ("warm-homes", "next"):
        await stubs.matching.CreateOutcome(
            matching_pb2.CreateOutcomeRequest(outcome=past_outcome(outcome_id, slots=full_time))
        )
    assert await staffed_and_committed(stubs, "warm-homes") == {"ann", "cat"}
    busy = await stubs.matching.ProposeStaffing(
        matching_pb2.ProposeStaffingRequest(outcome_ids=["next"])
    )
    assert not [line for team in busy.teams for line in team.assignments]

    await close(stubs, "warm-homes")

    assert await staffed_and_committed(stubs, "next") == {"ann", "cat"}


async def test_collaborations_for_staffing_come_from_closed_and_committed_teams(
    stubs: Stubs, people: Any, graph: Neo4jSettings
) -> None:
    for outcome_id in ("done", "running"):
        await stubs.matching.CreateOutcome(
            matching_pb2.CreateOutcomeRequest(outcome=past_outcome(outcome_id))
        )
    assert await staffed_and_committed(stubs, "done") == {"ann", "cat"}
    await close(stubs, "done")
    assert await staffed_and_committed(stubs, "running") == {"ann", "cat"}

    driver = open_driver(graph)
    try:
        repository = Neo4jLearningRepository(driver, graph.database)
        found = await repository.collaborations(["ann", "bob", "cat"])
        without_cat = await repository.collaborations(["ann", "bob"])
    finally:
        await driver.close()
    assert sorted(found, key=lambda c: c.outcome_id) == [
        Collaboration("ann", "cat", "done", Assessment.MET),
        Collaboration("ann", "cat", "running", None),
    ]
    assert without_cat == []


async def test_past_teams_reach_staffing_when_a_term_asks_for_them(
    stubs: Stubs, people: Any
) -> None:
    open_slot = [matching_pb2.Slot(role_id="caseworker", count=2, fte=0.5, min_fit=0.0)]
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("done"))
    )
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("next", slots=open_slot))
    )
    assert await staffed_and_committed(stubs, "done") == {"ann", "cat"}
    await close(stubs, "done", MET)

    async def proposed(weights: matching_pb2.ObjectiveWeights) -> dict[str, list[str]]:
        proposal = await stubs.matching.ProposeStaffing(
            matching_pb2.ProposeStaffingRequest(outcome_ids=["next"], weights=weights)
        )
        return {a.person_id: list(a.reasons) for t in proposal.teams for a in t.assignments}

    together = await proposed(matching_pb2.ObjectiveWeights(collaboration=100.0))
    assert set(together) == {"ann", "cat"}
    assert "worked with cat on done, met" in together["ann"]

    # Ann and Cat fit best, but a new connection is worth more than the fit Bob lacks.
    apart = await proposed(matching_pb2.ObjectiveWeights(new_connections=5000.0))
    assert set(apart) != {"ann", "cat"} and "bob" in apart
    assert any(reason.startswith("new connection with") for reason in apart["bob"])


async def test_a_person_erased_before_closing_still_counts_in_the_team(
    stubs: Stubs, people: Any
) -> None:
    await stubs.matching.CreateOutcome(
        matching_pb2.CreateOutcomeRequest(outcome=past_outcome("warm-homes"))
    )
    await staffed_and_committed(stubs, "warm-homes")
    history_before = await stubs.learning.GetTeamHistory(
        matching_pb2.GetTeamHistoryRequest(outcome_id="warm-homes")
    )
    assert list(history_before.members) == []

    for _ in range(2):  # erasing again adds nothing
        await stubs.matching.ForgetPerson(matching_pb2.ForgetPersonRequest(person_id="ann"))
    await close(stubs, "warm-homes")

    history = await stubs.learning.GetTeamHistory(
        matching_pb2.GetTeamHistoryRequest(outcome_id="warm-homes")
    )
    assert sorted((m.person_id, m.sector, m.role_id, m.fte) for m in history.members) == [
        ("", PUBLIC, "caseworker", 0.5),
        ("cat", THIRD, "caseworker", 0.5),
    ]
    report = await stubs.learning.GetLearningReport(
        matching_pb2.GetLearningReportRequest(min_group_size=1)
    )
    figures = {f.name: f.value for f in report.groups[0].figures}
    assert figures["role_coverage"] == 1.0 and figures["sector_count"] == 2.0
