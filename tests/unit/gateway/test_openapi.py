"""The OpenAPI document tells the truth about errors, scopes and limits, and
the drift check the end-to-end tests run catches an answer it does not describe."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http.app import create_app
from services.gateway.entrypoints.http.deps import Gateway
from tests.e2e.contract import Contract


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    app = create_app(Gateway(settings=GatewaySettings(), skills=None, matching=None, store=None))  # type: ignore[arg-type]
    openapi: dict[str, Any] = app.openapi()
    return openapi


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_problem_json_errors_not_fastapis_shape(
    document: dict[str, Any],
) -> None:
    assert "HTTPValidationError" not in document["components"]["schemas"]
    for path, method, operation in operations(document):
        responses = operation["responses"]
        for status in ("422", "503"):
            assert "application/problem+json" in responses[status]["content"], (path, method)
        if path.startswith("/v1/"):
            assert {"401", "403"} <= set(responses), (path, method)
        if "{" in path:
            assert "404" in responses, (path, method)


def test_a_403_names_the_scopes_and_bodies_name_their_limits(document: dict[str, Any]) -> None:
    imports = document["paths"]["/v1/imports/people"]["post"]
    assert "admin, hr" in imports["responses"]["403"]["description"]
    assert "20 MB" in imports["responses"]["413"]["description"]
    assert "multipart/form-data" in imports["requestBody"]["content"]
    outcome = document["paths"]["/v1/outcomes"]["post"]
    assert "admin, manager" in outcome["responses"]["403"]["description"]
    assert "1 MB" in outcome["responses"]["413"]["description"]


def test_every_parameter_is_described(document: dict[str, Any]) -> None:
    bare = [
        (path, method, parameter["name"])
        for path, method, operation in operations(document)
        for parameter in operation.get("parameters", [])
        if not parameter.get("description")
    ]
    assert bare == []


def test_every_schema_field_is_described(document: dict[str, Any]) -> None:
    bare = [
        f"{name}.{field}"
        for name, schema in document["components"]["schemas"].items()
        for field, spec in schema.get("properties", {}).items()
        if not spec.get("description")
    ]
    assert bare == []


def answer(method: str, path: str, status: int, body: bytes, media_type: str) -> httpx.Response:
    request = httpx.Request(method, "http://gateway" + path)
    return httpx.Response(
        status, content=body, headers={"content-type": media_type}, request=request
    )


def test_the_drift_check_flags_an_undocumented_status_and_a_wrong_shape(
    document: dict[str, Any],
) -> None:
    contract = Contract(document)
    problem = b'{"type":"t","title":"Not Found","status":404,"detail":"d","errors":[]}'
    assert (
        contract.problems(answer("GET", "/v1/people/p1", 404, problem, "application/problem+json"))
        == []
    )
    assert contract.problems(answer("GET", "/v1/people/p1", 418, b"", "text/plain"))
    drifted = contract.problems(
        answer("GET", "/v1/people/p1", 404, b'{"detail":"x"}', "application/problem+json")
    )
    assert drifted and "required" in drifted[0]
