"""Issuing, revoking and checking API keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.common.errors import InvalidArgument, NotFound
from services.gateway.domain.auth import (
    ApiKey,
    Scope,
    hash_token,
    new_key_id,
    new_token,
    seeded_key_id,
)
from services.gateway.service.ports import KeyStore

SEEDED_ADMIN_NAME = "admin (seeded from LPS_ADMIN_KEY)"


@dataclass(frozen=True)
class IssuedKey:
    key: ApiKey
    # Shown once, never stored.
    token: str


async def issue_key(
    store: KeyStore, name: str, scopes: frozenset[Scope], now: datetime
) -> IssuedKey:
    if not scopes:
        raise InvalidArgument.of("scopes", "at least one scope is required")
    token = new_token()
    key = ApiKey(id=new_key_id(), name=name, scopes=scopes, hash=hash_token(token), created_at=now)
    await store.add_key(key)
    return IssuedKey(key=key, token=token)


async def revoke_key(store: KeyStore, key_id: str, now: datetime) -> ApiKey:
    revoked = await store.revoke_key(key_id, now)
    if revoked is None:
        raise NotFound.of("key", key_id)
    return revoked


async def authenticate(store: KeyStore, token: str) -> ApiKey | None:
    """The active key the token stands for, or None; callers must not say which it was."""
    if not token:
        return None
    key = await store.find_key_by_hash(hash_token(token))
    return key if key is not None and key.active else None


async def seed_admin_key(store: KeyStore, token: str, now: datetime) -> ApiKey:
    """Idempotent: the same token seeds the same key once, and a revoked one stays revoked."""
    token_hash = hash_token(token)
    key = ApiKey(
        id=seeded_key_id(token_hash),
        name=SEEDED_ADMIN_NAME,
        scopes=frozenset({Scope.ADMIN}),
        hash=token_hash,
        created_at=now,
    )
    return await store.seed_key(key)
