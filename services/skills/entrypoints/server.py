"""Builds the skills gRPC server: health goes SERVING only once Neo4j answers,
the schema and seed are in place and the scoring index is built."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from datetime import date

from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.graph import watch_graph
from services.common.grpc_server import GrpcServer
from services.skills.adapters.neo4j_catalogue import Neo4jCatalogueRepository
from services.skills.adapters.neo4j_courses import Neo4jCourseRepository
from services.skills.config import SkillsSettings
from services.skills.entrypoints.esco_servicer import EscoServicer
from services.skills.service.catalogue import CatalogueService
from services.skills.service.courses import CourseService
from services.skills.service.index_keeper import FeedSettings
from services.skills.service.use_cases import SkillsService

SERVICE_NAME = skills_pb2.DESCRIPTOR.services_by_name["SkillsService"].full_name


class SkillsGrpcServer(GrpcServer):
    """A GrpcServer that also owns the tasks watching the graph and following
    the scoring index's change feed."""

    def __init__(self) -> None:
        super().__init__([SERVICE_NAME])
        self.watch_task: asyncio.Task[None] | None = None
        self.feed_task: asyncio.Task[None] | None = None

    async def stop(self, grace_s: float = 10.0, drain_s: float = 0.0) -> None:
        for task in (self.watch_task, self.feed_task):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self.watch_task = self.feed_task = None
        await super().stop(grace_s, drain_s)


async def create_server(
    settings: SkillsSettings,
    driver: AsyncDriver,
    address: str,
    today: Callable[[], date] = date.today,
) -> tuple[GrpcServer, int]:
    """Binds `address` (port 0 picks a free one), starts serving and returns the
    server with its bound port. Health reports NOT_SERVING until the graph
    answers, its schema and seed are prepared and the scoring index is built."""
    # One repository, so the catalogue's writes carry this process's writer
    # id in the index's change feed, as every other skills write does.
    repository = Neo4jCatalogueRepository(driver, settings.neo4j.database)
    service = SkillsService(
        repository,
        today=today,
        feed=FeedSettings(
            poll_interval_s=settings.index_poll_interval_s,
            overlap_s=settings.index_feed_overlap_s,
            retention_s=settings.index_feed_retention_s,
            build_chunk=settings.index_build_chunk,
        ),
    )
    courses = CourseService(Neo4jCourseRepository(driver, settings.neo4j.database))
    catalogue = CatalogueService(repository, service.keeper)
    server = SkillsGrpcServer()
    skills_pb2_grpc.add_SkillsServiceServicer_to_server(  # type: ignore[no-untyped-call]
        EscoServicer(service, courses, catalogue), server.server
    )

    async def prepare() -> None:
        await service.prepare()
        await courses.prepare()
        await catalogue.prepare()
        await service.build_index()
        if server.feed_task is None:
            server.feed_task = asyncio.create_task(
                service.follow_changes(), name="skills-index-feed"
            )

    port = server.bind(address)
    await server.set_serving(False)
    await server.start()
    server.watch_task = asyncio.create_task(
        watch_graph(
            driver,
            server.set_serving,
            prepare,
            interval_s=settings.graph_check_interval_s,
        ),
        name="skills-graph-watch",
    )
    return server, port
