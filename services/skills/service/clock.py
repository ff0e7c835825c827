"""The dates and times use cases stamp their writes with and judge expiry by."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime


def local_now() -> datetime:
    return datetime.now().astimezone()


@dataclass(frozen=True)
class Clock:
    today: Callable[[], date] = date.today
    now: Callable[[], datetime] = field(default=local_now)

    def timestamp(self) -> str:
        """Now as stored on a write: ISO 8601 to the microsecond, with the offset."""
        return self.now().isoformat(timespec="microseconds")
