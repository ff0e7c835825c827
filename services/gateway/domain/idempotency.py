"""Idempotency-Key handling: what makes two requests "the same request"."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

IDEMPOTENCY_HEADER = "idempotency-key"
_VALID_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class RecordState(StrEnum):
    PENDING = "pending"
    DONE = "done"


@dataclass(frozen=True)
class StoredResponse:
    status: int
    body: bytes
    content_type: str
    location: str = ""


@dataclass(frozen=True)
class IdempotencyRecord:
    key_id: str
    key: str
    request_hash: str
    state: RecordState
    created_at: datetime
    claim: str
    response: StoredResponse | None = None


def is_valid_key(key: str) -> bool:
    """Printable ASCII without spaces, at most 255 characters."""
    return bool(_VALID_KEY.fullmatch(key))


def record_id(key_id: str, key: str) -> str:
    """Keys are scoped per API key, so two callers cannot collide or replay each other."""
    return hashlib.sha256(f"{key_id}\x00{key}".encode()).hexdigest()


def request_fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """Same method, path, query and body means the same request.

    JSON bodies are compared by content, not bytes: key order and spacing
    do not make a retry a different request.
    """
    try:
        canonical = json.dumps(
            json.loads(body), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode(), canonical):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()
