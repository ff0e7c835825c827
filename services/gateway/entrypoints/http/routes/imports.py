"""CSV imports: people with their levels, and ESCO's skills files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.common.errors import InvalidArgument
from services.gateway.domain.courses_csv import COURSE_COLUMNS
from services.gateway.domain.esco_csv import EscoFile
from services.gateway.domain.people_csv import PEOPLE_COLUMNS
from services.gateway.entrypoints.http.deps import Import, Skills
from services.gateway.entrypoints.http.problems import Problem, problem_response
from services.gateway.entrypoints.http.schemas.admin import ImportReport
from services.gateway.service.imports import import_esco_csv, import_people_csv
from services.gateway.service.training import import_courses_csv

router = APIRouter(prefix="/v1/imports", tags=["imports"])

CSV_MEDIA_TYPES = frozenset({"text/csv", "application/csv", "text/plain"})


def _csv_body(description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description,
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }


class UnsupportedMediaType(Exception):
    pass


async def _csv_text(request: Request) -> str:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in CSV_MEDIA_TYPES:
        raise UnsupportedMediaType(media_type)
    body = await request.body()
    try:
        # utf-8-sig: spreadsheets often save CSV with a byte order mark.
        return body.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidArgument.of("body", f"not UTF-8 at byte {error.start}") from None


def _unsupported() -> Problem:
    return Problem(415, "Send the file as text/csv (UTF-8).")


@router.post(
    "/people",
    summary="Import people and their levels from CSV; bad rows are reported by line",
    openapi_extra=_csv_body(
        "One row per person and skill, columns " + ",".join(PEOPLE_COLUMNS) + "; clearances as "
        "kind:YYYY-MM-DD;...; a person without skills has empty skill columns."
    ),
    response_model=ImportReport,
)
async def import_people(request: Request, key: Import, skills: Skills) -> Any:
    try:
        text = await _csv_text(request)
    except UnsupportedMediaType:
        return problem_response(_unsupported())
    return ImportReport.of(await import_people_csv(skills, text, actor=key.id))


@router.post(
    "/skills",
    summary="Import ESCO's skills_en.csv or broaderRelationsSkillPillar.csv",
    openapi_extra=_csv_body("An ESCO CSV file as published; the kind is told from its header."),
    response_model=ImportReport,
)
async def import_skills(
    request: Request, _: Import, skills: Skills, kind: EscoFile | None = None
) -> Any:
    try:
        text = await _csv_text(request)
    except UnsupportedMediaType:
        return problem_response(_unsupported())
    return ImportReport.of(await import_esco_csv(skills, text, kind))


@router.post(
    "/courses",
    summary="Import training courses from CSV; bad rows are reported by line",
    openapi_extra=_csv_body(
        "One row per course, columns " + ",".join(COURSE_COLUMNS) + "; runs as "
        "start/end;start/end with ISO dates; kind one of course, mentoring, shadowing, secondment."
    ),
    response_model=ImportReport,
)
async def import_courses(request: Request, key: Import, skills: Skills) -> Any:
    try:
        text = await _csv_text(request)
    except UnsupportedMediaType:
        return problem_response(_unsupported())
    return ImportReport.of(await import_courses_csv(skills, text, actor=key.id))
