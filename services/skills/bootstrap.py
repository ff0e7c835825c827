"""Builds the skills service's use cases over one Neo4j database: the one
place adapters, ports and the scoring index's keeper are wired together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from neo4j import AsyncDriver

from services.skills.adapters.index_snapshot import FileIndexSnapshots
from services.skills.adapters.neo4j_catalogue import Neo4jCatalogueRepository
from services.skills.adapters.neo4j_courses import Neo4jCourseRepository
from services.skills.adapters.neo4j_esco import Neo4jEscoRepository
from services.skills.adapters.neo4j_graph import Neo4jGraph
from services.skills.adapters.neo4j_levels import Neo4jLevelRepository
from services.skills.adapters.neo4j_people import Neo4jPeopleRepository
from services.skills.adapters.neo4j_scoring import Neo4jScoringReads
from services.skills.config import SkillsSettings
from services.skills.service.catalogue import CatalogueService
from services.skills.service.clock import Clock
from services.skills.service.courses import CourseService
from services.skills.service.index_keeper import FeedSettings, IndexKeeper
from services.skills.service.levels import LevelService
from services.skills.service.people import PeopleService
from services.skills.service.person_cache import PersonCache
from services.skills.service.ports import ScoringReads
from services.skills.service.roles import RoleService
from services.skills.service.scoring import ScoringService


@dataclass(frozen=True)
class SkillsApplication:
    people: PeopleService
    levels: LevelService
    roles: RoleService
    catalogue: CatalogueService
    scoring: ScoringService
    courses: CourseService
    keeper: IndexKeeper
    scoring_reads: ScoringReads

    async def prepare(self) -> None:
        """Every aggregate's constraints and indexes, and the seed where absent
        (idempotent)."""
        await self.people.prepare()
        await self.roles.prepare()
        await self.scoring_reads.prepare()
        await self.courses.prepare()
        await self.catalogue.prepare()


def feed_settings_of(settings: SkillsSettings) -> FeedSettings:
    return FeedSettings(
        poll_interval_s=settings.index_poll_interval_s,
        overlap_s=settings.index_feed_overlap_s,
        retention_s=settings.index_feed_retention_s,
        build_chunk=settings.index_build_chunk,
        snapshot_interval_s=settings.index_snapshot_interval_s,
    )


def build_application(
    driver: AsyncDriver,
    settings: SkillsSettings | None = None,
    today: Callable[[], date] = date.today,
) -> SkillsApplication:
    settings = settings or SkillsSettings()
    # One graph, so every write carries this process's writer id in the
    # scoring index's change feed.
    graph = Neo4jGraph(driver, settings.neo4j.database)
    clock = Clock(today=today)
    scoring_reads = Neo4jScoringReads(graph)
    snapshots = (
        FileIndexSnapshots(Path(settings.index_snapshot_path), driver, settings.neo4j.database)
        if settings.index_snapshot_path
        else None
    )
    person_records = PersonCache(settings.person_cache_size)
    keeper = IndexKeeper(
        scoring_reads, today, feed_settings_of(settings), snapshots, person_records
    )
    catalogue_repository = Neo4jCatalogueRepository(graph)
    return SkillsApplication(
        people=PeopleService(Neo4jPeopleRepository(graph), keeper, clock, person_records),
        levels=LevelService(Neo4jLevelRepository(graph), keeper, clock),
        roles=RoleService(catalogue_repository, keeper),
        catalogue=CatalogueService(Neo4jEscoRepository(graph, catalogue_repository), keeper),
        scoring=ScoringService(keeper),
        courses=CourseService(Neo4jCourseRepository(graph)),
        keeper=keeper,
        scoring_reads=scoring_reads,
    )
