"""The one table from domain errors to gRPC status codes, with rich details."""

from __future__ import annotations

import grpc
from google.protobuf import any_pb2
from google.rpc import error_details_pb2, status_pb2
from grpc_status import rpc_status

from services.common.errors import (
    AlreadyExists,
    DomainError,
    FailedPrecondition,
    FieldViolation,
    Inconsistent,
    InvalidArgument,
    NotFound,
    Unavailable,
)

STATUS_OF_ERROR: dict[type[DomainError], grpc.StatusCode] = {
    InvalidArgument: grpc.StatusCode.INVALID_ARGUMENT,
    NotFound: grpc.StatusCode.NOT_FOUND,
    AlreadyExists: grpc.StatusCode.ALREADY_EXISTS,
    FailedPrecondition: grpc.StatusCode.FAILED_PRECONDITION,
    Unavailable: grpc.StatusCode.UNAVAILABLE,
    Inconsistent: grpc.StatusCode.INTERNAL,
}


def status_code_for(error: DomainError) -> grpc.StatusCode:
    for error_type, code in STATUS_OF_ERROR.items():
        if isinstance(error, error_type):
            return code
    return grpc.StatusCode.UNKNOWN


def to_rpc_status(error: DomainError) -> grpc.Status:
    """A google.rpc.Status for the error; invalid arguments carry BadRequest details."""
    code = status_code_for(error)
    status = status_pb2.Status(code=code.value[0], message=str(error))
    if isinstance(error, InvalidArgument):
        bad_request = error_details_pb2.BadRequest(
            field_violations=[
                error_details_pb2.BadRequest.FieldViolation(field=v.field, description=v.message)
                for v in error.violations
            ]
        )
        detail = any_pb2.Any()
        detail.Pack(bad_request)
        status.details.append(detail)
    return rpc_status.to_status(status)


async def abort_with_error(context: grpc.aio.ServicerContext, error: DomainError) -> None:
    status = to_rpc_status(error)
    await context.abort(status.code, status.details, status.trailing_metadata)


def field_violations_of(error: grpc.aio.AioRpcError | grpc.RpcError) -> list[FieldViolation]:
    """The BadRequest field violations a server attached to an error, for clients."""
    status = rpc_status.from_call(error)
    if status is None:
        return []
    violations: list[FieldViolation] = []
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            bad_request = error_details_pb2.BadRequest()
            detail.Unpack(bad_request)
            violations.extend(
                FieldViolation(v.field, v.description) for v in bad_request.field_violations
            )
    return violations


def domain_error_from_rpc(error: grpc.aio.AioRpcError) -> DomainError:
    """Turns an error answered by another service back into the domain error it stands for."""
    code = error.code()
    message = error.details() or code.name
    if code == grpc.StatusCode.INVALID_ARGUMENT:
        violations = field_violations_of(error) or [FieldViolation("", message)]
        return InvalidArgument(violations)
    if code == grpc.StatusCode.NOT_FOUND:
        return NotFound(message)
    if code == grpc.StatusCode.ALREADY_EXISTS:
        return AlreadyExists(message)
    if code == grpc.StatusCode.FAILED_PRECONDITION:
        return FailedPrecondition(message)
    return Unavailable(message)


__all__ = [
    "STATUS_OF_ERROR",
    "abort_with_error",
    "domain_error_from_rpc",
    "field_violations_of",
    "status_code_for",
    "to_rpc_status",
]
