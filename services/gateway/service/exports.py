"""CSV exports: people with their levels (the import's own columns, so an
export can be edited and imported again) and the gap report."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Protocol

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.gateway.adapters.enums import SECTOR_TO_PROTO, SOURCE_TO_PROTO, from_proto
from services.gateway.domain.csv_safety import csv_line
from services.gateway.domain.people_csv import PEOPLE_COLUMNS

EXPORT_PAGE_SIZE = 500
GAP_COLUMNS = (
    "section",
    "outcome_id",
    "role_id",
    "skill_id",
    "min_level",
    "demanded",
    "supply",
    "shortfall",
    "person_id",
    "name",
    "fit",
    "detail",
)


class PeopleLister(Protocol):
    async def list_people(
        self, request: skills_pb2.ListPeopleRequest
    ) -> skills_pb2.ListPeopleResponse: ...


def person_rows(person: skills_pb2.Person) -> Iterator[list[object]]:
    """The import's columns (PEOPLE_COLUMNS), so that an export imported again changes nothing."""
    sector = from_proto(SECTOR_TO_PROTO, person.sector)
    clearances = ";".join(f"{c.kind}:{c.expires}" for c in person.clearances)
    fields: list[object] = [
        person.id,
        person.name,
        sector.value if sector else "",
        person.organisation,
        person.locality,
        person.capacity_fte,
        person.day_rate,
        clearances,
        person.available_from,
        person.available_until,
    ]
    if not person.skills:
        yield [*fields, "", "", "", "", "", ""]
    for skill in person.skills:
        source = from_proto(SOURCE_TO_PROTO, skill.source)
        yield [
            *fields,
            skill.skill_id,
            skill.level,
            skill.evidence,
            source.value if source else "",
            skill.assessed_at,
            skill.valid_until,
        ]


async def first_people_page(
    lister: PeopleLister, filter_: skills_pb2.ListPeopleRequest
) -> skills_pb2.ListPeopleResponse:
    """Fetched before the response starts, so a failing service still gets a problem answer."""
    request = skills_pb2.ListPeopleRequest()
    request.CopyFrom(filter_)
    request.page_size = EXPORT_PAGE_SIZE
    return await lister.list_people(request)


async def people_csv(
    lister: PeopleLister,
    filter_: skills_pb2.ListPeopleRequest,
    first_page: skills_pb2.ListPeopleResponse,
) -> AsyncIterator[str]:
    yield csv_line(PEOPLE_COLUMNS)
    page = first_page
    while True:
        for person in page.people:
            for row in person_rows(person):
                yield csv_line(row)
        if not page.next_page_token:
            return
        request = skills_pb2.ListPeopleRequest()
        request.CopyFrom(filter_)
        request.page_size = EXPORT_PAGE_SIZE
        request.page_token = page.next_page_token
        page = await lister.list_people(request)


def gap_rows(report: matching_pb2.GapsReport) -> Iterator[list[object]]:
    for role in report.roles:
        yield ["role", "", role.role_id, "", "", role.demanded, role.supply, role.unfilled]
    for skill in report.skills:
        yield [
            "skill",
            "",
            "",
            skill.skill_id,
            skill.min_level,
            skill.demanded_people,
            skill.supply,
            skill.shortfall,
        ]
    for slot in report.blocked_slots:
        yield [
            "blocked_slot",
            slot.outcome_id,
            slot.role_id,
            ";".join(slot.blocking_skill_ids),
            "",
            slot.count,
            "",
            slot.count,
            "",
            "",
            "",
            slot.reason,
        ]
    for person in report.closest:
        learn = "; ".join(
            f"{step.skill_id} {step.from_level}->{step.to_level}" for step in person.steps
        )
        yield [
            "closest",
            "",
            person.role_id,
            "",
            "",
            "",
            "",
            "",
            person.person_id,
            person.name,
            round(person.fit, 4),
            learn,
        ]


def gaps_csv(report: matching_pb2.GapsReport) -> Iterator[str]:
    yield csv_line(GAP_COLUMNS)
    for row in gap_rows(report):
        yield csv_line(row + [""] * (len(GAP_COLUMNS) - len(row)))
