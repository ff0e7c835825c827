"""Every error as application/problem+json (RFC 9457), from one table.

gRPC status codes map to HTTP statuses here; the gateway's own domain errors
go through the shared domain-to-gRPC table first, so both meet in one place.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import grpc
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from google.protobuf.descriptor import FieldDescriptor, FileDescriptor
from starlette.exceptions import HTTPException as StarletteHTTPException

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.common.errors import DomainError, FieldViolation, InvalidArgument
from services.common.grpc_errors import field_violations_of, status_code_for
from services.common.logging import request_id_var
from services.gateway.domain.auth import GRANTS, Permission, Scope

logger = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://local-public-support.example/problems/"

HTTP_STATUS_OF_GRPC: dict[grpc.StatusCode, int] = {
    grpc.StatusCode.INVALID_ARGUMENT: 422,
    grpc.StatusCode.OUT_OF_RANGE: 422,
    grpc.StatusCode.NOT_FOUND: 404,
    grpc.StatusCode.ALREADY_EXISTS: 409,
    grpc.StatusCode.FAILED_PRECONDITION: 409,
    grpc.StatusCode.ABORTED: 409,
    grpc.StatusCode.UNAVAILABLE: 503,
    grpc.StatusCode.DEADLINE_EXCEEDED: 503,
    grpc.StatusCode.RESOURCE_EXHAUSTED: 503,
}
INTERNAL_ERROR = 500
SERVICE_UNAVAILABLE_DETAIL = "A service this request needs did not answer in time; retry later."
INTERNAL_DETAIL = "The request could not be completed because of an internal error."

# Query parameters the HTTP API names otherwise than the request message does.
QUERY_NAMES: dict[str, str] = {"filter.skill_id": "skill", "role_id": "role", "query": "q"}
_INDEX = re.compile(r"\.(\d+)(?=\.|$)")


def wrapper_fields(files: Iterable[FileDescriptor]) -> frozenset[str]:
    """Request fields the HTTP API flattens into its body or query: in each
    request message led by one message field and holding only scalars besides,
    that first field (`UpsertPersonRequest.person`: the body is the person)."""
    wrappers = set()
    for file in files:
        for service in file.services_by_name.values():
            for method in service.methods:
                fields = list(method.input_type.fields)
                if not fields or not _is_single_message(fields[0]):
                    continue
                if all(field.type != FieldDescriptor.TYPE_MESSAGE for field in fields[1:]):
                    wrappers.add(fields[0].name)
    return frozenset(wrappers)


def _is_single_message(field: FieldDescriptor) -> bool:
    return field.type == FieldDescriptor.TYPE_MESSAGE and not field.is_repeated


WRAPPER_FIELDS = wrapper_fields((matching_pb2.DESCRIPTOR, skills_pb2.DESCRIPTOR))


def json_field_name(proto_field: str) -> str:
    """`outcome.slots.0.role_id` -> `slots[0].role_id`; `filter.skill_id` -> `skill`."""
    field = _INDEX.sub(r"[\1]", proto_field.strip())
    if field in QUERY_NAMES:
        return QUERY_NAMES[field]
    wrapper, dot, rest = field.partition(".")
    return rest if dot and wrapper in WRAPPER_FIELDS else field


def problem_type(status: int) -> str:
    return PROBLEM_TYPE_BASE + HTTPStatus(status).phrase.lower().replace(" ", "-")


@dataclass(frozen=True)
class Problem:
    status: int
    detail: str
    errors: Sequence[FieldViolation] = ()
    title: str = ""

    def body(self) -> dict[str, Any]:
        return {
            "type": problem_type(self.status),
            "title": self.title or HTTPStatus(self.status).phrase,
            "status": self.status,
            "detail": self.detail,
            "errors": [{"field": e.field, "message": e.message} for e in self.errors],
            "request_id": request_id_var.get(),
        }

    def encode(self) -> bytes:
        return json.dumps(self.body(), ensure_ascii=False).encode()


def problem_response(problem: Problem, headers: Mapping[str, str] | None = None) -> Response:
    return Response(
        content=problem.encode(),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=dict(headers or {}),
    )


def problem_of_rpc_error(error: grpc.aio.AioRpcError) -> Problem:
    code = error.code()
    status = HTTP_STATUS_OF_GRPC.get(code, INTERNAL_ERROR)
    if status == INTERNAL_ERROR:
        logger.error("service call failed", extra={"code": code.name, "details": error.details()})
        return Problem(status, INTERNAL_DETAIL)
    if status == 503:
        logger.warning("service unavailable", extra={"code": code.name})
        return Problem(status, SERVICE_UNAVAILABLE_DETAIL)
    message = error.details() or HTTPStatus(status).phrase
    violations: list[FieldViolation] = []
    if status == 422:
        violations = [
            FieldViolation(json_field_name(v.field), v.message) for v in field_violations_of(error)
        ]
    return Problem(status, message, violations)


def problem_of_domain_error(error: DomainError) -> Problem:
    status = HTTP_STATUS_OF_GRPC.get(status_code_for(error), INTERNAL_ERROR)
    if status == INTERNAL_ERROR:
        return Problem(status, INTERNAL_DETAIL)
    if status == 503:
        return Problem(status, SERVICE_UNAVAILABLE_DETAIL)
    if isinstance(error, InvalidArgument):
        return Problem(status, "The request has invalid fields.", error.violations)
    return Problem(status, str(error))


def _location(loc: Iterable[int | str]) -> str:
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def problem_of_validation_error(error: RequestValidationError) -> Problem:
    errors = list(error.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        return Problem(
            400, "The body is not valid JSON.", [FieldViolation("body", "malformed JSON")]
        )
    violations = [
        FieldViolation(_location(e.get("loc", ())), str(e.get("msg", ""))) for e in errors
    ]
    return Problem(422, "The request has invalid fields.", violations)


class BodyTooLarge(StarletteHTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The body is larger than {limit} bytes.")
        self.limit = limit

    def problem(self) -> Problem:
        violation = FieldViolation("body", f"must be at most {self.limit} bytes")
        return Problem(413, self.detail, [violation])


class Unauthenticated(Exception):
    """No key, an unknown key or a revoked key: told apart to no one."""


class PermissionDenied(Exception):
    def __init__(self, permission: str) -> None:
        super().__init__(permission)
        self.permission = permission


def permission_problem(permission: str) -> Problem:
    """A 403 that names the scopes that would have been allowed."""
    scopes = sorted({*(s.value for s in GRANTS[Permission(permission)]), Scope.ADMIN.value})
    return Problem(
        403,
        "This key's scopes do not allow this request; it needs one of the scopes "
        + ", ".join(scopes)
        + ".",
        [FieldViolation("scope", "needs one of " + ", ".join(scopes))],
    )


UNAUTHENTICATED = Problem(401, "A valid API key is required: Authorization: Bearer <key>.")
UNAUTHENTICATED_HEADERS = {"WWW-Authenticate": 'Bearer realm="lps"'}


def install_problem_handlers(app: FastAPI) -> None:
    async def on_rpc_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, grpc.aio.AioRpcError)
        return problem_response(problem_of_rpc_error(error))

    async def on_domain_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, DomainError)
        return problem_response(problem_of_domain_error(error))

    async def on_validation_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return problem_response(problem_of_validation_error(error))

    async def on_http_error(_: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if isinstance(error, BodyTooLarge):
            return problem_response(error.problem())
        detail = (
            error.detail if isinstance(error.detail, str) else HTTPStatus(error.status_code).phrase
        )
        return problem_response(Problem(error.status_code, detail), error.headers)

    async def on_unauthenticated(_: Request, __: Exception) -> Response:
        return problem_response(UNAUTHENTICATED, UNAUTHENTICATED_HEADERS)

    async def on_permission_denied(_: Request, error: Exception) -> Response:
        assert isinstance(error, PermissionDenied)
        return problem_response(permission_problem(error.permission))

    app.add_exception_handler(grpc.aio.AioRpcError, on_rpc_error)
    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Unauthenticated, on_unauthenticated)
    app.add_exception_handler(PermissionDenied, on_permission_denied)
