from __future__ import annotations

import csv
import io

from services.gateway.cli import split_people_csv

HEADER = "id,name,skill_id,level\n"


def test_batches_keep_every_row_of_a_person_together_and_map_lines_back() -> None:
    text = HEADER + "p1,Ann,s1,2\np2,Bo,s1,3\np1,Ann,s2,4\np3,Cy,s3,1\n"

    batches = split_people_csv(text, people_per_batch=2)

    assert len(batches) == 2
    first_body, first_lines = batches[0]
    first_rows = list(csv.reader(io.StringIO(first_body)))
    assert first_rows[0] == ["id", "name", "skill_id", "level"]
    assert [row[0] for row in first_rows[1:]] == ["p1", "p1", "p2"]
    # p1's second row was line 4 of the file, p2's was line 3.
    assert first_lines == [1, 2, 4, 3]
    second_body, second_lines = batches[1]
    assert list(csv.reader(io.StringIO(second_body)))[1] == ["p3", "Cy", "s3", "1"]
    assert second_lines == [1, 5]


def test_a_quoted_multiline_cell_keeps_the_file_line_numbers_right() -> None:
    text = HEADER + 'p1,"Ann\nSmith",s1,2\np2,Bo,s1,3\n'

    ((body, lines),) = split_people_csv(text, people_per_batch=10)

    assert lines == [1, 2, 4]
    assert list(csv.reader(io.StringIO(body)))[1][1] == "Ann\nSmith"


def test_an_empty_file_gives_no_batches() -> None:
    assert split_people_csv("", people_per_batch=10) == []
