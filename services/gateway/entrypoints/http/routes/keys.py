"""API keys: issued and revoked by an admin; any key may read its own scopes."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from services.gateway.entrypoints.http.deps import Keys, ManageKeys, ReadDirectory
from services.gateway.entrypoints.http.schemas.admin import ApiKey, IssuedKey, KeyCreate
from services.gateway.entrypoints.http.schemas.common import Page
from services.gateway.service import keys as key_service

router = APIRouter(prefix="/v1/keys", tags=["keys"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Issue a key; the key itself is shown only in this answer",
)
async def issue_key(body: KeyCreate, _: ManageKeys, keys: Keys, response: Response) -> IssuedKey:
    issued = await key_service.issue_key(keys, body.name, frozenset(body.scopes), datetime.now(UTC))
    response.headers["Location"] = f"/v1/keys/{issued.key.id}"
    response.headers["Cache-Control"] = "no-store"
    return IssuedKey(**ApiKey.of(issued.key).model_dump(), key=issued.token)


@router.get("", summary="Every key, without the keys themselves")
async def list_keys(_: ManageKeys, keys: Keys) -> Page[ApiKey]:
    return Page(items=[ApiKey.of(k) for k in await keys.list_keys()])


@router.get(
    "/current",
    summary="The key this request carries and its scopes (any valid key may ask)",
)
async def current_key(key: ReadDirectory) -> ApiKey:
    return ApiKey.of(key)


@router.delete("/{key_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke a key")
async def revoke_key(
    key_id: Annotated[str, Path(min_length=1, max_length=128)], _: ManageKeys, keys: Keys
) -> None:
    await key_service.revoke_key(keys, key_id, datetime.now(UTC))
