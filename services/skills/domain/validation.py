"""Rules every input must keep. Each check names the field at fault with a
proto-style path ("person.capacity_fte", "role.requirements[0].min_level"),
and one InvalidArgument names every field at fault."""

from __future__ import annotations

import math
from datetime import date

from services.common.errors import InvalidArgument, Violations
from services.common.identifiers import MAX_ID_CHARS, id_problem
from services.skills.domain.esco import RELATION_SIMILARITY, concept_id, is_esco_uri
from services.skills.domain.model import (
    KEEPABLE_FIELDS,
    MAX_LEVEL,
    MIN_LEVEL,
    SECTORS,
    SOURCES,
    Clearance,
    EscoBroaderRow,
    EscoRelationRow,
    EscoSkillRow,
    LevelClaim,
    PeopleFilter,
    Person,
    Requirement,
    Role,
    Skill,
)

# Names, descriptions, evidence: generous for prose, small enough that a
# 10 MB string is refused before it reaches the graph.
MAX_TEXT_CHARS = 10_000
MAX_LIST_ITEMS = 1_000
MAX_PAGE_SIZE = 1_000
DEFAULT_PAGE_SIZE = 50
MAX_CANDIDATES = 1_000
DEFAULT_CANDIDATES = 20


def check_id(violations: Violations, value: str, field: str) -> None:
    """The id rule of services.common.identifiers."""
    problem = id_problem(value)
    if problem is not None:
        violations.add(field, problem)


def check_stored_id(violations: Violations, value: str, field: str) -> None:
    """An id as stored, perhaps before the id rule: erasing such a record must
    still be possible, so only emptiness and length are checked."""
    if not value:
        violations.add(field, "must not be empty")
    elif len(value) > MAX_ID_CHARS:
        violations.add(field, f"must be at most {MAX_ID_CHARS} characters")


def check_organisation(violations: Violations, value: str, field: str) -> None:
    """Organisations are named, not keyed by an id of the rule ("Riverside Council")."""
    if len(value) > MAX_ID_CHARS:
        violations.add(field, f"must be at most {MAX_ID_CHARS} characters")
    elif value != value.strip():
        violations.add(field, "must not start or end with white space")


def check_text(violations: Violations, value: str, field: str, required: bool = False) -> None:
    if required and not value.strip():
        violations.add(field, "must not be empty")
    elif len(value) > MAX_TEXT_CHARS:
        violations.add(field, f"must be at most {MAX_TEXT_CHARS} characters")


MAX_KEY_CHARS = 2 * MAX_ID_CHARS + 100


def check_key(violations: Violations, value: str, field: str) -> None:
    """A request's own key for a slot or query (matching's "outcome/role"):
    not an id of anything stored, so the id rule does not apply."""
    if not value:
        violations.add(field, "must not be empty")
    elif len(value) > MAX_KEY_CHARS:
        violations.add(field, f"must be at most {MAX_KEY_CHARS} characters")


def check_optional_id(violations: Violations, value: str, field: str) -> None:
    if value:
        check_id(violations, value, field)


def check_date(violations: Violations, value: str, field: str) -> None:
    """Empty, or an ISO date YYYY-MM-DD."""
    if not value:
        return
    if len(value) != 10:
        violations.add(field, "must be an ISO date YYYY-MM-DD")
        return
    try:
        date.fromisoformat(value)
    except ValueError:
        violations.add(field, "must be an ISO date YYYY-MM-DD")


def check_level(violations: Violations, value: int, field: str) -> None:
    if not MIN_LEVEL <= value <= MAX_LEVEL:
        violations.add(field, f"must be between {MIN_LEVEL} and {MAX_LEVEL}")


def finite(value: float) -> bool:
    return not (math.isnan(value) or math.isinf(value))


def check_person(violations: Violations, person: Person, prefix: str = "person") -> None:
    check_id(violations, person.id, f"{prefix}.id")
    check_text(violations, person.name, f"{prefix}.name", required=True)
    violations.check(
        person.sector in SECTORS,
        f"{prefix}.sector",
        "must be one of " + ", ".join(sorted(SECTORS)),
    )
    check_organisation(violations, person.organisation, f"{prefix}.organisation")
    check_text(violations, person.locality, f"{prefix}.locality")
    if len(person.locality) <= MAX_TEXT_CHARS and len(person.locality) > MAX_ID_CHARS:
        violations.add(f"{prefix}.locality", f"must be at most {MAX_ID_CHARS} characters")
    violations.check(
        finite(person.capacity_fte) and 0.0 <= person.capacity_fte <= 1.0,
        f"{prefix}.capacity_fte",
        "must be between 0 and 1",
    )
    violations.check(
        finite(person.day_rate) and person.day_rate >= 0.0,
        f"{prefix}.day_rate",
        "must be zero or more",
    )
    violations.check(
        len(person.clearances) <= MAX_LIST_ITEMS, f"{prefix}.clearances", "too many clearances"
    )
    for index, clearance in enumerate(person.clearances[:MAX_LIST_ITEMS]):
        _check_clearance(violations, clearance, f"{prefix}.clearances[{index}]")
    check_date(violations, person.available_from, f"{prefix}.available_from")
    check_date(violations, person.available_until, f"{prefix}.available_until")
    if (
        person.available_from
        and person.available_until
        and len(person.available_from) == len(person.available_until) == 10
        and person.available_until < person.available_from
    ):
        violations.add(f"{prefix}.available_until", "must not be before available_from")


def _check_clearance(violations: Violations, clearance: Clearance, prefix: str) -> None:
    check_text(violations, clearance.kind, f"{prefix}.kind", required=True)
    if len(clearance.kind) > MAX_ID_CHARS:
        violations.add(f"{prefix}.kind", f"must be at most {MAX_ID_CHARS} characters")
    check_date(violations, clearance.expires, f"{prefix}.expires")


def check_claim(violations: Violations, claim: LevelClaim, prefix: str = "") -> None:
    """Fields of a level; `prefix` is "" for SetLevel (fields at the top) or
    "levels[3]." in an import row."""
    check_id(violations, claim.skill_id, f"{prefix}skill_id")
    check_level(violations, claim.level, f"{prefix}level")
    violations.check(
        claim.source in SOURCES, f"{prefix}source", "must be one of " + ", ".join(sorted(SOURCES))
    )
    check_text(violations, claim.evidence, f"{prefix}evidence")
    check_text(violations, claim.assessed_by, f"{prefix}assessed_by")
    check_date(violations, claim.assessed_at, f"{prefix}assessed_at")
    check_date(violations, claim.valid_until, f"{prefix}valid_until")


def validate_person(person: Person, actor: str = "") -> None:
    violations = Violations()
    check_person(violations, person)
    check_text(violations, actor, "actor")
    violations.raise_if_any()


def validate_level(person_id: str, claim: LevelClaim, actor: str = "") -> None:
    violations = Violations()
    check_id(violations, person_id, "person_id")
    check_claim(violations, claim)
    check_text(violations, actor, "actor")
    violations.raise_if_any()


def validate_person_import(
    person: Person, levels: tuple[LevelClaim, ...], keep_stored: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    """The (field, reason) pairs that make an import row bad; empty when it is good."""
    violations = Violations()
    check_person(violations, person)
    for name in sorted(keep_stored - KEEPABLE_FIELDS)[:MAX_LIST_ITEMS]:
        violations.add("keep_stored", f"{name[:MAX_ID_CHARS]!r} is not a field an import may keep")
    violations.check(len(levels) <= MAX_LIST_ITEMS, "levels", "too many levels in one row")
    seen: set[tuple[str, str]] = set()
    for index, claim in enumerate(levels[:MAX_LIST_ITEMS]):
        check_claim(violations, claim, f"levels[{index}].")
        key = (claim.skill_id, claim.source)
        if key in seen:
            violations.add(f"levels[{index}].skill_id", "the same skill and source appear twice")
        seen.add(key)
    return [(v.field, v.message) for v in violations.items]


def validate_skill(skill: Skill) -> None:
    violations = Violations()
    check_id(violations, skill.id, "skill.id")
    check_text(violations, skill.label, "skill.label", required=True)
    check_text(violations, skill.description, "skill.description")
    check_text(violations, skill.uri, "skill.uri")
    violations.check(len(skill.alt_labels) <= MAX_LIST_ITEMS, "skill.alt_labels", "too many labels")
    for index, label in enumerate(skill.alt_labels[:MAX_LIST_ITEMS]):
        check_text(violations, label, f"skill.alt_labels[{index}]", required=True)
    violations.check(len(skill.broader) <= MAX_LIST_ITEMS, "skill.broader", "too many parents")
    for index, parent in enumerate(skill.broader[:MAX_LIST_ITEMS]):
        check_id(violations, parent, f"skill.broader[{index}]")
        if parent == skill.id:
            violations.add(f"skill.broader[{index}]", "a skill cannot be broader than itself")
    violations.raise_if_any()


def validate_relation(skill_id: str, related_skill_id: str, similarity: float) -> None:
    violations = Violations()
    check_id(violations, skill_id, "skill_id")
    check_id(violations, related_skill_id, "related_skill_id")
    if skill_id and skill_id == related_skill_id:
        violations.add("related_skill_id", "a skill cannot be related to itself")
    violations.check(
        finite(similarity) and 0.0 <= similarity <= 1.0, "similarity", "must be between 0 and 1"
    )
    violations.raise_if_any()


def validate_role(role: Role) -> None:
    violations = Violations()
    check_id(violations, role.id, "role.id")
    check_text(violations, role.name, "role.name", required=True)
    check_text(violations, role.description, "role.description")
    violations.check(
        0 < len(role.requirements) <= MAX_LIST_ITEMS,
        "role.requirements",
        f"must hold between 1 and {MAX_LIST_ITEMS} requirements",
    )
    seen: set[str] = set()
    for index, requirement in enumerate(role.requirements[:MAX_LIST_ITEMS]):
        _check_requirement(violations, requirement, f"role.requirements[{index}]")
        if requirement.skill_id in seen:
            violations.add(f"role.requirements[{index}].skill_id", "the skill appears twice")
        seen.add(requirement.skill_id)
    violations.raise_if_any()


def _check_requirement(violations: Violations, requirement: Requirement, prefix: str) -> None:
    check_id(violations, requirement.skill_id, f"{prefix}.skill_id")
    check_level(violations, requirement.min_level, f"{prefix}.min_level")
    violations.check(
        finite(requirement.weight) and 0.0 < requirement.weight <= 1_000.0,
        f"{prefix}.weight",
        "must be more than 0 (and at most 1000)",
    )


def check_filter(violations: Violations, people_filter: PeopleFilter, prefix: str) -> None:
    if people_filter.sector:
        violations.check(
            people_filter.sector in SECTORS,
            f"{prefix}.sector",
            "must be one of " + ", ".join(sorted(SECTORS)),
        )
    check_organisation(violations, people_filter.organisation, f"{prefix}.organisation")
    check_text(violations, people_filter.locality, f"{prefix}.locality")
    check_optional_id(violations, people_filter.skill_id, f"{prefix}.skill_id")
    if people_filter.min_level:
        check_level(violations, people_filter.min_level, f"{prefix}.min_level")
        violations.check(
            bool(people_filter.skill_id), f"{prefix}.skill_id", "is needed with min_level"
        )
    check_date(violations, people_filter.available_from, f"{prefix}.available_from")
    check_date(violations, people_filter.available_until, f"{prefix}.available_until")
    check_period(
        violations,
        people_filter.available_from,
        people_filter.available_until,
        f"{prefix}.available_until",
    )
    check_optional_id(violations, people_filter.clearance, f"{prefix}.clearance")
    check_date(violations, people_filter.clearance_valid_until, f"{prefix}.clearance_valid_until")


def check_period(violations: Violations, start: str, end: str, field: str) -> None:
    if start and end and len(start) == len(end) == 10 and end < start:
        violations.add(field, "must not be before the start of the period")


def validate_filter(people_filter: PeopleFilter, prefix: str = "filter") -> None:
    violations = Violations()
    check_filter(violations, people_filter, prefix)
    violations.raise_if_any()


def page_size_of(requested: int, field: str = "page_size") -> int:
    if requested < 0 or requested > MAX_PAGE_SIZE:
        raise InvalidArgument.of(field, f"must be between 0 and {MAX_PAGE_SIZE}")
    return requested or DEFAULT_PAGE_SIZE


def candidate_limit_of(requested: int) -> int:
    if requested < 0 or requested > MAX_CANDIDATES:
        raise InvalidArgument.of("limit", f"must be between 0 and {MAX_CANDIDATES}")
    return requested or DEFAULT_CANDIDATES


def require_id(value: str, field: str) -> None:
    violations = Violations()
    check_id(violations, value, field)
    violations.raise_if_any()


def require_stored_id(value: str, field: str) -> None:
    violations = Violations()
    check_stored_id(violations, value, field)
    violations.raise_if_any()


def esco_skill_id(concept_uri: str) -> str:
    return concept_id(concept_uri)


def esco_skill_row_errors(row: EscoSkillRow) -> list[tuple[str, str]]:
    violations = Violations()
    _check_concept_uri(violations, row.concept_uri, "skill.concept_uri")
    check_text(violations, row.preferred_label, "skill.preferred_label", required=True)
    check_text(violations, row.alt_labels, "skill.alt_labels")
    check_text(violations, row.description, "skill.description")
    check_text(violations, row.skill_type, "skill.skill_type")
    check_text(violations, row.reuse_level, "skill.reuse_level")
    return [(v.field, v.message) for v in violations.items]


def esco_broader_row_errors(row: EscoBroaderRow) -> list[tuple[str, str]]:
    violations = Violations()
    _check_concept_uri(violations, row.concept_uri, "broader.concept_uri")
    _check_concept_uri(violations, row.broader_uri, "broader.broader_uri")
    if not violations.items and esco_skill_id(row.concept_uri) == esco_skill_id(row.broader_uri):
        violations.add("broader.broader_uri", "a skill cannot be broader than itself")
    return [(v.field, v.message) for v in violations.items]


def esco_relation_row_errors(row: EscoRelationRow) -> list[tuple[str, str]]:
    violations = Violations()
    _check_concept_uri(violations, row.original_skill_uri, "relation.original_skill_uri")
    _check_concept_uri(violations, row.related_skill_uri, "relation.related_skill_uri")
    if not violations.items and concept_id(row.original_skill_uri) == concept_id(
        row.related_skill_uri
    ):
        violations.add("relation.related_skill_uri", "a skill cannot be related to itself")
    if row.relation_type.strip().lower() not in RELATION_SIMILARITY:
        violations.add(
            "relation.relation_type",
            f"{row.relation_type[:40]!r} is not one of " + ", ".join(RELATION_SIMILARITY),
        )
    return [(v.field, v.message) for v in violations.items]


def _check_concept_uri(violations: Violations, uri: str, field: str) -> None:
    if not uri.strip():
        violations.add(field, "must not be empty")
    elif len(uri) > MAX_TEXT_CHARS:
        violations.add(field, f"must be at most {MAX_TEXT_CHARS} characters")
    elif not is_esco_uri(uri):
        violations.add(
            field, f"{uri[:80]!r} is not an ESCO concept URI (http://data.europa.eu/esco/...)"
        )
    else:
        check_id(violations, concept_id(uri), field)
