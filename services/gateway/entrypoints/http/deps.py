"""Dependencies of the route handlers, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from services.common.errors import Unavailable
from services.gateway.adapters.learning_client import LearningClient
from services.gateway.adapters.matching_client import MatchingClient
from services.gateway.adapters.neo4j_store import Neo4jGatewayStore
from services.gateway.adapters.skills_client import SkillsClient
from services.gateway.config import GatewaySettings
from services.gateway.domain.auth import ApiKey, Permission
from services.gateway.entrypoints.http.middleware.authentication import api_key_of
from services.gateway.entrypoints.http.problems import PermissionDenied, Unauthenticated
from services.gateway.service.key_cache import CachedKeyStore


@dataclass(frozen=True)
class Gateway:
    """Everything the handlers use, built once in main() (or a test) and passed in."""

    settings: GatewaySettings
    skills: SkillsClient
    matching: MatchingClient
    store: Neo4jGatewayStore
    learning: LearningClient | None = None


def gateway(request: Request) -> Gateway:
    found = request.app.state.gateway
    assert isinstance(found, Gateway)
    return found


# The dependencies are `async def` though they never wait: FastAPI runs a plain
# `def` dependency on a worker thread, a thread hop per dependency per request.
async def skills_client(request: Request) -> SkillsClient:
    return gateway(request).skills


async def matching_client(request: Request) -> MatchingClient:
    return gateway(request).matching


async def learning_client(request: Request) -> LearningClient:
    found = gateway(request).learning
    if found is None:
        # Only a gateway built without its clients (the OpenAPI document) lacks it.
        raise Unavailable("the learning service is not configured in this gateway")
    return found


async def gateway_store(request: Request) -> Neo4jGatewayStore:
    return gateway(request).store


async def key_store(request: Request) -> CachedKeyStore:
    """The app's one key cache: authentication reads it, revocation clears it."""
    found = request.app.state.keys
    assert isinstance(found, CachedKeyStore)
    return found


async def gateway_settings(request: Request) -> GatewaySettings:
    return gateway(request).settings


# Declared so that OpenAPI shows the scheme; the key itself was checked by middleware.
bearer = HTTPBearer(auto_error=False, description="An API key issued at /v1/keys")


def require(permission: Permission) -> Callable[..., Awaitable[ApiKey]]:
    async def authorised_key(
        request: Request,
        _: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> ApiKey:
        key = api_key_of(request.scope)
        if key is None:
            raise Unauthenticated()
        if not key.may(permission):
            raise PermissionDenied(permission.value)
        return key

    # Read by the OpenAPI document to name the scopes each operation needs.
    authorised_key.permission = permission  # type: ignore[attr-defined]
    return authorised_key


Skills = Annotated[SkillsClient, Depends(skills_client)]
Matching = Annotated[MatchingClient, Depends(matching_client)]
Learning = Annotated[LearningClient, Depends(learning_client)]
Store = Annotated[Neo4jGatewayStore, Depends(gateway_store)]
Keys = Annotated[CachedKeyStore, Depends(key_store)]
Settings = Annotated[GatewaySettings, Depends(gateway_settings)]

ReadDirectory = Annotated[ApiKey, Depends(require(Permission.READ_DIRECTORY))]
WritePeople = Annotated[ApiKey, Depends(require(Permission.WRITE_PEOPLE))]
WriteCatalogue = Annotated[ApiKey, Depends(require(Permission.WRITE_CATALOGUE))]
Import = Annotated[ApiKey, Depends(require(Permission.IMPORT))]
ExportPeople = Annotated[ApiKey, Depends(require(Permission.EXPORT_PEOPLE))]
ReadOutcomes = Annotated[ApiKey, Depends(require(Permission.READ_OUTCOMES))]
WriteOutcomes = Annotated[ApiKey, Depends(require(Permission.WRITE_OUTCOMES))]
Staff = Annotated[ApiKey, Depends(require(Permission.STAFF))]
ReadGaps = Annotated[ApiKey, Depends(require(Permission.READ_GAPS))]
PlanTraining = Annotated[ApiKey, Depends(require(Permission.PLAN_TRAINING))]
RecordTraining = Annotated[ApiKey, Depends(require(Permission.RECORD_TRAINING))]
ManageKeys = Annotated[ApiKey, Depends(require(Permission.MANAGE_KEYS))]
ReadAudit = Annotated[ApiKey, Depends(require(Permission.READ_AUDIT))]
RepairIds = Annotated[ApiKey, Depends(require(Permission.REPAIR_IDS))]
