"""Use cases of the catalogue's own records: skills one by one, how they
relate, the roles built from them, and the seed that starts it all.
(ESCO imports and search are in service/catalogue.py.)"""

from __future__ import annotations

from services.skills.domain.model import Role, Skill
from services.skills.domain.seed import SEED_RELATIONS, SEED_ROLES, SEED_SKILLS
from services.skills.domain.validation import (
    require_id,
    validate_relation,
    validate_role,
    validate_skill,
)
from services.skills.service.ports import CatalogueRepository, IndexWriteThrough


class RoleService:
    def __init__(self, catalogue: CatalogueRepository, index: IndexWriteThrough) -> None:
        self.catalogue = catalogue
        self.index = index

    async def prepare(self) -> None:
        """Constraints and indexes, then the seeded skills and roles where absent."""
        await self.catalogue.prepare(SEED_SKILLS, SEED_ROLES, SEED_RELATIONS)

    async def upsert_skill(self, skill: Skill) -> Skill:
        validate_skill(skill)
        await self.catalogue.upsert_skill(skill)
        await self.index.refresh_catalogue()
        return await self.catalogue.get_skill(skill.id)

    async def get_skill(self, skill_id: str) -> Skill:
        require_id(skill_id, "id")
        return await self.catalogue.get_skill(skill_id)

    async def relate_skills(self, skill_id: str, related_skill_id: str, similarity: float) -> None:
        validate_relation(skill_id, related_skill_id, similarity)
        await self.catalogue.relate_skills(skill_id, related_skill_id, similarity)
        await self.index.refresh_catalogue()

    async def upsert_role(self, role: Role) -> Role:
        validate_role(role)
        await self.catalogue.upsert_role(role)
        await self.index.refresh_catalogue()
        return await self.catalogue.get_role(role.id)

    async def get_role(self, role_id: str) -> Role:
        require_id(role_id, "id")
        return await self.catalogue.get_role(role_id)

    async def list_roles(self) -> list[Role]:
        return await self.catalogue.list_roles()
