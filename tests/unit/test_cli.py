from __future__ import annotations

import csv
import io

from rich.console import Console

from services.gateway.cli.outcomes import outcomes_table
from services.gateway.cli.people_import import split_people_csv
from services.gateway.cli.training import print_plan

HEADER = "id,name,skill_id,level\n"


def test_batches_keep_every_row_of_a_person_together_and_map_lines_back() -> None:
    text = HEADER + "p1,Ann,s1,2\np2,Bo,s1,3\np1,Ann,s2,4\np3,Cy,s3,1\n"

    batches = split_people_csv(text, people_per_chunk=2)

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

    ((body, lines),) = split_people_csv(text, people_per_chunk=10)

    assert lines == [1, 2, 4]
    assert list(csv.reader(io.StringIO(body)))[1][1] == "Ann\nSmith"


def test_an_empty_file_gives_no_batches() -> None:
    assert split_people_csv("", people_per_chunk=10) == []


def test_a_plan_prints_enrolments_the_check_and_unmet_demand() -> None:
    plan = {
        "id": "plan-1",
        "status": "optimal",
        "total_cost": 1600.0,
        "budget": 1700.0,
        "deadline": "2029-06-30",
        "enrolment_count": 2,
        "completed_count": 1,
        "open_demand": 8.0,
        "staffable_demand": 8.0,
        "check": {"holds": True, "claimed_places": 3, "filled_places": 3},
        "headline": "2 enrolments for 1 person would make 8 of 8 priority-weighted open "
        "demand staffable; the staffing re-run with their new levels confirms it.",
        "people": [
            {
                "person_id": "bob",
                "name": "Bob",
                "enrolments": [
                    {
                        "course_id": "welfare-advanced",
                        "course_title": "Advanced welfare rights",
                        "skill_id": "welfare-rights",
                        "from_level": 2,
                        "to_level": 3,
                        "run_start": "2027-01-01",
                        "run_end": "2027-01-04",
                        "cost": 800.0,
                        "completed_on": "2027-01-04",
                    }
                ],
            }
        ],
        "fillable": [
            {
                "outcome_id": "o1",
                "role_id": "adviser",
                "person_id": "bob",
                "fit_before": 0.67,
                "fit_after": 1.0,
            }
        ],
        "unmet": [
            {
                "kind": "place",
                "outcome_id": "o2",
                "subject_id": "weaver",
                "count": 2,
                "unreachable": True,
                "reason": "no course reaches the level",
            }
        ],
    }
    out = Console(width=200, record=True)
    print_plan(plan, out)
    text = out.export_text()
    assert "plan-1" in text and "1/2 completed" in text
    assert "re-run with their new levels confirms it" in text
    assert "3/3 claimed places filled" in text
    assert "Advanced welfare rights" in text and "2→3" in text
    assert "0.67→1.00" in text
    assert "unreachable 2x place weaver in o2" in text


def test_a_semicolon_file_is_rewritten_with_commas_and_a_broken_quote_is_set_aside() -> None:
    text = 'id;name;skill_id;level\np1;"Ann;s1;2\np2;Bo;s1;3\n'
    unreadable: list[tuple[int, str, str]] = []

    ((body, lines),) = split_people_csv(
        text, people_per_chunk=10, delimiter=";", unreadable=unreadable
    )

    assert list(csv.reader(io.StringIO(body))) == [
        HEADER.strip().split(","),
        ["p2", "Bo", "s1", "3"],
    ]
    assert lines == [1, 3]
    assert [(line, reason.split(" (")[0]) for line, _, reason in unreadable] == [
        (2, "a quote opened on line 2 is never closed")
    ]


def test_the_outcome_list_never_cuts_an_id_or_a_locality_short_on_a_narrow_terminal() -> None:
    outcome = {
        "id": "isolation-riverside-older-people",
        "title": "Fewer older people isolated in Riverside this winter and next",
        "locality": "ashbridge-north-and-riverside",
        "priority": 5,
        "slots": [{"count": 2, "role_id": "navigator"}, {"count": 1, "role_id": "storyteller"}],
    }
    console = Console(width=80, record=True)

    console.print(outcomes_table([outcome]))

    text = console.export_text()
    assert "isolation-riverside-older-people" in text
    assert "ashbridge-north-and-riverside" in text
