from __future__ import annotations

from services.skills.domain.esco import concept_id, is_esco_uri, kind_of_concept_type
from services.skills.domain.search import exact_label_key, lucene_query, search_terms


def test_lucene_special_characters_and_operators_in_user_text_are_only_words() -> None:
    assert search_terms('C++ AND (x) "y" a:b \\ /') == [
        "c\\+\\+",
        "and",
        "\\(x\\)",
        '\\"y\\"',
        "a\\:b",
        "\\\\",
        "\\/",
    ]


def test_label_weighs_most_and_a_phrase_is_added_for_several_words() -> None:
    query = lucene_query("Manage  budgets")
    assert query.startswith("label:(manage budgets)^4 alt_text:(manage budgets)^2")
    assert 'label:"manage budgets"^8' in query
    assert "label:" in lucene_query("budget") and '"' not in lucene_query("budget")
    assert lucene_query("   ") == ""


def test_exact_labels_compare_without_case_or_extra_spaces() -> None:
    assert exact_label_key("  Manage   Budgets ") == "manage budgets"


def test_esco_uris_and_kinds() -> None:
    assert is_esco_uri("http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab")
    assert is_esco_uri("http://data.europa.eu/esco/isced-f/0413")
    assert not is_esco_uri("manage budgets")
    assert not is_esco_uri("http://example.org/esco/skill/x")
    assert concept_id("http://data.europa.eu/esco/isced-f/0413") == "0413"
    assert kind_of_concept_type("SkillGroup") == "group"
    assert kind_of_concept_type("KnowledgeSkillCompetence") == "skill"
