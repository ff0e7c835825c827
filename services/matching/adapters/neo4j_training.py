"""Training plans in Neo4j, under matching's own label.

(:TrainingPlan {id, created_at, created_by, outcome_ids, budget, deadline,
                status, total_cost, open_demand, staffable_demand, solve_seconds,
                objective, person_ids, people_json, fillable_json,
                coverage_met_json, unmet_json, check_json})

A plan is read and written whole, so its parts are JSON properties; `person_ids`
lists everyone with an enrolment, for finding a person's plans. A completion
rewrites `people_json` in one write transaction that locks the node first.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from neo4j import AsyncDriver, AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from services.common.errors import AlreadyExists, FailedPrecondition, Inconsistent, NotFound
from services.matching.domain.model import SolveStatus
from services.matching.domain.training import (
    CoverageMet,
    FillablePlace,
    PlanCheckRecord,
    PlannedEnrolment,
    PlannedPerson,
    PlanRecord,
    SlotCheck,
    UnmetDemand,
)

TRAINING_SCHEMA = (
    "CREATE CONSTRAINT matching_training_plan_id IF NOT EXISTS "
    "FOR (t:TrainingPlan) REQUIRE t.id IS UNIQUE",
    "CREATE INDEX matching_training_plan_created IF NOT EXISTS "
    "FOR (t:TrainingPlan) ON (t.created_at)",
)


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _json_default(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def _dumps(value: object) -> str:
    return json.dumps(value, default=_json_default, sort_keys=True)


def _people_json(people: tuple[PlannedPerson, ...]) -> str:
    return _dumps([asdict(person) for person in people])


def plan_properties(record: PlanRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "created_at": record.created_at,
        "created_by": record.created_by,
        "outcome_ids": list(record.outcome_ids),
        "budget": record.budget,
        "deadline": record.deadline,
        "status": record.status.value,
        "total_cost": record.total_cost,
        "open_demand": record.open_demand,
        "staffable_demand": record.staffable_demand,
        "solve_seconds": record.solve_seconds,
        "objective": record.objective,
        "person_ids": sorted({p.person_id for p in record.people}),
        "people_json": _people_json(record.people),
        "fillable_json": _dumps([asdict(f) for f in record.fillable]),
        "coverage_met_json": _dumps([asdict(c) for c in record.coverage_met]),
        "unmet_json": _dumps([asdict(u) for u in record.unmet]),
        "check_json": _dumps(
            {"status": record.check.status.value, "slots": [asdict(s) for s in record.check.slots]}
        ),
    }


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _enrolment(item: Mapping[str, Any]) -> PlannedEnrolment:
    run_start = _day(item["run_start"])
    run_end = _day(item["run_end"])
    if run_start is None or run_end is None:
        raise Inconsistent(f"stored enrolment in {item['course_id']!r} lacks its run dates")
    return PlannedEnrolment(
        person_id=item["person_id"],
        course_id=item["course_id"],
        course_title=item.get("course_title", ""),
        skill_id=item["skill_id"],
        from_level=int(item["from_level"]),
        to_level=int(item["to_level"]),
        run_start=run_start,
        run_end=run_end,
        cost=float(item["cost"]),
        completed_on=_day(item.get("completed_on")),
    )


def _people(text: str) -> tuple[PlannedPerson, ...]:
    return tuple(
        PlannedPerson(
            person_id=item["person_id"],
            name=item.get("name", ""),
            cost=float(item["cost"]),
            enrolments=tuple(_enrolment(e) for e in item["enrolments"]),
            levels_after={k: int(v) for k, v in item["levels_after"].items()},
            fits_after={k: float(v) for k, v in item["fits_after"].items()},
        )
        for item in json.loads(text)
    )


def plan_from(node: Mapping[str, Any]) -> PlanRecord:
    check = json.loads(node["check_json"])
    deadline = _native(node["deadline"])
    return PlanRecord(
        id=node["id"],
        created_at=_native(node["created_at"]),
        created_by=node.get("created_by") or "",
        outcome_ids=tuple(node["outcome_ids"]),
        budget=float(node["budget"]),
        deadline=deadline,
        status=SolveStatus(node["status"]),
        total_cost=float(node["total_cost"]),
        people=_people(node["people_json"]),
        fillable=tuple(FillablePlace(**f) for f in json.loads(node["fillable_json"])),
        coverage_met=tuple(
            CoverageMet(
                outcome_id=c["outcome_id"],
                skill_id=c["skill_id"],
                min_level=int(c["min_level"]),
                person_ids=tuple(c["person_ids"]),
            )
            for c in json.loads(node["coverage_met_json"])
        ),
        unmet=tuple(UnmetDemand(**u) for u in json.loads(node["unmet_json"])),
        open_demand=float(node["open_demand"]),
        staffable_demand=float(node["staffable_demand"]),
        solve_seconds=float(node["solve_seconds"]),
        objective=float(node["objective"]),
        check=PlanCheckRecord(
            status=SolveStatus(check["status"]),
            slots=tuple(SlotCheck(**s) for s in check["slots"]),
        ),
    )


class Neo4jTrainingPlanRepository:
    def __init__(self, driver: AsyncDriver, database: str = "neo4j") -> None:
        self.driver = driver
        self.database = database

    async def prepare(self) -> None:
        for statement in TRAINING_SCHEMA:
            await self.driver.execute_query(statement, database_=self.database)

    async def add(self, record: PlanRecord) -> None:
        try:
            async with self.driver.session(database=self.database) as session:
                await session.execute_write(_create, plan_properties(record))
        except ConstraintError as error:
            raise AlreadyExists(f"training plan {record.id!r} exists") from error

    async def get(self, plan_id: str) -> PlanRecord:
        async with self.driver.session(database=self.database) as session:
            node = await session.execute_read(_read, plan_id)
        if node is None:
            raise NotFound.of("training plan", plan_id)
        return plan_from(node)

    async def page(self, after: tuple[datetime, str] | None, limit: int) -> list[PlanRecord]:
        """Newest first; `after` is the (created_at, id) of the last plan of the previous page."""
        async with self.driver.session(database=self.database) as session:
            nodes = await session.execute_read(_page, after, limit)
        return [plan_from(node) for node in nodes]

    async def record_completion(
        self, plan_id: str, person_id: str, course_id: str, on: date
    ) -> PlanRecord:
        async with self.driver.session(database=self.database) as session:
            record: PlanRecord = await session.execute_write(
                _complete, plan_id, person_id, course_id, on
            )
        return record

    async def forget_person(self, person_id: str) -> None:
        """Drops the person's part of every plan (erasure); figures stay as planned."""
        async with self.driver.session(database=self.database) as session:
            await session.execute_write(_forget, person_id)


async def _create(tx: AsyncManagedTransaction, props: dict[str, Any]) -> None:
    await (await tx.run("CREATE (t:TrainingPlan) SET t = $props", props=props)).consume()


async def _read(tx: AsyncManagedTransaction, plan_id: str) -> dict[str, Any] | None:
    result = await tx.run("MATCH (t:TrainingPlan {id: $id}) RETURN t {.*} AS t", id=plan_id)
    record = await result.single()
    return None if record is None else dict(record["t"])


async def _page(
    tx: AsyncManagedTransaction, after: tuple[datetime, str] | None, limit: int
) -> list[dict[str, Any]]:
    result = await tx.run(
        "MATCH (t:TrainingPlan) "
        "WHERE $after_at IS NULL OR t.created_at < $after_at "
        "OR (t.created_at = $after_at AND t.id < $after_id) "
        "RETURN t {.*} AS t ORDER BY t.created_at DESC, t.id DESC LIMIT $limit",
        after_at=after[0] if after else None,
        after_id=after[1] if after else "",
        limit=limit,
    )
    return [dict(record["t"]) async for record in result]


async def _complete(
    tx: AsyncManagedTransaction, plan_id: str, person_id: str, course_id: str, on: date
) -> PlanRecord:
    # Setting a property first takes the node's write lock, so two completions
    # of one plan do not both read the old enrolments and lose one another.
    locked = await tx.run(
        "MATCH (t:TrainingPlan {id: $id}) SET t.completions = coalesce(t.completions, 0) + 1 "
        "RETURN t {.*} AS t",
        id=plan_id,
    )
    row = await locked.single()
    if row is None:
        raise NotFound.of("training plan", plan_id)
    record = plan_from(row["t"])
    enrolment = record.enrolment(person_id, course_id)
    if enrolment is None:
        raise NotFound.of("enrolment", f"{person_id}/{course_id} in plan {plan_id}")
    if enrolment.completed_on is not None:
        raise FailedPrecondition(
            f"{person_id} already completed {course_id} on {enrolment.completed_on.isoformat()}"
        )
    updated = record.with_completion(person_id, course_id, on)
    await (
        await tx.run(
            "MATCH (t:TrainingPlan {id: $id}) SET t.people_json = $people",
            id=plan_id,
            people=_people_json(updated.people),
        )
    ).consume()
    return updated


async def _forget(tx: AsyncManagedTransaction, person_id: str) -> None:
    result = await tx.run(
        "MATCH (t:TrainingPlan) WHERE $person IN t.person_ids RETURN t {.*} AS t", person=person_id
    )
    nodes = [dict(record["t"]) async for record in result]
    for node in nodes:
        record = plan_from(node)
        kept = tuple(p for p in record.people if p.person_id != person_id)
        await (
            await tx.run(
                "MATCH (t:TrainingPlan {id: $id}) "
                "SET t.people_json = $people, t.person_ids = $ids, "
                "t.fillable_json = $fillable, t.coverage_met_json = $coverage",
                id=record.id,
                people=_people_json(kept),
                ids=sorted({p.person_id for p in kept}),
                fillable=_dumps([asdict(f) for f in record.fillable if f.person_id != person_id]),
                coverage=_dumps(
                    [
                        {
                            **asdict(c),
                            "person_ids": [p for p in c.person_ids if p != person_id],
                        }
                        for c in record.coverage_met
                    ]
                ),
            )
        ).consume()
