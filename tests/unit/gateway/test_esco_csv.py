from __future__ import annotations

import pytest

from services.common.errors import InvalidArgument
from services.gateway.domain.esco_csv import (
    EscoBroader,
    EscoFile,
    EscoProblem,
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
