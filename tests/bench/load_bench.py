"""Load through the gateway: concurrent clients mixing reads, level writes and
staffing proposals against the whole system (Neo4j, skills, matching, gateway
as separate processes) loaded with the Ashbridge demo data.

Two runs with the same mix: a closed loop (50 clients, each sending its next
request when the last is answered: what the stack can take) and an open loop
(requests sent at a fixed rate whatever the answers: latency as users see it
at that rate, each measured from when it was due, so a stalled stack shows).
Around each, the CPU time every process used is read from /proc, giving the
CPU milliseconds a request costs per process. Both follow an unmeasured warm-up
of the same mix (its figures are reported apart): what a long-running stack
costs, not a JVM still compiling. Then each kind runs alone, showing where the
mix's CPU goes.

Run with `.venv/bin/python -m tests.bench.load_bench` (or `make bench-load`).
Writes the `load` section of BENCHMARKS.md and prints one JSON object as the
last line. The reliability tier runs the same load and asserts no 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import httpx

from deploy.demo_data import PEOPLE, load_demo_data, make_outcomes
from deploy.run_local import LocalStack, Ports
from services.common.settings import Neo4jSettings
from tests.bench.procstat import cpu_seconds, pid_listening_on
from tests.bench.report import write_section
from tests.support.neo4j_runtime import neo4j_for_tests

CLIENTS = 50
DURATION_S = 30.0
# Neo4j's JVM compiles its hot paths over the first minute or so of a new
# process: measured alone, a level write cost 10 ms of its CPU in the first
# 10 s and 4 ms after 50 s. The measured runs follow a warm-up of the same mix,
# whose own figures are reported too.
WARMUP_S = 60.0
# Each kind alone, after the measured runs: where the stack's CPU goes.
KIND_RUN_S = 10.0
KIND_RUN_CLIENTS = 20
OPEN_RATE_PER_S = 50.0
PROPOSAL_LIMIT_S = 2.0
# Each operation with its share of the requests: mostly reads, as in daily use;
# the gap report reads every person and is asked for rarely.
MIX = {
    "list_people": 15,
    "get_person": 22,
    "fit": 15,
    "candidates": 10,
    "list_outcomes": 10,
    "gaps": 1,
    "write_level": 25,
    "propose": 2,
}


@dataclass
class LoadResult:
    clients: int
    planned_s: float
    duration_s: float
    statuses: Counter[int] = field(default_factory=Counter)
    latencies_ms: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    transport_errors: int = 0

    @property
    def requests(self) -> int:
        return sum(self.statuses.values())

    @property
    def throughput(self) -> float:
        return self.requests / self.duration_s

    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def percentile(self, kind: str | None, q: int) -> float:
        values = sorted(
            v
            for name, values in self.latencies_ms.items()
            if kind is None or name == kind
            for v in values
        )
        if not values:
            return 0.0
        return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]

    def summary(self) -> dict[str, object]:
        kinds = {
            kind: {
                "requests": len(values),
                **{f"p{q}_ms": round(self.percentile(kind, q), 1) for q in (50, 95, 99)},
            }
            for kind, values in sorted(self.latencies_ms.items())
        }
        return {
            "clients": self.clients,
            "duration_s": round(self.duration_s, 1),
            "requests": self.requests,
            "throughput_rps": round(self.throughput, 1),
            **{f"p{q}_ms": round(self.percentile(None, q), 1) for q in (50, 95, 99)},
            "server_errors": self.server_errors(),
            "transport_failures": self.transport_errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "kinds": kinds,
        }


@dataclass(frozen=True)
class Workload:
    """The demo data the requests pick from."""

    people: list[str]
    skills: list[str]
    roles: list[str]
    outcomes: list[str]


def wait_until_warm(url: str, key: str, timeout_s: float = 120.0) -> None:
    """Until a read through every layer answers: a cold Neo4j's first queries are slow."""
    deadline = time.monotonic() + timeout_s
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}) as client:
        while True:
            try:
                if client.get("/v1/people", params={"page_size": 1}, timeout=30).is_success:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not answer a read in {timeout_s:.0f} s")
            time.sleep(1)


def workload(client: httpx.Client) -> Workload:
    people = client.get("/v1/people", params={"page_size": 500}).raise_for_status().json()
    roles = client.get("/v1/roles").raise_for_status().json()["items"]
    return Workload(
        # The demo's own people: other tests may leave ids no URL path can carry.
        people=[p["id"] for p in people["items"] if p["id"].startswith("ash-")],
        skills=sorted({r["skill_id"] for role in roles for r in role["requirements"]}),
        roles=[r["id"] for r in roles],
        outcomes=[o["id"] for o in make_outcomes()],
    )


def bench_stack(scratch: Path, graph: Neo4jSettings) -> LocalStack:
    """Every process of the stack on `graph`, as the load benches run it (not started)."""
    return LocalStack(
        run_dir=scratch / "stack",
        ports=Ports.free(),
        admin_key="bench_admin_" + secrets.token_urlsafe(24),
        neo4j_uri=graph.uri,
        extra_env={
            "NEO4J_USER": graph.user,
            "NEO4J_PASSWORD": graph.password,
            "NEO4J_DATABASE": graph.database,
            "LOG_LEVEL": "WARNING",
        },
    )


def demo_workload(stack: LocalStack) -> tuple[dict[str, str], Workload]:
    """Once the started stack answers: the demo loaded, its personas' keys and
    what the requests pick from."""
    wait_until_warm(stack.gateway_url, stack.admin_key)
    keys = load_demo_data(stack.gateway_url, stack.admin_key)
    with httpx.Client(
        base_url=stack.gateway_url,
        headers={"Authorization": f"Bearer {stack.admin_key}"},
        timeout=60,
    ) as admin:
        return keys, workload(admin)


Request = Callable[[], Awaitable[httpx.Response]]


def pick(
    rng: random.Random,
    data: Workload,
    clients: dict[str, httpx.AsyncClient],
    mix: dict[str, int] | None = None,
) -> tuple[str, Request]:
    shares = mix or MIX
    kind = rng.choices(list(shares), list(shares.values()))[0]
    person = rng.choice(data.people)
    role = rng.choice(data.roles)
    hr, manager, planner = clients["hr"], clients["manager"], clients["planner"]
    if kind == "write_level":
        skill = rng.choice(data.skills)
        body = {"level": rng.randint(1, 4), "evidence": "load run", "source": "manager"}
        return kind, lambda: hr.put(f"/v1/people/{person}/skills/{skill}", json=body)
    if kind == "propose":
        proposal = {"outcome_ids": [rng.choice(data.outcomes)], "time_limit_s": PROPOSAL_LIMIT_S}
        return kind, lambda: manager.post("/v1/staffing/proposals", json=proposal)
    reads: dict[str, Request] = {
        "list_people": lambda: hr.get("/v1/people", params={"page_size": 20}),
        "get_person": lambda: hr.get(f"/v1/people/{person}"),
        "fit": lambda: manager.get(f"/v1/people/{person}/fit", params={"role": role}),
        "candidates": lambda: manager.get(f"/v1/roles/{role}/candidates", params={"limit": 10}),
        "list_outcomes": lambda: planner.get("/v1/outcomes"),
        "gaps": lambda: planner.get("/v1/gaps"),
    }
    return kind, reads[kind]


def persona_sessions(
    url: str, keys: dict[str, str], connections: int
) -> dict[str, httpx.AsyncClient]:
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return {
        persona: httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {keys[persona]}"},
            timeout=PROPOSAL_LIMIT_S + 60,
            limits=limits,
        )
        for persona in ("hr", "manager", "planner")
    }


async def send(result: LoadResult, kind: str, request: Request, since: float) -> None:
    """One request, its latency counted from `since` (when it was sent, or due)."""
    try:
        answer = await request()
    except httpx.TransportError as error:
        result.transport_errors += 1
        result.failures.append(f"{kind}: {error!r}")
        return
    result.latencies_ms.setdefault(kind, []).append((time.perf_counter() - since) * 1e3)
    result.statuses[answer.status_code] += 1
    if answer.status_code >= 500:
        result.failures.append(f"{kind} {answer.status_code}: {answer.text[:300]}")


async def run_load(
    url: str,
    keys: dict[str, str],
    data: Workload,
    clients: int = CLIENTS,
    duration_s: float = DURATION_S,
    seed: int = 5,
    mix: dict[str, int] | None = None,
) -> LoadResult:
    """`clients` concurrent loops, each sending one request after another until
    time is up, picking kinds by `mix` (the bench's MIX unless given)."""
    sessions = persona_sessions(url, keys, clients * 3)
    result = LoadResult(clients=clients, planned_s=duration_s, duration_s=duration_s)
    started = time.perf_counter()
    deadline = started + duration_s

    async def client_loop(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.perf_counter() < deadline:
            kind, request = pick(rng, data, sessions, mix)
            await send(result, kind, request, time.perf_counter())

    try:
        await asyncio.gather(*(client_loop(n) for n in range(clients)))
    finally:
        for session in sessions.values():
            await session.aclose()
    # Requests in flight at the deadline finish after it; count the time they took.
    result.duration_s = time.perf_counter() - started
    return result


async def run_open_load(
    url: str,
    keys: dict[str, str],
    data: Workload,
    rate_per_s: float = OPEN_RATE_PER_S,
    duration_s: float = DURATION_S,
    seed: int = 7,
) -> LoadResult:
    """Requests due at a fixed rate, each sent when due whether or not earlier ones
    were answered; latency counts from when a request was due."""
    sessions = persona_sessions(url, keys, 500)
    result = LoadResult(clients=0, planned_s=duration_s, duration_s=duration_s)
    rng = random.Random(seed)
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    in_flight: set[asyncio.Task[None]] = set()
    try:
        for number in range(round(rate_per_s * duration_s)):
            due = started + number / rate_per_s
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            kind, request = pick(rng, data, sessions)
            task = loop.create_task(send(result, kind, request, due))
            in_flight.add(task)
            task.add_done_callback(in_flight.discard)
        await asyncio.gather(*in_flight)
    finally:
        for session in sessions.values():
            await session.aclose()
    result.duration_s = time.perf_counter() - started
    return result


@dataclass(frozen=True)
class CpuMeter:
    """CPU seconds used by each process of the stack (and this load generator)."""

    pids: dict[str, int]

    def read(self) -> dict[str, float]:
        readings = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        readings["load generator"] = cpu_seconds(os.getpid())
        return readings

    @staticmethod
    def per_request_ms(
        before: dict[str, float], after: dict[str, float], requests: int
    ) -> dict[str, float]:
        return {name: (after[name] - before[name]) * 1e3 / max(requests, 1) for name in before}


def stack_pids(stack: LocalStack, bolt_uri: str) -> dict[str, int]:
    pids = {name: process.pid for name, process in stack.processes.items()}
    port = urlparse(bolt_uri).port
    if port is not None:
        # A Neo4j elsewhere (NEO4J_URI, a container) is left out; the table names what was read.
        with contextlib.suppress(LookupError):
            pids["neo4j"] = pid_listening_on(port)
    return pids


@dataclass(frozen=True)
class MeasuredRun:
    result: LoadResult
    cpu_ms: dict[str, float]

    @property
    def stack_cpu_ms(self) -> float:
        """Per request, the processes of the stack (the load generator left out)."""
        return sum(ms for name, ms in self.cpu_ms.items() if name != "load generator")


async def measured(meter: CpuMeter, run: Awaitable[LoadResult]) -> MeasuredRun:
    before = meter.read()
    result = await run
    return MeasuredRun(result, CpuMeter.per_request_ms(before, meter.read(), result.requests))


@dataclass(frozen=True)
class Runs:
    warmup: MeasuredRun | None
    closed: MeasuredRun
    open_: MeasuredRun
    by_kind: dict[str, MeasuredRun]


def kinds_table(result: LoadResult) -> str:
    kinds = result.summary()["kinds"]
    assert isinstance(kinds, dict)
    return "\n".join(
        f"| {kind} | {figures['requests']:,} | {figures['p50_ms']:.0f} | "
        f"{figures['p95_ms']:.0f} | {figures['p99_ms']:.0f} |"
        for kind, figures in kinds.items()
    )


def cpu_table(closed: MeasuredRun, open_: MeasuredRun) -> str:
    rows = [
        f"| {name} | {closed.cpu_ms[name]:.1f} | {open_.cpu_ms[name]:.1f} |"
        for name in sorted(closed.cpu_ms, key=lambda n: (n == "load generator", n))
    ]
    rows.append(
        f"| **stack (all but the load generator)** | **{closed.stack_cpu_ms:.1f}** "
        f"| **{open_.stack_cpu_ms:.1f}** |"
    )
    return "\n".join(rows)


PROCESSES = ("neo4j", "skills", "matching", "gateway")


def by_kind_table(by_kind: dict[str, MeasuredRun]) -> str:
    """Each kind alone: its CPU per request by process, and its part of the mix's cost."""
    total = sum(MIX.values())
    rows = []
    for kind, run in by_kind.items():
        share = MIX[kind] / total
        figures = " | ".join(f"{run.cpu_ms.get(name, 0.0):.1f}" for name in PROCESSES)
        rows.append(
            f"| {kind} | {MIX[kind]} | {run.result.throughput:.0f} | {figures} "
            f"| {run.stack_cpu_ms:.1f} | {share * run.stack_cpu_ms:.2f} |"
        )
    weighted = sum(MIX[k] / total * run.stack_cpu_ms for k, run in by_kind.items())
    rows.append(f"| **mix, weighted** | | | | | | | | **{weighted:.1f}** |")
    return "\n".join(rows)


def warmup_note(warmup: MeasuredRun | None) -> str:
    if warmup is None:
        return "No warm-up ran before the measured runs: Neo4j's JVM was cold."
    return (
        f"Both runs follow a {warmup.result.planned_s:.0f} s warm-up with the same mix and\n"
        f"clients, not counted above: a new Neo4j process compiles its hot paths over its\n"
        f"first minute. During the warm-up the stack used **{warmup.stack_cpu_ms:.1f} ms** "
        f"a request\n(Neo4j {warmup.cpu_ms.get('neo4j', 0.0):.1f}) at "
        f"{warmup.result.throughput:.1f} requests/s, with "
        f"{warmup.result.server_errors()} 5xx."
    )


def load_average_note() -> str:
    one, five, fifteen = os.getloadavg()
    note = f"Load average at the end: {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)."
    if five > (os.cpu_count() or 1):
        note += (
            " Above the core count: other work shared the machine, so absolute figures "
            "are inflated and noisier than on a machine of its own."
        )
    return note


def markdown(runs: Runs, rate_per_s: float) -> str:
    closed, open_ = runs.closed, runs.open_
    c, o = closed.result.summary(), open_.result.summary()
    mix = ", ".join(f"{kind} {share}" for kind, share in MIX.items())
    people, outcomes = PEOPLE, len(make_outcomes())
    return f"""## Load

Through the gateway, every process running on this machine (the load generator
too), on the Ashbridge demo data ({people} people, {outcomes} outcomes). Mix (per
cent of requests): {mix}; a proposal staffs one outcome with a
{PROPOSAL_LIMIT_S:.0f} s solver limit. The gateway runs with its default deadlines
(5 s a call, a proposal its limit plus 15 s): a 503 here is a call that outlived
its deadline.

**Closed loop**: {closed.result.clients} clients for {closed.result.planned_s:.0f} s, each
sending its next request when the last is answered. Throughput:
**{c["throughput_rps"]} requests/s** ({c["requests"]:,} requests); latency p50 / p95 / p99:
**{c["p50_ms"]:.0f} / {c["p95_ms"]:.0f} / {c["p99_ms"]:.0f} ms**; 5xx answers:
**{c["server_errors"]}**; transport failures: {c["transport_failures"]}.

| kind | requests | p50 ms | p95 ms | p99 ms |
|---|---|---|---|---|
{kinds_table(closed.result)}

**Open loop**: {rate_per_s:.0f} requests/s offered for {open_.result.planned_s:.0f} s, each
sent when due whether or not earlier ones were answered, its latency counted from
when it was due. Answered: {o["requests"]:,}; latency p50 / p95 / p99:
**{o["p50_ms"]:.0f} / {o["p95_ms"]:.0f} / {o["p99_ms"]:.0f} ms**; 5xx answers:
**{o["server_errors"]}**; transport failures: {o["transport_failures"]}.

| kind | requests | p50 ms | p95 ms | p99 ms |
|---|---|---|---|---|
{kinds_table(open_.result)}

CPU per request (milliseconds of user and system time each process used over
the run, from /proc, divided by the requests answered). Before the scoring index
and the gateway's key cache, the same mix cost about 43 ms a request (Neo4j 19,
skills 14, gateway 7, matching 4; measured 2026-11 with no warm-up, the figure the
issue starts from; that code side by side with this bench: after this section):

| process | closed loop ms | open loop ms |
|---|---|---|
{cpu_table(closed, open_)}

{warmup_note(runs.warmup)}
{by_kind_section(runs.by_kind)}
{load_average_note()}
"""


def by_kind_section(by_kind: dict[str, MeasuredRun]) -> str:
    if not by_kind:
        return ""
    seconds = next(iter(by_kind.values())).result.planned_s
    return f"""
**Each kind alone** (after the runs above; closed loop, {KIND_RUN_CLIENTS} clients,
{seconds:.0f} s a kind): CPU milliseconds per request by process, and each kind's
part of the mix's cost (its share times its stack figure). Their weighted sum
approximates the mix's figure without its interference (caches, locks, queues):

| kind | mix % | requests/s | neo4j | skills | matching | gateway | stack | part of mix |
|---|---|---|---|---|---|---|---|---|
{by_kind_table(by_kind)}
"""


async def all_runs(
    url: str, keys: dict[str, str], data: Workload, meter: CpuMeter, args: argparse.Namespace
) -> Runs:
    warmup = None
    if args.warmup > 0:
        warmup = await measured(meter, run_load(url, keys, data, args.clients, args.warmup, 3))
    closed = await measured(meter, run_load(url, keys, data, args.clients, args.seconds))
    open_ = await measured(meter, run_open_load(url, keys, data, args.rate, args.seconds))
    by_kind: dict[str, MeasuredRun] = {}
    for kind in MIX if args.kind_seconds > 0 else ():
        alone = run_load(url, keys, data, KIND_RUN_CLIENTS, args.kind_seconds, mix={kind: 1})
        by_kind[kind] = await measured(meter, alone)
    return Runs(warmup, closed, open_, by_kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=DURATION_S)
    parser.add_argument("--rate", type=float, default=OPEN_RATE_PER_S, help="open loop, per s")
    parser.add_argument("--warmup", type=float, default=WARMUP_S, help="seconds, 0 for none")
    parser.add_argument(
        "--kind-seconds", type=float, default=KIND_RUN_S, help="each kind alone; 0 skips"
    )
    parser.add_argument("--no-report", action="store_true", help="leave BENCHMARKS.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, neo4j_for_tests(Path(scratch)) as graph:
        stack = bench_stack(Path(scratch), graph)
        try:
            stack.start()
            keys, data = demo_workload(stack)
            meter = CpuMeter(stack_pids(stack, graph.uri))
            runs = asyncio.run(all_runs(stack.gateway_url, keys, data, meter, args))
        finally:
            stack.stop()
    if not args.no_report:
        write_section("load", markdown(runs, args.rate))
    print(json.dumps(figures(runs, args.rate)))


def figures(runs: Runs, rate_per_s: float) -> dict[str, object]:
    """The bench's JSON line."""
    closed, open_ = runs.closed, runs.open_
    c, o = closed.result.summary(), open_.result.summary()
    return {
        "cpu_ms_per_request": round(closed.stack_cpu_ms, 2),
        "cpu_ms_per_request_by_process": {name: round(ms, 2) for name, ms in closed.cpu_ms.items()},
        "open_cpu_ms_per_request": round(open_.stack_cpu_ms, 2),
        "closed_rps": c["throughput_rps"],
        "closed_p50_ms": c["p50_ms"],
        "closed_p95_ms": c["p95_ms"],
        "closed_p99_ms": c["p99_ms"],
        "closed_5xx": c["server_errors"],
        "closed_transport_failures": c["transport_failures"],
        "open_rate_per_s": rate_per_s,
        "open_p50_ms": o["p50_ms"],
        "open_p95_ms": o["p95_ms"],
        "open_p99_ms": o["p99_ms"],
        "open_5xx": o["server_errors"],
        "open_transport_failures": o["transport_failures"],
        "closed": c,
        "open": o,
        # The first few failures of each run: a 5xx or a dropped connection says why here.
        "failures_sample": (closed.result.failures[:3] + open_.result.failures[:3]),
        "warmup_s": runs.warmup.result.planned_s if runs.warmup else 0,
        "warmup_cpu_ms_per_request": (round(runs.warmup.stack_cpu_ms, 2) if runs.warmup else None),
        "cpu_ms_by_kind": {
            kind: {name: round(ms, 2) for name, ms in run.cpu_ms.items()}
            for kind, run in runs.by_kind.items()
        },
    }


if __name__ == "__main__":
    main()
