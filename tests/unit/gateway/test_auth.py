from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from services.gateway.config import GatewaySettings
from services.gateway.domain.auth import (
    GRANTS,
    ApiKey,
    Permission,
    Scope,
    allows,
    hash_token,
    new_token,
    placeholder_reason,
)

HR, MANAGER, PLANNER, ADMIN = Scope.HR, Scope.MANAGER, Scope.PLANNER, Scope.ADMIN

# The documented matrix, written out independently of GRANTS.
EXPECTED = {
    Permission.READ_DIRECTORY: {HR, MANAGER, PLANNER, ADMIN},
    Permission.WRITE_PEOPLE: {HR, ADMIN},
    Permission.WRITE_CATALOGUE: {HR, ADMIN},
    Permission.IMPORT: {HR, ADMIN},
    Permission.EXPORT_PEOPLE: {HR, PLANNER, ADMIN},
    Permission.READ_OUTCOMES: {MANAGER, PLANNER, ADMIN},
    Permission.WRITE_OUTCOMES: {MANAGER, ADMIN},
    Permission.STAFF: {MANAGER, ADMIN},
    Permission.READ_GAPS: {MANAGER, PLANNER, ADMIN},
    Permission.PLAN_TRAINING: {PLANNER, ADMIN},
    Permission.RECORD_TRAINING: {HR, PLANNER, ADMIN},
    Permission.MANAGE_KEYS: {ADMIN},
    Permission.READ_AUDIT: {ADMIN},
    Permission.REPAIR_IDS: {ADMIN},
}


def test_every_permission_is_in_the_matrix() -> None:
    assert set(GRANTS) == set(Permission) == set(EXPECTED)


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("scope", list(Scope))
def test_scope_matrix(scope: Scope, permission: Permission) -> None:
    assert allows(frozenset({scope}), permission) is (scope in EXPECTED[permission])


def test_a_key_with_several_scopes_may_do_what_each_may() -> None:
    both = frozenset({HR, MANAGER})
    assert allows(both, Permission.WRITE_PEOPLE)
    assert allows(both, Permission.STAFF)
    assert not allows(both, Permission.MANAGE_KEYS)


def test_a_revoked_key_may_do_nothing() -> None:
    now = datetime.now(UTC)
    key = ApiKey("k", "n", frozenset({ADMIN}), "h", created_at=now, revoked_at=now)
    assert not key.may(Permission.READ_DIRECTORY)


def test_tokens_are_random_and_only_their_hash_is_kept() -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert len(first) > 40
    assert hash_token(first) == hash_token(first)
    assert hash_token(first) != hash_token(second)
    assert first not in hash_token(first)
    assert len(hash_token(first)) == 64


@pytest.mark.parametrize("placeholder", ["changeme", "CHANGEME", "secret", "short-key"])
def test_placeholder_admin_keys_are_refused(placeholder: str) -> None:
    assert placeholder_reason(placeholder) is not None
    with pytest.raises(ValidationError, match="LPS_ADMIN_KEY"):
        GatewaySettings(admin_key=placeholder)


def test_admin_key_is_read_from_lps_admin_key(monkeypatch: pytest.MonkeyPatch) -> None:
    token = new_token()
    monkeypatch.setenv("LPS_ADMIN_KEY", token)
    monkeypatch.setenv("GATEWAY_PORT", "9123")
    settings = GatewaySettings()
    assert settings.admin_key is not None
    assert settings.admin_key.get_secret_value() == token
    assert settings.port == 9123
    assert token not in repr(settings)
