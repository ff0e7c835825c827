"""Load through the gateway: concurrent clients mixing reads, level writes and
staffing proposals against the whole system (Neo4j, skills, matching, gateway
as separate processes) loaded with the Ashbridge demo data.

Run with `.venv/bin/python -m tests.bench.load_bench` (or `make bench-load`).
Writes the `load` section of BENCHMARKS.md and prints one JSON object as the
last line. The reliability tier runs the same load and asserts no 5xx.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import secrets
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from deploy.demo_data import PEOPLE, load_demo_data, make_outcomes
from deploy.run_local import LocalStack, Ports
from tests.bench.report import write_section
from tests.support.neo4j_runtime import neo4j_for_tests

CLIENTS = 50
DURATION_S = 30.0
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


Request = Callable[[], Awaitable[httpx.Response]]


def pick(
    rng: random.Random, data: Workload, clients: dict[str, httpx.AsyncClient]
) -> tuple[str, Request]:
    kind = rng.choices(list(MIX), list(MIX.values()))[0]
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


async def run_load(
    url: str,
    keys: dict[str, str],
    data: Workload,
    clients: int = CLIENTS,
    duration_s: float = DURATION_S,
    seed: int = 5,
) -> LoadResult:
    """`clients` concurrent loops, each sending one request after another until time is up."""
    limits = httpx.Limits(max_connections=clients * 3, max_keepalive_connections=clients * 3)
    sessions = {
        persona: httpx.AsyncClient(
            base_url=url,
            headers={"Authorization": f"Bearer {keys[persona]}"},
            timeout=PROPOSAL_LIMIT_S + 60,
            limits=limits,
        )
        for persona in ("hr", "manager", "planner")
    }
    result = LoadResult(clients=clients, planned_s=duration_s, duration_s=duration_s)
    started = time.perf_counter()
    deadline = started + duration_s

    async def client_loop(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        while time.perf_counter() < deadline:
            kind, request = pick(rng, data, sessions)
            sent = time.perf_counter()
            try:
                answer = await request()
            except httpx.TransportError as error:
                result.transport_errors += 1
                result.failures.append(f"{kind}: {error!r}")
                continue
            result.latencies_ms.setdefault(kind, []).append((time.perf_counter() - sent) * 1e3)
            result.statuses[answer.status_code] += 1
            if answer.status_code >= 500:
                result.failures.append(f"{kind} {answer.status_code}: {answer.text[:300]}")

    try:
        await asyncio.gather(*(client_loop(n) for n in range(clients)))
    finally:
        for session in sessions.values():
            await session.aclose()
    # Requests in flight at the deadline finish after it; count the time they took.
    result.duration_s = time.perf_counter() - started
    return result


def markdown(result: LoadResult) -> str:
    summary = result.summary()
    kinds = summary["kinds"]
    assert isinstance(kinds, dict)
    rows = "\n".join(
        f"| {kind} | {figures['requests']:,} | {figures['p50_ms']:.0f} | "
        f"{figures['p95_ms']:.0f} | {figures['p99_ms']:.0f} |"
        for kind, figures in kinds.items()
    )
    mix = ", ".join(f"{kind} {share}" for kind, share in MIX.items())
    people, outcomes = PEOPLE, len(make_outcomes())
    return f"""## Load

{result.clients} concurrent clients for {result.planned_s:.0f} s through the gateway (every
process running on this machine, the load generator too), on the Ashbridge demo
data ({people} people, {outcomes} outcomes). Mix (per cent of requests): {mix}; a proposal
staffs one outcome with a {PROPOSAL_LIMIT_S:.0f} s solver limit. The gateway runs with its
default deadlines (5 s a call, a proposal its limit plus 15 s): a 503 here is a call
that outlived its deadline.

Throughput: **{summary["throughput_rps"]} requests/s** ({summary["requests"]:,} requests);
latency p50 / p95 / p99: **{summary["p50_ms"]:.0f} / {summary["p95_ms"]:.0f} /
{summary["p99_ms"]:.0f} ms**; 5xx answers: {summary["server_errors"]}; transport
failures: {summary["transport_failures"]}.

| kind | requests | p50 ms | p95 ms | p99 ms |
|---|---|---|---|---|
{rows}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--seconds", type=float, default=DURATION_S)
    parser.add_argument("--no-report", action="store_true", help="leave BENCHMARKS.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, neo4j_for_tests(Path(scratch)) as graph:
        stack = LocalStack(
            run_dir=Path(scratch) / "stack",
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
        try:
            stack.start()
            wait_until_warm(stack.gateway_url, stack.admin_key)
            keys = load_demo_data(stack.gateway_url, stack.admin_key)
            with httpx.Client(
                base_url=stack.gateway_url,
                headers={"Authorization": f"Bearer {stack.admin_key}"},
                timeout=60,
            ) as admin:
                data = workload(admin)
            result = asyncio.run(
                run_load(stack.gateway_url, keys, data, args.clients, args.seconds)
            )
        finally:
            stack.stop()
    if not args.no_report:
        write_section("load", markdown(result))
    print(json.dumps(result.summary()))


if __name__ == "__main__":
    main()
