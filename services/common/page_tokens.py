"""The one page-token codec of every service: a token is where the previous
page ended (the parts of its sort key), opaque to clients. URL-safe base64
of a JSON list, so any id survives and anything else is refused by name."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from services.common.errors import InvalidArgument

FOREIGN_TOKEN = "is not a page token this service issued"


def encode_page_token(*parts: str) -> str:
    """The token after the row with these sort-key parts."""
    raw = json.dumps(list(parts), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_page_cursor(token: str, parts: int, field: str = "page_token") -> tuple[str, ...] | None:
    """The sort-key parts a token carries; None for no token (the first page)."""
    if not token:
        return None
    try:
        padded = token + "=" * (-len(token) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidArgument.of(field, FOREIGN_TOKEN) from error
    if (
        not isinstance(values, list)
        or len(values) != parts
        or not all(isinstance(value, str) for value in values)
    ):
        raise InvalidArgument.of(field, FOREIGN_TOKEN)
    return tuple(values)


def decode_page_token(token: str, field: str = "page_token") -> str:
    """The one sort key a single-part token carries; "" for no token."""
    cursor = decode_page_cursor(token, 1, field)
    return cursor[0] if cursor is not None else ""


def encode_dated_cursor(at: datetime, last_id: str) -> str:
    """For lists newest first, ties broken by id."""
    return encode_page_token(at.isoformat(), last_id)


def decode_dated_cursor(token: str, field: str = "page_token") -> tuple[datetime, str] | None:
    cursor = decode_page_cursor(token, 2, field)
    if cursor is None:
        return None
    try:
        return datetime.fromisoformat(cursor[0]), cursor[1]
    except ValueError as error:
        raise InvalidArgument.of(field, FOREIGN_TOKEN) from error
