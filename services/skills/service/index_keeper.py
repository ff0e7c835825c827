"""Keeps this process's scoring index equal to the graph.

- Build: every person and claim read in bulk, in chunks of people by id read
  a few at a time, each chunk one record carrying all its rows.
- Write-through: a use case that writes calls `refresh_people` or
  `refresh_catalogue` before it returns, so this replica reads its own writes.
- Change feed: every write also records an `:IndexChange` in its transaction;
  `follow_changes` polls the changes other writers recorded since the
  watermark, re-reading an overlap (transactions commit in a different order
  than their timestamps), and reloads the people named (idempotent). So other
  replicas' writes arrive within about one poll interval.
- Refreshes run one at a time, so a reload that started later is never
  overwritten by one that started earlier. Writers that ask while a reload
  runs are served together by the next one (one graph read for all of them),
  so concurrent writes do not queue one read each behind the lock.
- Snapshot (optional): the index's inputs and the feed's watermark, written
  to local disk every `snapshot_interval_s` when changed and on a clean stop.
  A restart loads it and catches up through the feed instead of reading the
  whole graph; it builds from the graph instead when the snapshot is missing,
  of another graph or layout, older than the feed still covers, or when the
  people it ends with are not the graph's.
- Person records (service/person_cache.py): whatever reloads a person here
  drops that person's cached record (and a reload of a few people caches what
  it read of them), whatever changes the catalogue, finds an erasure or
  rebuilds the index drops them all; so records are as fresh as the index.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from services.skills.domain.scoring_index import (
    ClaimColumns,
    PeopleColumns,
    ScoringIndex,
    concatenate_claims,
)
from services.skills.domain.scoring_index.state import IndexSnapshot, UnsnapshottableText
from services.skills.service.person_cache import PersonCache
from services.skills.service.ports import ScoringReads

logger = logging.getLogger(__name__)

# Reloads of at most this many people also read them whole for the person-record cache.
RELOAD_RECORDS_UP_TO = 50


@dataclass(frozen=True)
class FeedSettings:
    # Seconds between polls of the change feed: the bound on other replicas' lag.
    poll_interval_s: float = 0.5
    # Seconds of the feed re-read at each poll: longer than any write transaction.
    overlap_s: float = 30.0
    # Seconds change records are kept before they are pruned.
    retention_s: float = 3600.0
    # People per bulk read at build, and chunks read at once.
    build_chunk: int = 2_000
    build_parallel: int = 4
    # Seconds between snapshots of a changed index (0: only on a clean stop).
    snapshot_interval_s: float = 600.0


class IndexSnapshots(Protocol):
    """Where the index's snapshot is kept (adapters/index_snapshot.py)."""

    async def graph_fingerprint(self) -> str:
        """What tells this graph from any other."""
        ...

    def load(self, graph: str) -> IndexSnapshot | None:
        """The snapshot of this graph, or None (blocking: run it in a thread)."""
        ...

    def save(self, snapshot: IndexSnapshot) -> int:
        """Replaces the snapshot whole; returns its bytes (blocking)."""
        ...


class IndexKeeper:
    def __init__(
        self,
        repository: ScoringReads,
        today: Callable[[], date],
        settings: FeedSettings | None = None,
        snapshots: IndexSnapshots | None = None,
        person_records: PersonCache | None = None,
    ) -> None:
        self.repository = repository
        # Cached person records this keeper keeps as fresh as the index.
        self.person_records = PersonCache(0) if person_records is None else person_records
        self.today = today
        self.settings = settings or FeedSettings()
        self.snapshots = snapshots
        self.index = ScoringIndex(today())
        self.ready = False
        # "graph" or "snapshot": how the index last started.
        self.started_from = ""
        self._revision = 0
        self._saved_revision = 0
        self._last_snapshot = -math.inf
        # The fingerprint of the graph the index was built from, for its snapshots.
        self._graph: str | None = None
        self._lock = asyncio.Lock()
        self._watermark_ms = 0
        self._seen: dict[str, int] = {}
        self._stale: set[str] = set()
        self._last_prune_ms = 0
        self._last_poll = 0.0
        self._queued: set[str] = set()
        self._queued_done: asyncio.Future[None] | None = None
        self._reloader: asyncio.Task[None] | None = None

    def current(self) -> ScoringIndex:
        """The index, on today's date (expiry and evidence age follow the clock)."""
        self.index.set_today(self.today())
        return self.index

    async def build(self) -> None:
        """The index from the snapshot caught up through the feed when that
        can be trusted, from the whole graph otherwise (always, once serving)."""
        if (
            self.snapshots is not None
            and not self.ready
            and await self._start_from_snapshot(self.snapshots)
        ):
            return
        await self.build_from_graph()

    async def build_from_graph(self) -> None:
        """A fresh index from the whole graph; the feed continues from before it began."""
        self._graph = None
        if self.snapshots is not None:
            try:
                self._graph = await self.snapshots.graph_fingerprint()
            except Exception as error:
                # Only snapshots need it: the index is built and served without.
                logger.warning("graph fingerprint unread", extra={"error": str(error)})
        async with self._lock:
            self.person_records.drop_all()
            started_ms, _ = await self.repository.changes_since(2**62)
            index = ScoringIndex(self.today())
            roles, neighbourhoods = await self.repository.catalogue_for_index()
            index.set_catalogue(roles, neighbourhoods)
            ids = await self.repository.person_ids()
            size = self.settings.build_chunk
            chunks = [ids[start : start + size] for start in range(0, len(ids), size)]
            limit = asyncio.Semaphore(self.settings.build_parallel)
            claims: list[ClaimColumns] = []

            async def read(chunk: Sequence[str]) -> None:
                async with limit:
                    records = await self.repository.people_for_index(chunk)
                index.add_people(PeopleColumns.of(records.people))
                claims.append(index.encode_claims(records.claims))

            await asyncio.gather(*(read(chunk) for chunk in chunks))
            index.add_claims(concatenate_claims(claims))
            index.id_rank()
            self.index = index
            self._watermark_ms = started_ms
            self._last_poll = time.monotonic()
            self._seen.clear()
            self._revision += 1
            self.ready = True
            self.started_from = "graph"
            logger.info("scoring index built", extra={"people": index.size})

    async def refresh_people(self, person_ids: Sequence[str]) -> None:
        """Reloads these people from the graph; those no longer there leave the index.
        Returns once a reload that began after this call has been applied."""
        # The write behind this call has committed: reads from now on see it.
        self.person_records.drop(person_ids)
        if not person_ids or not self.ready:
            return
        self._queued.update(person_ids)
        if self._queued_done is None:
            self._queued_done = asyncio.get_running_loop().create_future()
            # A waiter that went away leaves the outcome unread; read it here.
            self._queued_done.add_done_callback(_consume_outcome)
        done = self._queued_done
        if self._reloader is None or self._reloader.done():
            self._reloader = asyncio.create_task(self._reload_queued())
        await asyncio.shield(done)

    async def _reload_queued(self) -> None:
        while self._queued:
            person_ids, done = list(self._queued), self._queued_done
            self._queued, self._queued_done = set(), None
            try:
                async with self._lock:
                    await self._reload(person_ids)
            except asyncio.CancelledError:
                self.mark_stale(person_ids)
                if done is not None:
                    done.cancel()
                raise
            except Exception as error:
                # The writes committed but this reload did not: the next poll retries
                # it (the feed skips this process's own changes).
                self.mark_stale(person_ids)
                if done is not None:
                    done.set_exception(error)
                continue
            if done is not None:
                done.set_result(None)

    def mark_stale(self, person_ids: Sequence[str]) -> None:
        """People written here whose reload did not happen; the next poll reloads them."""
        self.person_records.drop(person_ids)
        self._stale.update(person_ids)

    async def _reload(self, person_ids: Sequence[str]) -> None:
        unique = list(dict.fromkeys(person_ids))
        self.person_records.drop(unique)
        # A few people (a write's) are read whole and cached, since they are
        # read anyway: the next GetPerson of someone just written reads nothing.
        with_records = 0 < len(unique) <= RELOAD_RECORDS_UP_TO and self.person_records.capacity > 0
        ticket = self.person_records.ticket()
        records = await self.repository.people_for_index(unique, with_records)
        found = {p.id for p in records.people}
        self.index.replace_people(records.people, records.claims)
        self.index.remove_people([p for p in unique if p not in found])
        self._revision += 1
        for person in records.records or ():
            self.person_records.put(person, ticket)

    async def refresh_catalogue(self) -> None:
        self.person_records.drop_all()
        if not self.ready:
            return
        async with self._lock:
            roles, neighbourhoods = await self.repository.catalogue_for_index()
            self.index.set_catalogue(roles, neighbourhoods)

    async def poll_once(self) -> int:
        """Applies the changes other writers recorded since the watermark;
        returns how many were new."""
        async with self._lock:
            return await self._poll()

    async def _poll(self) -> int:
        overlap_ms = int(self.settings.overlap_s * 1000)
        now_ms, changes = await self.repository.changes_since(self._watermark_ms - overlap_ms)
        fresh = [c for c in changes if self._seen.get(c.change_id) != c.at]
        stale = set(self._stale)
        people = [*stale, *(p for c in fresh for p in c.person_ids)]
        if any(c.catalogue or c.erasure for c in fresh):
            # An erasure names nobody, and the erased may be cached without being indexed.
            self.person_records.drop_all()
        if any(c.catalogue for c in fresh):
            roles, neighbourhoods = await self.repository.catalogue_for_index()
            self.index.set_catalogue(roles, neighbourhoods)
        if people:
            await self._reload(people)
            self._stale -= stale
        if any(c.erasure for c in fresh):
            remaining = set(await self.repository.person_ids())
            self.index.remove_people([p for p in self.index.person_ids() if p not in remaining])
            self._revision += 1
        for change in fresh:
            self._seen[change.change_id] = change.at
        self._watermark_ms = now_ms
        self._last_poll = time.monotonic()
        horizon = now_ms - 2 * overlap_ms
        self._seen = {k: at for k, at in self._seen.items() if at >= horizon}
        return len(fresh)

    async def _start_from_snapshot(self, snapshots: IndexSnapshots) -> bool:
        """Loads the snapshot and catches up through the feed; False (nothing
        changed) when it cannot be trusted, so the caller builds from the graph."""
        try:
            self._graph = graph = await snapshots.graph_fingerprint()
            snapshot = await asyncio.to_thread(snapshots.load, graph)
            if snapshot is None:
                return False
            index = await asyncio.to_thread(ScoringIndex.from_state, snapshot.state, self.today())
        except Exception as error:
            logger.warning("index snapshot not loaded", extra={"error": str(error)})
            return False
        async with self._lock:
            now_ms, _ = await self.repository.changes_since(2**62)
            settings = self.settings
            if now_ms - snapshot.watermark_ms > (settings.retention_s - settings.overlap_s) * 1000:
                logger.warning("index snapshot older than the change feed keeps; not used")
                return False
            # Not serving yet, so answers never see the index before it caught up.
            previous = self.index, self._watermark_ms
            self.index, self._watermark_ms = index, snapshot.watermark_ms
            caught_up = False
            try:
                caught_up = await self._catch_up(index)
            finally:
                if not caught_up:
                    self.index, self._watermark_ms = previous
            if not caught_up:
                return False
            self.ready = True
            self.person_records.drop_all()
            self._revision += 1
            self._saved_revision = self._revision
            self._last_snapshot = time.monotonic()
            self.started_from = "snapshot"
            logger.info("scoring index loaded from its snapshot", extra={"people": index.size})
            return True

    async def _catch_up(self, index: ScoringIndex) -> bool:
        """The feed from the snapshot's watermark applied; True when the index
        then holds exactly the graph's people (a graph emptied or restored
        behind the feed's back does not)."""
        roles, neighbourhoods = await self.repository.catalogue_for_index()
        index.set_catalogue(roles, neighbourhoods)
        self._seen.clear()
        await self._poll()
        if set(await self.repository.person_ids()) != set(index.person_ids()):
            logger.warning("index snapshot disagrees with the graph's people; not used")
            return False
        return True

    async def save_snapshot(self) -> bool:
        """Writes the index and its watermark out, if it changed since the last
        snapshot and holds every write this process made; True when written."""
        snapshots = self.snapshots
        if snapshots is None or not self.ready:
            return False
        async with self._lock:
            if self._stale or self._graph is None or self._revision == self._saved_revision:
                return False
            revision = self._revision
            snapshot = IndexSnapshot(self.index.capture_state(), self._graph, self._watermark_ms)
        try:
            size = await asyncio.to_thread(snapshots.save, snapshot)
        except (OSError, UnsnapshottableText) as error:
            logger.warning("index snapshot not written", extra={"error": str(error)})
            return False
        self._saved_revision = max(self._saved_revision, revision)
        self._last_snapshot = time.monotonic()
        logger.info("index snapshot written", extra={"bytes": size})
        return True

    def _snapshot_due(self) -> bool:
        interval = self.settings.snapshot_interval_s
        return (
            self.snapshots is not None
            and interval > 0
            and time.monotonic() - self._last_snapshot >= interval
        )

    async def follow_changes(self) -> None:
        """Polls the feed forever; rebuilds when it fell behind the retention.
        Snapshots the index when one is due, and once more when cancelled."""
        try:
            await self._follow()
        except asyncio.CancelledError:
            try:
                await self.save_snapshot()
            except Exception as error:
                logger.warning("index snapshot not written", extra={"error": str(error)})
            raise

    async def _follow(self) -> None:
        retention_ms = int(self.settings.retention_s * 1000)
        while True:
            await asyncio.sleep(self.settings.poll_interval_s)
            if not self.ready:
                continue
            try:
                if time.monotonic() - self._last_poll > self.settings.retention_s / 2:
                    logger.warning("change feed fell behind; rebuilding the scoring index")
                    await self.build_from_graph()
                    continue
                await self.poll_once()
                now_ms = self._watermark_ms
                if now_ms - self._last_prune_ms > 60_000:
                    await self.repository.prune_changes(now_ms - retention_ms)
                    self._last_prune_ms = now_ms
                if self._snapshot_due():
                    await self.save_snapshot()
            except Exception as error:
                # The graph is down or a read failed: the next poll retries from the watermark.
                logger.warning("change feed poll failed", extra={"error": str(error)})


def _consume_outcome(future: asyncio.Future[None]) -> None:
    if not future.cancelled():
        future.exception()
