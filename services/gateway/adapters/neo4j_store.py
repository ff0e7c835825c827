"""The gateway's own records in Neo4j: API keys, the audit trail and
idempotency records, under labels no other service touches."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from neo4j import READ_ACCESS, WRITE_ACCESS, AsyncDriver, AsyncManagedTransaction, AsyncSession
from neo4j.exceptions import ConstraintError

from services.common.errors import AlreadyExists
from services.common.graph import GRAPH_UNAVAILABLE, graph_answers
from services.gateway.domain.audit import AuditCursor, AuditEntry
from services.gateway.domain.auth import ApiKey, Scope
from services.gateway.domain.idempotency import IdempotencyRecord, RecordState, StoredResponse

SCHEMA = (
    "CREATE CONSTRAINT api_key_id IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.id IS UNIQUE",
    "CREATE CONSTRAINT api_key_hash IF NOT EXISTS FOR (k:ApiKey) REQUIRE k.hash IS UNIQUE",
    "CREATE CONSTRAINT audit_entry_id IF NOT EXISTS FOR (a:AuditEntry) REQUIRE a.id IS UNIQUE",
    "CREATE INDEX audit_entry_at IF NOT EXISTS FOR (a:AuditEntry) ON (a.at)",
    "CREATE INDEX audit_entry_key IF NOT EXISTS FOR (a:AuditEntry) ON (a.key_id)",
    "CREATE CONSTRAINT idempotency_record_id IF NOT EXISTS "
    "FOR (r:IdempotencyRecord) REQUIRE r.id IS UNIQUE",
)

# Every request looks its key up here: while Neo4j is away the driver's default
# 30 s of transaction retries would hold each request that long before its 503.
STORE_RETRY_S = 2.0


_SCOPE_NAMES = frozenset(scope.value for scope in Scope)


def _native(value: Any) -> Any:
    return value.to_native() if hasattr(value, "to_native") else value


def _key_of(record: dict[str, Any]) -> ApiKey:
    return ApiKey(
        id=record["id"],
        name=record.get("name") or "",
        scopes=frozenset(Scope(s) for s in record.get("scopes") or [] if s in _SCOPE_NAMES),
        hash=record["hash"],
        created_at=_native(record["created_at"]),
        revoked_at=_native(record.get("revoked_at")),
    )


def _key_params(key: ApiKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "name": key.name,
        "scopes": sorted(scope.value for scope in key.scopes),
        "hash": key.hash,
        "created_at": key.created_at,
    }


def _entry_of(record: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=record["id"],
        key_id=record["key_id"],
        action=record["action"],
        target=record["target"],
        at=_native(record["at"]),
        request_id=record.get("request_id") or "",
        status=int(record["status"]),
    )


def _entry_params(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "key_id": entry.key_id,
        "action": entry.action,
        "target": entry.target,
        "at": entry.at,
        "request_id": entry.request_id,
        "status": entry.status,
    }


def _idempotency_of(record: dict[str, Any]) -> IdempotencyRecord:
    response = None
    if record.get("status") is not None:
        response = StoredResponse(
            status=int(record["status"]),
            body=bytes(record.get("body") or b""),
            content_type=record.get("content_type") or "application/json",
            location=record.get("location") or "",
        )
    return IdempotencyRecord(
        key_id=record["key_id"],
        key=record["key"],
        request_hash=record["request_hash"],
        state=RecordState(record["state"]),
        created_at=_native(record["created_at"]),
        claim=record["claim"],
        response=response,
    )


async def _create_schema(tx: AsyncManagedTransaction, statement: str) -> None:
    await (await tx.run(statement)).consume()


async def _add_key(tx: AsyncManagedTransaction, key: dict[str, Any]) -> None:
    await (await tx.run("CREATE (k:ApiKey) SET k = $key", key=key)).consume()


async def _seed_key(tx: AsyncManagedTransaction, key: dict[str, Any]) -> dict[str, Any]:
    result = await tx.run(
        "MERGE (k:ApiKey {hash: $key.hash}) ON CREATE SET k = $key RETURN k {.*} AS key", key=key
    )
    record = await result.single(strict=True)
    return dict(record["key"])


FIND_KEY = "MATCH (k:ApiKey {hash: $hash}) RETURN k {.*} AS key"
# MERGE on the entry's id: a statement retried after a commit whose answer was
# lost (either path below) finds its entries stored, not a constraint error.
RECORD_AUDIT = (
    "UNWIND $entries AS entry MERGE (a:AuditEntry {id: entry.id}) ON CREATE SET a = entry"
)


async def _find_key(tx: AsyncManagedTransaction, token_hash: str) -> dict[str, Any] | None:
    result = await tx.run(FIND_KEY, hash=token_hash)
    record = await result.single()
    return None if record is None else dict(record["key"])


async def _revoke_key(
    tx: AsyncManagedTransaction, key_id: str, at: datetime
) -> dict[str, Any] | None:
    result = await tx.run(
        "MATCH (k:ApiKey {id: $id}) SET k.revoked_at = coalesce(k.revoked_at, $at) "
        "RETURN k {.*} AS key",
        id=key_id,
        at=at,
    )
    record = await result.single()
    return None if record is None else dict(record["key"])


async def _list_keys(tx: AsyncManagedTransaction) -> list[dict[str, Any]]:
    result = await tx.run("MATCH (k:ApiKey) RETURN k {.*} AS key ORDER BY k.created_at, k.id")
    return [dict(record["key"]) async for record in result]


async def _record_audit(tx: AsyncManagedTransaction, entries: list[dict[str, Any]]) -> None:
    await (await tx.run(RECORD_AUDIT, entries=entries)).consume()


async def _list_audit(
    tx: AsyncManagedTransaction,
    limit: int,
    after_at: datetime | None,
    after_id: str | None,
    key_id: str | None,
) -> list[dict[str, Any]]:
    result = await tx.run(
        "MATCH (a:AuditEntry) "
        "WHERE ($key_id IS NULL OR a.key_id = $key_id) "
        "AND ($after_at IS NULL OR a.at < $after_at OR (a.at = $after_at AND a.id < $after_id)) "
        "RETURN a {.*} AS entry ORDER BY a.at DESC, a.id DESC LIMIT $limit",
        limit=limit,
        after_at=after_at,
        after_id=after_id,
        key_id=key_id,
    )
    return [dict(record["entry"]) async for record in result]


async def _claim(
    tx: AsyncManagedTransaction,
    record_id: str,
    fresh: dict[str, Any],
    replace_before: datetime,
    replace_pending_before: datetime,
) -> dict[str, Any]:
    result = await tx.run(
        "MERGE (r:IdempotencyRecord {id: $id}) "
        "ON CREATE SET r += $fresh "
        "WITH r, (r.created_at < $replace_before "
        "   OR (r.state = 'pending' AND r.created_at < $replace_pending_before)) AS stale "
        "FOREACH (_ IN CASE WHEN stale THEN [1] ELSE [] END | "
        "   SET r = $fresh, r.id = $id) "
        "RETURN r {.*} AS record",
        id=record_id,
        fresh=fresh,
        replace_before=replace_before,
        replace_pending_before=replace_pending_before,
    )
    record = await result.single(strict=True)
    return dict(record["record"])


async def _complete(
    tx: AsyncManagedTransaction, record_id: str, claim: str, response: dict[str, Any]
) -> None:
    await (
        await tx.run(
            "MATCH (r:IdempotencyRecord {id: $id, claim: $claim}) "
            "SET r += $response, r.state = 'done'",
            id=record_id,
            claim=claim,
            response=response,
        )
    ).consume()


async def _release(tx: AsyncManagedTransaction, record_id: str, claim: str) -> None:
    await (
        await tx.run(
            "MATCH (r:IdempotencyRecord {id: $id, claim: $claim}) DELETE r",
            id=record_id,
            claim=claim,
        )
    ).consume()


class Neo4jGatewayStore:
    """Keys, audit entries and idempotency records; implements the service ports.

    The two statements of the request path, a key lookup (whenever the key
    cache misses) and the audit entries of writes (those waiting together in
    one statement, see GroupedAuditLog), run as auto-commit queries: one round
    trip to Neo4j, where a transaction function takes three (begin, run,
    commit). When the graph is briefly unavailable they are tried again as
    transaction functions, which the driver retries.
    """

    def __init__(self, driver: AsyncDriver, database: str, retry_s: float = STORE_RETRY_S) -> None:
        self.driver = driver
        self.database = database
        self.retry_s = retry_s

    def _session(self, mode: str = WRITE_ACCESS) -> AsyncSession:
        return self.driver.session(
            database=self.database,
            max_transaction_retry_time=self.retry_s,
            default_access_mode=mode,
        )

    async def prepare(self) -> None:
        async with self._session() as session:
            for statement in SCHEMA:
                await session.execute_write(_create_schema, statement)

    async def answers(self) -> bool:
        return await graph_answers(self.driver)

    async def add_key(self, key: ApiKey) -> None:
        async with self._session() as session:
            try:
                await session.execute_write(_add_key, _key_params(key))
            except ConstraintError as error:
                raise AlreadyExists(f"key {key.id!r} exists") from error

    async def seed_key(self, key: ApiKey) -> ApiKey:
        async with self._session() as session:
            return _key_of(await session.execute_write(_seed_key, _key_params(key)))

    async def find_key_by_hash(self, token_hash: str) -> ApiKey | None:
        try:
            async with self._session(READ_ACCESS) as session:
                found = await (await session.run(FIND_KEY, hash=token_hash)).single()
            record = None if found is None else dict(found["key"])
        except GRAPH_UNAVAILABLE:
            async with self._session() as session:
                record = await session.execute_read(_find_key, token_hash)
        return None if record is None else _key_of(record)

    async def revoke_key(self, key_id: str, at: datetime) -> ApiKey | None:
        async with self._session() as session:
            record = await session.execute_write(_revoke_key, key_id, at)
        return None if record is None else _key_of(record)

    async def list_keys(self) -> list[ApiKey]:
        async with self._session() as session:
            return [_key_of(record) for record in await session.execute_read(_list_keys)]

    async def record(self, entry: AuditEntry) -> None:
        await self.record_all([entry])

    async def record_all(self, entries: Sequence[AuditEntry]) -> None:
        params = [_entry_params(entry) for entry in entries]
        try:
            async with self._session() as session:
                await (await session.run(RECORD_AUDIT, entries=params)).consume()
        except GRAPH_UNAVAILABLE:
            async with self._session() as session:
                await session.execute_write(_record_audit, params)

    async def list_entries(
        self, page_size: int, after: AuditCursor | None, key_id: str | None
    ) -> list[AuditEntry]:
        async with self._session() as session:
            records = await session.execute_read(
                _list_audit,
                page_size,
                after.at if after else None,
                after.id if after else None,
                key_id,
            )
        return [_entry_of(record) for record in records]

    async def claim(
        self,
        record_id: str,
        fresh: IdempotencyRecord,
        replace_if_older_than: datetime,
        replace_pending_if_older_than: datetime,
    ) -> IdempotencyRecord:
        params = {
            "key_id": fresh.key_id,
            "key": fresh.key,
            "request_hash": fresh.request_hash,
            "state": fresh.state.value,
            "created_at": fresh.created_at,
            "claim": fresh.claim,
        }
        async with self._session() as session:
            record = await session.execute_write(
                _claim, record_id, params, replace_if_older_than, replace_pending_if_older_than
            )
        return _idempotency_of(record)

    async def complete(self, record_id: str, claim: str, response: StoredResponse) -> None:
        params = {
            "status": response.status,
            "body": response.body,
            "content_type": response.content_type,
            "location": response.location,
        }
        async with self._session() as session:
            await session.execute_write(_complete, record_id, claim, params)

    async def release(self, record_id: str, claim: str) -> None:
        async with self._session() as session:
            await session.execute_write(_release, record_id, claim)
