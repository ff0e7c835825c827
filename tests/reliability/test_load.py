"""Issue 5, test 3: a bounded load through the gateway answers no 5xx.

The same load as `make bench-load`, whose figures go to BENCHMARKS.md; here
only its correctness counts.
"""

from __future__ import annotations

import pytest

from tests.bench.load_bench import CLIENTS, DURATION_S, MIX, run_load, workload
from tests.reliability.conftest import System

pytestmark = [pytest.mark.neo4j, pytest.mark.reliability]


async def test_fifty_clients_for_thirty_seconds_get_no_server_error(system: System) -> None:
    with system.client("admin") as admin:
        data = workload(admin)
    result = await run_load(system.url, system.keys, data, CLIENTS, DURATION_S)
    print(result.summary())

    assert result.failures == []
    assert set(result.statuses) <= {200, 201}, result.statuses
    assert set(result.latencies_ms) == set(MIX)
    assert result.requests >= CLIENTS
