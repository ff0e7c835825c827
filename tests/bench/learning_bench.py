"""Learning benchmark: the learning report and the collaborations staffing reads,
on a seeded graph of closed outcomes with their team history and results.

The report reads every closed outcome with its team and results in one query
(one record) and computes in one pass; collaborations come in one query (one
record) for a staffing request's candidates. Both are timed on the real Neo4j
against the same graph.

Run with `.venv/bin/python -m tests.bench.learning_bench`. Writes the `learning`
section of BENCHMARKS.md and prints one JSON object as the last line.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from neo4j import AsyncDriver

from services.common.graph import open_driver
from services.common.settings import Neo4jSettings
from services.matching.adapters.learning_records import member_properties
from services.matching.adapters.neo4j_learning import Neo4jLearningRepository
from services.matching.adapters.neo4j_outcomes import outcome_properties
from services.matching.adapters.schema import create_schema
from services.matching.domain.learning import Closing, ServedLine, team_history, worked_with
from services.matching.domain.learning_report import Grouping, learning_report
from services.matching.domain.model import (
    Approach,
    Assessment,
    Direction,
    Measure,
    Outcome,
    OutcomeState,
    Sector,
    Slot,
)
from tests.bench.report import write_section
from tests.support.neo4j_runtime import neo4j_for_tests

SEED = 14
OUTCOMES = 2_000
PEOPLE = 3_000
TEAM_SIZE = 5
RESULTS_PER_MEASURE = 3
CANDIDATES = 1_000
REPEATS = 5
LOCALITIES = tuple(f"ward-{n}" for n in range(12))
START = date(2024, 1, 1)


def closed_outcome(rng: random.Random, index: int) -> Outcome:
    start = START + timedelta(days=rng.randrange(300))
    return Outcome(
        id=f"closed-{index:05d}",
        title=f"Closed outcome {index}",
        locality=rng.choice(LOCALITIES),
        priority=rng.randint(1, 5),
        budget=50_000.0,
        start=start,
        end=start + timedelta(days=180),
        days=40.0,
        slots=(Slot("navigator", 3, 0.5), Slot("weaver", 2, 0.5)),
        measures=(
            Measure("reach", "People reached", "people", 100.0, 300.0),
            Measure("waits", "Weeks waited", "weeks", 8.0, 4.0, Direction.LOWER_IS_BETTER),
        ),
        approach=rng.choice(list(Approach)),
        state=OutcomeState.CLOSED,
        assessment=rng.choice(list(Assessment)),
        closed_on=start + timedelta(days=180),
    )


def graph_rows(rng: random.Random) -> dict[str, list[dict[str, Any]]]:
    outcomes, members, results, pairs = [], [], [], []
    for index in range(OUTCOMES):
        outcome = closed_outcome(rng, index)
        assert outcome.assessment is not None and outcome.closed_on is not None
        closing = Closing(outcome.assessment, "", outcome.closed_on)
        lines = [
            ServedLine(
                person_id=f"p{rng.randrange(PEOPLE):05d}",
                role_id="navigator" if place < 3 else "weaver",
                sector=rng.choice(list(Sector)),
                fte=0.5,
                fit=rng.uniform(0.5, 1.0),
                committed_on=outcome.start,
            )
            for place in range(TEAM_SIZE)
        ]
        team = team_history(outcome, closing, lines)
        outcomes.append(outcome_properties(outcome))
        members += [member_properties(m) for m in team]
        for measure in outcome.measures:
            for step in range(RESULTS_PER_MEASURE):
                results.append(
                    {
                        "outcome_id": outcome.id,
                        "measure_id": measure.id,
                        "value": rng.uniform(0, 300)
                        if measure.id == "reach"
                        else rng.uniform(2, 9),
                        "dated": outcome.start + timedelta(days=60 * (step + 1)),
                        "source": "survey",
                        "note": "",
                        "recorded_at": datetime(2025, 1, 1, tzinfo=UTC),
                    }
                )
        pairs += [
            {
                "a": c.person_a,
                "b": c.person_b,
                "outcome_id": outcome.id,
                "assessment": outcome.assessment.value,
                "on": outcome.closed_on,
            }
            for c in worked_with(team, outcome.assessment)
        ]
    return {"outcomes": outcomes, "members": members, "results": results, "pairs": pairs}


async def load(driver: AsyncDriver, database: str, rows: dict[str, list[dict[str, Any]]]) -> None:
    statements = {
        "outcomes": "UNWIND $rows AS row CREATE (o:Outcome) SET o = row",
        "members": "UNWIND $rows AS row MATCH (o:Outcome {id: row.outcome_id}) "
        "CREATE (o)-[:SERVED_BY]->(m:TeamMember) SET m = row",
        "results": "UNWIND $rows AS row MATCH (o:Outcome {id: row.outcome_id}) "
        "CREATE (o)-[:HAS_RESULT]->(r:MeasureResult) SET r = row",
        "pairs": "UNWIND $rows AS row "
        "MERGE (a:Collaborator {person_id: row.a}) MERGE (b:Collaborator {person_id: row.b}) "
        "CREATE (a)-[:WORKED_WITH {outcome_id: row.outcome_id, assessment: row.assessment, "
        "closed_on: row.on}]->(b)",
    }
    for name, statement in statements.items():
        batch = rows[name]
        for offset in range(0, len(batch), 5_000):
            await driver.execute_query(
                statement, rows=batch[offset : offset + 5_000], database_=database
            )


async def timed(repeats: int, call: Any) -> tuple[float, Any]:
    seconds, answer = [], None
    for _ in range(repeats):
        started = perf_counter()
        answer = await call()
        seconds.append(perf_counter() - started)
    return statistics.median(seconds), answer


async def run(settings: Neo4jSettings) -> dict[str, Any]:
    rng = random.Random(SEED)
    rows = graph_rows(rng)
    driver = open_driver(settings)
    try:
        repository = Neo4jLearningRepository(driver, settings.database)
        await create_schema(driver, settings.database)
        await repository.prepare()
        await load(driver, settings.database, rows)
        read_s, closed = await timed(REPEATS, repository.closed_outcomes)

        async def compute() -> Any:
            return learning_report(closed, Grouping.LOCALITY, 5)

        report_s, report = await timed(REPEATS, compute)
        candidates = [f"p{n:05d}" for n in rng.sample(range(PEOPLE), CANDIDATES)]
        pairs_s, pairs = await timed(REPEATS, lambda: repository.collaborations(candidates))
    finally:
        await driver.close()
    return {
        "closed_outcomes": len(closed),
        "team_members": len(rows["members"]),
        "results": len(rows["results"]),
        "worked_with": len(rows["pairs"]),
        "report_read_ms": round(read_s * 1000, 1),
        "report_compute_ms": round(report_s * 1000, 1),
        "report_groups": len(report.groups),
        "collaborations_candidates": CANDIDATES,
        "collaborations_found": len(pairs),
        "collaborations_ms": round(pairs_s * 1000, 1),
        # Other work on a shared machine moves these figures: say how busy it was.
        "load_average": round(os.getloadavg()[0], 1),
    }


def markdown(figures: dict[str, Any]) -> str:
    return (
        "## Learning report and collaborations\n\n"
        f"{figures['closed_outcomes']} closed outcomes with {figures['team_members']} team "
        f"history members, {figures['results']} results and {figures['worked_with']} "
        "WORKED_WITH relations (seeded). Median of "
        f"{REPEATS} runs; load average {figures['load_average']} during the run.\n\n"
        "| step | ms |\n|---|---|\n"
        f"| read every closed outcome with team and results (one query, one record) | "
        f"{figures['report_read_ms']} |\n"
        f"| compute the report by locality ({figures['report_groups']} groups) | "
        f"{figures['report_compute_ms']} |\n"
        f"| collaborations among {figures['collaborations_candidates']} candidates "
        f"({figures['collaborations_found']} pairs, one query) | {figures['collaborations_ms']} |\n"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch, neo4j_for_tests(Path(scratch)) as settings:
        figures = asyncio.run(run(settings))
    write_section("learning", markdown(figures))
    print(json.dumps(figures))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
