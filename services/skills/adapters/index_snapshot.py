"""The scoring index's snapshot as one file on local disk (numpy .npz, not
compressed: loading is a read, not a decode).

Written whole to a temporary file beside it, synced, then renamed over the
old one, so a crash mid-write leaves the previous snapshot. A file written
under another layout (`state.LAYOUT`), taken of another graph, or damaged
is refused: `load` answers None and the keeper builds from the graph.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
from neo4j import AsyncDriver, RoutingControl

from services.skills.domain.scoring_index.state import LAYOUT, IndexSnapshot, IndexState

logger = logging.getLogger(__name__)

# The store id and creation time tell one database from another, and from
# the same name dropped and created again.
GRAPH_IDENTITY = (
    "CALL db.info() YIELD id, creationDate RETURN id, toString(creationDate) AS created"
)
_META = "meta"


class FileIndexSnapshots:
    def __init__(self, path: Path, driver: AsyncDriver, database: str = "neo4j") -> None:
        self.path = path
        self.driver = driver
        self.database = database

    async def graph_fingerprint(self) -> str:
        result = await self.driver.execute_query(
            GRAPH_IDENTITY, routing_=RoutingControl.READ, database_=self.database
        )
        record = result.records[0]
        return f"{self.database}/{record['id']}/{record['created']}"

    def save(self, snapshot: IndexSnapshot) -> int:
        """Writes the snapshot in place of the last one; returns its bytes."""
        arrays = snapshot.state.to_arrays()
        meta = {
            "layout": LAYOUT,
            "graph": snapshot.graph,
            "watermark_ms": snapshot.watermark_ms,
            "people": len(snapshot.state.ids),
            "saved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        arrays[_META] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp", delete=False
        ) as file:
            temporary = Path(file.name)
            try:
                np.savez(file, **arrays)  # type: ignore[arg-type]
                file.flush()
                os.fsync(file.fileno())
            except BaseException:
                file.close()
                temporary.unlink(missing_ok=True)
                raise
        os.replace(temporary, self.path)
        return self.path.stat().st_size

    def load(self, graph: str) -> IndexSnapshot | None:
        """The snapshot, if there is one of this graph under this layout."""
        if not self.path.exists():
            return None
        try:
            with np.load(self.path, allow_pickle=False) as archive:
                arrays = {name: _array(archive[name]) for name in archive.files}
                meta = json.loads(arrays.pop(_META).tobytes().decode("utf-8"))
                refusal = _refusal(meta, graph)
                if refusal:
                    logger.warning(
                        "index snapshot refused: %s", refusal, extra={"path": str(self.path)}
                    )
                    return None
            state = IndexState.from_arrays(arrays)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as error:
            logger.warning(
                "index snapshot unreadable", extra={"path": str(self.path), "error": str(error)}
            )
            return None
        return IndexSnapshot(state, meta["graph"], int(meta["watermark_ms"]))


def _refusal(meta: dict[str, object], graph: str) -> str:
    if meta.get("layout") != LAYOUT:
        return "written by another version of the index"
    if meta.get("graph") != graph:
        return "taken of another graph"
    return ""


def _array(value: object) -> npt.NDArray[np.generic]:
    if not isinstance(value, np.ndarray):
        raise ValueError("a member of the snapshot is not an array")
    return value
