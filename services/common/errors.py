"""Domain errors shared by every service.

Plain Python: the domain and use cases raise these, and one table in each
adapter (gRPC here, HTTP in the gateway) maps them to status codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldViolation:
    field: str
    message: str


class DomainError(Exception):
    """Base of every error a use case raises on purpose."""


class InvalidArgument(DomainError):
    """Input that breaks a rule; names every field at fault."""

    def __init__(self, violations: list[FieldViolation] | FieldViolation) -> None:
        self.violations = violations if isinstance(violations, list) else [violations]
        super().__init__("; ".join(f"{v.field}: {v.message}" for v in self.violations))

    @classmethod
    def of(cls, field: str, message: str) -> InvalidArgument:
        return cls([FieldViolation(field, message)])


class NotFound(DomainError):
    @classmethod
    def of(cls, kind: str, identifier: str) -> NotFound:
        return cls(f"{kind} {identifier!r} not found")


class AlreadyExists(DomainError):
    pass


class FailedPrecondition(DomainError):
    """The request is well formed but the stored state forbids it (stale, committed twice...)."""


class Unavailable(DomainError):
    """A dependency (the graph, another service) does not answer."""


class Inconsistent(DomainError):
    """The graph answered with what the service's own writes cannot have left there.

    A real check where an `assert` would vanish under `python -O`."""


class Violations:
    """Collects field violations so that one error names every field at fault."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, message: str) -> None:
        self.items.append(FieldViolation(field, message))

    def check(self, condition: bool, field: str, message: str) -> None:
        if not condition:
            self.add(field, message)

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidArgument(self.items)
