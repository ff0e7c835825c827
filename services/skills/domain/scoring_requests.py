"""The rules of what may be asked of the scoring index: fits, rankings, the
candidate matrix and slot candidates. Each names the field at fault."""

from __future__ import annotations

from collections.abc import Sequence

from services.common.errors import Violations
from services.skills.domain.model import (
    LevelOverride,
    PeopleFilter,
    SkillSupplyQuery,
    SlotCandidatesRequest,
    SlotQuery,
)
from services.skills.domain.validation import (
    MAX_LIST_ITEMS,
    check_date,
    check_filter,
    check_id,
    check_key,
    check_level,
    check_optional_id,
    check_period,
    check_text,
    finite,
)

MAX_SLOTS = 1_000
MAX_REQUEST_ITEMS = 100_000
MAX_MATRIX_ROLES = 100
MAX_MATRIX_OVERRIDES = 10_000


def validate_fit_request(person_id: str, role_id: str) -> None:
    violations = Violations()
    check_id(violations, person_id, "person_id")
    check_id(violations, role_id, "role_id")
    violations.raise_if_any()


def validate_ranking(role_id: str, people_filter: PeopleFilter, below_fit: float) -> None:
    violations = Violations()
    check_id(violations, role_id, "role_id")
    check_filter(violations, people_filter, "filter")
    violations.check(
        finite(below_fit) and 0.0 <= below_fit <= 1.0, "below_fit", "must be between 0 and 1"
    )
    violations.raise_if_any()


def validate_matrix_request(
    role_ids: Sequence[str],
    skill_ids: Sequence[str],
    people_filter: PeopleFilter,
    min_fit: float,
    level_overrides: Sequence[LevelOverride],
) -> None:
    violations = Violations()
    violations.check(bool(role_ids), "role_ids", "must name at least one role")
    violations.check(
        len(role_ids) <= MAX_MATRIX_ROLES, "role_ids", f"at most {MAX_MATRIX_ROLES} roles"
    )
    violations.check(
        len(skill_ids) <= MAX_LIST_ITEMS, "skill_ids", f"at most {MAX_LIST_ITEMS} skills"
    )
    for index, role_id in enumerate(role_ids[:MAX_MATRIX_ROLES]):
        check_id(violations, role_id, f"role_ids[{index}]")
    for index, skill_id in enumerate(skill_ids[:MAX_LIST_ITEMS]):
        check_id(violations, skill_id, f"skill_ids[{index}]")
    check_filter(violations, people_filter, "filter")
    violations.check(0.0 <= min_fit <= 1.0, "min_fit", "must be between 0 and 1")
    check_level_overrides(violations, level_overrides[:MAX_MATRIX_OVERRIDES])
    violations.raise_if_any()


def check_level_overrides(violations: Violations, level_overrides: Sequence[LevelOverride]) -> None:
    for index, override in enumerate(level_overrides):
        check_id(violations, override.person_id, f"level_overrides[{index}].person_id")
        check_id(violations, override.skill_id, f"level_overrides[{index}].skill_id")
        check_level(violations, override.level, f"level_overrides[{index}].level")


def validate_slot_request(request: SlotCandidatesRequest) -> None:
    violations = Violations()
    violations.check(
        bool(request.slots) or bool(request.skill_supply),
        "slots",
        "must name at least one slot or skill supply query",
    )
    violations.check(len(request.slots) <= MAX_SLOTS, "slots", f"at most {MAX_SLOTS} slots")
    keys: set[str] = set()
    for index, slot in enumerate(request.slots[:MAX_SLOTS]):
        _check_slot(violations, slot, f"slots[{index}]", keys)
    violations.check(
        len(request.skill_ids) <= MAX_LIST_ITEMS, "skill_ids", f"at most {MAX_LIST_ITEMS} skills"
    )
    for index, skill_id in enumerate(request.skill_ids[:MAX_LIST_ITEMS]):
        check_id(violations, skill_id, f"skill_ids[{index}]")
    check_level_overrides(violations, request.level_overrides[:MAX_REQUEST_ITEMS])
    for index, person_id in enumerate(request.exclude_person_ids[:MAX_REQUEST_ITEMS]):
        check_id(violations, person_id, f"exclude_person_ids[{index}]")
    _check_committed(violations, request)
    for index, query in enumerate(request.skill_supply[:MAX_SLOTS]):
        _check_supply_query(violations, query, f"skill_supply[{index}]")
    for name, items in (
        ("level_overrides", request.level_overrides),
        ("exclude_person_ids", request.exclude_person_ids),
        ("committed", request.committed),
    ):
        violations.check(
            len(items) <= MAX_REQUEST_ITEMS, name, f"at most {MAX_REQUEST_ITEMS} items"
        )
    violations.check(
        len(request.skill_supply) <= MAX_SLOTS, "skill_supply", f"at most {MAX_SLOTS} queries"
    )
    violations.raise_if_any()


def _check_slot(violations: Violations, slot: SlotQuery, prefix: str, keys: set[str]) -> None:
    check_key(violations, slot.key, f"{prefix}.key")
    violations.check(slot.key not in keys, f"{prefix}.key", "is given twice")
    keys.add(slot.key)
    check_id(violations, slot.role_id, f"{prefix}.role_id")
    violations.check(
        finite(slot.min_fit) and 0.0 <= slot.min_fit <= 1.0,
        f"{prefix}.min_fit",
        "must be between 0 and 1",
    )
    violations.check(
        finite(slot.fte) and 0.0 <= slot.fte <= 10.0, f"{prefix}.fte", "must be 0 to 10"
    )
    check_text(violations, slot.locality, f"{prefix}.locality")
    violations.check(
        bool(slot.locality) or not (slot.local_only or slot.prefer_local),
        f"{prefix}.locality",
        "is needed with local_only or prefer_local",
    )
    check_optional_id(violations, slot.clearance, f"{prefix}.clearance")
    check_date(violations, slot.start, f"{prefix}.start")
    check_date(violations, slot.end, f"{prefix}.end")
    check_period(violations, slot.start, slot.end, f"{prefix}.end")
    check_optional_id(violations, slot.exclude_organisation, f"{prefix}.exclude_organisation")
    violations.check(slot.keep >= 0, f"{prefix}.keep", "must not be negative")
    violations.check(slot.keep_per_sector >= 0, f"{prefix}.keep_per_sector", "must not be negative")
    for number, coverage in enumerate(slot.coverage[:MAX_LIST_ITEMS]):
        check_id(violations, coverage.skill_id, f"{prefix}.coverage[{number}].skill_id")
        check_level(violations, coverage.min_level, f"{prefix}.coverage[{number}].min_level")
    for number, person_id in enumerate(slot.always_keep[:MAX_LIST_ITEMS]):
        check_id(violations, person_id, f"{prefix}.always_keep[{number}]")


def _check_committed(violations: Violations, request: SlotCandidatesRequest) -> None:
    for index, load in enumerate(request.committed[:MAX_REQUEST_ITEMS]):
        check_id(violations, load.person_id, f"committed[{index}].person_id")
        violations.check(
            finite(load.fte) and 0.0 <= load.fte <= 10.0,
            f"committed[{index}].fte",
            "must be 0 to 10",
        )
        check_date(violations, load.start, f"committed[{index}].start")
        check_date(violations, load.end, f"committed[{index}].end")


def _check_supply_query(violations: Violations, query: SkillSupplyQuery, prefix: str) -> None:
    # Queries sharing a key are counted together (distinct people matching any).
    check_key(violations, query.key, f"{prefix}.key")
    check_id(violations, query.skill_id, f"{prefix}.skill_id")
    check_level(violations, query.min_level, f"{prefix}.min_level")
    check_text(violations, query.locality, f"{prefix}.locality")
    check_date(violations, query.start, f"{prefix}.start")
    check_date(violations, query.end, f"{prefix}.end")
