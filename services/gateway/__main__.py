"""`python -m services.gateway`: the HTTP gateway under uvicorn."""

from __future__ import annotations

from math import ceil

import uvicorn
import uvloop

from services.common.graph import open_driver
from services.common.logging import configure_logging
from services.common.settings import LoggingSettings, Neo4jSettings
from services.common.tracing import configure_tracing, shutdown_tracing
from services.gateway.adapters.deadlines import Deadlines
from services.gateway.adapters.learning_client import LearningClient
from services.gateway.adapters.matching_client import MatchingClient
from services.gateway.adapters.neo4j_store import Neo4jGatewayStore
from services.gateway.adapters.skills_client import SkillsClient
from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http.app import create_app
from services.gateway.entrypoints.http.deps import Gateway


async def serve(settings: GatewaySettings, neo4j: Neo4jSettings) -> None:
    deadlines = Deadlines.of(settings)
    driver = open_driver(neo4j)
    skills = SkillsClient.connect(settings.skills_address, deadlines)
    matching = MatchingClient.connect(settings.matching_address, deadlines)
    learning = LearningClient.connect(settings.matching_address, deadlines)
    try:
        app = create_app(
            Gateway(
                settings=settings,
                skills=skills,
                matching=matching,
                store=Neo4jGatewayStore(driver, neo4j.database),
                learning=learning,
            )
        )
        config = uvicorn.Config(
            app,
            host=settings.host,
            port=settings.port,
            log_config=None,
            proxy_headers=False,
            server_header=False,
            timeout_graceful_shutdown=ceil(settings.shutdown_grace_s),
            timeout_keep_alive=ceil(settings.keep_alive_s),
            # httptools (C) parses HTTP; with uvloop below, a request costs about a
            # sixth less CPU than on h11 and asyncio's loop (tests/bench/gateway_floor).
            http="httptools",
        )
        await uvicorn.Server(config).serve()
    finally:
        await skills.close()
        await matching.close()
        await learning.close()
        await driver.close()
        shutdown_tracing()


def main() -> None:
    logging_settings = LoggingSettings()
    configure_logging("gateway", logging_settings.level, logging_settings.format)
    configure_tracing("gateway")
    # libuv's event loop, for the HTTP, gRPC and Bolt sockets alike.
    uvloop.run(serve(GatewaySettings(), Neo4jSettings()))


if __name__ == "__main__":
    main()
