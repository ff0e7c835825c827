"""Run the embedded Neo4j launcher (deploy/neo4j) as a child process.

Used by the Makefile (`start`, `stop`) and by the test fixtures, so there is
one way to start the local runtime. Standard library only: it must run before
the virtual environment exists.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j"
LAUNCHER_JAR = LAUNCHER_DIR / "target" / "neo4j-launcher-1.0.0.jar"
LAUNCHER_LIB = LAUNCHER_DIR / "target" / "lib"
MAIN_CLASS = "org.lps.neo4j.Launcher"

# The options that Neo4j's own neo4j.conf passes to Java 17; without them the
# store fails with "Cannot to link java.nio.DirectByteBuffer".
JVM_OPTIONS = [
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+UnlockDiagnosticVMOptions",
    "-XX:+DebugNonSafepoints",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--add-opens=java.base/java.util=ALL-UNNAMED",
    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
    "--add-opens=java.base/java.net=ALL-UNNAMED",
    "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dlog4j2.disable.jmx=true",
]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def bolt_answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


@dataclass
class LocalNeo4j:
    """One embedded Neo4j process with its store in `home`."""

    home: Path
    port: int = 7687
    host: str = "127.0.0.1"
    auth: str = "none"
    pagecache_mb: int = 256
    heap_mb: int = 1024
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def uri(self) -> str:
        return f"bolt://{self.host}:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.home / "launcher.log"

    def command(self) -> list[str]:
        if not LAUNCHER_JAR.exists():
            raise RuntimeError(
                f"{LAUNCHER_JAR} is missing: run 'make neo4j-jars' to fetch Neo4j's jars"
            )
        classpath = f"{LAUNCHER_JAR}{os.pathsep}{LAUNCHER_LIB}/*"
        return ["java", f"-Xmx{self.heap_mb}m", *JVM_OPTIONS, "-cp", classpath, MAIN_CLASS]

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "NEO4J_HOME_DIR": str(self.home / "store"),
            "NEO4J_BOLT_HOST": self.host,
            "NEO4J_BOLT_PORT": str(self.port),
            "NEO4J_AUTH": self.auth,
            "NEO4J_PAGECACHE_MB": str(self.pagecache_mb),
        }

    def start(self, timeout_s: float = 180.0, detach: bool = False) -> str:
        self.home.mkdir(parents=True, exist_ok=True)
        if bolt_answers(self.host, self.port):
            raise RuntimeError(f"port {self.port} is taken: is another Neo4j running?")
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self.environment(),
            start_new_session=detach,
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Neo4j exited with {self.process.returncode}; see {self.log_path}:\n"
                    + self.log_path.read_text(errors="replace")[-3000:]
                )
            if b"READY bolt://" in self.log_path.read_bytes() and bolt_answers(
                self.host, self.port
            ):
                return self.uri
            time.sleep(0.2)
        self.stop()
        raise TimeoutError(f"Neo4j did not answer on {self.uri} within {timeout_s}s")

    def stop(self, timeout_s: float = 60.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _stop_pid(pid_file: Path, timeout_s: float) -> None:
    if not pid_file.exists():
        print("local Neo4j is not running")
        return
    pid = int(pid_file.read_text())
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink()
        return
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.2)
    else:
        os.kill(pid, signal.SIGKILL)
    pid_file.unlink(missing_ok=True)
    print(f"stopped local Neo4j (pid {pid})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["start", "stop", "run"])
    parser.add_argument("--home", type=Path, default=Path(".run/neo4j"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("NEO4J_BOLT_PORT", 7687)))
    parser.add_argument("--auth", default=os.environ.get("NEO4J_AUTH", "none"))
    parser.add_argument("--timeout", type=float, default=180.0)
    args = parser.parse_args(argv)
    pid_file = args.home / "launcher.pid"
    if args.action == "stop":
        _stop_pid(pid_file, args.timeout)
        return 0
    runtime = LocalNeo4j(home=args.home, port=args.port, auth=args.auth)
    if args.action == "start":
        if pid_file.exists() and bolt_answers(runtime.host, runtime.port):
            print(f"local Neo4j already answers on {runtime.uri}")
            return 0
        uri = runtime.start(timeout_s=args.timeout, detach=True)
        assert runtime.process is not None
        pid_file.write_text(str(runtime.process.pid))
        print(f"local Neo4j answers on {uri} (store in {args.home}, log {runtime.log_path})")
        return 0
    runtime.start(timeout_s=args.timeout)
    assert runtime.process is not None
    signal.signal(signal.SIGTERM, lambda *_: runtime.stop())
    return runtime.process.wait()


if __name__ == "__main__":
    sys.exit(main())
