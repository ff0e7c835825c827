"""Issue 5, test 4: Schemathesis against the gateway's OpenAPI document with
each persona's key: no 5xx, and no response that breaks the documented schema.

Each operation gets its own Hypothesis run (Schemathesis' pytest loader does
not run under this pytest), with every failure collected before asserting.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Err

from tests.reliability.conftest import System

pytestmark = [pytest.mark.neo4j, pytest.mark.reliability]

PERSONAS = ("hr", "manager", "planner", "admin")
# Bounded for 2 cores: a few generated requests per operation, each sent under every persona.
EXAMPLES = 5


def test_gateway_answers_within_its_schema(system: System) -> None:
    schema = schemathesis.openapi.from_url(f"{system.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"an operation is not valid OpenAPI: {result.err()}")
            continue
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        def exercise(case: Any) -> None:
            # The same request under every persona: granted, refused or invalid, never a 5xx.
            for persona in PERSONAS:
                case.call_and_validate(
                    headers={"Authorization": f"Bearer {system.keys[persona]}"},
                    checks=[not_a_server_error, response_schema_conformance],
                    timeout=120,
                )

        try:
            exercise()
        except (Exception, BaseExceptionGroup) as error:
            failures.append(f"{operation.label}: {error}")
    assert operations >= 40
    assert failures == [], "\n\n".join(failures)
