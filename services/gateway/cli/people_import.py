"""`lps people import`: a big people CSV sent in chunks of whole people, resumable.

After each chunk the gateway accepts, the progress is written to a state file
beside the CSV (FILE.lps-import). When a chunk fails (the gateway or the
network goes away, a key is revoked) the run stops there and says which chunk
and which lines of the file it reached; the same command run again finds the
state, checks that the file is the same one, and sends only the chunks left.
Imports are idempotent per row, so a chunk that reached the graph before its
answer was lost does no harm when it is sent again, and neither does sending
the whole file again (--restart).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import httpx

from services.gateway.domain.csv_text import UnreadableRecord, read_records

STATE_SUFFIX = ".lps-import"


class Chunk(NamedTuple):
    """A CSV body of whole people, with the file line of each of its lines (header first)."""

    body: str
    lines: list[int]

    @property
    def first_line(self) -> int:
        return self.lines[1] if len(self.lines) > 1 else 1

    @property
    def last_line(self) -> int:
        return max(self.lines)


def split_people_csv(
    text: str,
    people_per_chunk: int,
    delimiter: str = ",",
    unreadable: list[tuple[int, str, str]] | None = None,
) -> list[Chunk]:
    """Splits an import file into chunks of whole people, each with the header.

    Each chunk is written as UTF-8 with commas, whatever the file used;
    alongside it, the original file line of each chunk line so that errors the
    gateway reports point into the user's file. A record the file's quoting
    breaks is left out and added to `unreadable` by its line.
    """
    records = read_records(text, delimiter)
    _, header = next(records, (1, []))
    if isinstance(header, UnreadableRecord) or not header:
        return []
    rows_by_person: OrderedDict[str, list[tuple[int, list[str]]]] = OrderedDict()
    for line, row in records:
        if isinstance(row, UnreadableRecord):
            if unreadable is not None:
                unreadable.append((line, "", row.reason))
            continue
        person_id = row[0] if row else ""
        rows_by_person.setdefault(person_id, []).append((line, row))
    chunks: list[Chunk] = []
    people = list(rows_by_person.values())
    for start in range(0, len(people), people_per_chunk):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(header)
        lines = [1]
        for rows in people[start : start + people_per_chunk]:
            for line, row in rows:
                writer.writerow(row)
                lines.append(line)
        chunks.append(Chunk(buffer.getvalue(), lines))
    return chunks


@dataclass
class ImportState:
    """What the chunks sent so far did; kept in the state file between runs."""

    fingerprint: str
    chunks: int
    chunks_done: int = 0
    accepted: int = 0
    unchanged: int = 0
    levels_written: int = 0
    # (file line, field, reason) of every refused row so far.
    errors: list[tuple[int, str, str]] = field(default_factory=list)

    def add(self, report: dict[str, Any], chunk: Chunk) -> None:
        self.chunks_done += 1
        self.accepted += int(report.get("accepted", 0))
        self.unchanged += int(report.get("unchanged", 0))
        self.levels_written += int(report.get("levels_written", 0))
        for item in report.get("errors", []):
            chunk_line = int(item.get("line", 0))
            line = chunk.lines[chunk_line - 1] if 0 < chunk_line <= len(chunk.lines) else 0
            self.errors.append((line, str(item.get("field", "")), str(item.get("reason", ""))))

    @property
    def rejected_rows(self) -> int:
        return len({line for line, _, _ in self.errors})


def state_path_for(file: Path) -> Path:
    return file.with_name(file.name + STATE_SUFFIX)


def fingerprint_of(text: str, people_per_chunk: int) -> str:
    """Same file, same chunking: only then do chunk numbers mean the same rows."""
    digest = hashlib.sha256(text.encode("utf-8"))
    digest.update(f"\n{people_per_chunk}".encode())
    return digest.hexdigest()


def load_state(path: Path, fingerprint: str) -> ImportState | None:
    """The state of an earlier run of this same file, or None."""
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("fingerprint") != fingerprint:
        return None
    try:
        saved["errors"] = [(int(e[0]), str(e[1]), str(e[2])) for e in saved.get("errors", [])]
        return ImportState(**saved)
    except (TypeError, ValueError, IndexError):
        return None


def save_state(path: Path, state: ImportState) -> None:
    # Written beside and renamed over, so an interruption never leaves half a state file.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(asdict(state)), encoding="utf-8")
    os.replace(partial, path)


class ImportInterrupted(Exception):
    """A chunk failed: the chunks before it are imported, it and those after are not."""

    def __init__(self, chunk_number: int, chunk: Chunk, state: ImportState, cause: str) -> None:
        self.chunk_number = chunk_number
        self.chunk = chunk
        self.state = state
        self.cause = cause
        super().__init__(
            f"stopped at chunk {chunk_number} of {state.chunks} "
            f"(lines {chunk.first_line}-{chunk.last_line} of the file): {cause}"
        )


def import_people_file(
    client: httpx.Client,
    text: str,
    state_path: Path,
    people_per_chunk: int,
    restart: bool = False,
    delimiter: str = ",",
    on_chunk: Callable[[int, int], None] = lambda done, total: None,
    describe_failure: Callable[[httpx.Response], str] = lambda r: f"HTTP {r.status_code}",
) -> tuple[ImportState, int]:
    """Sends the chunks not yet imported; returns the final state and the
    number of the chunk this run started at (1 when from the beginning).

    Raises ImportInterrupted, with the state saved, when a chunk fails.
    """
    unreadable: list[tuple[int, str, str]] = []
    chunks = split_people_csv(text, people_per_chunk, delimiter, unreadable)
    fingerprint = fingerprint_of(text, people_per_chunk)
    earlier = None if restart else load_state(state_path, fingerprint)
    # Records the file's quoting breaks are refused here, once, never sent.
    state = earlier or ImportState(fingerprint=fingerprint, chunks=len(chunks), errors=unreadable)
    started_at = state.chunks_done + 1
    on_chunk(state.chunks_done, len(chunks))
    for number, chunk in enumerate(chunks[state.chunks_done :], start=started_at):
        try:
            response = client.post(
                "/v1/imports/people",
                content=chunk.body.encode(),
                headers={"Content-Type": "text/csv"},
            )
        except httpx.TransportError as error:
            save_state(state_path, state)
            raise ImportInterrupted(
                number, chunk, state, f"{type(error).__name__}: {error}"
            ) from error
        if not response.is_success:
            save_state(state_path, state)
            raise ImportInterrupted(number, chunk, state, describe_failure(response))
        state.add(response.json(), chunk)
        save_state(state_path, state)
        on_chunk(state.chunks_done, len(chunks))
    state_path.unlink(missing_ok=True)
    return state, started_at
