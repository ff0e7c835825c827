"""API keys, the audit trail and import reports."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from services.common.identifiers import MAX_ID_CHARS
from services.gateway.domain.audit import AuditEntry as AuditEntryRecord
from services.gateway.domain.auth import ApiKey as ApiKeyRecord
from services.gateway.domain.auth import Scope
from services.gateway.domain.imports import ImportReport as ImportReportRecord
from services.gateway.entrypoints.http.schemas.common import Name, RequestModel


class KeyCreate(RequestModel):
    name: Name
    scopes: list[Scope] = Field(min_length=1, max_length=4)


class ApiKey(BaseModel):
    id: str
    name: str
    scopes: list[Scope]
    created_at: datetime
    revoked_at: datetime | None

    @classmethod
    def of(cls, key: ApiKeyRecord) -> ApiKey:
        return cls(
            id=key.id,
            name=key.name,
            scopes=sorted(key.scopes),
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )


class IssuedKey(ApiKey):
    # The only time the key is shown; store it now.
    key: str


class AuditEntry(BaseModel):
    id: str
    key_id: str
    action: str
    target: str
    at: datetime
    request_id: str
    status: int

    @classmethod
    def of(cls, entry: AuditEntryRecord) -> AuditEntry:
        return cls(
            id=entry.id,
            key_id=entry.key_id,
            action=entry.action,
            target=entry.target,
            at=entry.at,
            request_id=entry.request_id,
            status=entry.status,
        )


class RowError(BaseModel):
    # 1-based line in the file; 0 when the service did not say which row.
    line: int
    id: str
    field: str
    reason: str


class ImportReport(BaseModel):
    kind: str
    rows_read: int
    # Rows that changed something stored; `unchanged` counts the rows that did not.
    accepted: int
    unchanged: int
    rejected_rows: int
    levels_written: int
    relations_written: int
    errors: list[RowError]
    encoding: str = Field(
        default="",
        description="How the file's bytes were read: UTF-8, UTF-8 with BOM, UTF-16 or "
        "Windows-1252.",
    )
    delimiter: str = Field(
        default="", description="The cell delimiter found in the header: comma, semicolon or tab."
    )
    relations_pending: int = Field(
        default=0,
        description="ESCO relations kept until both of their concepts are imported (all imports "
        "so far); 0 once every relation is written.",
    )

    @classmethod
    def of(cls, report: ImportReportRecord) -> ImportReport:
        return cls(
            kind=report.kind,
            rows_read=report.rows_read,
            accepted=report.accepted,
            unchanged=report.unchanged,
            rejected_rows=report.rejected_rows,
            levels_written=report.levels_written,
            relations_written=report.relations_written,
            errors=[
                RowError(line=p.line, id=p.id, field=p.field, reason=p.reason)
                for p in report.problems
            ],
            encoding=report.encoding,
            delimiter=report.delimiter,
            relations_pending=report.relations_pending,
        )


class UnreachableId(BaseModel):
    """A record stored under an id the id rule refuses (stored before the rule)."""

    kind: str = Field(description="person, skill, role, course or outcome")
    id: str = Field(description="The id exactly as stored")
    reason: str = Field(description="What the id rule finds wrong with the id")


class Erasure(RequestModel):
    """A record to erase, named by its id exactly as stored (GET /v1/admin/unreachable-ids)."""

    kind: Literal["person", "course", "outcome"] = Field(description="What the record is")
    id: str = Field(
        min_length=1,
        max_length=MAX_ID_CHARS,
        description="The id exactly as stored, even one the id rule refuses",
    )
