from __future__ import annotations

import json

import grpc
import pytest
from fastapi.exceptions import RequestValidationError

from services.common.errors import FieldViolation, InvalidArgument, NotFound
from services.common.grpc_errors import to_rpc_status
from services.common.logging import request_id_var
from services.gateway.entrypoints.http.problems import (
    WRAPPER_FIELDS,
    Problem,
    json_field_name,
    problem_of_domain_error,
    problem_of_rpc_error,
    problem_of_validation_error,
)


def rpc_error(code: grpc.StatusCode, details: str = "it went wrong") -> grpc.aio.AioRpcError:
    return grpc.aio.AioRpcError(code, grpc.aio.Metadata(), grpc.aio.Metadata(), details=details)


def invalid_argument(*violations: FieldViolation) -> grpc.aio.AioRpcError:
    status = to_rpc_status(InvalidArgument(list(violations)))
    return grpc.aio.AioRpcError(
        status.code,
        grpc.aio.Metadata(),
        grpc.aio.Metadata(*status.trailing_metadata),
        details=status.details,
    )


@pytest.mark.parametrize(
    ("code", "http_status"),
    [
        (grpc.StatusCode.INVALID_ARGUMENT, 422),
        (grpc.StatusCode.NOT_FOUND, 404),
        (grpc.StatusCode.ALREADY_EXISTS, 409),
        (grpc.StatusCode.FAILED_PRECONDITION, 409),
        (grpc.StatusCode.UNAVAILABLE, 503),
        (grpc.StatusCode.DEADLINE_EXCEEDED, 503),
        (grpc.StatusCode.INTERNAL, 500),
        (grpc.StatusCode.UNKNOWN, 500),
        (grpc.StatusCode.PERMISSION_DENIED, 500),
    ],
)
def test_each_grpc_status_has_its_http_status(code: grpc.StatusCode, http_status: int) -> None:
    assert problem_of_rpc_error(rpc_error(code)).status == http_status


def test_server_errors_hide_what_the_service_said() -> None:
    secret = 'Traceback (most recent call last): File "/srv/x.py"'
    for code in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNAVAILABLE):
        problem = problem_of_rpc_error(rpc_error(code, secret))
        assert "Traceback" not in problem.encode().decode()


def test_not_found_keeps_the_services_message() -> None:
    problem = problem_of_rpc_error(rpc_error(grpc.StatusCode.NOT_FOUND, "person 'p9' not found"))
    assert problem.detail == "person 'p9' not found"


def test_invalid_argument_names_fields_by_their_json_names() -> None:
    error = invalid_argument(
        FieldViolation("person.capacity_fte", "must be at most 1"),
        FieldViolation("outcome.slots[0].role_id", "unknown role"),
        FieldViolation("filter.skill_id", "unknown skill"),
    )
    problem = problem_of_rpc_error(error)
    assert problem.status == 422
    assert [e.field for e in problem.errors] == ["capacity_fte", "slots[0].role_id", "skill"]
    assert problem.errors[0].message == "must be at most 1"


@pytest.mark.parametrize(
    ("proto_field", "json_field"),
    [
        ("role_id", "role"),
        ("query", "q"),
        ("outcome.slots.2.count", "slots[2].count"),
        ("role.requirements[1].min_level", "requirements[1].min_level"),
        ("pins[0].person_id", "pins[0].person_id"),
        ("role_ids", "role_ids"),
        # Wrappers come from the protos: a request led by the message the body holds.
        ("course.runs.0.start", "runs[0].start"),
        ("filter.locality", "locality"),
        ("options.time_limit_s", "options.time_limit_s"),
        (
            "what_if.rule_overrides[0].rules.max_sector_share",
            "what_if.rule_overrides[0].rules.max_sector_share",
        ),
    ],
)
def test_field_names(proto_field: str, json_field: str) -> None:
    assert json_field_name(proto_field) == json_field


def test_the_wrappers_are_the_messages_a_request_carries_alone() -> None:
    assert {"person", "skill", "role", "outcome", "course", "result", "filter"} <= WRAPPER_FIELDS
    # ProposeStaffing's messages (pins, weights, what_if) sit beside other fields.
    assert WRAPPER_FIELDS.isdisjoint({"pins", "weights", "what_if", "options", "levels"})


def test_problem_body_has_every_rfc9457_member_and_the_request_id() -> None:
    token = request_id_var.set("req-123")
    try:
        body = json.loads(Problem(404, "gone", [FieldViolation("id", "unknown")]).encode())
    finally:
        request_id_var.reset(token)
    assert body["type"].endswith("/not-found")
    assert body["title"] == "Not Found"
    assert body["status"] == 404
    assert body["detail"] == "gone"
    assert body["errors"] == [{"field": "id", "message": "unknown"}]
    assert body["request_id"] == "req-123"


def test_domain_errors_go_through_the_same_table() -> None:
    assert problem_of_domain_error(NotFound.of("key", "k1")).status == 404
    invalid = problem_of_domain_error(InvalidArgument.of("page_token", "bad"))
    assert invalid.status == 422
    assert invalid.errors[0].field == "page_token"


def test_validation_errors_name_nested_fields_and_malformed_json_is_400() -> None:
    nested = RequestValidationError(
        [{"type": "missing", "loc": ("body", "slots", 0, "role_id"), "msg": "Field required"}]
    )
    problem = problem_of_validation_error(nested)
    assert problem.status == 422
    assert problem.errors[0].field == "slots[0].role_id"
    malformed = RequestValidationError(
        [{"type": "json_invalid", "loc": ("body", 7), "msg": "JSON decode error"}]
    )
    assert problem_of_validation_error(malformed).status == 400
