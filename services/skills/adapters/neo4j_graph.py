"""The skills graph in Neo4j as every repository of this service uses it.

Reads are auto-commit queries bounded by the caller's deadline. Writes run
in managed transactions that also record, for the scoring index of every
replica, the people or catalogue they change: an `:IndexChange` node, read
by each replica from its watermark (see adapters/neo4j_scoring.py and
service/index_keeper.py). Its `at` is the graph's clock, so replicas'
clocks never matter.

Dates are ISO strings ("" for none), so expiry is a string comparison.
Every statement is a constant with `$param` placeholders; the few shared
fragments are joined from constants when a module loads.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, LiteralString

from neo4j import AsyncDriver, AsyncManagedTransaction, Query, Record, RoutingControl
from neo4j.exceptions import ConstraintError

from services.common.errors import AlreadyExists

# The node a write leaves in the change feed, for statements that create it themselves.
CHANGE_NODE: LiteralString = """(:IndexChange {at: timestamp(), writer: $writer,
  person_ids: $person_ids, catalogue: $catalogue, erasure: $erasure})"""

RECORD_CHANGE: LiteralString = "CREATE " + CHANGE_NODE

EXISTING_SKILLS: LiteralString = """
UNWIND $ids AS id
MATCH (s:Skill {id: id})
RETURN collect(id) AS found
"""


class Neo4jGraph:
    def __init__(self, driver: AsyncDriver, database: str = "neo4j", writer_id: str = "") -> None:
        self.driver = driver
        self.database = database
        # Names this process in the change feed, so it skips its own changes.
        self.writer_id = writer_id or uuid.uuid4().hex

    async def create_schema(self, statements: Sequence[LiteralString]) -> None:
        async with self.driver.session(database=self.database) as session:
            for statement in statements:
                await (await session.run(statement)).consume()

    async def read(
        self, text: LiteralString, params: dict[str, Any], time_left_s: float | None = None
    ) -> list[Record]:
        result = await self.driver.execute_query(
            Query(text, timeout=_positive(time_left_s)),
            params,
            routing_=RoutingControl.READ,
            database_=self.database,
        )
        return list(result.records)

    async def write(
        self,
        work: Callable[..., Awaitable[Any]],
        *args: Any,
        person_ids: Sequence[str] = (),
        catalogue: bool = False,
        erasure: bool = False,
    ) -> Any:
        """Runs `work(tx, *args)` in a write transaction that also records the
        people or catalogue it changes, when it names any."""

        @functools.wraps(work)
        async def recorded(tx: AsyncManagedTransaction) -> Any:
            result = await work(tx, *args)
            if person_ids or catalogue or erasure:
                params = self.change_params(person_ids, catalogue, erasure)
                await (await tx.run(RECORD_CHANGE, params)).consume()
            return result

        try:
            async with self.driver.session(database=self.database) as session:
                return await session.execute_write(recorded)
        except ConstraintError as error:
            # Two writers created the same id at once; the caller may retry.
            raise AlreadyExists(str(error.message)) from error

    def change_params(
        self, person_ids: Sequence[str] = (), catalogue: bool = False, erasure: bool = False
    ) -> dict[str, Any]:
        """The parameters of CHANGE_NODE for this writer."""
        return {
            "writer": self.writer_id,
            "person_ids": list(person_ids),
            "catalogue": catalogue,
            "erasure": erasure,
        }


# Transaction functions: each is idempotent, as the driver may run it again.


async def run_statement(
    tx: AsyncManagedTransaction, text: LiteralString, params: dict[str, Any]
) -> None:
    await (await tx.run(text, params)).consume()


async def found_skills(tx: AsyncManagedTransaction, ids: Sequence[str]) -> set[str]:
    result = await tx.run(EXISTING_SKILLS, {"ids": list(ids)})
    record = await result.single()
    return set(record["found"]) if record else set()


def _positive(time_left_s: float | None) -> float | None:
    if time_left_s is None:
        return None
    return max(time_left_s, 0.001)
