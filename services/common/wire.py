"""Domain objects into proto messages by field name, for the mappers of every
service: a message field takes the object's attribute of the same name; a
word of a vocabulary becomes its proto number through the service's
`ProtoEnum`s, a date ISO text, a nested object its message, None leaves the
field unset. Fields the domain names otherwise, or computes, are given."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any, TypeVar

from google.protobuf import message_factory
from google.protobuf.descriptor import Descriptor
from google.protobuf.message import Message

from services.common.proto_enums import ProtoEnum

P = TypeVar("P", bound=Message)
Vocabularies = Mapping[type, ProtoEnum[Any, Any]]


def message_of(message_type: type[P], item: object, words: Vocabularies, **given: Any) -> P:
    """The message of `item`; `given` values win, and the message's fields the
    item has no attribute for keep their defaults."""
    return message_type(**_values(message_type, item, words, given))


def _values(
    message_type: type[Message], item: object, words: Vocabularies, given: dict[str, Any]
) -> dict[str, Any]:
    """The message's fields as keywords; nested messages as plain dicts, which
    the message's constructor takes in about half the time of built messages."""
    values = dict(given)
    for name, nested in _fields(message_type.DESCRIPTOR):
        if name in values:
            continue
        value = getattr(item, name, None)
        if value is None:
            continue
        # Plain text and numbers, most fields, go as they are: no call per field.
        if nested is None and type(value) in _AS_IS:
            values[name] = value
        elif isinstance(value, (list, tuple)):
            values[name] = [_wire(each, nested, words) for each in value]
        else:
            values[name] = _wire(value, nested, words)
    return values


# Exact types only: a vocabulary word is a str subclass and needs its number.
_AS_IS = frozenset({str, int, float, bool})


@cache
def _fields(message: Descriptor) -> tuple[tuple[str, type[Message] | None], ...]:
    """Each field's name, and the class of its messages (None for scalars and maps)."""
    fields: list[tuple[str, type[Message] | None]] = []
    for field in message.fields:
        nested = field.message_type
        if nested is None or nested.GetOptions().map_entry:
            fields.append((field.name, None))
        else:
            fields.append((field.name, message_factory.GetMessageClass(nested)))
    return tuple(fields)


def _wire(value: Any, nested: type[Message] | None, words: Vocabularies) -> Any:
    if nested is not None and not isinstance(value, Message):
        return _values(nested, value, words, {})
    if isinstance(value, StrEnum):
        return words[type(value)].to_proto(value)
    if isinstance(value, date):
        return value.isoformat()
    return value
