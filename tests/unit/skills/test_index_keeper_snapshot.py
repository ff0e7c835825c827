"""The keeper's snapshot, over a small in-memory graph and snapshot store:
started from the snapshot and caught up, or built from the graph when the
snapshot cannot be trusted; written only when changed and complete."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import date
from typing import Any, cast

import pytest

from services.skills.domain.fit import SkillNeighbourhood
from services.skills.domain.model import Person, Role
from services.skills.domain.scoring_index.state import IndexSnapshot
from services.skills.service.index_keeper import FeedSettings, IndexKeeper
from services.skills.service.ports import IndexChange, IndexRecords, ScoringReads

GRAPH = "neo4j/store-1"
TODAY = date(2026, 12, 1)
# Change records kept 100 s, re-read 10 s back.
FEED = FeedSettings(overlap_s=10.0, retention_s=100.0)


class FakeGraph:
    """People with one level each, and the change feed; `now_ms` is its clock."""

    def __init__(self) -> None:
        self.levels: dict[str, int] = {}
        self.changes: list[IndexChange] = []
        self.now_ms = 1_000_000
        self.full_reads = 0

    def write(self, person_id: str, level: int | None) -> None:
        """A write through another replica: the level, and its change record."""
        self.now_ms += 1_000
        if level is None:
            del self.levels[person_id]
        else:
            self.levels[person_id] = level
        change = IndexChange(str(len(self.changes)), self.now_ms, (person_id,), False)
        self.changes.append(change)

    async def changes_since(self, since_ms: int) -> tuple[int, list[IndexChange]]:
        return self.now_ms, [c for c in self.changes if c.at >= since_ms]

    async def catalogue_for_index(self) -> tuple[list[Role], dict[str, SkillNeighbourhood]]:
        return [], {}

    async def person_ids(self) -> list[str]:
        return sorted(self.levels)

    async def people_for_index(
        self, person_ids: Sequence[str], with_records: bool = False
    ) -> IndexRecords:
        if len(person_ids) == len(self.levels):
            self.full_reads += 1
        found = [p for p in person_ids if p in self.levels]
        return IndexRecords(
            people=[Person(id=p, name=p, sector="public") for p in found],
            claims=[(p, "empathy", self.levels[p], "assessment", "", "") for p in found],
        )

    async def prune_changes(self, before_ms: int) -> None:
        self.changes = [c for c in self.changes if c.at >= before_ms]


class MemorySnapshots:
    def __init__(self, graph: str = GRAPH) -> None:
        self.graph = graph
        self.saved: IndexSnapshot | None = None
        self.saves = 0

    async def graph_fingerprint(self) -> str:
        return self.graph

    def load(self, graph: str) -> IndexSnapshot | None:
        return self.saved if self.saved is not None and self.saved.graph == graph else None

    def save(self, snapshot: IndexSnapshot) -> int:
        self.saved = snapshot
        self.saves += 1
        return 1


def keeper_of(graph: FakeGraph, snapshots: MemorySnapshots) -> IndexKeeper:
    return IndexKeeper(cast(ScoringReads, cast(Any, graph)), lambda: TODAY, FEED, snapshots)


def levels_in(keeper: IndexKeeper) -> dict[str, float]:
    rows, levels, _ = keeper.index.effective_column("empathy")
    ids = keeper.index.people.ids
    return {ids[row]: float(level) for row, level in zip(rows.tolist(), levels, strict=True)}


async def snapshot_of(graph: FakeGraph, snapshots: MemorySnapshots) -> None:
    keeper = keeper_of(graph, snapshots)
    await keeper.build()
    assert keeper.started_from == "graph"
    assert await keeper.save_snapshot()


async def test_a_restart_loads_the_snapshot_and_applies_the_feed_since() -> None:
    graph, snapshots = FakeGraph(), MemorySnapshots()
    for number in range(5):
        graph.write(f"p{number}", 1 + number % 4)
    await snapshot_of(graph, snapshots)
    graph.now_ms += 60_000
    graph.write("p1", 4)
    graph.write("p2", None)
    graph.write("p9", 3)
    restarted = keeper_of(graph, snapshots)
    await restarted.build()
    assert restarted.started_from == "snapshot" and restarted.ready
    assert graph.full_reads == 1
    assert levels_in(restarted) == {"p0": 1, "p1": 4, "p3": 4, "p4": 1, "p9": 3}


async def test_a_snapshot_older_than_the_feed_keeps_is_not_used() -> None:
    graph, snapshots = FakeGraph(), MemorySnapshots()
    graph.write("p0", 2)
    await snapshot_of(graph, snapshots)
    # Past retention less overlap: the changes it would need may be pruned.
    graph.now_ms += 91_000
    graph.write("p1", 3)
    restarted = keeper_of(graph, snapshots)
    await restarted.build()
    assert restarted.started_from == "graph"
    assert levels_in(restarted) == {"p0": 2, "p1": 3}


async def test_a_snapshot_of_another_graph_or_disagreeing_people_is_not_used() -> None:
    graph, snapshots = FakeGraph(), MemorySnapshots()
    graph.write("p0", 2)
    await snapshot_of(graph, snapshots)
    # The same file, but this graph's fingerprint is another one.
    recreated = MemorySnapshots("neo4j/store-2")
    recreated.saved = snapshots.saved
    elsewhere = keeper_of(graph, recreated)
    await elsewhere.build()
    assert elsewhere.started_from == "graph"
    # A person written with no change record: the feed cannot bring them.
    graph.levels["p7"] = 1
    restarted = keeper_of(graph, snapshots)
    await restarted.build()
    assert restarted.started_from == "graph"
    assert levels_in(restarted) == {"p0": 2, "p7": 1}


async def test_a_snapshot_is_written_only_when_changed_and_holding_every_write() -> None:
    graph, snapshots = FakeGraph(), MemorySnapshots()
    graph.write("p0", 2)
    keeper = keeper_of(graph, snapshots)
    await keeper.build()
    assert await keeper.save_snapshot()
    assert not await keeper.save_snapshot()
    graph.write("p1", 3)
    await keeper.poll_once()
    keeper.mark_stale(["p1"])
    assert not await keeper.save_snapshot()
    await keeper.poll_once()
    assert await keeper.save_snapshot()
    assert snapshots.saves == 2
    assert snapshots.saved is not None
    assert snapshots.saved.watermark_ms == graph.now_ms


async def test_a_clean_stop_writes_the_snapshot() -> None:
    graph, snapshots = FakeGraph(), MemorySnapshots()
    graph.write("p0", 2)
    keeper = IndexKeeper(
        cast(ScoringReads, cast(Any, graph)),
        lambda: TODAY,
        FeedSettings(poll_interval_s=3600.0, snapshot_interval_s=0.0),
        snapshots,
    )
    await keeper.build()
    following = asyncio.create_task(keeper.follow_changes())
    await asyncio.sleep(0)
    assert snapshots.saves == 0
    following.cancel()
    with pytest.raises(asyncio.CancelledError):
        await following
    assert snapshots.saves == 1
    assert snapshots.saved is not None and snapshots.saved.state.ids == ["p0"]
