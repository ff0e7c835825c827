"""Matching's own part of the graph: constraints and indexes, created idempotently.

Storage choices: an :Outcome keeps its slots, skill coverage and rules as JSON
properties (they are read and written whole, with the outcome) plus a
`role_ids` list for filtering by role. A :Proposal keeps its result's
figures, unfilled slots and conflicts (JSON), and points with :PROPOSES at
one :Assignment node per line; committing flips those lines' `state`. One
:CommitLedger node numbers commits so that a proposal knows which commits
came after it."""

from __future__ import annotations

from neo4j import AsyncDriver

SCHEMA_STATEMENTS = (
    "CREATE CONSTRAINT matching_outcome_id IF NOT EXISTS FOR (o:Outcome) REQUIRE o.id IS UNIQUE",
    "CREATE CONSTRAINT matching_proposal_id IF NOT EXISTS FOR (p:Proposal) REQUIRE p.id IS UNIQUE",
    "CREATE CONSTRAINT matching_commit_ledger_id IF NOT EXISTS "
    "FOR (l:CommitLedger) REQUIRE l.id IS UNIQUE",
    "CREATE INDEX matching_assignment_person IF NOT EXISTS FOR (a:Assignment) ON (a.person_id)",
    "CREATE INDEX matching_assignment_outcome IF NOT EXISTS FOR (a:Assignment) ON (a.outcome_id)",
    # Committed work is read for every proposal; proposed lines, which pile up, are not.
    "CREATE INDEX matching_assignment_state IF NOT EXISTS FOR (a:Assignment) ON (a.state)",
    "CREATE INDEX matching_outcome_locality IF NOT EXISTS FOR (o:Outcome) ON (o.locality)",
)


async def create_schema(driver: AsyncDriver, database: str) -> None:
    for statement in SCHEMA_STATEMENTS:
        await driver.execute_query(statement, database_=database)
