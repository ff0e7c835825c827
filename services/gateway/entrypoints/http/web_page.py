"""The web page: its document at / and its built assets under /assets/.

Answered before authentication, since they carry no data (the page calls /v1
with the user's own key), and only on those paths, so that every other path
keeps the API's own answers. The page routes by the URL's fragment, so the
gateway needs no fallback route.
"""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from services.gateway.entrypoints.http.middleware.asgi import send_problem
from services.gateway.entrypoints.http.problems import Problem

logger = logging.getLogger(__name__)

PAGE_PATH = "/"
ASSETS_PREFIX = "/assets"


class WebPage:
    def __init__(self, app: ASGIApp, directory: Path) -> None:
        self.app = app
        index = directory / "index.html"
        self.index = index if index.is_file() else None
        self.assets = StaticFiles(directory=directory / "assets", check_dir=False)
        if self.index is None:
            logger.warning("no web page built; run `make setup`", extra={"dir": str(directory)})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or self.index is None
            or scope["method"] not in ("GET", "HEAD")
            or not (path == PAGE_PATH or path.startswith(ASSETS_PREFIX + "/"))
        ):
            await self.app(scope, receive, send)
            return
        if path == PAGE_PATH:
            page = FileResponse(self.index, headers={"Cache-Control": "no-cache"})
            await page(scope, receive, send)
            return
        # Built file names carry a hash of their content: a new build makes new names.
        try:
            await self.assets({**scope, "root_path": ASSETS_PREFIX}, receive, send)
        except HTTPException as error:
            await send_problem(send, Problem(error.status_code, "No such file of the web page."))
