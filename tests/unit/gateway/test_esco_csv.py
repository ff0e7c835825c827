from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.gateway.domain.esco_csv import (
    EscoBroader,
    EscoFile,
    EscoProblem,
    EscoRelation,
    EscoSkill,
    iter_esco_rows,
)

SKILLS = (
    "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,hiddenLabels,status,"
    "modifiedDate,scopeNote,definition,inScheme,description\n"
    "KnowledgeSkillCompetence,http://esco/s1,skill/competence,cross-sector,listen actively,"
    '"active listening\nlistening",,released,2023,,,,Give attention.\n'
    "KnowledgeSkillCompetence,,skill/competence,,nameless,,,,,,,,\n"
)
BROADER = "conceptType,conceptUri,broaderType,broaderUri\nx,http://esco/s1,y,http://esco/s0\n"


def test_skills_file_is_recognised_and_read_with_line_numbers() -> None:
    kind, rows = iter_esco_rows(SKILLS, None)
    assert kind is EscoFile.SKILLS
    read = list(rows)
    line, skill = read[0]
    assert line == 2
    assert isinstance(skill, EscoSkill)
    assert skill.alt_labels == "active listening\nlistening"
    assert skill.reuse_level == "cross-sector"
    line, problem = read[1]
    assert line == 4
    assert isinstance(problem, EscoProblem)
    assert problem.field == "conceptUri"


def test_broader_file_is_recognised() -> None:
    kind, rows = iter_esco_rows(BROADER, None)
    assert kind is EscoFile.BROADER
    assert [row for _, row in rows] == [EscoBroader("http://esco/s1", "http://esco/s0")]


def test_a_file_that_is_not_the_kind_asked_for_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="broaderUri"):
        iter_esco_rows(SKILLS, EscoFile.BROADER)


GROUPS = (
    "conceptType,conceptUri,preferredLabel,altLabels,hiddenLabels,status,modifiedDate,"
    "scopeNote,inScheme,description,code\n"
    "SkillGroup,http://data.europa.eu/esco/skill/g1,communication,,,released,,,,Talk.,S1\n"
)
RELATIONS = (
    "originalSkillUri,originalSkillType,relationType,relatedSkillType,relatedSkillUri\n"
    "http://data.europa.eu/esco/skill/a,skill/competence,essential,knowledge,"
    "http://data.europa.eu/esco/skill/b\n"
)


def test_groups_and_relations_files_are_recognised_by_their_headers() -> None:
    kind, rows = iter_esco_rows(GROUPS, None)
    assert kind is EscoFile.GROUPS
    ((_, group),) = list(rows)
    assert isinstance(group, EscoSkill) and group.concept_type == "SkillGroup"
    kind, rows = iter_esco_rows(RELATIONS, None)
    assert kind is EscoFile.RELATIONS
    assert [row for _, row in rows] == [
        EscoRelation(
            "http://data.europa.eu/esco/skill/a", "http://data.europa.eu/esco/skill/b", "essential"
        )
    ]


def test_columns_are_read_by_name_whatever_their_order() -> None:
    text = "broaderUri,conceptType,conceptUri\nhttp://esco/p,SkillGroup,http://esco/c\n"
    _, rows = iter_esco_rows(text, None)
    assert [row for _, row in rows] == [EscoBroader("http://esco/c", "http://esco/p")]


def test_an_unterminated_alt_label_quote_names_its_line_and_spares_the_next_rows() -> None:
    text = (
        "conceptType,conceptUri,skillType,reuseLevel,preferredLabel,altLabels,description\n"
        'KnowledgeSkillCompetence,http://esco/s1,skill,,first,"one\ntwo,d\n'
        "KnowledgeSkillCompetence,http://esco/s2,skill,,second,,d\n"
        "KnowledgeSkillCompetence,http://esco/s3,skill,,third,,d\n"
    )
    _, rows = iter_esco_rows(text, None)
    read = list(rows)
    line, problem = read[0]
    assert line == 2 and isinstance(problem, EscoProblem)
    assert "line 2" in problem.reason
    assert [row.preferred_label for _, row in read[1:] if isinstance(row, EscoSkill)] == [
        "second",
        "third",
    ]
