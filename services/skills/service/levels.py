"""Use cases of people's skill levels and their history."""

from __future__ import annotations

from dataclasses import replace

from services.common.errors import NotFound, Violations
from services.skills.domain.fit import effective_claims
from services.skills.domain.model import LevelChange, LevelClaim, LevelSource
from services.skills.domain.validation import check_id, validate_level
from services.skills.service.clock import Clock
from services.skills.service.ports import IndexWriteThrough, LevelRepository


class LevelService:
    def __init__(
        self, levels: LevelRepository, index: IndexWriteThrough, clock: Clock | None = None
    ) -> None:
        self.levels = levels
        self.index = index
        self.clock = clock or Clock()

    async def set_level(self, person_id: str, claim: LevelClaim, actor: str = "") -> LevelClaim:
        """Writes the claim; answers with the claim that counts in that skill
        afterwards (a higher-ranking source may still outrank the one written)."""
        if not claim.assessed_at:
            claim = replace(claim, assessed_at=self.clock.today().isoformat())
        validate_level(person_id, claim, actor)
        stored = await self.levels.set_level(person_id, claim, actor, self.clock.timestamp())
        await self.index.refresh_people([person_id])
        current = effective_claims(stored, self.clock.today())
        return current.get(claim.skill_id, claim)

    async def remove_level(
        self, person_id: str, skill_id: str, source: str = "", actor: str = ""
    ) -> None:
        violations = Violations()
        check_id(violations, person_id, "person_id")
        check_id(violations, skill_id, "skill_id")
        violations.check(
            not source or source in set(LevelSource), "source", "is not a known source"
        )
        violations.raise_if_any()
        removed = await self.levels.remove_level(
            person_id, skill_id, source, actor, self.clock.timestamp()
        )
        await self.index.refresh_people([person_id])
        if not removed:
            raise NotFound.of("level", f"{person_id}/{skill_id}")

    async def level_history(self, person_id: str, skill_id: str = "") -> list[LevelChange]:
        violations = Violations()
        check_id(violations, person_id, "person_id")
        if skill_id:
            check_id(violations, skill_id, "skill_id")
        violations.raise_if_any()
        return await self.levels.level_history(person_id, skill_id)
