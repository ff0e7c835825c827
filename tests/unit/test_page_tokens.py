"""The one page-token codec of every service."""

from __future__ import annotations

from datetime import datetime

import pytest

from services.common.errors import InvalidArgument
from services.common.page_tokens import (
    decode_dated_cursor,
    decode_page_cursor,
    decode_page_token,
    encode_dated_cursor,
    encode_page_token,
)


def fields(error: pytest.ExceptionInfo[InvalidArgument]) -> list[str]:
    return [violation.field for violation in error.value.violations]


def test_any_id_survives_the_round_trip_and_no_token_is_the_first_page() -> None:
    assert decode_page_token(encode_page_token("person/ü 1|x")) == "person/ü 1|x"
    assert decode_page_cursor(encode_page_token("a", "b"), 2) == ("a", "b")
    assert decode_page_token("") == "" and decode_page_cursor("", 2) is None
    assert "=" not in encode_page_token("ab")


def test_dated_cursors_round_trip_and_foreign_ones_are_refused() -> None:
    at = datetime.fromisoformat("2027-05-01T10:00:00.123456+00:00")
    assert decode_dated_cursor(encode_dated_cursor(at, "abc")) == (at, "abc")
    assert decode_dated_cursor("") is None
    with pytest.raises(InvalidArgument) as error:
        decode_dated_cursor("not-a-token")
    assert fields(error) == ["page_token"]
    with pytest.raises(InvalidArgument):
        decode_dated_cursor(encode_page_token("yesterday", "abc"))


@pytest.mark.parametrize(
    "token",
    [
        "%%%not-base64",
        "!!",
        # Base64 of text that is not a token ("not-an-offset").
        "bm90LWFuLW9mZnNldA",
        # A token of another shape: two parts where one is expected, a number.
        encode_page_token("a", "b"),
        "WzFd",
    ],
)
def test_a_token_this_codec_did_not_issue_is_refused_naming_the_field(token: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        decode_page_token(token, field="filter.page_token")
    assert fields(error) == ["filter.page_token"]
