"""Who changed what, when: one entry per write the gateway served."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.page_tokens import decode_dated_cursor, encode_dated_cursor

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class AuditEntry:
    id: str
    key_id: str
    action: str
    target: str
    at: datetime
    request_id: str
    status: int


@dataclass(frozen=True)
class AuditCursor:
    """Where the previous page ended: entries come newest first, ties broken by id."""

    at: datetime
    id: str

    def encode(self) -> str:
        return encode_dated_cursor(self.at, self.id)

    @classmethod
    def decode(cls, token: str) -> AuditCursor | None:
        cursor = decode_dated_cursor(token)
        return None if cursor is None else cls(at=cursor[0], id=cursor[1])
