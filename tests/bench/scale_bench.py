"""Scale benchmark: the skills service's scoring index at city size.

A seeded synthetic workforce (25 levels a person over a 2,000-skill
catalogue with a broader hierarchy, related skills and the four seeded
roles) at two sizes:

- 100,000 people, loaded through the service's own client-streaming
  ImportPeople into a real Neo4j, then served by a fresh skills process (its
  index built at start: the seconds from process start to SERVING, its
  resident memory from /proc) and a matching process. Timed over gRPC:
  RankCandidates top 20 for the four roles, with and without a locality
  filter, each call alternated with a bare numpy top-k over the same levels
  (written here, from the generated arrays: the same credit rule, expiry and
  evidence age, then `argpartition`; it shares none of the service's costs);
  GetFit with its gap steps; the gap report; a proposal for a 6-outcome
  portfolio open to every locality.
- 1,000,000 people: the index alone, built in a separate process from arrays
  through the domain's `ScoringIndex.from_arrays`, ranked in-process against
  the same bare numpy top-k.

It also reads many records through the Neo4j driver with and without its
Rust extension (neo4j-rust-ext), in the same run.

Run with `.venv/bin/python -m tests.bench.scale_bench` (or `make bench-scale`).
`SCALE_PEOPLE` and `SCALE_INDEX_PEOPLE` (or --people, --index-people) shrink
it for a smoke run. Writes the `scale` section of BENCHMARKS.md and prints one
JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from time import perf_counter
from typing import Any, LiteralString

import grpc
import numpy as np
import numpy.typing as npt
from grpc_health.v1 import health_pb2, health_pb2_grpc
from neo4j import AsyncGraphDatabase, RoutingControl

from deploy.local_neo4j import free_port
from lps.common.v1 import common_pb2
from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.settings import Neo4jSettings
from services.skills.domain.model import SOURCE_RANK, PeopleFilter
from services.skills.domain.seed import SEED_ROLES, SEED_SKILLS
from services.skills.entrypoints.mapping import PROTO_OF_SECTOR, PROTO_OF_SOURCE
from services.skills.entrypoints.server import SERVICE_NAME
from tests.bench.bare_topk import (
    NEVER,
    TOP_K,
    BareRole,
    BareTopK,
    Workforce,
    neighbourhoods_of,
    same_fits,
)
from tests.bench.procstat import rss_mib
from tests.bench.report import write_section
from tests.bench.skills_bench import (
    AREAS,
    EARLIEST_EVIDENCE,
    EVIDENCE_DAYS,
    FIELDS,
    LEVEL_WEIGHTS,
    LEVELS_PER_PERSON,
    LOCALITIES,
    ORGANISATIONS,
    SECTOR_WEIGHTS,
    SECTORS,
    SKILLS,
    SOURCE_WEIGHTS,
    SOURCES,
    Catalogue,
    prepare,
    synthetic_catalogue,
)
from tests.support.neo4j_runtime import neo4j_for_tests

ROOT = Path(__file__).resolve().parents[2]
SEED = 2026
PEOPLE = int(os.environ.get("SCALE_PEOPLE", "100000"))
INDEX_PEOPLE = int(os.environ.get("SCALE_INDEX_PEOPLE", "1000000"))
RANK_WARMUP = 2
RANK_REPEATS = 20
FIT_CALLS = 200
FILTER_LOCALITY = 0
CLEARANCE = "dbs-enhanced"
CLEARANCE_EXPIRES = "2028-03-31"
CLEARED_SHARE = 0.3
PORTFOLIO_OUTCOMES = 6
PROPOSAL_LIMIT_S = 10.0
# A slot's minimum fit: the fit only this share of the workforce reaches for its role.
MIN_FIT_TOP_SHARE = 0.01
DRIVER_RECORDS = 50_000
DRIVER_REPEATS = 3
CALL_TIMEOUT_S = 600.0
START_TIMEOUT_S = 1_800.0
PAGECACHE_MB = 2_048
HEAP_MB = 2_048
# Targets of the issue, printed beside the figures.
RANK_RATIO_TARGET = 10.0
RANK_P95_TARGET_MS = 50.0
RANK_1M_TARGET_MS = 100.0


STARTED = perf_counter()


def progress(message: str) -> None:
    print(f"[{perf_counter() - STARTED:6.0f} s] {message}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


# The workforce, as arrays.


def person_id(row: int) -> str:
    return f"person-{row:07d}"


def locality_name(code: int) -> str:
    return f"ward-{code:02d}"


def organisation_name(code: int) -> str:
    return f"org-{code:03d}"


def catalogue_skill_ids(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple([s.id for s in SEED_SKILLS] + [s["id"] for s in catalogue.skills])


def distinct_draws(
    rng: np.random.Generator, rows: int, per_row: int, pool: int
) -> npt.NDArray[np.int32]:
    """`per_row` distinct values in [0, pool) for each row: drawn with
    replacement, rows holding a repeat drawn again until none does."""
    draws = rng.integers(0, pool, size=(rows, per_row), dtype=np.int32)
    while True:
        ordered = np.sort(draws, axis=1)
        repeated = np.flatnonzero((ordered[:, 1:] == ordered[:, :-1]).any(axis=1))
        if repeated.size == 0:
            return draws
        draws[repeated] = rng.integers(0, pool, size=(repeated.size, per_row), dtype=np.int32)


def synthetic_workforce(people: int, skill_ids: Sequence[str], seed: int = SEED) -> Workforce:
    """Like the skills benchmark's workforce (one of the roles' sixteen skills
    and 24 others of the areas and leaves per person), drawn with numpy."""
    rng = np.random.default_rng(seed)
    role_skill_count = len(SEED_SKILLS)
    code_of = {skill_id: code for code, skill_id in enumerate(skill_ids)}
    others = np.array(
        [
            code_of[s]
            for s in skill_ids[role_skill_count:]
            if not s.startswith("field-")  # fields are only parents, as in the skills bench
        ],
        dtype=np.int32,
    )
    sector = rng.choice(len(SECTORS), size=people, p=SECTOR_WEIGHTS).astype(np.int8)
    community = sector == SECTORS.index("community")
    capacity = np.where(
        community, rng.uniform(0.1, 0.4, people), rng.uniform(0.5, 1.0, people)
    ).round(2)
    day_rate = np.where(community, 0.0, rng.integers(250, 900, people).astype(np.float64))
    role_skill = rng.integers(0, role_skill_count, people, dtype=np.int32)
    other_skills = others[distinct_draws(rng, people, LEVELS_PER_PERSON - 1, others.size)]
    skills = np.concatenate([role_skill[:, None], other_skills], axis=1).reshape(-1)
    claims = skills.size
    source = rng.choice(len(SOURCES), size=claims, p=SOURCE_WEIGHTS).astype(np.int8)
    assessed = (EARLIEST_EVIDENCE.toordinal() + rng.integers(0, EVIDENCE_DAYS, claims)).astype(
        np.int32
    )
    expiring = np.isin(source, [SOURCES.index("training"), SOURCES.index("certificate")]) & (
        rng.random(claims) < 0.5
    )
    valid_until = np.where(expiring, assessed + rng.integers(365, 1_500, claims), NEVER).astype(
        np.int32
    )
    return Workforce(
        skill_ids=tuple(skill_ids),
        sector=sector,
        organisation=rng.integers(0, ORGANISATIONS, people, dtype=np.int32),
        locality=rng.integers(0, LOCALITIES, people, dtype=np.int32),
        capacity=capacity,
        day_rate=day_rate,
        cleared=rng.random(people) < CLEARED_SHARE,
        claim_person=np.repeat(np.arange(people, dtype=np.int32), LEVELS_PER_PERSON),
        claim_skill=skills.astype(np.int32),
        claim_level=rng.choice(4, size=claims, p=LEVEL_WEIGHTS).astype(np.int8) + 1,
        claim_source=source,
        claim_assessed=assessed,
        claim_valid_until=valid_until,
    )


def import_rows(workforce: Workforce) -> Iterator[skills_pb2.PersonImportRow]:
    """The workforce as ImportPeople rows, made as the stream asks for them."""
    skill_ids = workforce.skill_ids
    for row in range(workforce.size):
        first = row * LEVELS_PER_PERSON
        claims = range(first, first + LEVELS_PER_PERSON)
        sector = SECTORS[workforce.sector[row]]
        yield skills_pb2.PersonImportRow(
            person=skills_pb2.Person(
                id=person_id(row),
                name=f"Person {row}",
                sector=PROTO_OF_SECTOR[sector],  # type: ignore[arg-type]
                organisation=organisation_name(int(workforce.organisation[row])),
                locality=locality_name(int(workforce.locality[row])),
                capacity_fte=float(workforce.capacity[row]),
                day_rate=float(workforce.day_rate[row]),
                clearances=[common_pb2.Clearance(kind=CLEARANCE, expires=CLEARANCE_EXPIRES)]
                if workforce.cleared[row]
                else [],
            ),
            levels=[
                skills_pb2.PersonLevelInput(
                    skill_id=skill_ids[workforce.claim_skill[c]],
                    level=int(workforce.claim_level[c]),
                    evidence="synthetic evidence",
                    source=PROTO_OF_SOURCE[SOURCES[workforce.claim_source[c]]],  # type: ignore[arg-type]
                    assessed_by="" if workforce.claim_source[c] == 0 else f"assessor-{c % 50}",
                    assessed_at=date.fromordinal(int(workforce.claim_assessed[c])).isoformat(),
                    valid_until=""
                    if workforce.claim_valid_until[c] == NEVER
                    else date.fromordinal(int(workforce.claim_valid_until[c])).isoformat(),
                )
                for c in claims
            ],
            actor="bench",
        )


# Processes.


@dataclass
class Service:
    name: str
    process: subprocess.Popen[bytes]
    address: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def service_env(graph: Neo4jSettings, extra: Mapping[str, str]) -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_URI": graph.uri,
        "NEO4J_USER": graph.user,
        "NEO4J_PASSWORD": graph.password,
        "NEO4J_DATABASE": graph.database,
        "LOG_LEVEL": "WARNING",
        **extra,
    }


def start_service(name: str, env: Mapping[str, str], address: str, scratch: Path) -> Service:
    log = scratch / f"{name}-{len(list(scratch.glob(f'{name}-*.log')))}.log"
    process = subprocess.Popen(
        [sys.executable, "-m", f"services.{name}"],
        cwd=ROOT,
        env=dict(env),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    return Service(name, process, address, log)


async def wait_until_serving(service: Service, health_name: str, timeout_s: float) -> float:
    """Seconds until the service's health reports SERVING."""
    started = perf_counter()
    async with grpc.aio.insecure_channel(service.address) as channel:
        health = health_pb2_grpc.HealthStub(channel)
        request = health_pb2.HealthCheckRequest(service=health_name)
        while True:
            if service.process.poll() is not None:
                tail = service.log.read_text(errors="replace")[-3000:]
                raise RuntimeError(
                    f"{service.name} exited with {service.process.returncode}:\n{tail}"
                )
            try:
                answer = await health.Check(request, timeout=5)
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return perf_counter() - started
            except grpc.aio.AioRpcError:
                pass
            if perf_counter() - started > timeout_s:
                raise TimeoutError(f"{service.name} never reported SERVING")
            await asyncio.sleep(0.05)


@contextmanager
def running(service: Service) -> Iterator[Service]:
    try:
        yield service
    finally:
        service.stop()


def skills_env(graph: Neo4jSettings, address: str) -> dict[str, str]:
    return service_env(graph, {"SKILLS_GRPC_ADDRESS": address, "SKILLS_METRICS_PORT": "-1"})


def matching_env(graph: Neo4jSettings, address: str, skills_address: str) -> dict[str, str]:
    return service_env(
        graph,
        {
            "MATCHING_GRPC_ADDRESS": address,
            "MATCHING_SKILLS_ADDRESS": skills_address,
            "MATCHING_METRICS_PORT": "-1",
            "MATCHING_SKILLS_TIMEOUT_S": str(CALL_TIMEOUT_S),
            "MATCHING_MATRIX_TIMEOUT_S": str(CALL_TIMEOUT_S),
        },
    )


# The 100,000-person part.


async def import_workforce(address: str, workforce: Workforce) -> tuple[float, int]:
    async def stream() -> AsyncIterator[skills_pb2.PersonImportRow]:
        for row in import_rows(workforce):
            yield row

    async with grpc.aio.insecure_channel(address) as channel:
        stub = skills_pb2_grpc.SkillsServiceStub(channel)  # type: ignore[no-untyped-call]
        started = perf_counter()
        summary = await stub.ImportPeople(stream(), timeout=START_TIMEOUT_S)
        elapsed = perf_counter() - started
    if summary.rejected or summary.accepted != workforce.size:
        raise RuntimeError(f"the import did not take every row: {summary}")
    return elapsed, int(summary.levels_written)


@dataclass(frozen=True)
class RankFigures:
    grpc_ms: dict[str, list[float]]
    bare_ms: dict[str, list[float]]
    same_top: bool

    def all_grpc(self) -> list[float]:
        return [v for values in self.grpc_ms.values() for v in values]

    def all_bare(self) -> list[float]:
        return [v for values in self.bare_ms.values() for v in values]


async def time_ranking(
    stub: skills_pb2_grpc.SkillsServiceStub,
    bare: BareTopK,
    bare_roles: Mapping[str, BareRole],
) -> RankFigures:
    grpc_ms: dict[str, list[float]] = {}
    bare_ms: dict[str, list[float]] = {}
    same = True
    for role_id, bare_role in bare_roles.items():
        for locality in (None, FILTER_LOCALITY):
            label = f"{role_id}, {'locality' if locality is not None else 'no filter'}"
            people_filter = common_pb2.PeopleFilter(
                locality=locality_name(locality) if locality is not None else ""
            )
            request = skills_pb2.RankCandidatesRequest(
                role_id=role_id, filter=people_filter, limit=TOP_K
            )
            reply = await stub.RankCandidates(request, timeout=CALL_TIMEOUT_S)
            same &= same_fits([c.fit.fit for c in reply.candidates], bare.top(bare_role, locality))
            for _ in range(RANK_WARMUP):
                await stub.RankCandidates(request, timeout=CALL_TIMEOUT_S)
                bare.top(bare_role, locality)
            grpc_ms[label], bare_ms[label] = [], []
            # Alternated, so drift in the machine's load falls on both alike.
            for _ in range(RANK_REPEATS):
                started = perf_counter()
                await stub.RankCandidates(request, timeout=CALL_TIMEOUT_S)
                grpc_ms[label].append((perf_counter() - started) * 1e3)
                started = perf_counter()
                bare.top(bare_role, locality)
                bare_ms[label].append((perf_counter() - started) * 1e3)
            progress(
                f"rank {label}: gRPC p95 {percentile(grpc_ms[label], 0.95):.1f} ms, "
                f"bare p95 {percentile(bare_ms[label], 0.95):.2f} ms"
            )
    return RankFigures(grpc_ms, bare_ms, same)


async def time_fit(stub: skills_pb2_grpc.SkillsServiceStub, people: int) -> list[float]:
    rng = random.Random(SEED)
    roles = [r.id for r in SEED_ROLES]
    latencies = []
    for _ in range(FIT_CALLS):
        request = skills_pb2.GetFitRequest(
            person_id=person_id(rng.randrange(people)),
            role_id=rng.choice(roles),
            include_gaps=True,
        )
        started = perf_counter()
        await stub.GetFit(request, timeout=CALL_TIMEOUT_S)
        latencies.append((perf_counter() - started) * 1e3)
    return latencies


def portfolio(min_fits: Mapping[str, float]) -> list[matching_pb2.Outcome]:
    """Six outcomes in six wards, each with two roles' slots, open to every locality."""
    roles = [r.id for r in SEED_ROLES]
    outcomes = []
    for number in range(PORTFOLIO_OUTCOMES):
        first, second = roles[number % len(roles)], roles[(number + 1) % len(roles)]
        outcomes.append(
            matching_pb2.Outcome(
                id=f"scale-outcome-{number}",
                title=f"Scale outcome {number}",
                locality=locality_name(number),
                priority=1 + number % 5,
                budget=500_000,
                start="2027-01-04",
                end="2027-06-30",
                days=20,
                slots=[
                    matching_pb2.Slot(
                        role_id=first,
                        count=3,
                        fte=0.5,
                        min_fit=min_fits[first],
                        clearance=CLEARANCE if number == 0 else "",
                    ),
                    matching_pb2.Slot(role_id=second, count=2, fte=0.3, min_fit=min_fits[second]),
                ],
                rules=matching_pb2.TeamRules(
                    min_sectors=2,
                    max_sector_share=0.6,
                    min_community_members=1,
                    locality=matching_pb2.LOCALITY_RULE_ANY,
                ),
            )
        )
    return outcomes


@dataclass(frozen=True)
class MatchingFigures:
    places: int
    gaps_s: float | None = None
    propose_s: float | None = None
    status: str = ""
    filled: int = 0
    pruned: bool = False
    # Calls that failed, with their status: a figure missing says why.
    failures: tuple[str, ...] = ()


def failure(call: str, error: grpc.aio.AioRpcError) -> str:
    progress(f"{call} failed: {error.code().name} {error.details()}")
    return f"{call}: {error.code().name} ({(error.details() or '')[:200]})"


async def time_matching(address: str, outcomes: Sequence[matching_pb2.Outcome]) -> MatchingFigures:
    places = sum(slot.count for o in outcomes for slot in o.slots)
    failures: list[str] = []
    gaps_s: float | None = None
    proposal: matching_pb2.Proposal | None = None
    propose_s: float | None = None
    async with grpc.aio.insecure_channel(address) as channel:
        stub = matching_pb2_grpc.MatchingServiceStub(channel)  # type: ignore[no-untyped-call]
        for outcome in outcomes:
            # A kept graph holds them from an earlier run: start from the same outcomes.
            try:
                await stub.DeleteOutcome(
                    matching_pb2.DeleteOutcomeRequest(id=outcome.id), timeout=CALL_TIMEOUT_S
                )
            except grpc.aio.AioRpcError as error:
                if error.code() != grpc.StatusCode.NOT_FOUND:
                    raise
            await stub.CreateOutcome(
                matching_pb2.CreateOutcomeRequest(outcome=outcome), timeout=CALL_TIMEOUT_S
            )
        started = perf_counter()
        try:
            await stub.ReportGaps(matching_pb2.ReportGapsRequest(), timeout=CALL_TIMEOUT_S)
            gaps_s = perf_counter() - started
            progress(f"gap report: {gaps_s:.2f} s")
        except grpc.aio.AioRpcError as error:
            failures.append(failure("ReportGaps", error))
        request = matching_pb2.ProposeStaffingRequest(
            outcome_ids=[o.id for o in outcomes],
            time_limit_s=PROPOSAL_LIMIT_S,
            mode=matching_pb2.STAFFING_MODE_SOFT,
        )
        started = perf_counter()
        try:
            proposal = await stub.ProposeStaffing(request, timeout=CALL_TIMEOUT_S)
            propose_s = perf_counter() - started
        except grpc.aio.AioRpcError as error:
            failures.append(failure("ProposeStaffing", error))
    if proposal is None:
        return MatchingFigures(places, gaps_s, failures=tuple(failures))
    filled = sum(len(team.assignments) for team in proposal.teams)
    progress(f"proposal: {propose_s:.2f} s, {filled} of {places} places")
    return MatchingFigures(
        places=places,
        gaps_s=gaps_s,
        propose_s=propose_s,
        status=matching_pb2.ProposalStatus.Name(proposal.status),
        filled=filled,
        pruned=proposal.pruned,
        failures=tuple(failures),
    )


# The driver with and without its Rust extension.

DRIVER_READ: LiteralString = """
MATCH (p:Person)-[h:HAS_SKILL]->(s:Skill)
RETURN p.id AS person, s.id AS skill, h.level AS level, h.assessed_at AS assessed
LIMIT $limit
"""


def _pure_python_pack(self: Any, data: Any, dehydration_hooks: Any = None) -> None:
    self._py_pack(data, dehydration_hooks)


def _pure_python_unpack(self: Any, hydration_hooks: Any = None) -> Any:
    return self._unpack(hydration_hooks=hydration_hooks)


@contextmanager
def rust_extension(enabled: bool) -> Iterator[bool]:
    """Packstream through the Rust extension or the driver's pure Python; says
    whether the extension is installed at all. The driver picks its packer and
    unpacker methods when its classes are defined; without the extension it
    defines exactly these pure-Python ones, so that is what is swapped in."""
    modules = [
        importlib.import_module(f"neo4j._codec.packstream.{version}") for version in ("v1", "v2")
    ]
    installed = all(module._rust_unpack is not None for module in modules)
    saved = [
        (m.Packer, m.Packer.__dict__["_pack"], m.Unpacker, m.Unpacker.__dict__["unpack"])
        for m in modules
    ]
    try:
        if not enabled:
            for packer, _, unpacker, _ in saved:
                packer._pack = _pure_python_pack
                unpacker.unpack = _pure_python_unpack
        yield installed
    finally:
        for packer, pack, unpacker, unpack in saved:
            packer._pack = pack
            unpacker.unpack = unpack


async def time_driver(graph: Neo4jSettings, levels: int) -> dict[str, float]:
    wanted = min(DRIVER_RECORDS, levels)
    seconds: dict[bool, list[float]] = {True: [], False: []}
    async with AsyncGraphDatabase.driver(
        graph.uri, auth=graph.auth, notifications_min_severity="OFF"
    ) as driver:
        for _ in range(DRIVER_REPEATS + 1):
            for enabled in (True, False):
                with rust_extension(enabled):
                    started = perf_counter()
                    records, _, _ = await driver.execute_query(
                        DRIVER_READ,
                        {"limit": wanted},
                        routing_=RoutingControl.READ,
                        database_=graph.database,
                    )
                    seconds[enabled].append(perf_counter() - started)
                    if len(records) != wanted:
                        raise RuntimeError(f"{len(records)} records, not {wanted}")
    with rust_extension(True) as installed:
        pass
    rust, python = statistics.median(seconds[True][1:]), statistics.median(seconds[False][1:])
    return {
        "installed": float(installed),
        "records": wanted,
        "rust_records_per_s": wanted / rust,
        "python_records_per_s": wanted / python,
        "speedup": python / rust,
    }


@dataclass(frozen=True)
class CityRun:
    people: int
    levels: int
    # None when a kept graph already held the workforce and no record of its import was found.
    import_s: float | None
    empty_rss_mib: float | None
    import_kept: bool
    build_s: float
    rss_mib: float
    rank: RankFigures
    fit_ms: list[float]
    matching: MatchingFigures
    driver: dict[str, float] | None
    min_fits: dict[str, float]


HOLDS_WORKFORCE: LiteralString = """
MATCH (p:Person) WITH count(p) AS people
OPTIONAL MATCH (:Person)-[h:HAS_SKILL]->(:Skill)
RETURN people, count(h) AS levels
"""


async def holds_workforce(graph: Neo4jSettings, people: int) -> bool:
    """Whether a graph kept from an earlier run (--graph-dir) holds this workforce."""
    async with AsyncGraphDatabase.driver(
        graph.uri, auth=graph.auth, notifications_min_severity="OFF"
    ) as driver:
        records, _, _ = await driver.execute_query(
            HOLDS_WORKFORCE, routing_=RoutingControl.READ, database_=graph.database
        )
    found = records[0]
    return bool(found["people"] == people and found["levels"] == people * LEVELS_PER_PERSON)


IMPORT_RECORD = "scale-import.json"


async def city(graph: Neo4jSettings, people: int, scratch: Path, graph_dir: Path | None) -> CityRun:
    catalogue = synthetic_catalogue(random.Random(SEED))
    skill_ids = catalogue_skill_ids(catalogue)
    workforce = synthetic_workforce(people, skill_ids)
    progress(f"{people:,} people generated")
    address = f"127.0.0.1:{free_port()}"
    import_s: float | None = None
    empty_rss: float | None = None
    levels = people * LEVELS_PER_PERSON
    record = graph_dir / IMPORT_RECORD if graph_dir else None
    kept = await holds_workforce(graph, people)
    if kept:
        progress(f"the kept graph already holds the {people:,} people: no import")
        if record is not None and record.exists():
            earlier = json.loads(record.read_text())
            import_s, empty_rss = earlier["import_s"], earlier["empty_rss_mib"]
    else:
        driver = AsyncGraphDatabase.driver(
            graph.uri, auth=graph.auth, notifications_min_severity="OFF"
        )
        try:
            await prepare(driver, graph.database, catalogue)
        finally:
            await driver.close()
        first = start_service("skills", skills_env(graph, address), address, scratch)
        with running(first):
            await wait_until_serving(first, SERVICE_NAME, START_TIMEOUT_S)
            empty_rss = rss_mib(first.process.pid)
            import_s, levels = await import_workforce(address, workforce)
        progress(f"imported {people:,} people, {levels:,} levels in {import_s:.0f} s")
        if record is not None:
            record.write_text(json.dumps({"import_s": import_s, "empty_rss_mib": empty_rss}))

    skills = start_service("skills", skills_env(graph, address), address, scratch)
    with running(skills):
        build_s = await wait_until_serving(skills, SERVICE_NAME, START_TIMEOUT_S)
        rss = rss_mib(skills.process.pid)
        progress(f"skills SERVING {build_s:.1f} s after start, {rss:.0f} MiB resident")
        bare = BareTopK(workforce, date.today())
        neighbourhoods = neighbourhoods_of(catalogue.broader, catalogue.related)
        bare_roles = {role.id: bare.role(role, neighbourhoods) for role in SEED_ROLES}
        # Each slot asks for a fit only the best MIN_FIT_TOP_SHARE of people reach.
        min_fits = {
            role_id: float(np.floor(np.quantile(bare.fits(r), 1 - MIN_FIT_TOP_SHARE) * 100) / 100)
            for role_id, r in bare_roles.items()
        }
        async with grpc.aio.insecure_channel(address) as channel:
            stub = skills_pb2_grpc.SkillsServiceStub(channel)  # type: ignore[no-untyped-call]
            rank = await time_ranking(stub, bare, bare_roles)
            fit_ms = await time_fit(stub, people)
            progress(f"GetFit p95 {percentile(fit_ms, 0.95):.1f} ms")
        matching_address = f"127.0.0.1:{free_port()}"
        matching = start_service(
            "matching", matching_env(graph, matching_address, address), matching_address, scratch
        )
        with running(matching):
            await wait_until_serving(matching, "lps.matching.v1.MatchingService", START_TIMEOUT_S)
            figures = await time_matching(matching_address, portfolio(min_fits))
    try:
        driver_figures: dict[str, float] | None = await time_driver(graph, levels)
    except Exception as error:  # a figure on the side: the rest of the run stands without it
        progress(f"driver comparison failed: {error!r}")
        driver_figures = None
    if driver_figures is not None:
        progress(f"driver: Rust extension {driver_figures['speedup']:.2f}x the pure Python")
    return CityRun(
        people=people,
        levels=levels,
        import_s=import_s,
        empty_rss_mib=empty_rss,
        import_kept=record is not None and import_s is not None and kept,
        build_s=build_s,
        rss_mib=rss,
        rank=rank,
        fit_ms=fit_ms,
        matching=figures,
        driver=driver_figures,
        min_fits=min_fits,
    )


# The 1,000,000-person part, in a process of its own so that its memory is its own.


def index_only(people: int) -> dict[str, Any]:
    from services.skills.domain.scoring_index import (
        ClaimColumns,
        PeopleColumns,
        ScoringIndex,
    )

    baseline_rss = rss_mib(os.getpid())
    catalogue = synthetic_catalogue(random.Random(SEED))
    skill_ids = catalogue_skill_ids(catalogue)
    workforce = synthetic_workforce(people, skill_ids)
    neighbourhoods = neighbourhoods_of(catalogue.broader, catalogue.related)
    today = date.today()
    columns = PeopleColumns(
        ids=[person_id(row) for row in range(people)],
        sectors=[SECTORS[code] for code in workforce.sector.tolist()],
        organisations=[organisation_name(code) for code in workforce.organisation.tolist()],
        localities=[locality_name(code) for code in workforce.locality.tolist()],
        capacity_fte=workforce.capacity,
    )
    rank_of_source = {s: SOURCE_RANK[s] for s in SOURCES}
    claims = ClaimColumns(
        person=workforce.claim_person,
        skill=workforce.claim_skill,
        level=workforce.claim_level,
        source_rank=np.array([rank_of_source[s] for s in SOURCES])[workforce.claim_source],
        assessed_day=workforce.claim_assessed,
        valid_until_day=workforce.claim_valid_until,
    )
    input_rss = rss_mib(os.getpid())
    started = perf_counter()
    index = ScoringIndex.from_arrays(
        columns, claims, skill_ids, SEED_ROLES, neighbourhoods, today=today
    )
    built_s = perf_counter() - started
    # Today's effective levels are derived on first use; a serving replica has them.
    for role in SEED_ROLES:
        index.fits(role.id)
    warmed_s = perf_counter() - started
    del columns, claims
    gc.collect()
    index_rss = rss_mib(os.getpid())

    bare = BareTopK(workforce, today)
    bare_roles = {role.id: bare.role(role, neighbourhoods) for role in SEED_ROLES}
    index_ms: dict[str, list[float]] = {}
    bare_ms: dict[str, list[float]] = {}
    same = True
    for role in SEED_ROLES:
        for locality in (None, FILTER_LOCALITY):
            label = f"{role.id}, {'locality' if locality is not None else 'no filter'}"
            people_filter = PeopleFilter(
                locality=locality_name(locality) if locality is not None else ""
            )
            ranked = index.rank(role.id, people_filter, TOP_K)
            same &= same_fits([f for _, f in ranked], bare.top(bare_roles[role.id], locality))
            index_ms[label], bare_ms[label] = [], []
            for _ in range(RANK_REPEATS):
                started = perf_counter()
                index.rank(role.id, people_filter, TOP_K)
                index_ms[label].append((perf_counter() - started) * 1e3)
                started = perf_counter()
                bare.top(bare_roles[role.id], locality)
                bare_ms[label].append((perf_counter() - started) * 1e3)
    every_index = [v for values in index_ms.values() for v in values]
    every_bare = [v for values in bare_ms.values() for v in values]
    return {
        "people": people,
        "build_s": built_s,
        "build_and_warm_s": warmed_s,
        "baseline_rss_mib": baseline_rss,
        "input_rss_mib": input_rss,
        "index_rss_mib": index_rss - baseline_rss,
        "index_array_mib": index.nbytes / 2**20,
        "rank_p50_ms": statistics.median(every_index),
        "rank_p95_ms": percentile(every_index, 0.95),
        "bare_p50_ms": statistics.median(every_bare),
        "bare_p95_ms": percentile(every_bare, 0.95),
        "same_top": same,
        "by_query": {
            label: {
                "index_p95_ms": percentile(index_ms[label], 0.95),
                "bare_p95_ms": percentile(bare_ms[label], 0.95),
            }
            for label in index_ms
        },
    }


def run_index_only(people: int) -> dict[str, Any] | str:
    """The 1M part in a child process; its JSON, or why it could not run."""
    answer = subprocess.run(
        [sys.executable, "-m", "tests.bench.scale_bench", "--index-only", str(people)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode != 0:
        return answer.stderr.strip().splitlines()[-1] if answer.stderr.strip() else "failed"
    parsed: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return parsed


# The report.


def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    note = (
        f"Load average at the end of the run: {one:.1f} / {five:.1f} / {fifteen:.1f} "
        "(1 / 5 / 15 min)."
    )
    if five > (os.cpu_count() or 1):
        note += (
            " Above the core count: the machine was shared with other work, so absolute "
            "times are inflated and noisy; each ratio compares two paths measured side by "
            "side, alternated, in the same run."
        )
    return note


def seconds_or_missing(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.2f} s"


def rounded(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def rank_ratio(run: CityRun) -> float:
    return percentile(run.rank.all_grpc(), 0.95) / percentile(run.rank.all_bare(), 0.95)


def markdown(run: CityRun, million: dict[str, Any] | str) -> str:
    rank = run.rank
    rows = "\n".join(
        f"| {label} | {statistics.median(rank.grpc_ms[label]):.1f} "
        f"| {percentile(rank.grpc_ms[label], 0.95):.1f} "
        f"| {statistics.median(rank.bare_ms[label]):.2f} "
        f"| {percentile(rank.bare_ms[label], 0.95):.2f} "
        f"| {percentile(rank.grpc_ms[label], 0.95) / percentile(rank.bare_ms[label], 0.95):.1f} |"
        for label in rank.grpc_ms
    )
    grpc_p95 = percentile(rank.all_grpc(), 0.95)
    m = run.matching
    lines = [
        "## Scale",
        "",
        f"Seeded synthetic workforces, {LEVELS_PER_PERSON} levels a person over a "
        f"{SKILLS:,}-skill catalogue ({FIELDS} fields, {AREAS} areas, leaves; related pairs) "
        f"and the four seeded roles; {LOCALITIES} localities, {ORGANISATIONS} organisations, "
        f"{CLEARED_SHARE:.0%} of people with a clearance.",
        "",
        f"**{run.people:,} people** ({run.levels:,} levels) imported through the service's "
        "own `ImportPeople` stream into a real Neo4j "
        + (
            f"in {run.import_s:.0f} s ({run.levels / run.import_s:,.0f} levels/s"
            f"{'; in an earlier run, whose graph this run kept' if run.import_kept else ''})"
            if run.import_s
            else "(in an earlier run: the graph was kept)"
        )
        + ". A fresh skills process then built its index from the graph: "
        f"**{run.build_s:.1f} s** from process start to SERVING, **{run.rss_mib:,.0f} MiB** "
        "resident"
        + (
            f" (the same process on the graph without people: {run.empty_rss_mib:,.0f} MiB)."
            if run.empty_rss_mib
            else "."
        ),
        "",
        f"`RankCandidates`, top {TOP_K}, over gRPC against a bare numpy top-k over the same "
        "levels in this process (effective levels and evidence weights per skill column "
        "held in memory; per call the credit arithmetic, the filter and `argpartition`): "
        f"{RANK_REPEATS} calls each after {RANK_WARMUP} warm-up calls, alternated. "
        f"Same top-{TOP_K} fits as the bare version (to 1e-9): **{rank.same_top}**.",
        "",
        "| role, filter | gRPC p50 ms | gRPC p95 ms | numpy p50 ms | numpy p95 ms | p95 ratio |",
        "|---|---|---|---|---|---|",
        rows,
        "",
        f"Over every call: gRPC p50 / p95 **{statistics.median(rank.all_grpc()):.1f} / "
        f"{grpc_p95:.1f} ms**, numpy {statistics.median(rank.all_bare()):.2f} / "
        f"{percentile(rank.all_bare(), 0.95):.2f} ms; p95 ratio **{rank_ratio(run):.1f}** "
        f"(targets: within {RANK_RATIO_TARGET:.0f}x and under {RANK_P95_TARGET_MS:.0f} ms).",
        "",
        f"`GetFit` with its gap steps, {FIT_CALLS} calls (random person and role): p50 "
        f"{statistics.median(run.fit_ms):.1f} ms, p95 **{percentile(run.fit_ms, 0.95):.1f} ms**.",
        "",
        f"With a matching process: six outcomes in six wards, two roles' slots each "
        f"({m.places} places, minimum fits at the best {MIN_FIT_TOP_SHARE:.0%} of each role: "
        + ", ".join(f"{r} {v:.2f}" for r, v in run.min_fits.items())
        + "), every locality allowed, at least two sectors, a community member. Gap report "
        f"(every open outcome and locality): **{seconds_or_missing(m.gaps_s)}**. Proposal, "
        f"soft mode, {PROPOSAL_LIMIT_S:.0f} s solver limit: **{seconds_or_missing(m.propose_s)}**"
        + (
            f", {m.status.removeprefix('PROPOSAL_STATUS_').lower()}, **{m.filled} of {m.places} "
            f"places** filled{' (candidate pool pruned)' if m.pruned else ''}."
            if m.propose_s is not None
            else "."
        )
        + (f" Failed: {'; '.join(m.failures)}." if m.failures else ""),
        "",
    ]
    if isinstance(million, str):
        lines += [f"**1,000,000 people**: not measured ({million}).", ""]
    else:
        lines += [
            f"**{million['people']:,} people**, the index alone built in a process of its own "
            "from arrays (`ScoringIndex.from_arrays`): "
            f"**{million['build_s']:.1f} s** ({million['build_and_warm_s']:.1f} s with today's "
            f"effective levels of the four roles derived), **{million['index_rss_mib']:,.0f} MiB** "
            f"resident over the process's start ({million['index_array_mib']:,.0f} MiB of arrays). "
            f"Ranking in-process, top {TOP_K}, the same eight queries: p50 / p95 "
            f"{million['rank_p50_ms']:.1f} / **{million['rank_p95_ms']:.1f} ms** (target under "
            f"{RANK_1M_TARGET_MS:.0f} ms); bare numpy {million['bare_p50_ms']:.1f} / "
            f"{million['bare_p95_ms']:.1f} ms; same top fits: {million['same_top']}.",
            "",
        ]
    d = run.driver
    if d is not None:
        lines += [
            f"Neo4j driver, {d['records']:,.0f} records of four fields read in one query "
            f"(median of {DRIVER_REPEATS}, alternated): with `neo4j-rust-ext` "
            f"{d['rust_records_per_s']:,.0f} records/s, pure Python "
            f"{d['python_records_per_s']:,.0f} records/s: **{d['speedup']:.2f}x**.",
            "",
        ]
    lines.append(load_note())
    return "\n".join(lines)


def summary(run: CityRun, million: dict[str, Any] | str) -> dict[str, Any]:
    m = run.matching
    figures: dict[str, Any] = {
        "people": run.people,
        "import_s_100k": rounded(run.import_s, 1),
        "index_build_s_100k": round(run.build_s, 2),
        "index_rss_mb_100k": round(run.rss_mib, 1),
        "rank_p50_ms_100k": round(statistics.median(run.rank.all_grpc()), 2),
        "rank_p95_ms_100k": round(percentile(run.rank.all_grpc(), 0.95), 2),
        "numpy_p95_ms_100k": round(percentile(run.rank.all_bare(), 0.95), 3),
        "rank_vs_numpy_p95": round(rank_ratio(run), 2),
        "same_top_100k": run.rank.same_top,
        "fit_p95_ms_100k": round(percentile(run.fit_ms, 0.95), 2),
        "gaps_s_100k": rounded(m.gaps_s, 2),
        "propose_s_100k": rounded(m.propose_s, 2),
        "propose_filled_share_100k": round(m.filled / m.places, 3)
        if m.propose_s is not None
        else None,
        "matching_failures": list(m.failures),
        "driver_rust_speedup": round(run.driver["speedup"], 2) if run.driver else None,
    }
    if isinstance(million, dict):
        figures |= {
            "index_build_s_1m": round(million["build_s"], 2),
            "index_build_and_warm_s_1m": round(million["build_and_warm_s"], 2),
            "index_rss_mb_1m": round(million["index_rss_mib"], 1),
            "rank_inprocess_p95_ms_1m": round(million["rank_p95_ms"], 2),
            "numpy_p95_ms_1m": round(million["bare_p95_ms"], 2),
            "same_top_1m": million["same_top"],
        }
    else:
        figures |= {
            "index_build_s_1m": None,
            "index_rss_mb_1m": None,
            "rank_inprocess_p95_ms_1m": None,
            "missing_1m": million,
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=PEOPLE, help="the imported workforce")
    parser.add_argument("--index-people", type=int, default=INDEX_PEOPLE, help="the index alone")
    parser.add_argument("--index-only", type=int, metavar="PEOPLE", help=argparse.SUPPRESS)
    parser.add_argument(
        "--graph-dir",
        type=Path,
        default=Path(os.environ["SCALE_GRAPH_DIR"]) if os.environ.get("SCALE_GRAPH_DIR") else None,
        help="keep the local Neo4j's store here; a later run finding the workforce in it "
        "skips the import (SCALE_GRAPH_DIR)",
    )
    parser.add_argument("--no-report", action="store_true", help="leave BENCHMARKS.md alone")
    args = parser.parse_args()
    if args.index_only:
        print(json.dumps(index_only(args.index_only)))
        return
    million = run_index_only(args.index_people)
    progress(f"index alone, {args.index_people:,} people: {million}")
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as scratch:
        home = args.graph_dir or Path(scratch) / "neo4j"
        with neo4j_for_tests(home, pagecache_mb=PAGECACHE_MB, heap_mb=HEAP_MB) as graph:
            run = asyncio.run(city(graph, args.people, Path(scratch), args.graph_dir))
    if not args.no_report:
        write_section("scale", markdown(run, million))
    print(json.dumps(summary(run, million)))


if __name__ == "__main__":
    main()
