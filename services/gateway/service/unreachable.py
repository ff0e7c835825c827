"""Records stored under an id the id rule refuses, across the services that own them.

Skills lists its own (people, skills, roles, courses); matching's outcomes are
few, so they are read page by page here and checked against the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from lps.matching.v1 import matching_pb2
from lps.skills.v1 import skills_pb2
from services.common.identifiers import id_problem

OUTCOME_PAGE_SIZE = 500


@dataclass(frozen=True)
class Unreachable:
    kind: str
    id: str
    reason: str


class MalformedIdLister(Protocol):
    async def list_malformed_ids(self) -> list[skills_pb2.MalformedId]: ...


class OutcomeLister(Protocol):
    async def list_outcomes(
        self, request: matching_pb2.ListOutcomesRequest
    ) -> matching_pb2.ListOutcomesResponse: ...


async def unreachable_records(
    skills: MalformedIdLister, matching: OutcomeLister
) -> list[Unreachable]:
    found = [Unreachable(m.kind, m.id, m.reason) for m in await skills.list_malformed_ids()]
    token = ""
    while True:
        page = await matching.list_outcomes(
            matching_pb2.ListOutcomesRequest(page_size=OUTCOME_PAGE_SIZE, page_token=token)
        )
        for outcome in page.outcomes:
            problem = id_problem(outcome.id)
            if problem is not None:
                found.append(Unreachable("outcome", outcome.id, problem))
        token = page.next_page_token
        if not token:
            return sorted(found, key=lambda u: (u.kind, u.id))
