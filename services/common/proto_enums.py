"""A proto enumeration against a service's own words, both ways, derived from
the proto itself: `SECTOR_THIRD_SECTOR` is the word "third_sector". Each
service declares one of these per vocabulary in one module; no hand-kept
table can drift from the contract."""

from __future__ import annotations

from enum import StrEnum
from typing import Generic, TypeVar, cast

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

W = TypeVar("W", bound=StrEnum)
P = TypeVar("P", bound=int)


class ProtoEnum(Generic[W, P]):
    """`proto` is a generated enum (its value 0 is `<PREFIX>_UNSPECIFIED`);
    every word of `words` must have its value there."""

    def __init__(self, proto: type[P], words: type[W]) -> None:
        wrapper = cast(EnumTypeWrapper, proto)
        prefix = wrapper.Name(0).removesuffix("UNSPECIFIED")
        numbers = {name.removeprefix(prefix).lower(): number for name, number in wrapper.items()}
        missing = [word.value for word in words if word.value not in numbers]
        if missing:
            raise ValueError(f"{wrapper.DESCRIPTOR.full_name} has no value for {missing}")
        self.words = words
        self._number_of: dict[W, int] = {word: numbers[word.value] for word in words}
        self._word_of: dict[int, W] = {number: word for word, number in self._number_of.items()}

    def to_proto(self, word: W) -> P:
        return cast(P, self._number_of[word])

    def of_proto(self, number: int) -> W | None:
        """None for UNSPECIFIED, or a value these words do not have."""
        return self._word_of.get(number)

    def of_proto_or(self, number: int, default: W) -> W:
        return self._word_of.get(number, default)

    def table(self) -> dict[W, int]:
        """Word -> number, for code that wants the plain mapping."""
        return dict(self._number_of)
