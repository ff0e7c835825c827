"""Who changed what, when: one entry per write the gateway served."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime

from services.common.errors import InvalidArgument

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
        raw = json.dumps({"at": self.at.isoformat(), "id": self.id}).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, token: str) -> AuditCursor:
        try:
            padded = token + "=" * (-len(token) % 4)
            fields = json.loads(base64.urlsafe_b64decode(padded.encode()))
            return cls(at=datetime.fromisoformat(fields["at"]), id=str(fields["id"]))
        except (binascii.Error, ValueError, KeyError, TypeError) as error:
            raise InvalidArgument.of("page_token", "is not a token this API issued") from error
