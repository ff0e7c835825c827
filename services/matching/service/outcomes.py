"""Use cases over commissioned outcomes."""

from __future__ import annotations

from services.common.errors import InvalidArgument
from services.common.page_tokens import decode_page_token, encode_page_token
from services.matching.domain.model import Outcome
from services.matching.domain.outcomes import validate_outcome
from services.matching.service.ports import OutcomePage, OutcomeRepository, SkillsPort

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class OutcomeService:
    def __init__(self, outcomes: OutcomeRepository, skills: SkillsPort) -> None:
        self.outcomes = outcomes
        self.skills = skills

    async def _validated(self, outcome: Outcome) -> Outcome:
        named = sorted({c.skill_id for c in outcome.skill_coverage if c.skill_id.strip()})
        known = await self.skills.known_skill_ids(named) if named else set()
        return validate_outcome(outcome, await self.skills.role_ids(), known_skill_ids=known)

    async def create(self, outcome: Outcome) -> Outcome:
        valid = await self._validated(outcome)
        await self.outcomes.add(valid)
        return valid

    async def update(self, outcome: Outcome) -> Outcome:
        valid = await self._validated(outcome)
        await self.outcomes.replace(valid)
        return valid

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
        token = encode_page_token(page.next_after_id) if page.next_after_id else ""
        return page.outcomes, token

    async def delete(self, outcome_id: str) -> None:
        if not outcome_id.strip():
            raise InvalidArgument.of("id", "is required")
        await self.outcomes.delete(outcome_id)
