"""Pages of outcomes kept in memory for a moment, so that the list of outcomes
(the first read of most planners' pages) does not read every outcome node
from the graph each time it is asked.

Outcomes change only through matching's writes. A write through this
replica drops every kept page before it returns, so this replica never lists
an outcome as it was before its own write; another replica's write shows
here within `ttl_s` (a kept page is served at most `ttl_s` after the read
that filled it began). Single outcomes (`get`, `get_many`, `open_outcomes`)
always read the graph: staffing, gaps and closing decide on them."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from services.matching.domain.model import Outcome
from services.matching.service.ports import OutcomePage, OutcomeRepository

# Pages kept at most; past that they are all dropped (a page is one locality,
# size and position, and lists are few).
MAX_KEPT_PAGES = 256

PageKey = tuple[str, int, str]


@dataclass(frozen=True)
class _KeptPage:
    page: OutcomePage
    read_from: float


class CachedOutcomeRepository:
    """`outcomes` with its pages kept up to `ttl_s` seconds; 0 keeps none.
    Callers treat a page as read-only: it is shared by every caller in its time."""

    def __init__(
        self,
        outcomes: OutcomeRepository,
        ttl_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.outcomes = outcomes
        self.ttl_s = ttl_s
        self.clock = clock
        self._pages: dict[PageKey, _KeptPage] = {}
        # Counts the writes this replica made: a read that a write overlapped
        # may hold the state before it, and is not kept.
        self._writes = 0

    async def page(self, locality: str, page_size: int, after_id: str) -> OutcomePage:
        key = (locality, page_size, after_id)
        started = self.clock()
        kept = self._pages.get(key)
        if kept is not None and started - kept.read_from < self.ttl_s:
            return kept.page
        writes = self._writes
        page = await self.outcomes.page(locality, page_size, after_id)
        if self.ttl_s > 0 and writes == self._writes:
            if len(self._pages) >= MAX_KEPT_PAGES:
                self._pages.clear()
            self._pages[key] = _KeptPage(page, started)
        return page

    def written(self, outcome_id: str) -> None:
        """Drops every kept page: any of them may list the outcome, or would now.
        Called whether the write succeeded or not: one cut off by its deadline
        may still have committed."""
        self._writes += 1
        self._pages.clear()

    async def add(self, outcome: Outcome) -> None:
        try:
            await self.outcomes.add(outcome)
        finally:
            self.written(outcome.id)

    async def replace(self, outcome: Outcome) -> None:
        try:
            await self.outcomes.replace(outcome)
        finally:
            self.written(outcome.id)

    async def delete(self, outcome_id: str) -> None:
        try:
            await self.outcomes.delete(outcome_id)
        finally:
            self.written(outcome_id)

    async def get(self, outcome_id: str) -> Outcome:
        return await self.outcomes.get(outcome_id)

    async def get_many(self, outcome_ids: Sequence[str]) -> list[Outcome]:
        return await self.outcomes.get_many(outcome_ids)

    async def open_outcomes(self, locality: str, role_id: str, on: date) -> list[Outcome]:
        return await self.outcomes.open_outcomes(locality, role_id, on)
