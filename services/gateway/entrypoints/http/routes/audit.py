"""The audit trail: every write, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.gateway.domain.audit import AuditCursor
from services.gateway.entrypoints.http.deps import ReadAudit, Store
from services.gateway.entrypoints.http.schemas.admin import AuditEntry
from services.gateway.entrypoints.http.schemas.common import Page, PageSize

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", summary="Who changed what, when, newest first")
async def list_audit(
    _: ReadAudit,
    store: Store,
    key_id: Annotated[str | None, Query(max_length=128)] = None,
    page_size: PageSize = 50,
    page_token: Annotated[str, Query(max_length=1000)] = "",
) -> Page[AuditEntry]:
    after = AuditCursor.decode(page_token)
    entries = await store.list_entries(page_size + 1, after, key_id)
    page, more = entries[:page_size], len(entries) > page_size
    next_token = AuditCursor(at=page[-1].at, id=page[-1].id).encode() if more else None
    return Page(items=[AuditEntry.of(e) for e in page], next_page_token=next_token)
