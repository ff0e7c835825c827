"""Proposals, their lines and committed assignments in Neo4j. A commit is one
managed write transaction: it takes the commit ledger's lock first, so
commits are serialised and the staleness checks read settled data."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction

from services.common.errors import FailedPrecondition, Inconsistent, NotFound
from services.matching.domain.model import (
    Assignment,
    CommittedWork,
    Conflict,
    Sector,
    SlotPoolFigures,
    SolveStatus,
    StaffingResult,
    Unfilled,
)
from services.matching.domain.proposals import (
    AssignmentRecord,
    AssignmentState,
    LaterCommit,
    ProposalRecord,
    refusal_to_commit,
)

LEDGER_ID = "portfolio"


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _proposal_properties(proposal: ProposalRecord) -> dict[str, Any]:
    result = proposal.result
    return {
        "id": proposal.id,
        "outcome_ids": list(proposal.outcome_ids),
        "status": result.status.value,
        "objective": result.objective,
        "bound": result.bound,
        "gap": result.gap,
        "solve_seconds": result.solve_seconds,
        "solver": result.solver,
        "pruned": result.pruned,
        "optimality_proven": result.optimality_proven,
        "unfilled_json": json.dumps(
            [
                {
                    "outcome_id": u.outcome_id,
                    "role_id": u.role_id,
                    "count": u.count,
                    "reason": u.reason,
                }
                for u in result.unfilled
            ]
        ),
        "conflicts_json": json.dumps(
            [{"rule": c.rule, "detail": c.detail} for c in result.conflicts]
        ),
        "pools_json": json.dumps([asdict(pool) for pool in result.pools]),
        "created_at": proposal.created_at,
        "basis_sequence": proposal.basis_sequence,
        "committed": False,
        "committed_by": "",
        "stale_reason": proposal.stale_reason,
    }


def _line_properties(proposal: ProposalRecord) -> list[dict[str, Any]]:
    return [
        {
            "proposal_id": proposal.id,
            "outcome_id": line.outcome_id,
            "person_id": line.person_id,
            "role_id": line.role_id,
            "fte": line.fte,
            "fit": line.fit,
            "cost": line.cost,
            "sector": line.sector.value,
            "reasons": list(line.reasons),
            "state": AssignmentState.PROPOSED.value,
            "capacity_seen": proposal.capacity_seen.get(line.person_id),
        }
        for line in proposal.result.assignments
    ]


def _assignment_from(line: Mapping[str, Any]) -> Assignment:
    return Assignment(
        outcome_id=line["outcome_id"],
        person_id=line["person_id"],
        role_id=line["role_id"],
        fte=line["fte"],
        fit=line["fit"],
        cost=line["cost"],
        sector=Sector(line["sector"]),
        reasons=tuple(line.get("reasons") or ()),
    )


def _proposal_from(node: Mapping[str, Any], lines: Sequence[Mapping[str, Any]]) -> ProposalRecord:
    ordered = sorted(
        lines, key=lambda line: (line["outcome_id"], line["role_id"], line["person_id"])
    )
    return ProposalRecord(
        id=node["id"],
        outcome_ids=tuple(node["outcome_ids"]),
        result=StaffingResult(
            status=SolveStatus(node["status"]),
            objective=node["objective"],
            bound=node["bound"],
            gap=node["gap"],
            solve_seconds=node["solve_seconds"],
            assignments=tuple(_assignment_from(line) for line in ordered),
            unfilled=tuple(Unfilled(**item) for item in json.loads(node["unfilled_json"])),
            conflicts=tuple(Conflict(**item) for item in json.loads(node["conflicts_json"])),
            solver=node["solver"],
            pruned=node["pruned"],
            optimality_proven=node["optimality_proven"],
            # Proposals stored before pool figures were kept have none.
            pools=tuple(
                SlotPoolFigures(**item) for item in json.loads(node.get("pools_json") or "[]")
            ),
        ),
        created_at=_native(node["created_at"]),
        basis_sequence=node["basis_sequence"],
        capacity_seen={
            line["person_id"]: line["capacity_seen"]
            for line in lines
            if line.get("capacity_seen") is not None
        },
        committed=node["committed"],
        committed_at=_native(node.get("committed_at")),
        committed_by=node.get("committed_by") or "",
        stale_reason=node.get("stale_reason") or "",
    )


async def _create_proposal(
    tx: AsyncManagedTransaction, props: dict[str, Any], lines: list[dict[str, Any]]
) -> None:
    result = await tx.run(
        "CREATE (p:Proposal) SET p = $props "
        "WITH p UNWIND $lines AS line "
        "CREATE (p)-[:PROPOSES]->(a:Assignment) SET a = line",
        props=props,
        lines=lines,
    )
    await result.consume()


async def _read_proposal(tx: AsyncManagedTransaction, proposal_id: str) -> ProposalRecord | None:
    result = await tx.run(
        "MATCH (p:Proposal {id: $id}) "
        "OPTIONAL MATCH (p)-[:PROPOSES]->(a:Assignment) "
        "RETURN p, collect(properties(a)) AS lines",
        id=proposal_id,
    )
    record = await result.single()
    return None if record is None else _proposal_from(record["p"], record["lines"])


async def _latest_for(tx: AsyncManagedTransaction, outcome_ids: list[str]) -> ProposalRecord | None:
    result = await tx.run(
        "MATCH (p:Proposal) WHERE size(p.outcome_ids) = size($ids) "
        "AND all(id IN $ids WHERE id IN p.outcome_ids) "
        "WITH p ORDER BY p.created_at DESC LIMIT 1 "
        "OPTIONAL MATCH (p)-[:PROPOSES]->(a:Assignment) "
        "RETURN p, collect(properties(a)) AS lines",
        ids=outcome_ids,
    )
    record = await result.single()
    return None if record is None else _proposal_from(record["p"], record["lines"])


async def _later_commits(
    tx: AsyncManagedTransaction, proposal: ProposalRecord
) -> list[LaterCommit]:
    """Commits after the proposal's basis that staffed its people or its outcomes."""
    later = await tx.run(
        "MATCH (a:Assignment) WHERE a.commit_sequence > $basis "
        "AND (a.person_id IN $people OR a.outcome_id IN $outcomes) "
        "RETURN a.commit_sequence AS sequence, a.person_id AS person_id, "
        "a.outcome_id AS outcome_id",
        basis=proposal.basis_sequence,
        people=sorted({line.person_id for line in proposal.result.assignments}),
        outcomes=list(proposal.outcome_ids),
    )
    return [
        LaterCommit(record["sequence"], record["person_id"], record["outcome_id"])
        async for record in later
    ]


async def _commit(
    tx: AsyncManagedTransaction,
    proposal_id: str,
    actor: str,
    current_capacity: Mapping[str, float | None],
    at: datetime,
) -> ProposalRecord:
    # Taking the ledger's write lock first serialises commits.
    ledger = await tx.run(
        "MERGE (l:CommitLedger {id: $ledger}) ON CREATE SET l.sequence = 0 "
        "SET l.sequence = l.sequence + 1 RETURN l.sequence AS sequence",
        ledger=LEDGER_ID,
    )
    sequence_record = await ledger.single()
    if sequence_record is None:
        raise Inconsistent("the commit ledger returned no sequence number")
    sequence: int = sequence_record["sequence"]
    proposal = await _read_proposal(tx, proposal_id)
    if proposal is None:
        raise NotFound.of("proposal", proposal_id)
    later_commits = await _later_commits(tx, proposal)
    refusal = refusal_to_commit(proposal, later_commits, current_capacity)
    if refusal is not None:
        raise FailedPrecondition(refusal)
    updated = await tx.run(
        "MATCH (p:Proposal {id: $id}) "
        "SET p.committed = true, p.committed_at = $at, p.committed_by = $actor "
        "WITH p MATCH (p)-[:PROPOSES]->(a:Assignment) "
        "SET a.state = $state, a.commit_sequence = $sequence, a.committed_at = $at",
        id=proposal_id,
        at=at,
        actor=actor,
        state=AssignmentState.COMMITTED.value,
        sequence=sequence,
    )
    await updated.consume()
    committed = await _read_proposal(tx, proposal_id)
    if committed is None:
        raise Inconsistent(f"proposal {proposal_id!r} vanished while it was being committed")
    return committed


async def _committed_work(tx: AsyncManagedTransaction) -> list[CommittedWork]:
    result = await tx.run(
        "MATCH (a:Assignment {state: $state}) "
        "OPTIONAL MATCH (o:Outcome {id: a.outcome_id}) "
        # A closed outcome's work is done: its people are free again.
        "WITH a, o WHERE coalesce(o.state, 'open') <> 'closed' "
        "RETURN a.person_id AS person_id, a.outcome_id AS outcome_id, "
        "a.role_id AS role_id, a.fte AS fte, o.start AS start, o.end AS end "
        "ORDER BY person_id, outcome_id",
        state=AssignmentState.COMMITTED.value,
    )
    return [
        CommittedWork(
            r["person_id"],
            r["outcome_id"],
            r["role_id"],
            r["fte"],
            start=_optional_date(r["start"]),
            end=_optional_date(r["end"]),
        )
        async for r in result
    ]


def _optional_date(value: Any) -> date | None:
    return None if value is None else _native(value)


async def _commit_sequence(tx: AsyncManagedTransaction) -> int:
    result = await tx.run(
        "OPTIONAL MATCH (l:CommitLedger {id: $ledger}) RETURN coalesce(l.sequence, 0) AS sequence",
        ledger=LEDGER_ID,
    )
    record = await result.single()
    return 0 if record is None else int(record["sequence"])


async def _basis_and_committed_work(
    tx: AsyncManagedTransaction,
) -> tuple[int, list[CommittedWork]]:
    # The sequence first: a commit between the two reads shows as a later commit.
    basis = await _commit_sequence(tx)
    return basis, await _committed_work(tx)


async def _assignments(
    tx: AsyncManagedTransaction, outcome_id: str, person_id: str
) -> list[AssignmentRecord]:
    result = await tx.run(
        "MATCH (a:Assignment) WHERE a.state IN $states "
        "AND ($outcome_id = '' OR a.outcome_id = $outcome_id) "
        "AND ($person_id = '' OR a.person_id = $person_id) "
        "RETURN properties(a) AS line ORDER BY a.outcome_id, a.role_id, a.person_id",
        states=[AssignmentState.COMMITTED.value, AssignmentState.RELEASED.value],
        outcome_id=outcome_id,
        person_id=person_id,
    )
    return [
        AssignmentRecord(
            assignment=_assignment_from(record["line"]),
            state=AssignmentState(record["line"]["state"]),
            proposal_id=record["line"]["proposal_id"],
        )
        async for record in result
    ]


async def _release(
    tx: AsyncManagedTransaction, outcome_id: str, person_id: str, actor: str, at: datetime
) -> int:
    result = await tx.run(
        "MATCH (a:Assignment {outcome_id: $outcome_id, person_id: $person_id, state: $committed}) "
        "SET a.state = $released, a.released_at = $at, a.released_by = $actor "
        "RETURN count(a) AS released",
        outcome_id=outcome_id,
        person_id=person_id,
        committed=AssignmentState.COMMITTED.value,
        released=AssignmentState.RELEASED.value,
        at=at,
        actor=actor,
    )
    record = await result.single()
    return 0 if record is None else int(record["released"])


async def _forget(tx: AsyncManagedTransaction, person_id: str) -> None:
    # The reason names nobody: the person is being erased.
    result = await tx.run(
        "MATCH (a:Assignment {person_id: $person_id}) "
        "OPTIONAL MATCH (p:Proposal)-[:PROPOSES]->(a) "
        "FOREACH (_ IN CASE WHEN p IS NOT NULL AND NOT p.committed THEN [1] ELSE [] END | "
        "  SET p.stale_reason = 'a person in it was erased') "
        "DETACH DELETE a",
        person_id=person_id,
    )
    await result.consume()


class Neo4jStaffingRepository:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database

    async def committed_work(self) -> list[CommittedWork]:
        async with self.driver.session(database=self.database) as session:
            return await session.execute_read(_committed_work)

    async def basis_and_committed_work(self) -> tuple[int, list[CommittedWork]]:
        async with self.driver.session(database=self.database) as session:
            return await session.execute_read(_basis_and_committed_work)

    async def add_proposal(self, proposal: ProposalRecord) -> None:
        async with self.driver.session(database=self.database) as session:
            await session.execute_write(
                _create_proposal, _proposal_properties(proposal), _line_properties(proposal)
            )

    async def get_proposal(self, proposal_id: str) -> ProposalRecord:
        async with self.driver.session(database=self.database) as session:
            proposal = await session.execute_read(_read_proposal, proposal_id)
        if proposal is None:
            raise NotFound.of("proposal", proposal_id)
        return proposal

    async def latest_proposal_for(self, outcome_ids: Sequence[str]) -> ProposalRecord | None:
        async with self.driver.session(database=self.database) as session:
            return await session.execute_read(_latest_for, list(outcome_ids))

    async def commit(
        self,
        proposal_id: str,
        actor: str,
        current_capacity: Mapping[str, float | None],
        at: datetime,
    ) -> ProposalRecord:
        async with self.driver.session(database=self.database) as session:
            return await session.execute_write(
                _commit, proposal_id, actor, dict(current_capacity), at
            )

    async def assignments(self, outcome_id: str, person_id: str) -> list[AssignmentRecord]:
        async with self.driver.session(database=self.database) as session:
            return await session.execute_read(_assignments, outcome_id, person_id)

    async def release(self, outcome_id: str, person_id: str, actor: str, at: datetime) -> None:
        async with self.driver.session(database=self.database) as session:
            released = await session.execute_write(_release, outcome_id, person_id, actor, at)
        if not released:
            raise NotFound(f"no committed assignment of {person_id!r} on outcome {outcome_id!r}")

    async def forget_person(self, person_id: str) -> None:
        async with self.driver.session(database=self.database) as session:
            await session.execute_write(_forget, person_id)
