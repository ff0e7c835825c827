"""`python -m services.gateway.entrypoints.http.openapi_document OUT`: writes the
gateway's OpenAPI document without running it, so that the web page's client is
generated from the very contract the gateway serves (a change breaks the build)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from services.gateway.config import GatewaySettings
from services.gateway.entrypoints.http.app import create_app
from services.gateway.entrypoints.http.deps import Gateway


def openapi_document() -> dict[str, Any]:
    # The routing table is all the document needs: no clients, no graph.
    settings = GatewaySettings(admin_key=None)
    gateway = Gateway(settings=settings, skills=None, matching=None, store=None)  # type: ignore[arg-type]
    return create_app(gateway).openapi()


def main() -> None:
    Path(sys.argv[1]).write_text(json.dumps(openapi_document(), indent=1) + "\n")


if __name__ == "__main__":
    main()
