"""CSV imports: people with their levels, and ESCO's skills files."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.common.errors import InvalidArgument
from services.gateway.domain.courses_csv import COURSE_COLUMNS
from services.gateway.domain.csv_text import CsvText, decode_csv
from services.gateway.domain.esco_csv import EscoFile
from services.gateway.domain.people_csv import PEOPLE_COLUMNS
from services.gateway.entrypoints.http.deps import Import, Skills
from services.gateway.entrypoints.http.schemas.admin import ImportReport
from services.gateway.service.imports import import_esco_csv, import_people_csv
from services.gateway.service.training import import_courses_csv

router = APIRouter(prefix="/v1/imports", tags=["imports"])

CSV_MEDIA_TYPES = frozenset(
    {"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"}
)
MULTIPART = "multipart/form-data"
FILE_PART = "file"


def _csv_body(description: str) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "description": description
            + " Send the file as the body (text/csv) or as a form upload "
            "(multipart/form-data, the file in a part named `file`, as `curl -F file=@staff.csv` "
            "or a browser form sends it). UTF-8 with or without a byte order mark, UTF-16 and "
            "Windows-1252 are read, and comma, semicolon or tab delimiters; the report says "
            "which were used. At most 20 MB.",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                MULTIPART: {
                    "schema": {
                        "type": "object",
                        "required": [FILE_PART],
                        "properties": {
                            FILE_PART: {
                                "type": "string",
                                "format": "binary",
                                "description": "The CSV file.",
                            }
                        },
                    }
                },
            },
        }
    }


class UnsupportedMediaType(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(
            415,
            "Send the file as text/csv, or as multipart/form-data with the file in a part named "
            "file.",
        )


async def _csv_upload(request: Request) -> CsvText:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type in CSV_MEDIA_TYPES:
        return decode_csv(await request.body())
    if media_type != MULTIPART:
        raise UnsupportedMediaType
    async with request.form(max_files=1, max_fields=10) as form:
        upload = form.get(FILE_PART)
        if not isinstance(upload, UploadFile):
            raise InvalidArgument.of(
                FILE_PART, "is required: send the CSV file in a form part named file"
            )
        return decode_csv(await upload.read())


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
    upload = await _csv_upload(request)
    return ImportReport.of(
        await import_people_csv(skills, upload.text, actor=key.id, encoding=upload.encoding)
    )


@router.post(
    "/skills",
    summary="Import one of ESCO's skill files, in any order and as often as needed",
    openapi_extra=_csv_body(
        "An ESCO CSV file as published: skills_en.csv, skillGroups_en.csv, "
        "broaderRelationsSkillPillar.csv or skillSkillRelations.csv; the kind is told from "
        "its header unless `kind` says. A relation naming a concept not imported yet is kept "
        "and written when the concept arrives (`relations_pending` counts them)."
    ),
    response_model=ImportReport,
)
async def import_skills(
    request: Request, _: Import, skills: Skills, kind: EscoFile | None = None
) -> Any:
    upload = await _csv_upload(request)
    return ImportReport.of(await import_esco_csv(skills, upload.text, kind, upload.encoding))


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
    upload = await _csv_upload(request)
    return ImportReport.of(
        await import_courses_csv(skills, upload.text, actor=key.id, encoding=upload.encoding)
    )
