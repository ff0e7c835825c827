"""Shared learning in Neo4j, under matching's own labels:

(:Outcome)-[:HAS_RESULT]->(:MeasureResult {outcome_id, measure_id, value, dated,
                                           source, note, recorded_at})
(:Outcome)-[:SERVED_BY]->(:TeamMember {outcome_id, person_id, role_id, sector,
                                       fte, start, end, fit})
(:Collaborator {person_id})-[:WORKED_WITH {outcome_id, assessment, closed_on}]->(:Collaborator)

A WORKED_WITH relation points from the lower person id to the higher, one per
pair per closed outcome; how often two people worked together is how many
there are. Closing is one write transaction that first takes the commit
ledger's lock, so a commit and a close of the same outcome never interleave:
either the commit lands first and its people join the history, or the close
does and the proposal is stale. A place an erasure left on an open outcome is
a TeamMember with an empty person_id and the `line` it came from (proposal and
role), so erasing again finds it and adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from services.common.errors import FailedPrecondition, Inconsistent, NotFound
from services.matching.adapters.learning_records import (
    closed_facts,
    member_from,
    member_properties,
    result_from,
    result_properties,
    served_line,
)
from services.matching.adapters.neo4j_outcomes import (
    mark_proposals_stale,
    outcome_from_node,
    serialise_with_commits,
)
from services.matching.domain.learning import (
    Closing,
    MeasureResult,
    TeamMember,
    closed,
    members_leaving,
    refusal_to_close,
    team_history,
    worked_with,
)
from services.matching.domain.learning_report import ClosedOutcomeFacts
from services.matching.domain.model import Assessment, Collaboration, Outcome
from services.matching.domain.proposals import AssignmentState

LEARNING_SCHEMA = (
    "CREATE CONSTRAINT matching_collaborator_person IF NOT EXISTS "
    "FOR (c:Collaborator) REQUIRE c.person_id IS UNIQUE",
    "CREATE INDEX matching_result_outcome IF NOT EXISTS FOR (r:MeasureResult) ON (r.outcome_id)",
    "CREATE INDEX matching_team_member_person IF NOT EXISTS FOR (m:TeamMember) ON (m.person_id)",
    "CREATE INDEX matching_team_member_outcome IF NOT EXISTS FOR (m:TeamMember) ON (m.outcome_id)",
    "CREATE INDEX matching_outcome_state IF NOT EXISTS FOR (o:Outcome) ON (o.state)",
)


async def _add_result(tx: AsyncManagedTransaction, props: dict[str, Any]) -> dict[str, Any]:
    result = await tx.run(
        "MATCH (o:Outcome {id: $props.outcome_id}) "
        "CREATE (o)-[:HAS_RESULT]->(r:MeasureResult) SET r = $props "
        "RETURN properties(r) AS result",
        props=props,
    )
    record = await result.single()
    if record is None:
        raise NotFound.of("outcome", props["outcome_id"])
    stored: dict[str, Any] = record["result"]
    return stored


async def _results(
    tx: AsyncManagedTransaction, outcome_id: str, measure_id: str
) -> list[dict[str, Any]]:
    result = await tx.run(
        "MATCH (:Outcome {id: $outcome_id})-[:HAS_RESULT]->(r:MeasureResult) "
        "WHERE $measure_id = '' OR r.measure_id = $measure_id "
        "WITH r ORDER BY r.measure_id, r.dated, r.recorded_at "
        "RETURN collect(properties(r)) AS results",
        outcome_id=outcome_id,
        measure_id=measure_id,
    )
    record = await result.single()
    return [] if record is None else list(record["results"])


async def _close(tx: AsyncManagedTransaction, outcome_id: str, closing: Closing) -> dict[str, Any]:
    await serialise_with_commits(tx)
    found = await tx.run(
        "MATCH (o:Outcome {id: $id}) "
        "OPTIONAL MATCH (a:Assignment {outcome_id: $id}) WHERE a.state IN $states "
        "RETURN properties(o) AS outcome, collect(properties(a)) AS lines",
        id=outcome_id,
        states=[AssignmentState.COMMITTED.value, AssignmentState.RELEASED.value],
    )
    record = await found.single()
    if record is None:
        raise NotFound.of("outcome", outcome_id)
    outcome = outcome_from_node(record["outcome"])
    refusal = refusal_to_close(outcome)
    if refusal is not None:
        raise FailedPrecondition(refusal)
    lines = [served_line(line) for line in record["lines"]]
    members = team_history(outcome, closing, lines)
    pairs = worked_with(members, closing.assessment)
    written = await tx.run(
        "MATCH (o:Outcome {id: $id}) "
        "SET o.state = 'closed', o.assessment = $assessment, "
        "o.assessment_note = $note, o.closed_on = $closed_on "
        "WITH o UNWIND $members AS member "
        "CREATE (o)-[:SERVED_BY]->(m:TeamMember) SET m = member",
        id=outcome_id,
        assessment=closing.assessment.value,
        note=closing.note,
        closed_on=closing.closed_on,
        members=[member_properties(member) for member in members],
    )
    await written.consume()
    related = await tx.run(
        "UNWIND $pairs AS pair "
        "MERGE (a:Collaborator {person_id: pair.a}) "
        "MERGE (b:Collaborator {person_id: pair.b}) "
        "CREATE (a)-[:WORKED_WITH {outcome_id: $id, assessment: $assessment, closed_on: $on}]->(b)",
        pairs=[{"a": pair.person_a, "b": pair.person_b} for pair in pairs],
        id=outcome_id,
        assessment=closing.assessment.value,
        on=closing.closed_on,
    )
    await related.consume()
    await mark_proposals_stale(tx, outcome_id, f"outcome {outcome_id} was closed")
    return dict(record["outcome"])


# History is kept at closing; a member left by an erasure waits for it. One
# statement per lookup, so that each seeks its own index.
HISTORY_OF_OUTCOME = (
    "MATCH (o:Outcome {id: $outcome_id, state: 'closed'})-[:SERVED_BY]->(m:TeamMember) "
    "WHERE $person_id = '' OR m.person_id = $person_id "
    "WITH m ORDER BY m.role_id, m.person_id, m.start "
    "RETURN collect(properties(m)) AS members"
)
HISTORY_OF_PERSON = (
    "MATCH (m:TeamMember {person_id: $person_id})<-[:SERVED_BY]-(:Outcome {state: 'closed'}) "
    "WITH m ORDER BY m.outcome_id, m.role_id, m.start "
    "RETURN collect(properties(m)) AS members"
)


async def _team_history(
    tx: AsyncManagedTransaction, outcome_id: str, person_id: str
) -> list[dict[str, Any]]:
    result = await tx.run(
        HISTORY_OF_OUTCOME if outcome_id else HISTORY_OF_PERSON,
        outcome_id=outcome_id,
        person_id=person_id,
    )
    record = await result.single()
    return [] if record is None else list(record["members"])


async def _closed_outcomes(tx: AsyncManagedTransaction) -> list[list[Any]]:
    # One record; members and results as positional lists with dates as text:
    # the driver turns maps and temporal values into Python far more slowly.
    result = await tx.run(
        "MATCH (o:Outcome {state: 'closed'}) "
        "CALL (o) { MATCH (o)-[:SERVED_BY]->(m:TeamMember) "
        "  RETURN collect([m.person_id, m.role_id, m.sector, m.fte, toString(m.start), "
        "  toString(m.end), m.fit]) AS members } "
        "CALL (o) { MATCH (o)-[:HAS_RESULT]->(r:MeasureResult) "
        "  RETURN collect([r.measure_id, r.value, toString(r.dated), "
        "  toString(r.recorded_at)]) AS results } "
        "RETURN collect([properties(o), members, results]) AS closed"
    )
    record = await result.single()
    return [] if record is None else list(record["closed"])


async def _collaborations(tx: AsyncManagedTransaction, person_ids: list[str]) -> dict[str, Any]:
    result = await tx.run(
        "CALL { "
        "  MATCH (a:Collaborator)-[w:WORKED_WITH]->(b:Collaborator) "
        "  WHERE a.person_id IN $ids AND b.person_id IN $ids "
        "  RETURN collect([a.person_id, b.person_id, w.outcome_id, w.assessment]) AS closed "
        "} "
        "CALL { "
        "  MATCH (x:Assignment {state: $committed}) WHERE x.person_id IN $ids "
        "  MATCH (o:Outcome {id: x.outcome_id}) WHERE coalesce(o.state, 'open') = 'open' "
        "  MATCH (y:Assignment {state: $committed, outcome_id: x.outcome_id}) "
        "  WHERE y.person_id IN $ids AND x.person_id < y.person_id "
        "  RETURN collect(DISTINCT [x.person_id, y.person_id, x.outcome_id]) AS current "
        "} "
        "RETURN closed, current",
        ids=person_ids,
        committed=AssignmentState.COMMITTED.value,
    )
    record = await result.single()
    if record is None:
        raise Inconsistent("the collaborations query returned no record")
    return {"closed": record["closed"], "current": record["current"]}


async def _keep_places_of_leaver(tx: AsyncManagedTransaction, person_id: str, on: date) -> None:
    """Before staffing deletes the person's lines: their places on open outcomes
    join those outcomes' history without their identity. Keyed by the line, so
    erasing again adds nothing."""
    served = await tx.run(
        "MATCH (a:Assignment {person_id: $person_id}) WHERE a.state IN $states "
        "MATCH (o:Outcome {id: a.outcome_id}) WHERE coalesce(o.state, 'open') = 'open' "
        "RETURN properties(o) AS outcome, "
        "collect(a {.*, line: a.proposal_id + '/' + a.role_id}) AS lines",
        person_id=person_id,
        states=[AssignmentState.COMMITTED.value, AssignmentState.RELEASED.value],
    )
    places = []
    async for record in served:
        outcome = outcome_from_node(record["outcome"])
        for line in record["lines"]:
            places += [
                member_properties(member) | {"line": line["line"]}
                for member in members_leaving(outcome, [served_line(line)], on)
            ]
    kept = await tx.run(
        "UNWIND $places AS place MATCH (o:Outcome {id: place.outcome_id}) "
        "MERGE (o)-[:SERVED_BY]->(m:TeamMember {outcome_id: place.outcome_id, line: place.line}) "
        "ON CREATE SET m += place",
        places=places,
    )
    await kept.consume()


async def _forget(tx: AsyncManagedTransaction, person_id: str, on: date) -> None:
    await _keep_places_of_leaver(tx, person_id, on)
    # Sector, role, FTE, dates and fit stay: the team's composition is not theirs alone.
    history = await tx.run(
        "MATCH (m:TeamMember {person_id: $person_id}) SET m.person_id = ''",
        person_id=person_id,
    )
    await history.consume()
    network = await tx.run(
        "MATCH (c:Collaborator {person_id: $person_id}) DETACH DELETE c", person_id=person_id
    )
    await network.consume()


class Neo4jLearningRepository:
    def __init__(
        self,
        driver: AsyncDriver,
        database: str,
        today: Callable[[], date] = lambda: datetime.now(UTC).date(),
    ) -> None:
        self.driver = driver
        self.database = database
        self.today = today

    async def prepare(self) -> None:
        for statement in LEARNING_SCHEMA:
            await self.driver.execute_query(statement, database_=self.database)

    async def add_result(self, result: MeasureResult, at: datetime) -> MeasureResult:
        props = result_properties(result) | {"recorded_at": at}
        async with self.driver.session(database=self.database) as session:
            return result_from(await session.execute_write(_add_result, props))

    async def results(self, outcome_id: str, measure_id: str) -> list[MeasureResult]:
        async with self.driver.session(database=self.database) as session:
            rows = await session.execute_read(_results, outcome_id, measure_id)
        return [result_from(row) for row in rows]

    async def close(self, outcome_id: str, closing: Closing) -> Outcome:
        async with self.driver.session(database=self.database) as session:
            before = await session.execute_write(_close, outcome_id, closing)
        return closed(outcome_from_node(before), closing)

    async def team_history(self, outcome_id: str, person_id: str) -> list[TeamMember]:
        async with self.driver.session(database=self.database) as session:
            rows = await session.execute_read(_team_history, outcome_id, person_id)
        return [member_from(row) for row in rows]

    async def closed_outcomes(self) -> list[ClosedOutcomeFacts]:
        async with self.driver.session(database=self.database) as session:
            rows = await session.execute_read(_closed_outcomes)
        return [closed_facts(row) for row in rows]

    async def collaborations(self, person_ids: Sequence[str]) -> list[Collaboration]:
        if not person_ids:
            return []
        async with self.driver.session(database=self.database) as session:
            rows = await session.execute_read(_collaborations, list(person_ids))
        return [
            Collaboration(a, b, outcome_id, Assessment(assessment) if assessment else None)
            for a, b, outcome_id, assessment in rows["closed"]
        ] + [Collaboration(a, b, outcome_id) for a, b, outcome_id in rows["current"]]

    async def forget_person(self, person_id: str) -> None:
        async with self.driver.session(database=self.database) as session:
            await session.execute_write(_forget, person_id, self.today())
