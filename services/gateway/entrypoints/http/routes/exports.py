"""CSV exports, with formula-like cells neutralised."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.gateway.domain.vocabulary import Sector
from services.gateway.entrypoints.http.deps import ExportPeople, Matching, ReadGaps, Skills
from services.gateway.entrypoints.http.routes.lookup import CSV_RESPONSE, csv_download
from services.gateway.entrypoints.http.schemas.people import people_filter
from services.gateway.service.exports import first_people_page, gaps_csv, people_csv

router = APIRouter(prefix="/v1/exports", tags=["exports"])


@router.get(
    "/people.csv",
    summary="People with their levels, in the import's columns",
    response_class=StreamingResponse,
    responses=CSV_RESPONSE,
)
async def export_people(
    _: ExportPeople,
    skills: Skills,
    sector: Sector | None = None,
    organisation: Annotated[str | None, Query(max_length=500)] = None,
    locality: Annotated[str | None, Query(max_length=500)] = None,
) -> StreamingResponse:
    request = skills_pb2.ListPeopleRequest(
        filter=people_filter(sector, organisation, locality, None, None)
    )
    first_page = await first_people_page(skills, request)
    return csv_download(people_csv(skills, request, first_page), "people.csv")


@router.get(
    "/gaps.csv",
    summary="The gap report as one table, a section column telling rows apart",
    response_class=StreamingResponse,
    responses=CSV_RESPONSE,
)
async def export_gaps(
    _: ReadGaps,
    matching: Matching,
    locality: Annotated[str | None, Query(max_length=500)] = None,
    role: Annotated[str | None, Query(max_length=256)] = None,
) -> StreamingResponse:
    report = await matching.report_gaps(
        matching_pb2.ReportGapsRequest(locality=locality or "", role_id=role or "")
    )
    return csv_download(gaps_csv(report), "gaps.csv")
