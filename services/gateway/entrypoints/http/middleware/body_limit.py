"""Bodies over the limit are refused: CSV imports get a larger one than JSON."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.gateway.entrypoints.http.middleware.asgi import ResponseWatch, header, send_problem
from services.gateway.entrypoints.http.problems import BodyTooLarge


class BodyLimitMiddleware:
    """Refuses bodies over the limit: CSV imports get a larger one than JSON."""

    def __init__(
        self, app: ASGIApp, json_limit: int, csv_limit: int, csv_prefix: str = "/v1/imports/"
    ) -> None:
        self.app = app
        self.json_limit = json_limit
        self.csv_limit = csv_limit
        self.csv_prefix = csv_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.csv_limit if scope["path"].startswith(self.csv_prefix) else self.json_limit
        declared = header(scope, "content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            await send_problem(send, BodyTooLarge(limit).problem())
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        watch = ResponseWatch(send)
        try:
            await self.app(scope, limited_receive, watch)
        except BodyTooLarge as error:
            if watch.started:
                raise
            await send_problem(send, error.problem())
