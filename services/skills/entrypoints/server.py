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
from services.skills.bootstrap import SkillsApplication, build_application
from services.skills.config import SkillsSettings
from services.skills.entrypoints.catalogue_rpcs import CatalogueRpcs
from services.skills.entrypoints.course_rpcs import CourseRpcs
from services.skills.entrypoints.people_rpcs import PeopleRpcs
from services.skills.entrypoints.scoring_rpcs import ScoringRpcs
from services.skills.entrypoints.servicer import SkillsServicer


def servicer_of(app: SkillsApplication) -> SkillsServicer:
    return SkillsServicer(
        people=PeopleRpcs(app.people, app.levels),
        catalogue=CatalogueRpcs(app.roles, app.catalogue),
        scoring=ScoringRpcs(app.scoring),
        courses=CourseRpcs(app.courses),
    )


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
    app = build_application(driver, settings, today)
    server = SkillsGrpcServer()
    skills_pb2_grpc.add_SkillsServiceServicer_to_server(  # type: ignore[no-untyped-call]
        servicer_of(app), server.server
    )

    async def prepare() -> None:
        await app.prepare()
        await app.keeper.build()
        if server.feed_task is None:
            server.feed_task = asyncio.create_task(
                app.keeper.follow_changes(), name="skills-index-feed"
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
