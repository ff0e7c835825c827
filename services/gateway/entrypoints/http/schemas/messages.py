"""Between the HTTP bodies (pydantic models) and the proto messages, field by
field by name, so a body lists its fields once and no method copies them.

`to_message`: a request body into its message; None leaves a field unset,
vocabulary words become the proto's numbers, dates ISO text, nested bodies
their messages. `from_message`: a response model from its message, read from
each field's annotation: a nested model (its own `of` when it has
one) or a list of them; an API word of a vocabulary (`Sector | None`) through
the gateway's enum tables; `date | None` from ISO text; `str | None` is None
for empty text; a number or message `| None` is None when the proto field is
absent. Fields the proto names otherwise, or computes, are passed in."""

from __future__ import annotations

import types
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import cache, partial
from operator import attrgetter
from typing import Any, Self, TypeVar, Union, get_args, get_origin

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message
from pydantic import BaseModel

from services.gateway.adapters.enums import VOCABULARIES
from services.gateway.entrypoints.http.schemas.common import date_or_none, text_or_none

M = TypeVar("M", bound=BaseModel)
P = TypeVar("P", bound=Message)


def to_message(message_type: type[P], body: BaseModel, **given: Any) -> P:
    """The message `body` stands for; `given` fields (ids from the path, the actor,
    fields the body names otherwise) win over the body's."""
    values: dict[str, Any] = dict(given)
    for name, value in body:
        if name in given or value is None:
            continue
        nested = _message_class(message_type.DESCRIPTOR, name)
        if isinstance(value, list):
            values[name] = [_wire(item, nested) for item in value]
        else:
            values[name] = _wire(value, nested)
    return message_type(**values)


@cache
def _message_class(message: Descriptor, name: str) -> type[Message] | None:
    """The class of a message field's messages; None for scalars and maps."""
    fields = message.fields_by_name
    descriptor = fields[name].message_type
    if descriptor is None or descriptor.GetOptions().map_entry:
        return None
    return message_factory.GetMessageClass(descriptor)


def _wire(value: Any, nested: type[Message] | None) -> Any:
    if nested is not None and isinstance(value, BaseModel):
        return to_message(nested, value)
    if isinstance(value, str):
        # A vocabulary word is a str too; plain text is the common case.
        return VOCABULARIES[type(value)][value] if isinstance(value, StrEnum) else value
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_message(model: type[M], message: Message, **given: Any) -> M:
    """`model` filled from `message`; `given` values win over the message's.

    Nested models read plainly (FromMessage's own `of`, or none) are read into
    dicts, and the whole tree is validated once: pydantic builds the nested
    models far faster than one constructor call each from Python."""
    if given:
        values = {name: read(message) for name, read in _readers(model) if name not in given}
        return model.model_validate({**values, **given})
    return model.model_validate(_values(model, message))


class FromMessage(BaseModel):
    """A response model read from its message field by field (`from_message`)."""

    @classmethod
    def of(cls, message: Message) -> Self:
        return from_message(cls, message)


def _values(model: type[BaseModel], message: Message) -> dict[str, Any]:
    return {name: read(message) for name, read in _readers(model)}


Reader = Callable[[Message], Any]


@cache
def _readers(model: type[BaseModel]) -> tuple[tuple[str, Reader], ...]:
    """How to read each field of `model`, worked out once per model."""
    return tuple(
        (name, _reader(name, field.annotation)) for name, field in model.model_fields.items()
    )


def _reader(name: str, annotation: Any) -> Reader:
    optional = _is_optional(annotation)
    kind = _without_none(annotation)
    if get_origin(kind) is list:
        (item,) = get_args(kind)
        each = _converter(item)
        if each is _same:
            return lambda message: list(getattr(message, name))
        return lambda message: [each(value) for value in getattr(message, name)]
    if optional and kind is str:
        return lambda message: text_or_none(getattr(message, name))
    if kind is date:
        return lambda message: date_or_none(getattr(message, name))
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        word_of = {number: word for word, number in VOCABULARIES[kind].items()}
        return lambda message: word_of.get(getattr(message, name))
    convert = _converter(kind)
    if optional:
        return lambda message: convert(getattr(message, name)) if message.HasField(name) else None
    if convert is _same:
        return attrgetter(name)
    return lambda message: convert(getattr(message, name))


def _converter(kind: Any) -> Callable[[Any], Any]:
    """Nested models through their own `of` when they have one; read plainly,
    into the values the enclosing model validates."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        of: Callable[[Any], Any] | None = getattr(kind, "of", None)
        if of is None or getattr(of, "__func__", None) is _PLAIN_OF:
            return partial(_values, kind)
        return of
    return _same


_PLAIN_OF = FromMessage.__dict__["of"].__func__


def _same(value: Any) -> Any:
    return value


def _is_optional(annotation: Any) -> bool:
    return _is_union(annotation) and type(None) in get_args(annotation)


def _without_none(annotation: Any) -> Any:
    if not _is_union(annotation):
        return annotation
    (kind,) = [arg for arg in get_args(annotation) if arg is not type(None)]
    return kind


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)
