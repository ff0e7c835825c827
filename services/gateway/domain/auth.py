"""API keys, scopes and what each scope may do.

A key is a high-entropy random token shown once; only its SHA-256 is stored,
so a leaked store does not leak usable keys and a plain hash lookup suffices
(no salt or slow hash is needed for 256 bits of randomness).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

TOKEN_PREFIX = "lps_"
MIN_SEEDED_KEY_LENGTH = 20
PLACEHOLDER_KEYS = frozenset(
    {"changeme", "change-me", "change_me", "changethis", "secret", "password", "admin", "test"}
)


class Scope(StrEnum):
    HR = "hr"
    MANAGER = "manager"
    PLANNER = "planner"
    ADMIN = "admin"


class Permission(StrEnum):
    READ_DIRECTORY = "read_directory"
    WRITE_PEOPLE = "write_people"
    WRITE_CATALOGUE = "write_catalogue"
    IMPORT = "import"
    EXPORT_PEOPLE = "export_people"
    READ_OUTCOMES = "read_outcomes"
    WRITE_OUTCOMES = "write_outcomes"
    STAFF = "staff"
    READ_GAPS = "read_gaps"
    PLAN_TRAINING = "plan_training"
    RECORD_TRAINING = "record_training"
    MANAGE_KEYS = "manage_keys"
    READ_AUDIT = "read_audit"


# Who may do what. Admin may do everything and is not listed.
# Reading the directory (people, skills, roles, fit, candidates) is open to every
# persona because each needs it for its own work; writes follow the personas:
# hr keeps people, levels, skills and roles; managers keep outcomes and staff them;
# planners only read (gaps, fit, outcomes and the people export for training plans).
GRANTS: dict[Permission, frozenset[Scope]] = {
    Permission.READ_DIRECTORY: frozenset({Scope.HR, Scope.MANAGER, Scope.PLANNER}),
    Permission.WRITE_PEOPLE: frozenset({Scope.HR}),
    Permission.WRITE_CATALOGUE: frozenset({Scope.HR}),
    Permission.IMPORT: frozenset({Scope.HR}),
    Permission.EXPORT_PEOPLE: frozenset({Scope.HR, Scope.PLANNER}),
    Permission.READ_OUTCOMES: frozenset({Scope.MANAGER, Scope.PLANNER}),
    Permission.WRITE_OUTCOMES: frozenset({Scope.MANAGER}),
    Permission.STAFF: frozenset({Scope.MANAGER}),
    Permission.READ_GAPS: frozenset({Scope.MANAGER, Scope.PLANNER}),
    # Training planners make plans; a completed course is recorded by them or by hr.
    Permission.PLAN_TRAINING: frozenset({Scope.PLANNER}),
    Permission.RECORD_TRAINING: frozenset({Scope.HR, Scope.PLANNER}),
    Permission.MANAGE_KEYS: frozenset(),
    Permission.READ_AUDIT: frozenset(),
}


def allows(scopes: frozenset[Scope], permission: Permission) -> bool:
    return Scope.ADMIN in scopes or bool(scopes & GRANTS[permission])


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    scopes: frozenset[Scope]
    hash: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def may(self, permission: Permission) -> bool:
        return self.active and allows(self.scopes, permission)


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_key_id() -> str:
    return "key_" + secrets.token_hex(8)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def seeded_key_id(token_hash: str) -> str:
    """A stable id for a key seeded from the environment, so seeding is idempotent."""
    return "key_seed_" + token_hash[:16]


def placeholder_reason(token: str) -> str | None:
    """Why a key taken from configuration is unfit to guard anything, or None."""
    if token.strip().lower() in PLACEHOLDER_KEYS:
        return "is a placeholder"
    if len(token) < MIN_SEEDED_KEY_LENGTH:
        return f"is shorter than {MIN_SEEDED_KEY_LENGTH} characters"
    return None
