"""`make up` / `make down`: the whole system on one machine.

Starts Neo4j (the embedded launcher, unless NEO4J_URI points elsewhere), the
skills and matching services and the gateway as separate processes, waits
until each is ready, loads the demo data set unless data exists, and prints
the gateway address with a key for each persona. The end-to-end tests start
the same stack on free ports through `LocalStack`.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import httpx
from grpc_health.v1 import health_pb2, health_pb2_grpc

from deploy.local_neo4j import LocalNeo4j, bolt_answers, free_port

ROOT = Path(__file__).resolve().parents[1]
STATE_DIR = ROOT / ".run"
STATE_FILE = STATE_DIR / "state.json"
# The demo personas' keys, reused by every `make up` while the graph keeps them.
PERSONA_KEYS_FILE = STATE_DIR / "persona-keys.json"


@dataclass
class Ports:
    bolt: int = 7687
    skills: int = 50051
    matching: int = 50052
    gateway: int = 8080

    @classmethod
    def free(cls) -> Ports:
        return cls(free_port(), free_port(), free_port(), free_port())


@dataclass
class LocalStack:
    """Neo4j plus the three services as child processes, with their logs in `run_dir`."""

    run_dir: Path
    ports: Ports
    admin_key: str
    neo4j_uri: str = ""
    detach: bool = False
    extra_env: dict[str, str] = field(default_factory=dict)
    neo4j: LocalNeo4j | None = None
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.ports.gateway}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "NEO4J_URI": self.neo4j_uri,
            "SKILLS_GRPC_ADDRESS": f"127.0.0.1:{self.ports.skills}",
            "MATCHING_GRPC_ADDRESS": f"127.0.0.1:{self.ports.matching}",
            "MATCHING_SKILLS_ADDRESS": f"127.0.0.1:{self.ports.skills}",
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(self.ports.gateway),
            "GATEWAY_SKILLS_ADDRESS": f"127.0.0.1:{self.ports.skills}",
            "GATEWAY_MATCHING_ADDRESS": f"127.0.0.1:{self.ports.matching}",
            "LPS_ADMIN_KEY": self.admin_key,
            **self.extra_env,
        }

    def start_neo4j(self) -> None:
        if self.neo4j_uri:
            return
        self.neo4j = LocalNeo4j(home=self.run_dir / "neo4j", port=self.ports.bolt)
        self.neo4j_uri = self.neo4j.start(detach=self.detach)

    def start_service(self, name: str) -> None:
        log = (self.run_dir / f"{name}.log").open("ab")
        self.processes[name] = subprocess.Popen(
            [sys.executable, "-m", f"services.{name}"],
            cwd=ROOT,
            env=self.environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=self.detach,
        )

    def start(self, timeout_s: float = 120.0) -> None:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self.start_neo4j()
        for name in ("skills", "matching", "gateway"):
            self.start_service(name)
        deadline = time.monotonic() + timeout_s
        wait_for_grpc_serving(f"127.0.0.1:{self.ports.skills}", deadline, self._check_alive)
        wait_for_grpc_serving(f"127.0.0.1:{self.ports.matching}", deadline, self._check_alive)
        wait_for_http_ok(f"{self.gateway_url}/readyz", deadline, self._check_alive)

    def _check_alive(self) -> None:
        for name, process in self.processes.items():
            if process.poll() is not None:
                log = (self.run_dir / f"{name}.log").read_text(errors="replace")[-3000:]
                raise RuntimeError(f"{name} exited with {process.returncode}:\n{log}")

    def stop_service(self, name: str, timeout_s: float = 20.0) -> None:
        process = self.processes.get(name)
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
        self._reap(name, timeout_s)

    def _reap(self, name: str, timeout_s: float) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def stop(self, timeout_s: float = 20.0) -> None:
        # All at once: each drains on its own, and waiting in turn only adds the waits up.
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for name in ("gateway", "matching", "skills"):
            self._reap(name, timeout_s)
        if self.neo4j is not None:
            self.neo4j.stop()

    def pids(self) -> dict[str, int]:
        pids = {name: process.pid for name, process in self.processes.items()}
        if self.neo4j is not None and self.neo4j.process is not None:
            pids["neo4j"] = self.neo4j.process.pid
        return pids


def wait_for_grpc_serving(
    target: str, deadline: float, check_alive: Callable[[], None] | None = None
) -> None:
    with grpc.insecure_channel(target) as channel:
        stub = health_pb2_grpc.HealthStub(channel)
        while time.monotonic() < deadline:
            if check_alive is not None:
                check_alive()
            try:
                answer = stub.Check(health_pb2.HealthCheckRequest(service=""), timeout=1)
                if answer.status == health_pb2.HealthCheckResponse.SERVING:
                    return
            except grpc.RpcError:
                pass
            time.sleep(0.3)
    raise TimeoutError(f"{target} did not report SERVING in time")


def wait_for_http_ok(
    url: str, deadline: float, check_alive: Callable[[], None] | None = None
) -> None:
    while time.monotonic() < deadline:
        if check_alive is not None:
            check_alive()
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer 200 in time")


def _admin_key() -> str:
    if key := os.environ.get("LPS_ADMIN_KEY"):
        return key
    key_file = STATE_DIR / "admin-key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = "lps_admin_" + secrets.token_urlsafe(24)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def up() -> int:
    if STATE_FILE.exists():
        state = json.loads(STATE_FILE.read_text())
        if all(_alive(pid) for pid in state["pids"].values()):
            print(f"already running: gateway at {state['gateway_url']} (make down stops it)")
            return 0
        down()
    STATE_DIR.mkdir(exist_ok=True)
    defaults = Ports()
    ports = Ports(
        bolt=int(os.environ.get("NEO4J_BOLT_PORT", defaults.bolt)),
        skills=int(os.environ.get("SKILLS_PORT", defaults.skills)),
        matching=int(os.environ.get("MATCHING_PORT", defaults.matching)),
        gateway=int(os.environ.get("GATEWAY_PORT", defaults.gateway)),
    )
    neo4j_uri = os.environ.get("NEO4J_URI", "")
    if not neo4j_uri and bolt_answers("127.0.0.1", ports.bolt):
        print(f"port {ports.bolt} is taken; set NEO4J_BOLT_PORT or NEO4J_URI", file=sys.stderr)
        return 1
    # The scoring index's snapshot beside Neo4j's data, so a restart of the
    # stack loads it rather than reading every person again.
    snapshot = os.environ.get("SKILLS_INDEX_SNAPSHOT_PATH", str(STATE_DIR / "skills-index.npz"))
    stack = LocalStack(
        run_dir=STATE_DIR,
        ports=ports,
        admin_key=_admin_key(),
        neo4j_uri=neo4j_uri,
        detach=True,
        extra_env={"SKILLS_INDEX_SNAPSHOT_PATH": snapshot},
    )
    print("starting Neo4j, skills, matching and the gateway (logs in .run/)...", flush=True)
    try:
        stack.start()
    except (RuntimeError, TimeoutError) as error:
        print(f"could not start: {error}", file=sys.stderr)
        stack.stop()
        return 1
    STATE_FILE.write_text(json.dumps({"pids": stack.pids(), "gateway_url": stack.gateway_url}))

    from deploy.demo_data import load_demo_data

    try:
        keys = load_demo_data(stack.gateway_url, stack.admin_key, _persona_keys())
        _keep_persona_keys(keys)
    except httpx.HTTPError as error:
        print(f"could not load the demo data: {error}; stopping (logs in .run/)", file=sys.stderr)
        stack.stop()
        STATE_FILE.unlink()
        return 1
    print(f"\nGateway: {stack.gateway_url}  (API docs: {stack.gateway_url}/docs)")
    print(f"Web page: {stack.gateway_url}/  (sign in with one of the keys below)")
    print("Keys (Authorization: Bearer <key>):")
    print(f"  admin    {stack.admin_key}")
    for persona, key in keys.items():
        print(f"  {persona:<8} {key}")
    print(f"(kept in {PERSONA_KEYS_FILE.relative_to(ROOT)} and reused by the next make up)")
    print("\nThe command-line client, e.g. as HR:")
    print(f"  export LPS_URL={stack.gateway_url}")
    print(f"  export LPS_KEY={keys.get('hr', stack.admin_key)}")
    print("  .venv/bin/lps --help        (or: source .venv/bin/activate; lps --help)")
    print("Stop everything with: make down")
    return 0


def _persona_keys() -> dict[str, str]:
    try:
        stored = json.loads(PERSONA_KEYS_FILE.read_text())
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def _keep_persona_keys(keys: dict[str, str]) -> None:
    PERSONA_KEYS_FILE.touch(mode=0o600, exist_ok=True)
    PERSONA_KEYS_FILE.chmod(0o600)
    PERSONA_KEYS_FILE.write_text(json.dumps(keys, indent=2))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def down() -> int:
    if not STATE_FILE.exists():
        print("nothing is running")
        return 0
    pids: dict[str, int] = json.loads(STATE_FILE.read_text())["pids"]
    for name in ("gateway", "matching", "skills", "neo4j"):
        pid = pids.get(name)
        if pid is None or not _alive(pid):
            continue
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        if _alive(pid):
            os.kill(pid, signal.SIGKILL)
        print(f"stopped {name}")
    STATE_FILE.unlink()
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["up", "down"])
    args = parser.parse_args()
    return up() if args.action == "up" else down()


if __name__ == "__main__":
    sys.exit(main())
