"""Use cases of the skills catalogue that ESCO feeds: importing its four
files in any order, ranked search, and resolving what a spreadsheet names."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from services.common.errors import InvalidArgument
from services.common.page_tokens import decode_page_token, encode_page_token
from services.skills.domain.esco import (
    BROADER,
    RELATED,
    RELATION_SIMILARITY,
    ConceptRelation,
    concept_id,
    is_esco_uri,
    skill_of_row,
)
from services.skills.domain.model import (
    EscoBroaderRow,
    EscoRelationRow,
    EscoRow,
    EscoSkillRow,
    ImportSummary,
    Page,
    RowError,
    Skill,
)
from services.skills.domain.search import exact_label_key, lucene_query
from services.skills.domain.validation import (
    esco_broader_row_errors,
    esco_relation_row_errors,
    esco_skill_row_errors,
    page_size_of,
)
from services.skills.service.ports import EscoRepository

SKILL_IMPORT_BATCH = 2_000
MAX_QUERY_CHARS = 1_000
MAX_REFERENCES = 10_000
MAX_SEARCH_OFFSET = 10_000


class CatalogueKeeper(Protocol):
    async def refresh_catalogue(self) -> None:
        """Re-reads the hierarchy and relations into this process's scoring index."""


@dataclass
class _Relations:
    """Relations read from this import (by row number) and kept from earlier ones (row 0)."""

    rows: list[tuple[int, ConceptRelation]] = field(default_factory=list)

    def add(self, number: int, relation: ConceptRelation) -> None:
        self.rows.append((number, relation))


class CatalogueService:
    def __init__(self, repository: EscoRepository, keeper: CatalogueKeeper | None = None) -> None:
        self.repository = repository
        # The skills service's index keeper: the import answers once this
        # process's index holds the edges it wrote (other replicas follow the feed).
        self.keeper = keeper

    async def prepare(self) -> None:
        await self.repository.prepare_catalogue()

    async def import_esco(self, rows: AsyncIterator[EscoRow]) -> ImportSummary:
        """Concepts first (upserted by the id from their URI), then relations:
        one naming a concept neither stored nor in this import waits, stored,
        until a later import brings it; a broader edge that would close a
        cycle is refused."""
        summary = ImportSummary()
        concepts: dict[str, Skill] = {}
        relations = _Relations()
        number = 0
        async for row in rows:
            number += 1
            problems = _row_errors(row)
            if problems:
                summary.rejected += 1
                summary.errors.extend(
                    RowError(number, _uri_of(row)[:200], f, r) for f, r in problems
                )
                continue
            if isinstance(row, EscoSkillRow):
                skill = skill_of_row(row)
                concepts[skill.id] = skill
                summary.accepted += 1
            else:
                relations.add(number, _relation_of(row))
        batch = list(concepts.values())
        for start in range(0, len(batch), SKILL_IMPORT_BATCH):
            await self.repository.upsert_concepts(batch[start : start + SKILL_IMPORT_BATCH])
        earlier = await self.repository.pending_relations()
        fresh_keys = {relation.key for _, relation in relations.rows}
        for relation in earlier:
            if relation.key not in fresh_keys:
                relations.add(0, relation)
        if relations.rows:
            await self._import_relations(relations.rows, summary, earlier)
        summary.relations_pending = await self.repository.count_pending()
        summary.errors.sort(key=lambda e: e.row)
        return summary

    async def _import_relations(
        self,
        rows: Sequence[tuple[int, ConceptRelation]],
        summary: ImportSummary,
        earlier: Sequence[ConceptRelation],
    ) -> None:
        referenced = sorted({r.source for _, r in rows} | {r.target for _, r in rows})
        known = await self.repository.existing_skill_ids(referenced)
        parents: dict[str, set[str]] = defaultdict(set)
        for child, parent in await self.repository.broader_edges():
            parents[child].add(parent)
        written: list[ConceptRelation] = []
        waiting: dict[str, ConceptRelation] = {}
        for number, relation in rows:
            if relation.source not in known or relation.target not in known:
                waiting[relation.key] = relation
                summary.accepted += int(number > 0)
                continue
            if relation.kind == BROADER and _reaches(parents, relation.target, relation.source):
                summary.errors.append(_cycle_error(number, relation))
                summary.rejected += int(number > 0)
                continue
            if relation.kind == BROADER:
                parents[relation.source].add(relation.target)
            written.append(relation)
            summary.accepted += int(number > 0)
        for start in range(0, len(written), SKILL_IMPORT_BATCH):
            summary.relations_written += await self.repository.add_relations(
                written[start : start + SKILL_IMPORT_BATCH]
            )
        if written and self.keeper is not None:
            await self.keeper.refresh_catalogue()
        settled = [r for r in earlier if r.key not in waiting]
        if settled:
            await self.repository.drop_pending(settled)
        earlier_keys = {r.key for r in earlier}
        fresh = [r for r in waiting.values() if r.key not in earlier_keys]
        if fresh:
            await self.repository.keep_pending(fresh)

    async def search_skills(self, query: str, page_size: int, page_token: str) -> Page[Skill]:
        if len(query) > MAX_QUERY_CHARS:
            raise InvalidArgument.of("query", f"must be at most {MAX_QUERY_CHARS} characters")
        size = page_size_of(page_size)
        lucene = lucene_query(query)
        if not query.strip():
            after = decode_page_token(page_token)
            skills = await self.repository.list_skills(after, size + 1)
            token = encode_page_token(skills[size - 1].id) if len(skills) > size else ""
            return Page(skills[:size], token)
        offset = _decode_offset(page_token)
        if not lucene:
            return Page([])
        skills = await self.repository.search_skills(
            lucene, exact_label_key(query), offset, size + 1
        )
        more = len(skills) > size and offset + size < MAX_SEARCH_OFFSET
        return Page(skills[:size], encode_page_token(f"@{offset + size}") if more else "")

    async def resolve_references(self, references: Sequence[str]) -> list[list[Skill]]:
        """What each reference names: the skill with that id, else with that
        ESCO URI, else every skill with that preferred label (case-insensitive)."""
        if len(references) > MAX_REFERENCES:
            raise InvalidArgument.of("references", f"must be at most {MAX_REFERENCES}")
        cleaned = [reference.strip() for reference in references]
        found = await self.repository.resolve_references(cleaned)
        return [
            by_id or (by_uri if is_esco_uri(reference) else []) or by_label
            for reference, (by_id, by_uri, by_label) in zip(cleaned, found, strict=True)
        ]


def _row_errors(row: EscoRow) -> list[tuple[str, str]]:
    if isinstance(row, EscoSkillRow):
        return esco_skill_row_errors(row)
    if isinstance(row, EscoBroaderRow):
        return esco_broader_row_errors(row)
    return esco_relation_row_errors(row)


def _uri_of(row: EscoRow) -> str:
    return row.original_skill_uri if isinstance(row, EscoRelationRow) else row.concept_uri


def _relation_of(row: EscoBroaderRow | EscoRelationRow) -> ConceptRelation:
    if isinstance(row, EscoBroaderRow):
        return ConceptRelation(BROADER, concept_id(row.concept_uri), concept_id(row.broader_uri))
    similarity = RELATION_SIMILARITY[row.relation_type.strip().lower()]
    return ConceptRelation(
        RELATED,
        concept_id(row.original_skill_uri),
        concept_id(row.related_skill_uri),
        similarity,
    )


def _cycle_error(number: int, relation: ConceptRelation) -> RowError:
    reason = f"would make a broader cycle: {relation.target} is already below {relation.source}"
    if number == 0:
        reason = "kept from an earlier import and dropped: " + reason
    return RowError(number, relation.source, "broader.broader_uri", reason)


def _reaches(parents: Mapping[str, set[str]], start: str, target: str) -> bool:
    """Whether `target` is `start` or lies above it through broader edges."""
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == target:
            return True
        for parent in parents.get(node, ()):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return False


def _decode_offset(token: str) -> int:
    """A search page token holds the offset of the next page ("@50")."""
    value = decode_page_token(token)
    if not value:
        return 0
    if not value.startswith("@") or not value[1:].isdigit():
        raise InvalidArgument.of("page_token", "is not a page token this service issued")
    return min(int(value[1:]), MAX_SEARCH_OFFSET)
