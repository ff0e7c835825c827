"""API keys held in memory for a few seconds, so a request costs no key lookup.

Every request names its key; reading it from the graph each time cost a
transaction per request. A found key is kept for `ttl_s` seconds. A key
revoked through this cache is dropped from it at once; a key revoked through
another gateway replica stops working here once its entry expires, so
revocation reaches every replica within `ttl_s`. Unknown tokens are not kept:
a key issued a moment ago, through any replica, works at once.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from services.gateway.domain.auth import ApiKey
from services.gateway.service.ports import KeyStore

Clock = Callable[[], float]
# Enough for every key in daily use; the oldest entry goes first beyond it.
MAX_CACHED_KEYS = 10_000


@dataclass(frozen=True)
class _Entry:
    key: ApiKey
    expires_at: float


class CachedKeyStore:
    """A KeyStore that remembers found keys for `ttl_s` seconds (0 turns it off)."""

    def __init__(
        self,
        store: KeyStore,
        ttl_s: float,
        clock: Clock = time.monotonic,
        max_keys: int = MAX_CACHED_KEYS,
    ) -> None:
        self.store = store
        self.ttl_s = ttl_s
        self.clock = clock
        self.max_keys = max_keys
        self._by_hash: OrderedDict[str, _Entry] = OrderedDict()
        # Bumped by every revocation: a lookup that began before one may have
        # read the key while it was still active, so it does not keep what it found.
        self._revocations = 0

    async def find_key_by_hash(self, token_hash: str) -> ApiKey | None:
        now = self.clock()
        entry = self._by_hash.get(token_hash)
        if entry is not None and entry.expires_at > now:
            return entry.key
        self._by_hash.pop(token_hash, None)
        revocations = self._revocations
        key = await self.store.find_key_by_hash(token_hash)
        if key is not None and self.ttl_s > 0 and revocations == self._revocations:
            self._by_hash[token_hash] = _Entry(key, now + self.ttl_s)
            while len(self._by_hash) > self.max_keys:
                self._by_hash.popitem(last=False)
        return key

    async def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None:
        self._revocations += 1
        self.forget(key_id)
        try:
            return await self.store.revoke_key(key_id, at)
        finally:
            self._revocations += 1
            self.forget(key_id)

    def forget(self, key_id: str) -> None:
        for token_hash in [h for h, e in self._by_hash.items() if e.key.id == key_id]:
            del self._by_hash[token_hash]

    async def add_key(self, key: ApiKey) -> None:
        await self.store.add_key(key)

    async def seed_key(self, key: ApiKey) -> ApiKey:
        return await self.store.seed_key(key)

    async def list_keys(self) -> list[ApiKey]:
        return await self.store.list_keys()
