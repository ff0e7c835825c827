"""The gateway's floor: CPU a request costs a bare FastAPI app making the same
gRPC call, beside the gateway's own, under the same closed-loop load.

The bare app has no middleware, no key check, no response models: a route,
one call to the skills service and a hand-written JSON body. Served the way
the gateway serves itself (uvicorn inside `asyncio.run`, same settings), so
the difference is what the gateway's own machinery costs a request.

Run with `PYTHONPATH=. .venv/bin/python -m tests.bench.gateway_floor
[--seconds S] [--clients N] [--rounds R]`. Starts the whole stack on the demo
data plus the bare app (served by h11 on asyncio, and by httptools on uvloop
when those are installed), then runs each kind (get_person, write_level)
against each server in turn, R rounds, and prints one JSON line a run and a
last one of medians: CPU milliseconds a request in the serving process.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import httpx
import uvicorn
from fastapi import FastAPI, Request, Response

from deploy.local_neo4j import free_port
from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from tests.bench import load_bench as lb
from tests.support.neo4j_runtime import neo4j_for_tests

KINDS = ("get_person", "write_level")
SOURCE_WORDS = {"self": 1, "manager": 2, "assessment": 3, "certificate": 4}


def person_skill(message: skills_pb2.PersonSkill) -> dict[str, Any]:
    return {
        "skill_id": message.skill_id,
        "level": message.level,
        "evidence": message.evidence,
        "source": skills_pb2.LevelSource.Name(message.source).lower(),
        "assessed_by": message.assessed_by,
        "assessed_at": message.assessed_at or None,
        "valid_until": message.valid_until or None,
    }


def person(message: skills_pb2.Person) -> dict[str, Any]:
    return {
        "id": message.id,
        "name": message.name,
        "sector": message.sector,
        "organisation": message.organisation,
        "locality": message.locality,
        "capacity_fte": message.capacity_fte,
        "day_rate": message.day_rate,
        "clearances": [{"kind": c.kind, "expires": c.expires} for c in message.clearances],
        "skills": [person_skill(s) for s in message.skills],
        "available_from": message.available_from or None,
        "available_until": message.available_until or None,
    }


def bare_app(skills_address: str) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # Opened on the serving loop: a gRPC channel belongs to the loop it was made on.
        async with grpc.aio.insecure_channel(skills_address) as channel:
            stubs.append(skills_pb2_grpc.SkillsServiceStub(channel))  # type: ignore[no-untyped-call]
            yield

    stubs: list[Any] = []
    app = FastAPI(lifespan=lifespan)

    @app.get("/v1/people/{person_id}")
    async def get_person(person_id: str) -> Response:
        found = await stubs[0].GetPerson(skills_pb2.GetPersonRequest(id=person_id), timeout=5.0)
        return Response(json.dumps(person(found)), media_type="application/json")

    @app.put("/v1/people/{person_id}/skills/{skill_id:path}")
    async def set_level(person_id: str, skill_id: str, request: Request) -> Response:
        body = await request.json()
        level = await stubs[0].SetLevel(
            skills_pb2.SetLevelRequest(
                person_id=person_id,
                skill_id=skill_id,
                level=int(body["level"]),
                evidence=str(body.get("evidence", "")),
                source=SOURCE_WORDS[body.get("source", "self")],  # type: ignore[arg-type]
                assessed_by="floor",
                actor="floor",
            ),
            timeout=5.0,
        )
        return Response(json.dumps(person_skill(level)), media_type="application/json")

    return app


def serve(port: int, skills_address: str, fast: bool) -> None:
    """The bare app under uvicorn as the gateway runs it; `fast`: httptools on uvloop."""
    config = uvicorn.Config(
        bare_app(skills_address),
        host="127.0.0.1",
        port=port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
        server_header=False,
        timeout_keep_alive=75,
        http="httptools" if fast else "h11",
    )
    if fast:
        import uvloop

        uvloop.run(uvicorn.Server(config).serve())
    else:
        asyncio.run(uvicorn.Server(config).serve())


def start_bare(port: int, skills_address: str, fast: bool) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.bench.gateway_floor", "--serve", str(port), skills_address]
        + (["--fast"] if fast else []),
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/nowhere", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()
    raise TimeoutError("the bare app did not start")


def has_fast_server() -> bool:
    return all(importlib.util.find_spec(name) for name in ("uvloop", "httptools"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", nargs=2, metavar=("PORT", "SKILLS_ADDRESS"))
    parser.add_argument("--fast", action="store_true")
    args = parser.parse_args()
    if args.serve:
        serve(int(args.serve[0]), args.serve[1], args.fast)
        return
    full_mix = dict(lb.MIX)
    with tempfile.TemporaryDirectory() as scratch, neo4j_for_tests(Path(scratch)) as graph:
        stack = lb.bench_stack(Path(scratch), graph)
        bare: dict[str, tuple[str, subprocess.Popen[bytes]]] = {}
        try:
            stack.start()
            skills_address = f"127.0.0.1:{stack.ports.skills}"
            for name, fast in (("bare h11/asyncio", False), ("bare httptools/uvloop", True)):
                if fast and not has_fast_server():
                    continue
                port = free_port()
                bare[name] = (f"http://127.0.0.1:{port}", start_bare(port, skills_address, fast))
            keys, data = lb.demo_workload(stack)
            asyncio.run(lb.run_load(stack.gateway_url, keys, data, args.clients, 5.0))
            servers = {
                "gateway": (stack.gateway_url, stack.processes["gateway"].pid),
                **{name: (url, process.pid) for name, (url, process) in bare.items()},
            }
            figures: dict[tuple[str, str], list[float]] = {}
            for _ in range(args.rounds):
                for kind in KINDS:
                    lb.MIX.clear()
                    lb.MIX.update({kind: 1})
                    for name, (url, pid) in servers.items():
                        meter = lb.CpuMeter(
                            {"server": pid, "skills": stack.processes["skills"].pid}
                        )
                        before = meter.read()
                        result = asyncio.run(
                            lb.run_load(url, keys, data, args.clients, args.seconds)
                        )
                        cpu = lb.CpuMeter.per_request_ms(before, meter.read(), result.requests)
                        figures.setdefault((kind, name), []).append(cpu["server"])
                        print(
                            json.dumps(
                                {
                                    "kind": kind,
                                    "server": name,
                                    "n": result.requests,
                                    "errors": result.server_errors() + result.transport_errors,
                                    "statuses": dict(result.statuses),
                                    **{f"{k} ms": round(v, 3) for k, v in cpu.items()},
                                }
                            ),
                            flush=True,
                        )
            lb.MIX.clear()
            lb.MIX.update(full_mix)
            print(
                json.dumps(
                    {
                        f"{kind} {name}": round(statistics.median(values), 3)
                        for (kind, name), values in figures.items()
                    }
                )
            )
        finally:
            for _, process in bare.values():
                process.terminate()
                process.wait(timeout=10)
            stack.stop()


if __name__ == "__main__":
    main()
