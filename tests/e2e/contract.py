"""The OpenAPI drift check: every answer the end-to-end tests receive is
checked against the gateway's own /openapi.json, so an undocumented status,
media type or body shape fails the test that met it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx
from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOCUMENT_URI = "urn:lps:openapi"
# Answers outside the API the document describes.
UNDOCUMENTED_PATHS = ("/docs", "/redoc", "/openapi.json", "/metrics", "/docs-assets/")


def _pointer(*parts: str) -> str:
    return "/".join(part.replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass
class Contract:
    document: dict[str, Any]

    def __post_init__(self) -> None:
        self.registry: Registry[Any] = Registry().with_resource(
            DOCUMENT_URI, Resource.from_contents(self.document, default_specification=DRAFT202012)
        )
        templates = sorted(self.document["paths"], key=lambda p: (p.count("{"), p))
        self.templates = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(p)) + "$"), p)
            for p in templates
        ]
        self.checked = 0

    def template_of(self, path: str) -> str | None:
        return next((t for pattern, t in self.templates if pattern.match(path)), None)

    def problems(self, response: httpx.Response) -> list[str]:
        request = response.request
        path = request.url.path
        method = request.method.lower()
        if path.startswith(UNDOCUMENTED_PATHS):
            return []
        template = self.template_of(path)
        if template is None or method not in self.document["paths"][template]:
            return []
        self.checked += 1
        where = f"{request.method} {template} answered {response.status_code}"
        operation = self.document["paths"][template][method]
        documented = operation["responses"].get(str(response.status_code))
        if documented is None:
            return [f"{where}: the status is not documented"]
        content = documented.get("content", {})
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if not response.content:
            return []
        if media_type not in content:
            return [f"{where}: {media_type} is not documented (only {', '.join(content) or '-'})"]
        if not media_type.endswith("json"):
            return []
        pointer = _pointer(
            "paths", template, method, "responses", str(response.status_code), "content"
        )
        schema = {"$ref": f"{DOCUMENT_URI}#/{pointer}/{_pointer(media_type)}/schema"}
        validator = Draft202012Validator(schema, registry=self.registry)
        body = json.loads(response.content)
        return [
            f"{where}: {'/'.join(map(str, error.absolute_path)) or 'body'}: {error.message}"
            for error in validator.iter_errors(body)
        ][:5]


def checking_hook(contract: Contract) -> Any:
    def check(response: httpx.Response) -> None:
        response.read()
        found = contract.problems(response)
        assert not found, "the answer drifted from /openapi.json:\n" + "\n".join(found)

    return check
