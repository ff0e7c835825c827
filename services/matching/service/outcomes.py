"""Use cases over commissioned outcomes."""

from __future__ import annotations

import base64
import binascii

from services.common.errors import InvalidArgument
from services.matching.domain.model import Outcome
from services.matching.domain.outcomes import OutcomeDraft, validate_outcome
from services.matching.service.ports import OutcomePage, OutcomeRepository, SkillsPort

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def encode_page_token(after_id: str) -> str:
    return base64.urlsafe_b64encode(after_id.encode()).decode() if after_id else ""


def decode_page_token(token: str) -> str:
    if not token:
        return ""
    try:
        return base64.b64decode(token.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as error:
        raise InvalidArgument.of("page_token", "is not a token this service issued") from error


class OutcomeService:
    def __init__(self, outcomes: OutcomeRepository, skills: SkillsPort) -> None:
        self.outcomes = outcomes
        self.skills = skills

    async def _validated(self, draft: OutcomeDraft) -> Outcome:
        named = sorted({c.skill_id for c in draft.skill_coverage if c.skill_id.strip()})
        known = await self.skills.known_skill_ids(named) if named else set()
        return validate_outcome(draft, await self.skills.role_ids(), known_skill_ids=known)

    async def create(self, draft: OutcomeDraft) -> Outcome:
        outcome = await self._validated(draft)
        await self.outcomes.add(outcome)
        return outcome

    async def update(self, draft: OutcomeDraft) -> Outcome:
        outcome = await self._validated(draft)
        await self.outcomes.replace(outcome)
        return outcome

    async def get(self, outcome_id: str) -> Outcome:
        if not outcome_id.strip():
            raise InvalidArgument.of("id", "is required")
        return await self.outcomes.get(outcome_id)

    async def list(
        self, locality: str, page_size: int, page_token: str
    ) -> tuple[list[Outcome], str]:
        if page_size < 0:
            raise InvalidArgument.of("page_size", "must not be negative")
        size = min(page_size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        page: OutcomePage = await self.outcomes.page(
            locality.strip(), size, decode_page_token(page_token)
        )
        return page.outcomes, encode_page_token(page.next_after_id)

    async def delete(self, outcome_id: str) -> None:
        if not outcome_id.strip():
            raise InvalidArgument.of("id", "is required")
        await self.outcomes.delete(outcome_id)
