"""`python -m services.skills`: the skills gRPC service, until SIGTERM."""

from __future__ import annotations

import asyncio
import logging

from services.common.graph import open_driver
from services.common.logging import configure_logging
from services.common.metrics import host_of
from services.common.settings import LoggingSettings
from services.common.tracing import configure_tracing, shutdown_tracing
from services.skills.config import SkillsSettings
from services.skills.entrypoints.server import create_server

logger = logging.getLogger(__name__)


async def serve(settings: SkillsSettings) -> None:
    driver = open_driver(settings.neo4j)
    try:
        server, port = await create_server(settings, driver, settings.grpc_address)
        metrics_port = server.serve_metrics(host_of(settings.grpc_address), settings.metrics_port)
        logger.info("skills service listening", extra={"port": port, "metrics_port": metrics_port})
        await server.wait_for_termination_signal()
        logger.info("stopping")
        await server.stop(settings.shutdown_grace_s, settings.shutdown_drain_s)
    finally:
        await driver.close()
        shutdown_tracing()


def main() -> None:
    logging_settings = LoggingSettings()
    configure_logging("skills", logging_settings.level, logging_settings.format)
    settings = SkillsSettings()
    configure_tracing("skills")
    asyncio.run(serve(settings))


if __name__ == "__main__":
    main()
