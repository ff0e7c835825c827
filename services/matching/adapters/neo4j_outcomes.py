"""Outcomes in Neo4j: one data-access class, named transaction functions."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from services.common.errors import AlreadyExists, FailedPrecondition, NotFound
from services.matching.adapters.neo4j_staffing import LEDGER_ID
from services.matching.domain.learning import closed_outcome_refusal
from services.matching.domain.model import (
    Approach,
    Assessment,
    BudgetContribution,
    Direction,
    LocalityRule,
    Measure,
    Outcome,
    OutcomeState,
    Sector,
    SkillCoverage,
    Slot,
    TeamRules,
)
from services.matching.service.ports import OutcomePage


def _slot_fields(slot: Slot) -> dict[str, Any]:
    return {
        "role_id": slot.role_id,
        "count": slot.count,
        "fte": slot.fte,
        "min_fit": slot.min_fit,
        "clearance": slot.clearance,
        "development_floor": slot.development_floor,
    }


def _coverage_fields(coverage: SkillCoverage) -> dict[str, Any]:
    return {
        "skill_id": coverage.skill_id,
        "min_level": coverage.min_level,
        "min_people": coverage.min_people,
    }


def _rules_fields(rules: TeamRules) -> dict[str, Any]:
    return {
        "min_sectors": rules.min_sectors,
        "max_sector_share": rules.max_sector_share,
        "min_community_members": rules.min_community_members,
        "locality": rules.locality.value,
        "exclude_commissioned_organisation": rules.exclude_commissioned_organisation,
    }


def _measure_fields(measure: Measure) -> dict[str, Any]:
    return {
        "id": measure.id,
        "name": measure.name,
        "unit": measure.unit,
        "baseline": measure.baseline,
        "target": measure.target,
        "direction": measure.direction.value,
    }


def _contribution_fields(contribution: BudgetContribution) -> dict[str, Any]:
    restricted_to = contribution.restricted_to
    return {
        "organisation": contribution.organisation,
        "sector": contribution.sector.value,
        "amount": contribution.amount,
        "restricted_to": restricted_to.value if restricted_to else None,
    }


def outcome_properties(outcome: Outcome) -> dict[str, Any]:
    """The node's properties; slots, rules and the issue-14 lists as JSON text."""
    return {
        "id": outcome.id,
        "title": outcome.title,
        "description": outcome.description,
        "locality": outcome.locality,
        "priority": outcome.priority,
        "budget": outcome.budget,
        "start": outcome.start,
        "end": outcome.end,
        "days": outcome.days,
        "commissioned_organisation": outcome.commissioned_organisation,
        "role_ids": sorted({slot.role_id for slot in outcome.slots}),
        "slots_json": json.dumps([_slot_fields(slot) for slot in outcome.slots]),
        "skill_coverage_json": json.dumps([_coverage_fields(c) for c in outcome.skill_coverage]),
        "rules_json": json.dumps(_rules_fields(outcome.rules)),
        "measures_json": json.dumps([_measure_fields(m) for m in outcome.measures]),
        "approach": outcome.approach.value,
        "contributions_json": json.dumps([_contribution_fields(c) for c in outcome.contributions]),
        "state": outcome.state.value,
        "assessment": outcome.assessment.value if outcome.assessment else None,
        "assessment_note": outcome.assessment_note,
        "closed_on": outcome.closed_on,
    }


def _native_date(value: Any) -> date:
    return value.to_native() if hasattr(value, "to_native") else date.fromisoformat(str(value))


def _measure(item: dict[str, Any]) -> Measure:
    return Measure(
        id=item["id"],
        name=item["name"],
        unit=item["unit"],
        baseline=item["baseline"],
        target=item["target"],
        direction=Direction(item["direction"]),
    )


def _contribution(item: dict[str, Any]) -> BudgetContribution:
    restricted_to = item.get("restricted_to")
    return BudgetContribution(
        organisation=item["organisation"],
        sector=Sector(item["sector"]),
        amount=item["amount"],
        restricted_to=Sector(restricted_to) if restricted_to else None,
    )


def outcome_from_node(node: Any) -> Outcome:
    """The outcome a node stores; outcomes stored before shared learning read as
    open, without measures or contributions."""
    rules = json.loads(node["rules_json"])
    assessment = node.get("assessment")
    closed_on = node.get("closed_on")
    return Outcome(
        id=node["id"],
        title=node["title"],
        description=node.get("description", ""),
        locality=node.get("locality", ""),
        priority=node["priority"],
        budget=node["budget"],
        start=_native_date(node["start"]),
        end=_native_date(node["end"]),
        days=node["days"],
        commissioned_organisation=node.get("commissioned_organisation", ""),
        slots=tuple(Slot(**slot) for slot in json.loads(node["slots_json"])),
        skill_coverage=tuple(
            SkillCoverage(**item) for item in json.loads(node["skill_coverage_json"])
        ),
        rules=TeamRules(
            min_sectors=rules["min_sectors"],
            max_sector_share=rules["max_sector_share"],
            min_community_members=rules["min_community_members"],
            locality=LocalityRule(rules["locality"]),
            exclude_commissioned_organisation=rules["exclude_commissioned_organisation"],
        ),
        measures=tuple(_measure(item) for item in json.loads(node.get("measures_json") or "[]")),
        approach=Approach(node.get("approach") or Approach.UNSPECIFIED.value),
        contributions=tuple(
            _contribution(item) for item in json.loads(node.get("contributions_json") or "[]")
        ),
        state=OutcomeState(node.get("state") or OutcomeState.OPEN.value),
        assessment=Assessment(assessment) if assessment else None,
        assessment_note=node.get("assessment_note") or "",
        closed_on=_native_date(closed_on) if closed_on is not None else None,
    )


async def _create(tx: AsyncManagedTransaction, props: dict[str, Any]) -> None:
    result = await tx.run("CREATE (o:Outcome) SET o = $props", props=props)
    await result.consume()


async def serialise_with_commits(tx: AsyncManagedTransaction) -> None:
    """Takes the commit ledger's write lock, which every commit takes first: a
    close, an edit or a deletion of an outcome and a commit never interleave."""
    result = await tx.run(
        "MERGE (l:CommitLedger {id: $ledger}) ON CREATE SET l.sequence = 0 "
        "SET l.writes = coalesce(l.writes, 0) + 1",
        ledger=LEDGER_ID,
    )
    await result.consume()


async def _refuse_closed(tx: AsyncManagedTransaction, outcome_id: str, doing: str) -> None:
    """NotFound for an unknown outcome, FailedPrecondition for a closed one."""
    await serialise_with_commits(tx)
    result = await tx.run("MATCH (o:Outcome {id: $id}) RETURN o", id=outcome_id)
    record = await result.single()
    if record is None:
        raise NotFound.of("outcome", outcome_id)
    refusal = closed_outcome_refusal([outcome_from_node(record["o"])], doing)
    if refusal is not None:
        raise FailedPrecondition(f"{refusal}: its assessment and team history are kept as closed")


async def _replace(tx: AsyncManagedTransaction, props: dict[str, Any]) -> None:
    await _refuse_closed(tx, props["id"], "changed")
    measure_ids = [item["id"] for item in json.loads(props["measures_json"])]
    orphans = await tx.run(
        "MATCH (:Outcome {id: $id})-[:HAS_RESULT]->(r:MeasureResult) "
        "WHERE NOT r.measure_id IN $measure_ids "
        "RETURN collect(DISTINCT r.measure_id) AS measure_ids",
        id=props["id"],
        measure_ids=measure_ids,
    )
    orphan_record = await orphans.single()
    if orphan_record is not None and orphan_record["measure_ids"]:
        named = ", ".join(sorted(orphan_record["measure_ids"]))
        raise FailedPrecondition(
            f"outcome {props['id']} has results for measure(s) {named}; keep them in its measures"
        )
    result = await tx.run(
        "MATCH (o:Outcome {id: $props.id}) SET o = $props RETURN o.id AS id", props=props
    )
    if await result.single() is None:
        raise NotFound.of("outcome", props["id"])
    await mark_proposals_stale(tx, props["id"], f"outcome {props['id']} changed after it")


async def mark_proposals_stale(tx: AsyncManagedTransaction, outcome_id: str, reason: str) -> None:
    result = await tx.run(
        "MATCH (p:Proposal) WHERE $outcome_id IN p.outcome_ids AND NOT p.committed "
        "SET p.stale_reason = $reason",
        outcome_id=outcome_id,
        reason=reason,
    )
    await result.consume()


async def _get_many(tx: AsyncManagedTransaction, ids: list[str]) -> list[Any]:
    result = await tx.run("MATCH (o:Outcome) WHERE o.id IN $ids RETURN o", ids=ids)
    return [record["o"] async for record in result]


async def _page(tx: AsyncManagedTransaction, locality: str, after_id: str, limit: int) -> list[Any]:
    result = await tx.run(
        "MATCH (o:Outcome) WHERE ($locality = '' OR o.locality = $locality) AND o.id > $after "
        "RETURN o ORDER BY o.id LIMIT $limit",
        locality=locality,
        after=after_id,
        limit=limit,
    )
    return [record["o"] async for record in result]


async def _open(tx: AsyncManagedTransaction, locality: str, role_id: str, on: date) -> list[Any]:
    result = await tx.run(
        "MATCH (o:Outcome) WHERE o.end >= $on AND coalesce(o.state, 'open') = 'open' "
        "AND ($locality = '' OR o.locality = $locality) "
        "AND ($role_id = '' OR $role_id IN o.role_ids) "
        "RETURN o ORDER BY o.id",
        on=on,
        locality=locality,
        role_id=role_id,
    )
    return [record["o"] async for record in result]


async def _delete(tx: AsyncManagedTransaction, outcome_id: str) -> None:
    await _refuse_closed(tx, outcome_id, "deleted")
    found = await tx.run(
        "MATCH (o:Outcome {id: $id}) "
        "OPTIONAL MATCH (a:Assignment {outcome_id: $id, state: 'committed'}) "
        "RETURN o.id AS id, count(a) AS committed",
        id=outcome_id,
    )
    record = await found.single()
    if record is None:
        raise NotFound.of("outcome", outcome_id)
    if record["committed"]:
        raise FailedPrecondition(
            f"outcome {outcome_id} has {record['committed']} committed assignment(s); "
            "release them before deleting it"
        )
    await mark_proposals_stale(tx, outcome_id, f"outcome {outcome_id} was deleted")
    removed = await tx.run(
        "MATCH (o:Outcome {id: $id}) "
        "CALL (o) { MATCH (o)-[:HAS_RESULT]->(r:MeasureResult) DETACH DELETE r } "
        "CALL (o) { MATCH (o)-[:SERVED_BY]->(m:TeamMember) DETACH DELETE m } "
        "OPTIONAL MATCH (a:Assignment {outcome_id: $id}) "
        "DETACH DELETE a, o",
        id=outcome_id,
    )
    await removed.consume()


class Neo4jOutcomeRepository:
    def __init__(self, driver: AsyncDriver, database: str) -> None:
        self.driver = driver
        self.database = database

    async def add(self, outcome: Outcome) -> None:
        async with self.driver.session(database=self.database) as session:
            try:
                await session.execute_write(_create, outcome_properties(outcome))
            except ConstraintError as error:
                raise AlreadyExists(f"outcome {outcome.id!r} already exists") from error

    async def replace(self, outcome: Outcome) -> None:
        async with self.driver.session(database=self.database) as session:
            await session.execute_write(_replace, outcome_properties(outcome))

    async def get(self, outcome_id: str) -> Outcome:
        return (await self.get_many([outcome_id]))[0]

    async def get_many(self, outcome_ids: Sequence[str]) -> list[Outcome]:
        async with self.driver.session(database=self.database) as session:
            nodes = await session.execute_read(_get_many, list(outcome_ids))
        by_id = {node["id"]: outcome_from_node(node) for node in nodes}
        for outcome_id in outcome_ids:
            if outcome_id not in by_id:
                raise NotFound.of("outcome", outcome_id)
        return [by_id[outcome_id] for outcome_id in outcome_ids]

    async def page(self, locality: str, page_size: int, after_id: str) -> OutcomePage:
        async with self.driver.session(database=self.database) as session:
            nodes = await session.execute_read(_page, locality, after_id, page_size + 1)
        outcomes = [outcome_from_node(node) for node in nodes[:page_size]]
        more = len(nodes) > page_size
        return OutcomePage(outcomes, outcomes[-1].id if more and outcomes else "")

    async def open_outcomes(self, locality: str, role_id: str, on: date) -> list[Outcome]:
        async with self.driver.session(database=self.database) as session:
            nodes = await session.execute_read(_open, locality, role_id, on)
        return [outcome_from_node(node) for node in nodes]

    async def delete(self, outcome_id: str) -> None:
        async with self.driver.session(database=self.database) as session:
            await session.execute_write(_delete, outcome_id)

    def written(self, outcome_id: str) -> None:
        """Nothing kept: every read goes to the graph."""
