"""Liveness and readiness, without authentication."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from services.gateway.entrypoints.http.deps import Matching, Skills, Store
from services.gateway.entrypoints.http.problems import Problem, problem_response

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Both services serve and the key store answers",
    responses={503: {"description": "Not ready; the checks say which part is not"}},
)
async def readyz(skills: Skills, matching: Matching, store: Store) -> Response:
    skills_ok, matching_ok, store_ok = await asyncio.gather(
        skills.serving(), matching.serving(), store.answers()
    )
    checks = {"skills": skills_ok, "matching": matching_ok, "neo4j": store_ok}
    if all(checks.values()):
        return JSONResponse({"status": "ready", "checks": checks})
    failing = ", ".join(name for name, ok in checks.items() if not ok)
    response = problem_response(Problem(503, f"Not ready: {failing} not answering."))
    return response
