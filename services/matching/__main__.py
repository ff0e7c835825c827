"""`python -m services.matching`: serve until SIGTERM, then stop gracefully."""

from __future__ import annotations

import asyncio
import logging

from services.common.graph import open_driver
from services.common.logging import configure_logging
from services.common.metrics import host_of
from services.common.settings import LoggingSettings
from services.common.tracing import configure_tracing, shutdown_tracing
from services.matching.adapters.skills_client import SkillsClient
from services.matching.config import MatchingSettings
from services.matching.entrypoints.server import create_server

logger = logging.getLogger("services.matching")


async def serve(settings: MatchingSettings) -> None:
    driver = open_driver(settings.neo4j)
    skills = SkillsClient.connect(
        settings.skills_address, settings.skills_timeout_s, settings.matrix_timeout_s
    )
    try:
        server, port = await create_server(settings, driver, skills, settings.grpc_address)
        metrics_port = server.serve_metrics(host_of(settings.grpc_address), settings.metrics_port)
        logger.info(
            "matching serving",
            extra={"address": settings.grpc_address, "port": port, "metrics_port": metrics_port},
        )
        await server.wait_for_termination_signal()
        logger.info("matching stopping")
        await server.stop(settings.shutdown_grace_s, settings.shutdown_drain_s)
    finally:
        await skills.close()
        await driver.close()
        shutdown_tracing()


def main() -> None:
    logging_settings = LoggingSettings()
    configure_logging("matching", logging_settings.level, logging_settings.format)
    configure_tracing("matching")
    asyncio.run(serve(MatchingSettings()))


if __name__ == "__main__":
    main()
