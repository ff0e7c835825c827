"""Snapshot benchmark: a skills replica starting from its scoring index's
snapshot against one building the index from the graph.

- 100,000 people (the scale bench's seeded workforce, 25 levels each), the
  people and their levels written into a real Neo4j by a plain `UNWIND` (what
  the index reads; the service's own import is the skills and scale benches'
  subject). A skills process with `SKILLS_INDEX_SNAPSHOT_PATH`
  is started again and again, alternately with no snapshot file (the cold
  build: every person read from the graph) and with the file its predecessor
  wrote on its clean stop. Each start is timed from process start to SERVING
  (health answers SERVING only once the index is loaded and caught up), with
  resident memory then; medians of each mode, and their ratio.
- 1,000,000 people: the index alone, in processes of their own. One builds it
  from arrays (`ScoringIndex.from_arrays`) and writes its snapshot; another
  loads that file. Seconds, file size, resident memory, and whether the
  loaded index ranks the four roles' top 20 as the built one did.

Run with `.venv/bin/python -m tests.bench.snapshot_bench` (or `make
bench-snapshot`). `SNAPSHOT_PEOPLE` and `SNAPSHOT_INDEX_PEOPLE` (or --people,
--index-people) shrink it. Writes the `snapshot` section of BENCHMARKS.md and
prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import Any, LiteralString

import numpy as np
from neo4j import AsyncGraphDatabase

from deploy.local_neo4j import free_port
from services.common.settings import Neo4jSettings
from services.skills.adapters.index_snapshot import FileIndexSnapshots
from services.skills.domain.model import SOURCE_RANK
from services.skills.domain.scoring_index import ClaimColumns, PeopleColumns, ScoringIndex
from services.skills.domain.scoring_index.state import IndexSnapshot
from services.skills.domain.seed import SEED_ROLES
from services.skills.entrypoints.server import SERVICE_NAME
from tests.bench.bare_topk import NEVER, TOP_K, Workforce, neighbourhoods_of
from tests.bench.procstat import rss_mib
from tests.bench.report import write_section
from tests.bench.scale_bench import (
    CLEARANCE,
    CLEARANCE_EXPIRES,
    HEAP_MB,
    PAGECACHE_MB,
    SEED,
    START_TIMEOUT_S,
    catalogue_skill_ids,
    locality_name,
    organisation_name,
    person_id,
    progress,
    running,
    skills_env,
    start_service,
    synthetic_workforce,
    wait_until_serving,
)
from tests.bench.skills_bench import (
    LEVELS_PER_PERSON,
    SECTORS,
    SOURCES,
    prepare,
    synthetic_catalogue,
)
from tests.support.neo4j_runtime import neo4j_for_tests

PEOPLE = int(os.environ.get("SNAPSHOT_PEOPLE", "100000"))
INDEX_PEOPLE = int(os.environ.get("SNAPSHOT_INDEX_PEOPLE", "1000000"))
# Starts per mode, alternated cold / snapshot.
STARTS = 3
WRITE_BATCH_PEOPLE = 1_000
GRAPH_ID = "bench"

# The graph: the workforce written bare.


# People and their levels only: what the index reads (no history, no
# organisations), created in one statement a batch on an empty graph.
WRITE_PEOPLE: LiteralString = """
UNWIND $people AS row
CREATE (p:Person {id: row.id})
SET p += row.properties
WITH p, row
UNWIND row.levels AS lv
MATCH (s:Skill {id: lv.skill_id})
CREATE (p)-[h:HAS_SKILL]->(s)
SET h = lv.properties
"""


def person_rows(workforce: Workforce, start: int, end: int) -> list[dict[str, Any]]:
    """People start..end with their levels, as the service stores them."""
    return [
        {
            "id": person_id(row),
            "properties": {
                "name": f"Person {row}",
                "sector": SECTORS[workforce.sector[row]],
                "organisation": organisation_name(int(workforce.organisation[row])),
                "locality": locality_name(int(workforce.locality[row])),
                "capacity_fte": float(workforce.capacity[row]),
                "day_rate": float(workforce.day_rate[row]),
                "clearance_kinds": [CLEARANCE] if workforce.cleared[row] else [],
                "clearance_expires": [CLEARANCE_EXPIRES] if workforce.cleared[row] else [],
                "available_from": "",
                "available_until": "",
            },
            "levels": [
                level_row(workforce, claim)
                for claim in range(row * LEVELS_PER_PERSON, (row + 1) * LEVELS_PER_PERSON)
            ],
        }
        for row in range(start, end)
    ]


def level_row(workforce: Workforce, claim: int) -> dict[str, Any]:
    source = SOURCES[workforce.claim_source[claim]]
    until = int(workforce.claim_valid_until[claim])
    return {
        "skill_id": workforce.skill_ids[workforce.claim_skill[claim]],
        "properties": {
            "level": int(workforce.claim_level[claim]),
            "source": source,
            "evidence": "synthetic evidence",
            "assessed_by": "",
            "assessed_at": date.fromordinal(int(workforce.claim_assessed[claim])).isoformat(),
            "valid_until": "" if until == NEVER else date.fromordinal(until).isoformat(),
            "rank": SOURCE_RANK[source],
        },
    }


async def write_graph(graph: Neo4jSettings, people: int) -> float:
    """An empty graph with the catalogue, then the workforce; returns the write's seconds."""
    catalogue = synthetic_catalogue(random.Random(SEED))
    workforce = synthetic_workforce(people, catalogue_skill_ids(catalogue))
    async with AsyncGraphDatabase.driver(
        graph.uri, auth=graph.auth, notifications_min_severity="OFF"
    ) as driver:
        await prepare(driver, graph.database, catalogue)
        started = perf_counter()
        for start in range(0, people, WRITE_BATCH_PEOPLE):
            rows = person_rows(workforce, start, min(start + WRITE_BATCH_PEOPLE, people))
            await driver.execute_query(WRITE_PEOPLE, {"people": rows}, database_=graph.database)
            if start % 20_000 == 0:
                progress(f"written {start + WRITE_BATCH_PEOPLE:,} people")
        return perf_counter() - started


# Restarts.


STARTED_FROM = {"cold": "scoring index built", "snapshot": "scoring index loaded from its snapshot"}


async def start_once(
    graph: Neo4jSettings, snapshot: Path, scratch: Path, mode: str
) -> dict[str, float]:
    """One skills process from start to SERVING, then a clean stop (which
    writes the snapshot the next start may load)."""
    address = f"127.0.0.1:{free_port()}"
    env = {
        **skills_env(graph, address),
        "SKILLS_INDEX_SNAPSHOT_PATH": str(snapshot),
        "LOG_LEVEL": "INFO",
    }
    service = start_service("skills", env, address, scratch)
    with running(service):
        serving_s = await wait_until_serving(service, SERVICE_NAME, START_TIMEOUT_S)
        rss = rss_mib(service.process.pid)
    if STARTED_FROM[mode] not in service.log.read_text(errors="replace"):
        raise RuntimeError(f"a {mode} start did not say {STARTED_FROM[mode]!r}; see {service.log}")
    return {"serving_s": serving_s, "rss_mib": rss}


def restarts(graph: Neo4jSettings, scratch: Path) -> dict[str, list[dict[str, float]]]:
    snapshot = scratch / "skills-index.npz"
    runs: dict[str, list[dict[str, float]]] = {"cold": [], "snapshot": []}
    for _ in range(STARTS):
        for mode in ("cold", "snapshot"):
            if mode == "cold":
                snapshot.unlink(missing_ok=True)
            figures = asyncio.run(start_once(graph, snapshot, scratch, mode))
            if not snapshot.exists():
                raise RuntimeError("the clean stop wrote no snapshot")
            figures["file_mib"] = snapshot.stat().st_size / 2**20
            runs[mode].append(figures)
            progress(f"{mode}: SERVING after {figures['serving_s']:.1f} s")
    return runs


# The 1,000,000-person index, in processes of its own.


def million_index(people: int) -> ScoringIndex:
    catalogue = synthetic_catalogue(random.Random(SEED))
    skill_ids = catalogue_skill_ids(catalogue)
    workforce = synthetic_workforce(people, skill_ids)
    columns = PeopleColumns(
        ids=[person_id(row) for row in range(people)],
        sectors=[SECTORS[code] for code in workforce.sector.tolist()],
        organisations=[organisation_name(code) for code in workforce.organisation.tolist()],
        localities=[locality_name(code) for code in workforce.locality.tolist()],
        capacity_fte=workforce.capacity,
    )
    claims = ClaimColumns(
        person=workforce.claim_person,
        skill=workforce.claim_skill,
        level=workforce.claim_level,
        source_rank=np.array([SOURCE_RANK[s] for s in SOURCES])[workforce.claim_source],
        assessed_day=workforce.claim_assessed,
        valid_until_day=workforce.claim_valid_until,
    )
    neighbourhoods = neighbourhoods_of(catalogue.broader, catalogue.related)
    return ScoringIndex.from_arrays(
        columns, claims, skill_ids, SEED_ROLES, neighbourhoods, today=date.today()
    )


def top_of(index: ScoringIndex) -> dict[str, list[tuple[str, float]]]:
    return {role.id: index.rank(role.id, k=TOP_K) for role in SEED_ROLES}


def build_and_save(people: int, path: Path) -> dict[str, Any]:
    started = perf_counter()
    index = million_index(people)
    for role in SEED_ROLES:
        index.fits(role.id)
    built_s = perf_counter() - started
    gc.collect()
    rss = rss_mib(os.getpid())
    started = perf_counter()
    snapshots = FileIndexSnapshots(path, driver=None)  # type: ignore[arg-type]
    size = snapshots.save(IndexSnapshot(index.capture_state(), GRAPH_ID, 0))
    return {
        "build_and_warm_s": built_s,
        "rss_mib": rss,
        "save_s": perf_counter() - started,
        "file_mib": size / 2**20,
        "top": top_of(index),
    }


def load(path: Path) -> dict[str, Any]:
    baseline = rss_mib(os.getpid())
    started = perf_counter()
    snapshot = FileIndexSnapshots(path, driver=None).load(GRAPH_ID)  # type: ignore[arg-type]
    if snapshot is None:
        raise RuntimeError("the snapshot was refused")
    index = ScoringIndex.from_state(snapshot.state, date.today())
    loaded_s = perf_counter() - started
    catalogue = synthetic_catalogue(random.Random(SEED))
    index.set_catalogue(SEED_ROLES, neighbourhoods_of(catalogue.broader, catalogue.related))
    for role in SEED_ROLES:
        index.fits(role.id)
    warmed_s = perf_counter() - started
    del snapshot
    gc.collect()
    return {
        "load_s": loaded_s,
        "load_and_warm_s": warmed_s,
        "rss_mib": rss_mib(os.getpid()),
        "baseline_rss_mib": baseline,
        "top": top_of(index),
    }


def in_own_process(*args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench.snapshot_bench", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def million(people: int, scratch: Path) -> dict[str, Any]:
    path = scratch / "million.npz"
    runs: dict[str, list[dict[str, Any]]] = {"build": [], "load": []}
    for _ in range(STARTS):
        runs["build"].append(in_own_process("--build-and-save", str(people), str(path)))
        runs["load"].append(in_own_process("--load", str(path)))
        progress(
            f"{people:,} people: built {runs['build'][-1]['build_and_warm_s']:.1f} s, "
            f"loaded {runs['load'][-1]['load_and_warm_s']:.1f} s"
        )
    return {
        "people": people,
        "build_s": median(runs["build"], "build_and_warm_s"),
        "save_s": median(runs["build"], "save_s"),
        "load_s": median(runs["load"], "load_s"),
        "load_and_warm_s": median(runs["load"], "load_and_warm_s"),
        "file_mib": median(runs["build"], "file_mib"),
        "build_rss_mib": median(runs["build"], "rss_mib"),
        "load_rss_mib": median(runs["load"], "rss_mib"),
        "same_top": all(b["top"] == lo["top"] for b, lo in zip(*runs.values(), strict=True)),
    }


# Report.


def median(runs: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(run[key] for run in runs))


def figures_of(
    people: int, write_s: float, runs: dict[str, list[dict[str, float]]]
) -> dict[str, Any]:
    cold, warm = runs["cold"], runs["snapshot"]
    return {
        "people": people,
        "graph_write_s": write_s,
        "cold_serving_s": median(cold, "serving_s"),
        "snapshot_serving_s": median(warm, "serving_s"),
        "cold_runs_s": [r["serving_s"] for r in cold],
        "snapshot_runs_s": [r["serving_s"] for r in warm],
        "cold_rss_mib": median(cold, "rss_mib"),
        "snapshot_rss_mib": median(warm, "rss_mib"),
        "file_mib": median(warm, "file_mib"),
    }


def load_average() -> str:
    return " / ".join(f"{value:.1f}" for value in os.getloadavg())


def markdown(city: dict[str, Any], big: dict[str, Any]) -> str:
    ratio = city["cold_serving_s"] / city["snapshot_serving_s"]
    lines = [
        "## Index snapshot",
        "",
        f"**{city['people']:,} people** (25 levels each; the people and their levels "
        f"written by a plain `UNWIND` into a real Neo4j in {city['graph_write_s']:.0f} s). "
        "A skills process with `SKILLS_INDEX_SNAPSHOT_PATH`, "
        f"started {STARTS} times in each mode, alternated; seconds from process start to "
        "SERVING (loaded and caught up through the change feed), resident memory then.",
        "",
        "| start | seconds to SERVING (median) | each run | resident MiB (median) |",
        "|---|---|---|---|",
        f"| cold: built from the graph | {city['cold_serving_s']:.1f} | "
        f"{', '.join(f'{s:.1f}' for s in city['cold_runs_s'])} | {city['cold_rss_mib']:.0f} |",
        f"| from the snapshot | {city['snapshot_serving_s']:.1f} | "
        f"{', '.join(f'{s:.1f}' for s in city['snapshot_runs_s'])} | "
        f"{city['snapshot_rss_mib']:.0f} |",
        "",
        f"Cold / snapshot: **{ratio:.1f}x**. Snapshot file: {city['file_mib']:.0f} MiB.",
        "",
        f"**{big['people']:,} people**, the index alone, in processes of their own "
        f"(medians of {STARTS}):",
        "",
        "| step | seconds | resident MiB |",
        "|---|---|---|",
        f"| build from arrays, effective levels derived | {big['build_s']:.1f} | "
        f"{big['build_rss_mib']:.0f} |",
        f"| write the snapshot | {big['save_s']:.1f} | |",
        f"| load the snapshot | {big['load_s']:.1f} | {big['load_rss_mib']:.0f} |",
        f"| load, effective levels derived | {big['load_and_warm_s']:.1f} | |",
        "",
        f"Snapshot file: {big['file_mib']:.0f} MiB. The loaded index ranks the four roles' "
        f"top {TOP_K} as the built one did: {'yes' if big['same_top'] else '**no**'}. "
        "A real restart adds reading the roles, the change feed since the watermark and "
        "the graph's person ids (the check that the index holds exactly them).",
        "",
        f"Load average at the end of the run: {load_average()} (1 / 5 / 15 min).",
    ]
    return "\n".join(lines)


def summary(city: dict[str, Any], big: dict[str, Any]) -> dict[str, Any]:
    return {
        "people": city["people"],
        "cold_serving_s_100k": round(city["cold_serving_s"], 2),
        "snapshot_serving_s_100k": round(city["snapshot_serving_s"], 2),
        "cold_vs_snapshot": round(city["cold_serving_s"] / city["snapshot_serving_s"], 2),
        "snapshot_mib_100k": round(city["file_mib"], 1),
        "cold_rss_mb_100k": round(city["cold_rss_mib"], 1),
        "snapshot_rss_mb_100k": round(city["snapshot_rss_mib"], 1),
        "index_people": big["people"],
        "build_s_1m": round(big["build_s"], 2),
        "snapshot_save_s_1m": round(big["save_s"], 2),
        "snapshot_load_s_1m": round(big["load_s"], 2),
        "snapshot_load_and_warm_s_1m": round(big["load_and_warm_s"], 2),
        "snapshot_mib_1m": round(big["file_mib"], 1),
        "snapshot_rss_mb_1m": round(big["load_rss_mib"], 1),
        "same_top_1m": big["same_top"],
    }


def city_run(people: int, scratch: Path) -> dict[str, Any]:
    with neo4j_for_tests(scratch / "neo4j", pagecache_mb=PAGECACHE_MB, heap_mb=HEAP_MB) as graph:
        write_s = asyncio.run(write_graph(graph, people))
        progress(f"{people:,} people written in {write_s:.0f} s")
        runs = restarts(graph, scratch)
    return figures_of(people, write_s, runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE)
    parser.add_argument("--index-people", type=int, default=INDEX_PEOPLE)
    parser.add_argument("--build-and-save", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--load", help=argparse.SUPPRESS)
    parser.add_argument("--no-report", action="store_true", help="leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if args.build_and_save:
        people, path = args.build_and_save
        print(json.dumps(build_and_save(int(people), Path(path))))
        return
    if args.load:
        print(json.dumps(load(Path(args.load))))
        return
    with tempfile.TemporaryDirectory(prefix="snapshot-bench-") as scratch:
        big = million(args.index_people, Path(scratch))
        city = city_run(args.people, Path(scratch))
    if not args.no_report:
        write_section("snapshot", markdown(city, big))
    print(json.dumps(summary(city, big)))


if __name__ == "__main__":
    main()
