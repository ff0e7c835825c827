"""Small helpers the routers share."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any
from urllib.parse import quote

import grpc
from fastapi.responses import StreamingResponse
from starlette.responses import ContentStream

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# What a route answering with csv_download says in the OpenAPI document.
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "A CSV file"}
}


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


def csv_download(lines: ContentStream, filename: str) -> StreamingResponse:
    """A CSV file sent as it is written, which a browser saves as `filename`."""
    return StreamingResponse(
        lines,
        media_type=CSV_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
