"""The ESCO import's rules on a small fake repository: relations wait for
their concepts, a cycle is refused, a repeated file changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from services.skills.domain.esco import BROADER, ConceptRelation
from services.skills.domain.model import (
    EscoBroaderRow,
    EscoRelationRow,
    EscoRow,
    EscoSkillRow,
    Skill,
)
from services.skills.service.catalogue import CatalogueService

ESCO = "http://data.europa.eu/esco/skill/"


class FakeCatalogue:
    def __init__(self) -> None:
        self.skills: dict[str, Skill] = {}
        self.edges: set[tuple[str, str, str]] = set()
        self.similarity: dict[frozenset[str], float] = {}
        self.pending: dict[str, ConceptRelation] = {}

    async def prepare_catalogue(self) -> None:
        return None

    async def upsert_concepts(self, skills: Sequence[Skill]) -> None:
        self.skills.update({s.id: s for s in skills})

    async def existing_skill_ids(self, skill_ids: Sequence[str]) -> set[str]:
        return set(skill_ids) & set(self.skills)

    async def broader_edges(self) -> list[tuple[str, str]]:
        return [(a, b) for kind, a, b in self.edges if kind == BROADER]

    async def add_relations(self, relations: Sequence[ConceptRelation]) -> int:
        created = 0
        for r in relations:
            low, high = sorted((r.source, r.target))
            key = (r.kind, r.source, r.target) if r.kind == BROADER else ("related", low, high)
            created += key not in self.edges
            self.edges.add(key)
            if r.kind != BROADER:
                pair = frozenset((r.source, r.target))
                self.similarity[pair] = max(self.similarity.get(pair, 0.0), r.similarity)
        return created

    async def pending_relations(self) -> list[ConceptRelation]:
        return list(self.pending.values())

    async def keep_pending(self, relations: Sequence[ConceptRelation]) -> None:
        self.pending.update({r.key: r for r in relations})

    async def drop_pending(self, relations: Sequence[ConceptRelation]) -> None:
        for r in relations:
            self.pending.pop(r.key, None)

    async def count_pending(self) -> int:
        return len(self.pending)

    async def list_skills(self, after_id: str, limit: int) -> list[Skill]:
        return sorted((s for s in self.skills.values() if s.id > after_id), key=lambda s: s.id)[
            :limit
        ]

    async def search_skills(self, lucene: str, exact: str, skip: int, limit: int) -> list[Skill]:
        return []

    async def resolve_references(
        self, references: Sequence[str]
    ) -> list[tuple[list[Skill], list[Skill], list[Skill]]]:
        return [
            (
                [s for s in self.skills.values() if s.id == ref],
                [s for s in self.skills.values() if s.uri == ref],
                [s for s in self.skills.values() if s.label.lower() == ref.lower()],
            )
            for ref in references
        ]


async def rows(*items: EscoRow) -> AsyncIterator[EscoRow]:
    for item in items:
        yield item


def skill(uuid: str, label: str = "", group: bool = False) -> EscoSkillRow:
    return EscoSkillRow(ESCO + uuid, label or uuid, concept_type="SkillGroup" if group else "")


async def test_relations_wait_for_their_concepts_and_a_second_run_changes_nothing() -> None:
    fake = FakeCatalogue()
    service = CatalogueService(fake)
    relations = (
        EscoBroaderRow(ESCO + "a", ESCO + "g"),
        EscoRelationRow(ESCO + "a", ESCO + "b", "essential"),
        EscoRelationRow(ESCO + "b", ESCO + "a", "optional"),
    )
    first = await service.import_esco(rows(*relations))
    assert (first.accepted, first.relations_written, first.relations_pending) == (3, 0, 3)
    second = await service.import_esco(rows(skill("a"), skill("b"), skill("g", group=True)))
    assert (second.relations_written, second.relations_pending) == (2, 0)
    assert fake.skills["g"].kind == "group"
    assert fake.similarity[frozenset(("a", "b"))] == 0.5
    again = await service.import_esco(rows(*relations))
    assert (again.relations_written, again.relations_pending, again.rejected) == (0, 0, 0)


class RecordingKeeper:
    """Notes the edges the graph held each time the index was refreshed."""

    def __init__(self, fake: FakeCatalogue) -> None:
        self.fake = fake
        self.refreshes: list[set[tuple[str, str, str]]] = []

    async def refresh_catalogue(self) -> None:
        self.refreshes.append(set(self.fake.edges))


async def test_the_index_is_refreshed_once_relations_land_and_not_while_they_wait() -> None:
    fake = FakeCatalogue()
    keeper = RecordingKeeper(fake)
    service = CatalogueService(fake, keeper)
    await service.import_esco(rows(EscoBroaderRow(ESCO + "a", ESCO + "g")))
    assert keeper.refreshes == []
    await service.import_esco(rows(skill("a"), skill("g", group=True)))
    assert keeper.refreshes == [{(BROADER, "a", "g")}]


async def test_a_cycle_is_refused_by_row_and_a_pending_one_when_it_lands() -> None:
    fake = FakeCatalogue()
    service = CatalogueService(fake)
    await service.import_esco(rows(skill("a"), skill("b"), EscoBroaderRow(ESCO + "a", ESCO + "b")))
    refused = await service.import_esco(rows(EscoBroaderRow(ESCO + "b", ESCO + "a")))
    assert [(e.row, e.field) for e in refused.errors] == [(1, "broader.broader_uri")]
    waits = await service.import_esco(
        rows(EscoBroaderRow(ESCO + "b", ESCO + "c"), EscoBroaderRow(ESCO + "c", ESCO + "a"))
    )
    assert waits.relations_pending == 2
    landed = await service.import_esco(rows(skill("c")))
    assert landed.relations_pending == 0
    assert [e.row for e in landed.errors] == [0]
    assert "earlier import" in landed.errors[0].reason


async def test_references_name_a_skill_by_id_then_uri_then_label() -> None:
    fake = FakeCatalogue()
    service = CatalogueService(fake)
    await service.import_esco(rows(skill("a", "Manage budgets"), skill("b", "manage budgets")))
    found = await service.resolve_references(["a", ESCO + "b", "MANAGE BUDGETS", "nothing"])
    assert [[s.id for s in match] for match in found] == [["a"], ["b"], ["a", "b"], []]
