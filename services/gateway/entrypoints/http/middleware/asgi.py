"""What every middleware here needs of ASGI: headers, a problem answer, a watched send."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from starlette.types import Message, Scope, Send

from services.gateway.entrypoints.http.problems import Problem


def header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key.lower() == wanted:
            return bytes(value).decode("latin-1")
    return None


def header_of(headers: Iterable[tuple[bytes, bytes]], name: bytes) -> str:
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


async def send_problem(
    send: Send, problem: Problem, headers: Iterable[tuple[str, str]] = ()
) -> None:
    body = problem.encode()
    raw_headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
        *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers),
    ]
    await send({"type": "http.response.start", "status": problem.status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


@dataclass
class ResponseWatch:
    """Remembers what the inner app sent, passing it on."""

    send: Send
    status: int = 0
    started: bool = False
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    extra_headers: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = int(message["status"])
            self.headers = list(message.get("headers", []))
            if self.extra_headers:
                message = {**message, "headers": [*self.headers, *self.extra_headers]}
        await self.send(message)
