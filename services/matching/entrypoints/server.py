"""Builds the matching gRPC server from objects made in main() (or a test)."""

from __future__ import annotations

import asyncio
import contextlib

from neo4j import AsyncDriver

from lps.matching.v1 import matching_pb2, matching_pb2_grpc
from services.common.graph import watch_graph
from services.common.grpc_server import GrpcServer
from services.matching.adapters.cached_outcomes import CachedOutcomeRepository
from services.matching.adapters.neo4j_learning import Neo4jLearningRepository
from services.matching.adapters.neo4j_outcomes import Neo4jOutcomeRepository
from services.matching.adapters.neo4j_staffing import Neo4jStaffingRepository
from services.matching.adapters.neo4j_training import Neo4jTrainingPlanRepository
from services.matching.adapters.schema import create_schema
from services.matching.adapters.solver_metrics import metered_solver
from services.matching.config import MatchingSettings
from services.matching.domain.staffing import solve
from services.matching.domain.training import plan_training
from services.matching.entrypoints.handlers import (
    ErasureHandler,
    GapHandler,
    OutcomeHandler,
    StaffingHandler,
    TrainingHandler,
)
from services.matching.entrypoints.learning_servicer import LearningServicer
from services.matching.entrypoints.servicer import MatchingHandlers, MatchingServicer
from services.matching.service.erasure import PersonErasure
from services.matching.service.gaps import GapService
from services.matching.service.learning import LearningService
from services.matching.service.outcomes import OutcomeService
from services.matching.service.ports import TrainingSkillsPort
from services.matching.service.staffing import StaffingLimits, StaffingService
from services.matching.service.training import TrainingService

SERVICE_NAME = matching_pb2.DESCRIPTOR.services_by_name["MatchingService"].full_name
LEARNING_SERVICE_NAME = matching_pb2.DESCRIPTOR.services_by_name["LearningService"].full_name


class MatchingGrpcServer(GrpcServer):
    """The shared server plus the task that ties health to the graph."""

    graph_watch: asyncio.Task[None] | None = None

    async def stop(self, grace_s: float = 10.0, drain_s: float = 0.0) -> None:
        if self.graph_watch is not None:
            self.graph_watch.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.graph_watch
        await super().stop(grace_s, drain_s)


def staffing_limits(settings: MatchingSettings) -> StaffingLimits:
    return StaffingLimits(
        default_time_limit_s=settings.default_time_limit_s,
        max_time_limit_s=settings.max_time_limit_s,
        max_candidates_per_slot=settings.max_candidates_per_slot,
    )


def register_servicers(
    server: GrpcServer, handlers: MatchingHandlers, learning: LearningService
) -> None:
    register = matching_pb2_grpc.add_MatchingServiceServicer_to_server
    register(MatchingServicer(handlers), server.server)  # type: ignore[no-untyped-call]
    matching_pb2_grpc.add_LearningServiceServicer_to_server(  # type: ignore[no-untyped-call]
        LearningServicer(learning), server.server
    )


async def create_server(
    settings: MatchingSettings, driver: AsyncDriver, skills: TrainingSkillsPort, address: str
) -> tuple[GrpcServer, int]:
    """Binds, starts and returns the server with its bound port. Health turns
    SERVING once the graph answers and matching's schema exists."""
    database = settings.neo4j.database
    outcomes = CachedOutcomeRepository(
        Neo4jOutcomeRepository(driver, database), settings.outcome_list_ttl_s
    )
    staffing = Neo4jStaffingRepository(driver, database)
    limits = staffing_limits(settings)
    solver = metered_solver(solve)
    plans = Neo4jTrainingPlanRepository(driver, database)
    learning = Neo4jLearningRepository(driver, database)
    handlers = MatchingHandlers(
        outcomes=OutcomeHandler(OutcomeService(outcomes, skills)),
        staffing=StaffingHandler(
            StaffingService(outcomes, staffing, skills, solver, limits, collaborations=learning)
        ),
        gaps=GapHandler(GapService(outcomes, staffing, skills, solver, limits)),
        training=TrainingHandler(
            TrainingService(outcomes, staffing, skills, plans, solver, plan_training, limits)
        ),
        # Learning first: it keeps the person's places on open outcomes, without
        # their identity, from the lines staffing then deletes.
        erasure=ErasureHandler(PersonErasure([learning, staffing, plans])),
    )
    server = MatchingGrpcServer([SERVICE_NAME, LEARNING_SERVICE_NAME])
    register_servicers(
        server, handlers, LearningService(outcomes, learning, settings.learning_min_group_size)
    )
    port = server.bind(address)
    await server.set_serving(False)
    await server.start()

    async def prepare_graph() -> None:
        await create_schema(driver, database)
        await plans.prepare()
        await learning.prepare()

    # The watch prepares the schema as soon as the graph answers, and not before:
    # trying here would hold start-up in the driver's retries while Neo4j is down.
    server.graph_watch = asyncio.create_task(
        watch_graph(driver, server.set_serving, on_first_up=prepare_graph)
    )
    return server, port
