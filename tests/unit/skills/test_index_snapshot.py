"""The scoring index's snapshot: its state round-trips through arrays and a
file with the same fits, ranks and answers; a file of another graph, of
another layout or damaged is refused; dates are applied on the day it loads."""

from __future__ import annotations

import json
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import numpy as np
import pytest
from neo4j import AsyncDriver

from services.skills.adapters.index_snapshot import FileIndexSnapshots
from services.skills.domain.model import Clearance, PeopleFilter, Person
from services.skills.domain.scoring_index import ScoringIndex
from services.skills.domain.scoring_index.state import (
    IndexSnapshot,
    IndexState,
    UnsnapshottableText,
)
from tests.unit.skills.test_scoring_index import TODAY, index_of, random_workforce

GRAPH = "neo4j/store-1/2026-12-01T00:00:00Z"
NO_DRIVER = cast(AsyncDriver, cast(Any, None))


def assert_same_answers(loaded: ScoringIndex, original: ScoringIndex, role_ids: list[str]) -> None:
    assert loaded.size == original.size
    assert sorted(loaded.person_ids()) == sorted(original.person_ids())
    for role_id in role_ids:
        np.testing.assert_allclose(loaded.fits(role_id), original.fits(role_id), atol=1e-9)
        assert loaded.rank(role_id, k=40) == original.rank(role_id, k=40)
        for people_filter in (
            PeopleFilter(locality="Aston"),
            PeopleFilter(clearance="dbs", clearance_valid_until="2027-01-01"),
            PeopleFilter(available_from="2027-02-01", available_until="2027-02-10"),
            PeopleFilter(sector="community", organisation="nhs"),
        ):
            assert loaded.rank(role_id, people_filter, k=40) == original.rank(
                role_id, people_filter, k=40
            )
    for person_id in original.person_ids()[:20]:
        assert loaded.person(person_id) == original.person(person_id)
        assert loaded.fit_of(person_id, role_ids[0]) == original.fit_of(person_id, role_ids[0])


def reloaded(index: ScoringIndex) -> ScoringIndex:
    state = IndexState.from_arrays(index.capture_state().to_arrays())
    loaded = ScoringIndex.from_state(state, index.today)
    loaded.set_catalogue(index._roles.values(), index._neighbourhoods)
    return loaded


@pytest.mark.parametrize("seed", [1, 2])
def test_a_state_round_trips_through_arrays_with_the_same_answers(seed: int) -> None:
    people, roles, hoods = random_workforce(seed)
    index = index_of(people, roles, hoods)
    index.remove_people([people[0].id, people[5].id])
    assert_same_answers(reloaded(index), index, [r.id for r in roles])


def test_a_loaded_index_takes_writes_as_a_built_one_does() -> None:
    people, roles, hoods = random_workforce(4)
    built = index_of(people, roles, hoods)
    loaded = reloaded(built)
    newcomer = Person(id="zz-new", name="New", locality="Aston", sector="public", capacity_fte=1.0)
    skill = roles[0].requirements[0].skill_id
    claims = [("zz-new", skill, 4, "assessment", "", ""), (people[3].id, skill, 1, "self", "", "")]
    for index in (built, loaded):
        index.replace_people([newcomer, replace(people[3], skills=())], claims)
        index.remove_people([people[7].id])
    assert_same_answers(loaded, built, [r.id for r in roles])


def test_a_snapshot_loaded_a_day_later_applies_that_days_expiry() -> None:
    people, roles, hoods = random_workforce(5)
    yesterday = index_of(people, roles, hoods)
    state = IndexState.from_arrays(yesterday.capture_state().to_arrays())
    today = ScoringIndex.from_state(state, TODAY + timedelta(days=20))
    today.set_catalogue(roles, hoods)
    fresh = index_of(people, roles, hoods)
    fresh.set_today(TODAY + timedelta(days=20))
    # Claims valid until up to 30 days ahead: some expired in those 20 days.
    assert not np.allclose(yesterday.fits(roles[0].id), fresh.fits(roles[0].id))
    assert_same_answers(today, fresh, [r.id for r in roles])


def test_a_snapshot_file_round_trips_and_replaces_the_last_one(tmp_path: Path) -> None:
    people, roles, hoods = random_workforce(6)
    index = index_of(people, roles, hoods)
    snapshots = FileIndexSnapshots(tmp_path / "index.npz", NO_DRIVER)
    snapshots.save(IndexSnapshot(index.capture_state(), GRAPH, 1_000))
    index.remove_people([people[1].id])
    size = snapshots.save(IndexSnapshot(index.capture_state(), GRAPH, 2_000))
    assert size == (tmp_path / "index.npz").stat().st_size
    assert [p.name for p in tmp_path.iterdir()] == ["index.npz"]
    snapshot = snapshots.load(GRAPH)
    assert snapshot is not None and snapshot.watermark_ms == 2_000
    loaded = ScoringIndex.from_state(snapshot.state, TODAY)
    loaded.set_catalogue(roles, hoods)
    assert_same_answers(loaded, index, [r.id for r in roles])


def test_an_empty_index_round_trips(tmp_path: Path) -> None:
    snapshots = FileIndexSnapshots(tmp_path / "index.npz", NO_DRIVER)
    snapshots.save(IndexSnapshot(ScoringIndex(TODAY).capture_state(), GRAPH, 5))
    snapshot = snapshots.load(GRAPH)
    assert snapshot is not None
    assert ScoringIndex.from_state(snapshot.state, TODAY).size == 0


def test_a_snapshot_of_another_graph_or_layout_or_damaged_is_refused(tmp_path: Path) -> None:
    people, roles, hoods = random_workforce(7, size=40)
    path = tmp_path / "index.npz"
    snapshots = FileIndexSnapshots(path, NO_DRIVER)
    assert snapshots.load(GRAPH) is None
    snapshots.save(IndexSnapshot(index_of(people, roles, hoods).capture_state(), GRAPH, 5))
    assert snapshots.load("neo4j/store-2/2026-12-01T00:00:00Z") is None
    assert snapshots.load(GRAPH) is not None

    with np.load(path) as archive:
        arrays = {name: archive[name] for name in archive.files}
    meta = json.loads(arrays["meta"].tobytes())
    meta["layout"] = meta["layout"].replace('"format": 1', '"format": 0')
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
    np.savez(path, **arrays)
    assert snapshots.load(GRAPH) is None

    snapshots.save(IndexSnapshot(index_of(people, roles, hoods).capture_state(), GRAPH, 5))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert snapshots.load(GRAPH) is None
    with zipfile.ZipFile(tmp_path / "other.npz", "w") as archive:
        archive.writestr("meta.npy", b"not an array")
    assert FileIndexSnapshots(tmp_path / "other.npz", NO_DRIVER).load(GRAPH) is None


def test_columns_of_different_lengths_are_refused() -> None:
    people, roles, hoods = random_workforce(8, size=20)
    arrays = index_of(people, roles, hoods).capture_state().to_arrays()
    arrays["capacity"] = arrays["capacity"][:-1]
    with pytest.raises(ValueError, match="disagree"):
        IndexState.from_arrays(arrays)


def test_a_name_holding_the_text_separator_cannot_be_snapshotted() -> None:
    index = ScoringIndex(TODAY)
    index.replace_people(
        [Person(id="p1", name="a\x00b", sector="public", clearances=(Clearance("dbs"),))], []
    )
    with pytest.raises(UnsnapshottableText):
        index.capture_state().to_arrays()
