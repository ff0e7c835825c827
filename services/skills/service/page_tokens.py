"""The page tokens of the skills service: the last id of a page, opaque to callers."""

from __future__ import annotations

import base64
import binascii

from services.common.errors import InvalidArgument


def encode_page_token(last_id: str) -> str:
    return base64.urlsafe_b64encode(last_id.encode()).decode().rstrip("=")


def decode_page_token(token: str, field: str = "page_token") -> str:
    if not token:
        return ""
    try:
        padded = token + "=" * (-len(token) % 4)
        return base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError) as error:
        raise InvalidArgument.of(field, "is not a page token this service issued") from error
