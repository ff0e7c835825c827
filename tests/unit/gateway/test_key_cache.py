from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime

from services.gateway.domain.auth import ApiKey, Scope, hash_token
from services.gateway.service.key_cache import CachedKeyStore
from services.gateway.service.keys import authenticate, revoke_key

NOW = datetime(2026, 12, 1, tzinfo=UTC)
TTL_S = 5.0


class FakeKeyStore:
    """Keys by hash, counting the lookups that reach it."""

    def __init__(self, *keys: ApiKey) -> None:
        self.keys = {key.hash: key for key in keys}
        self.lookups = 0
        self.lookup_gate: asyncio.Event | None = None

    async def add_key(self, key: ApiKey) -> None:
        self.keys[key.hash] = key

    async def seed_key(self, key: ApiKey) -> ApiKey:
        return self.keys.setdefault(key.hash, key)

    async def find_key_by_hash(self, token_hash: str) -> ApiKey | None:
        self.lookups += 1
        found = self.keys.get(token_hash)
        if self.lookup_gate is not None:
            await self.lookup_gate.wait()
        return found

    async def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None:
        for token_hash, key in self.keys.items():
            if key.id == key_id:
                self.keys[token_hash] = replace(key, revoked_at=key.revoked_at or at)
                return self.keys[token_hash]
        return None

    async def list_keys(self) -> list[ApiKey]:
        return list(self.keys.values())


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def key_for(token: str, key_id: str = "key_1") -> ApiKey:
    return ApiKey(key_id, "test", frozenset({Scope.HR}), hash_token(token), created_at=NOW)


async def test_a_found_key_is_read_once_within_the_bound() -> None:
    store, clock = FakeKeyStore(key_for("token-one")), Clock()
    cache = CachedKeyStore(store, TTL_S, clock)
    for _ in range(5):
        assert await authenticate(cache, "token-one") is not None
        clock.now += 0.5
    assert store.lookups == 1


async def test_an_entry_is_read_again_once_its_bound_has_passed() -> None:
    store, clock = FakeKeyStore(key_for("token-one")), Clock()
    cache = CachedKeyStore(store, TTL_S, clock)
    await authenticate(cache, "token-one")
    clock.now += TTL_S + 0.01
    await authenticate(cache, "token-one")
    assert store.lookups == 2


async def test_a_revocation_through_the_cache_holds_at_once() -> None:
    store, clock = FakeKeyStore(key_for("token-one")), Clock()
    cache = CachedKeyStore(store, TTL_S, clock)
    assert await authenticate(cache, "token-one") is not None
    await revoke_key(cache, "key_1", NOW)
    assert await authenticate(cache, "token-one") is None


async def test_a_revocation_elsewhere_holds_here_once_the_bound_has_passed() -> None:
    store, clock = FakeKeyStore(key_for("token-one")), Clock()
    here = CachedKeyStore(store, TTL_S, clock)
    other_replica = CachedKeyStore(store, TTL_S, clock)
    assert await authenticate(here, "token-one") is not None
    await revoke_key(other_replica, "key_1", NOW)
    clock.now += TTL_S + 0.01
    assert await authenticate(here, "token-one") is None


async def test_a_lookup_racing_a_revocation_does_not_keep_the_active_key() -> None:
    store, clock = FakeKeyStore(key_for("token-one")), Clock()
    cache = CachedKeyStore(store, TTL_S, clock)
    store.lookup_gate = asyncio.Event()
    racing = asyncio.create_task(cache.find_key_by_hash(hash_token("token-one")))
    await asyncio.sleep(0)
    await revoke_key(cache, "key_1", NOW)
    store.lookup_gate.set()
    found = await racing
    assert found is not None and found.active
    store.lookup_gate = None
    assert await authenticate(cache, "token-one") is None


async def test_unknown_tokens_are_not_kept_so_a_new_key_works_at_once() -> None:
    store, clock = FakeKeyStore(), Clock()
    cache = CachedKeyStore(store, TTL_S, clock)
    assert await authenticate(cache, "token-new") is None
    await store.add_key(key_for("token-new", "key_new"))
    assert await authenticate(cache, "token-new") is not None


async def test_a_zero_bound_reads_every_time() -> None:
    store, clock = FakeKeyStore(key_for("token-one")), Clock()
    cache = CachedKeyStore(store, 0.0, clock)
    await authenticate(cache, "token-one")
    await authenticate(cache, "token-one")
    assert store.lookups == 2


async def test_the_cache_keeps_at_most_its_size() -> None:
    keys = [key_for(f"token-{n}", f"key_{n}") for n in range(5)]
    store, clock = FakeKeyStore(*keys), Clock()
    cache = CachedKeyStore(store, TTL_S, clock, max_keys=3)
    for n in range(5):
        await authenticate(cache, f"token-{n}")
    await authenticate(cache, "token-0")
    assert store.lookups == 6
