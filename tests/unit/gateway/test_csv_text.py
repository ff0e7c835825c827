"""Files as spreadsheets save them: each encoding and delimiter, and broken quoting."""

from __future__ import annotations

import codecs

import pytest

from services.common.errors import InvalidArgument
from services.gateway.domain.csv_text import (
    UTF8,
    UTF8_BOM,
    UTF16,
    WINDOWS_1252,
    UnreadableRecord,
    decode_csv,
    detect_delimiter,
    read_records,
)
from services.gateway.domain.people_csv import PEOPLE_COLUMNS, parse_people_csv

ROWS = [
    ["id", "name", "sector", "skill_id", "level"],
    ["p1", "Zoë Müller", "public", "empathy", "3"],
    ["p2", "François Dubois", "community", "case-work", "2"],
]


def excel_file(delimiter: str, encoding: str, bom: bytes = b"") -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in ROWS) + "\r\n"
    return bom + text.encode(encoding)


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (excel_file(",", "utf-8"), UTF8),
        (excel_file(";", "utf-8", codecs.BOM_UTF8), UTF8_BOM),
        (excel_file(";", "cp1252"), WINDOWS_1252),
        (excel_file(",", "cp1252"), WINDOWS_1252),
        (excel_file("\t", "utf-16"), UTF16),
    ],
)
def test_excel_files_in_each_encoding_and_delimiter_read_the_same(
    body: bytes, encoding: str
) -> None:
    upload = decode_csv(body)
    assert upload.encoding == encoding
    delimiter = detect_delimiter(upload.text, PEOPLE_COLUMNS)
    parsed = parse_people_csv(upload.text, delimiter)
    assert parsed.problems == []
    assert [g.person.name for g in parsed.people] == ["Zoë Müller", "François Dubois"]
    assert [g.levels[0][1].skill_id for g in parsed.people] == ["empathy", "case-work"]


def test_a_semicolon_file_with_commas_in_its_cells_is_still_semicolon_separated() -> None:
    text = "id;name;sector;skill_id;level\np1;Smith, Ann;public;empathy;3\n"
    assert detect_delimiter(text, PEOPLE_COLUMNS) == ";"


def test_a_file_that_is_neither_utf8_nor_windows_1252_is_named_by_line_and_column() -> None:
    body = "id,name\r\np1,Zoë\r\np2,ab".encode() + b"\x81" + b"c\r\n"
    with pytest.raises(InvalidArgument) as error:
        decode_csv(body.replace("ë".encode(), b"\xeb"))
    assert "line 3, column 6" in error.value.violations[0].message
    assert "0x81" in error.value.violations[0].message


def test_an_unterminated_quote_is_reported_where_it_opened_and_the_next_records_survive() -> None:
    text = (
        "id,name,sector,skill_id,level\n"
        'p1,Ann,public,"empathy,3\n'
        "p2,Bo,public,case-work,2\n"
        "p3,Cy,public,empathy,1\n"
    )
    read = list(read_records(text))
    assert read[1] == (2, read[1][1])
    problem = read[1][1]
    assert isinstance(problem, UnreadableRecord)
    assert "line 2" in problem.reason and "line 3" in problem.reason
    assert [cells[0] for _, cells in read[2:] if isinstance(cells, list)] == ["p2", "p3"]


def test_a_quote_opened_inside_a_multiline_record_is_named_by_its_own_line() -> None:
    text = 'a,b,c\n1,"two\nlines",x\n2,"open,y\n3,z,w\n'
    read = list(read_records(text))
    assert read[1] == (2, ["1", "two\nlines", "x"])
    line, problem = read[2]
    assert line == 4 and isinstance(problem, UnreadableRecord)
    assert read[3] == (5, ["3", "z", "w"])


def test_a_quote_left_open_at_the_end_of_the_file_is_reported() -> None:
    parsed = parse_people_csv('id,name,sector,skill_id,level\np1,Ann,public,empathy,"3\n')
    assert [(p.line, p.field) for p in parsed.problems] == [(2, "")]
    assert "end of the file" in parsed.problems[0].reason
