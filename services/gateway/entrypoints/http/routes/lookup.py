"""Small helpers the routers share."""

from __future__ import annotations

from collections.abc import Awaitable
from urllib.parse import quote

import grpc


async def exists(lookup: Awaitable[object]) -> bool:
    """Whether a Get call finds its object; other errors propagate."""
    try:
        await lookup
    except grpc.aio.AioRpcError as error:
        if error.code() == grpc.StatusCode.NOT_FOUND:
            return False
        raise
    return True


def location(collection: str, resource_id: str) -> str:
    """A Location header for a client-chosen id: headers are Latin-1, ids are any Unicode."""
    return f"{collection}/{quote(resource_id, safe='')}"
