"""The gateway's channels forward the request id being served on every kind of
call, without a client interceptor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import grpc
import pytest

from services.common.grpc_server import GrpcServer, forwarding_request_ids
from services.common.logging import REQUEST_ID_HEADER, request_id_var
from services.gateway.adapters.channels import service_channel

SERVICE = "t.GatewayProbe"


async def echo_request_id(_: bytes, context: grpc.aio.ServicerContext) -> bytes:
    metadata = context.invocation_metadata() or ()
    return b",".join(value.encode() for key, value in metadata if key == REQUEST_ID_HEADER)


async def stream_request_id(_: bytes, context: grpc.aio.ServicerContext) -> AsyncIterator[bytes]:
    yield await echo_request_id(b"", context)


async def collect_request_id(
    requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext
) -> bytes:
    async for _ in requests:
        pass
    return await echo_request_id(b"", context)


async def echo_stream_request_id(
    requests: AsyncIterator[bytes], context: grpc.aio.ServicerContext
) -> AsyncIterator[bytes]:
    async for _ in requests:
        yield await echo_request_id(b"", context)


@pytest.fixture
async def stubs() -> AsyncIterator[Any]:
    server = GrpcServer([SERVICE])
    handlers = {
        "Unary": grpc.unary_unary_rpc_method_handler(echo_request_id),
        "UnaryStream": grpc.unary_stream_rpc_method_handler(stream_request_id),
        "StreamUnary": grpc.stream_unary_rpc_method_handler(collect_request_id),
        "StreamStream": grpc.stream_stream_rpc_method_handler(echo_stream_request_id),
    }
    server.server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler(SERVICE, handlers),)
    )
    port = server.bind("127.0.0.1:0")
    await server.start()
    await server.set_serving(True)
    channel = service_channel(f"127.0.0.1:{port}", SERVICE, ["Unary"])
    try:
        yield forwarding_request_ids(channel)
    finally:
        await channel.close()
        await server.stop(0)


async def one_request() -> AsyncIterator[bytes]:
    yield b""


async def test_every_kind_of_call_carries_the_request_id_being_served(stubs: Any) -> None:
    token = request_id_var.set("rid-7")
    try:
        unary = await stubs.unary_unary(f"/{SERVICE}/Unary")(b"", timeout=5)
        unary_stream = [
            item async for item in stubs.unary_stream(f"/{SERVICE}/UnaryStream")(b"", timeout=5)
        ]
        stream_unary = await stubs.stream_unary(f"/{SERVICE}/StreamUnary")(one_request(), timeout=5)
        stream_stream = [
            item
            async for item in stubs.stream_stream(f"/{SERVICE}/StreamStream")(
                one_request(), timeout=5
            )
        ]
    finally:
        request_id_var.reset(token)
    assert (unary, unary_stream, stream_unary, stream_stream) == (
        b"rid-7",
        [b"rid-7"],
        b"rid-7",
        [b"rid-7"],
    )


async def test_the_request_id_replaces_one_the_caller_passed_and_is_left_out_when_none(
    stubs: Any,
) -> None:
    echo = stubs.unary_unary(f"/{SERVICE}/Unary")
    token = request_id_var.set("rid-8")
    try:
        replaced = await echo(b"", timeout=5, metadata=((REQUEST_ID_HEADER, "stale"),))
    finally:
        request_id_var.reset(token)
    assert replaced == b"rid-8"
    assert await echo(b"", timeout=5) == b""
