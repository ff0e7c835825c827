"""CSV files as spreadsheets save them: the encoding and the delimiter told
from the bytes, and a file that cannot be read named by line and column.

Excel saves "CSV UTF-8" with a byte order mark, plain "CSV" in the machine's
code page (Windows-1252 in western Europe) and, where the decimal mark is a
comma, separates cells with semicolons; "Unicode Text" is UTF-16 with tabs.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from services.common.errors import InvalidArgument

UTF8 = "UTF-8"
UTF8_BOM = "UTF-8 with BOM"
UTF16 = "UTF-16"
WINDOWS_1252 = "Windows-1252"

DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


@dataclass(frozen=True)
class CsvText:
    text: str
    # As a person would name it: UTF-8, UTF-8 with BOM, UTF-16 or Windows-1252.
    encoding: str


def decode_csv(body: bytes) -> CsvText:
    """The file's text and the encoding it was saved in.

    Valid UTF-8 is read as UTF-8 (Windows-1252 text with accents is almost
    never valid UTF-8); anything else is read as Windows-1252, whose five
    undefined bytes make a file that is neither.
    """
    if body.startswith(codecs.BOM_UTF8):
        return CsvText(_decode(body[len(codecs.BOM_UTF8) :], "utf-8", UTF8_BOM), UTF8_BOM)
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return CsvText(_decode(body, "utf-16", UTF16), UTF16)
    try:
        return CsvText(body.decode("utf-8"), UTF8)
    except UnicodeDecodeError:
        return CsvText(_decode(body, "cp1252", WINDOWS_1252), WINDOWS_1252)


def _decode(body: bytes, codec: str, name: str) -> str:
    try:
        return body.decode(codec)
    except UnicodeDecodeError as error:
        line, column = position_of_byte(body, error.start)
        raise InvalidArgument.of(
            "body",
            f"line {line}, column {column}: byte 0x{body[error.start]:02X} cannot be read as "
            f"{name}; save the file as CSV UTF-8",
        ) from None


def position_of_byte(body: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of a byte offset (columns count characters)."""
    line_start = body.rfind(b"\n", 0, offset) + 1
    line = body.count(b"\n", 0, offset) + 1
    column = len(body[line_start:offset].decode("utf-8", errors="replace")) + 1
    return line, column


def detect_delimiter(text: str, known_columns: Iterable[str]) -> str:
    """The delimiter that splits the header into the most known column names;
    on a tie, the one that splits it into the most cells; a comma by default."""
    header_line = _first_record(text)
    known = {name.lower() for name in known_columns}
    best, best_score = ",", (-1, -1)
    for delimiter in DELIMITER_NAMES:
        try:
            cells = next(csv.reader(io.StringIO(header_line), delimiter=delimiter), [])
        except csv.Error:
            continue
        names = {cell.strip().lstrip("\ufeff").lower() for cell in cells}
        score = (len(names & known), len(cells))
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _first_record(text: str) -> str:
    """The header record, which a quoted name could spread over lines."""
    quoted = False
    for index, char in enumerate(text):
        if char == '"':
            quoted = not quoted
        elif char in "\r\n" and not quoted:
            return text[:index]
    return text


@dataclass(frozen=True)
class UnreadableRecord:
    """A record the file's quoting makes unreadable, named by the line where it goes wrong."""

    line: int
    reason: str


def read_records(
    text: str, delimiter: str = ","
) -> Iterator[tuple[int, list[str] | UnreadableRecord]]:
    """Each record with the line it starts on (a quoted cell may span lines).

    The first record is the header and sets the width. A quote left open
    swallows the records after it into one cell: where a line inside a quoted
    cell reads on its own as a whole record, the open quote is reported at the
    line where it started and reading resumes at the swallowed record. A
    quote still open at the end of the file is reported the same way.
    """
    lines = io.StringIO(text, newline="").readlines()
    start = 0
    width = 0
    while start < len(lines):
        reader = csv.reader(iter(lines[start:]), delimiter=delimiter)
        consumed = 0
        resume: int | None = None
        while True:
            first = start + consumed
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield first + 1, UnreadableRecord(first + 1, f"not valid CSV ({error})")
                return
            consumed = reader.line_num
            if not width:
                width = len(cells)
            else:
                open_quote = _open_quote(lines, first, start + consumed, cells, delimiter, width)
                if open_quote is not None:
                    unreadable, resume = open_quote
                    yield unreadable.line, unreadable
                    break
            yield first + 1, cells
        if resume is None:
            return
        start = resume


def _open_quote(
    lines: list[str], first: int, last: int, cells: list[str], delimiter: str, width: int
) -> tuple[UnreadableRecord, int | None] | None:
    """The record read from lines[first:last], when a quote left open swallowed
    what follows: where the quote opened, and the line to resume reading at."""
    at_end_open = last == len(lines) and _quotes_left_open(lines[first:last])
    # Lines wholly inside a quoted cell: not the one where the quote closes.
    inside_until = last if at_end_open else last - 1
    swallowed = _first_swallowed_line(lines, first + 1, inside_until, delimiter, width)
    if swallowed is None and not at_end_open:
        return None
    opened = first + 1 + _newlines_before_open_cell(cells, swallowed, first)
    swallowing = (
        f"the records from line {swallowed + 1} on were read into it"
        if swallowed is not None
        else "it runs to the end of the file"
    )
    reason = f"a quote opened on line {opened} is never closed ({swallowing})"
    return UnreadableRecord(opened, reason), swallowed


def _first_swallowed_line(
    lines: list[str], low: int, high: int, delimiter: str, width: int
) -> int | None:
    # Spreadsheets often leave trailing empty cells out: two thirds of the header will do.
    enough = max(3, (2 * width + 2) // 3)
    for index in range(low, high):
        if '"' in lines[index]:
            continue
        try:
            cells = next(csv.reader([lines[index]], delimiter=delimiter), [])
        except csv.Error:
            continue
        if len(cells) >= enough:
            return index
    return None


def _quotes_left_open(lines: list[str]) -> bool:
    return sum(line.count('"') for line in lines) % 2 == 1


def _newlines_before_open_cell(cells: list[str], swallowed: int | None, first: int) -> int:
    """Lines between the record's start and the start of the cell whose quote stayed open."""
    target = (swallowed - first) if swallowed is not None else None
    before = 0
    for cell in cells:
        inside = cell.count("\n") + cell.count("\r") - cell.count("\r\n")
        if inside and (target is None or before + inside >= target):
            return before
        before += inside
    return before
