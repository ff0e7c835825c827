"""Builds the skills gRPC server: health goes SERVING only once Neo4j answers
and the schema and seed are in place."""

from __future__ import annotations

import asyncio
import contextlib

from neo4j import AsyncDriver

from lps.skills.v1 import skills_pb2, skills_pb2_grpc
from services.common.graph import watch_graph
from services.common.grpc_server import GrpcServer
from services.skills.adapters.neo4j_catalogue import Neo4jCatalogueRepository
from services.skills.adapters.neo4j_courses import Neo4jCourseRepository
from services.skills.adapters.neo4j_repository import Neo4jSkillsRepository
from services.skills.config import SkillsSettings
from services.skills.entrypoints.esco_servicer import EscoServicer
from services.skills.service.catalogue import CatalogueService
from services.skills.service.courses import CourseService
from services.skills.service.use_cases import SkillsService

SERVICE_NAME = skills_pb2.DESCRIPTOR.services_by_name["SkillsService"].full_name


class SkillsGrpcServer(GrpcServer):
    """A GrpcServer that also owns the task watching the graph."""

    def __init__(self) -> None:
        super().__init__([SERVICE_NAME])
        self.watch_task: asyncio.Task[None] | None = None

    async def stop(self, grace_s: float = 10.0, drain_s: float = 0.0) -> None:
        if self.watch_task is not None:
            self.watch_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.watch_task
            self.watch_task = None
        await super().stop(grace_s, drain_s)


async def create_server(
    settings: SkillsSettings, driver: AsyncDriver, address: str
) -> tuple[GrpcServer, int]:
    """Binds `address` (port 0 picks a free one), starts serving and returns the
    server with its bound port. Health reports NOT_SERVING until the graph
    answers and its schema and seed are prepared."""
    service = SkillsService(Neo4jSkillsRepository(driver, settings.neo4j.database))
    courses = CourseService(Neo4jCourseRepository(driver, settings.neo4j.database))
    catalogue = CatalogueService(Neo4jCatalogueRepository(driver, settings.neo4j.database))
    server = SkillsGrpcServer()
    skills_pb2_grpc.add_SkillsServiceServicer_to_server(  # type: ignore[no-untyped-call]
        EscoServicer(service, courses, catalogue), server.server
    )

    async def prepare() -> None:
        await service.prepare()
        await courses.prepare()
        await catalogue.prepare()

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
