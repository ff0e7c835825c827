"""Building blocks of the JSON bodies."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, TypeVar

from fastapi import Path
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from services.common.errors import InvalidArgument
from services.common.identifiers import ID_RULE, MAX_ID_CHARS, id_problem

T = TypeVar("T")


def valid_id(value: str) -> str:
    problem = id_problem(value)
    if problem is not None:
        raise ValueError(f"{problem} ({ID_RULE})")
    return value


# The id rule (services.common.identifiers) wherever an id comes in: a body,
# a query, or a path segment.
Identifier = Annotated[str, StringConstraints(max_length=MAX_ID_CHARS), AfterValidator(valid_id)]
PathId = Annotated[str, Path(min_length=1, max_length=MAX_ID_CHARS), AfterValidator(valid_id)]
ShortText = Annotated[str, StringConstraints(max_length=500)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(max_length=10_000)]
Level = Annotated[int, Field(ge=1, le=4, strict=True)]
Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
PageSize = Annotated[int, Field(ge=1, le=500)]


class RequestModel(BaseModel):
    """A body a client sends: unknown fields are refused, not ignored.

    Python's JSON reader takes NaN, Infinity and 1e309; a budget or weight of
    infinity would pass a `ge=0` bound, reach the solver and read back as null.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_page_token: str | None = None


def date_text(value: date | None) -> str:
    return value.isoformat() if value else ""


def date_or_none(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def text_or_none(text: str) -> str | None:
    return text or None


def same_id(path_id: str, body_id: str | None, field: str = "id") -> None:
    if body_id is not None and body_id != path_id:
        raise InvalidArgument.of(field, "differs from the id in the path")
