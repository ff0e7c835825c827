from __future__ import annotations

from collections.abc import Sequence

from services.gateway.domain.esco_csv import EscoFile, EscoRow
from services.gateway.domain.imports import RowFailure, StreamSummary
from services.gateway.domain.people_csv import PersonGroup, SkillMatch
from services.gateway.service.imports import import_esco_csv, import_people_csv

HEADER = (
    "id,name,sector,organisation,locality,capacity_fte,day_rate,clearances,"
    "skill_id,level,evidence,source,valid_until\n"
)


class RefusingImporter:
    """Accepts what it is sent, except the failures it was told to report."""

    def __init__(self, failures: list[RowFailure]) -> None:
        self.failures = failures
        self.groups: list[PersonGroup] = []
        self.esco: list[EscoRow] = []
        self.labels: dict[str, list[SkillMatch]] = {}

    async def resolve_skills(self, references: Sequence[str]) -> list[list[SkillMatch]]:
        """Every reference names the skill of that id, except the labels it knows."""
        return [self.labels.get(ref.lower(), [SkillMatch(ref, ref)]) for ref in references]

    async def import_people(self, groups: Sequence[PersonGroup], actor: str) -> StreamSummary:
        self.groups = list(groups)
        return StreamSummary(
            accepted=len(groups) - len(self.failures),
            rejected=len(self.failures),
            levels_written=sum(len(g.levels) for g in groups),
            failures=self.failures,
        )

    async def import_esco(self, rows: Sequence[EscoRow]) -> StreamSummary:
        self.esco = list(rows)
        return StreamSummary(
            accepted=len(rows) - len(self.failures),
            rejected=len(self.failures),
            failures=self.failures,
        )


async def test_the_service_refusals_are_reported_on_the_csv_line_they_came_from() -> None:
    text = (
        HEADER
        + "p1,Ada,public,,,,,,empathy,3,,,\n"
        + "p2,Bo,public,,,,,,empathy,3,,,\n"
        + "p2,,,,,,,,no-such-skill,2,,,\n"
        + "p3,Cy,public,,,,,,empathy,7,,,\n"
    )
    importer = RefusingImporter(
        [RowFailure(position=2, id="p2", field="levels[1].skill_id", reason="unknown skill")]
    )
    report = await import_people_csv(importer, text, actor="key_1")
    assert [g.person.id for g in importer.groups] == ["p1", "p2"]
    assert [(p.line, p.id, p.field) for p in report.problems] == [
        (4, "p2", "skill_id"),
        (5, "p3", "level"),
    ]
    assert report.rejected_rows == 2
    assert report.rows_read == 4


async def test_a_person_level_refusal_points_at_the_persons_first_line() -> None:
    text = HEADER + "p1,Ada,public,,,,,,,,,,\n" + "p2,Bo,public,,,,,,,,,,\n"
    importer = RefusingImporter([RowFailure(2, "p2", "person.locality", "too long")])
    report = await import_people_csv(importer, text, actor="key_1")
    assert [(p.line, p.field) for p in report.problems] == [(3, "locality")]


async def test_esco_refusals_map_back_to_lines_skipping_rows_refused_locally() -> None:
    text = "conceptUri,broaderUri\nhttp://a,http://b\n,http://c\nhttp://c,http://a\n"
    importer = RefusingImporter([RowFailure(2, "http://c", "broader.broader_uri", "cycle")])
    report = await import_esco_csv(importer, text, None)
    assert report.kind == EscoFile.BROADER.value
    assert len(importer.esco) == 2
    assert [(p.line, p.field) for p in report.problems] == [(3, "conceptUri"), (4, "broaderUri")]


async def test_skills_named_by_label_resolve_to_ids_and_bad_references_are_row_errors() -> None:
    text = (
        HEADER.replace(",", ";")
        + "p1;Ada;public;;;;;;Manage Budgets;3;;;\n"
        + "p1;;;;;;;;Listening;2;;;\n"
        + "p1;;;;;;;;ICT;2;;;\n"
        + "p1;;;;;;;;empathy;2;;;\n"
    )
    importer = RefusingImporter([])
    importer.labels = {
        "manage budgets": [SkillMatch("b1", "manage budgets")],
        "listening": [SkillMatch("l1", "listening"), SkillMatch("l2", "Listening")],
        "ict": [SkillMatch("S5", "ICT", "group")],
    }
    report = await import_people_csv(importer, text, actor="key_1", encoding="Windows-1252")
    (group,) = importer.groups
    assert [level.skill_id for _, level in group.levels] == ["b1", "empathy"]
    assert [(p.line, p.field) for p in report.problems] == [(3, "skill_id"), (4, "skill_id")]
    assert "l1" in report.problems[0].reason and "l2" in report.problems[0].reason
    assert "group" in report.problems[1].reason
    assert (report.encoding, report.delimiter) == ("Windows-1252", "semicolon")
    assert report.rows_read == 4
