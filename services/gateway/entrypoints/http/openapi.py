"""The OpenAPI document as the gateway really answers.

FastAPI documents a 422 as its own `{detail: [...]}` and nothing else; the
gateway answers every error as problem+json. Here every operation gets the
problem responses it can give (with the scopes a 403 means), and the request
size limits, from what the routes declare.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from services.gateway.domain.auth import GRANTS, Permission, Scope
from services.gateway.entrypoints.http.field_docs import FIELDS, PARAMETERS
from services.gateway.entrypoints.http.field_docs_by_schema import SCHEMA_FIELDS
from services.gateway.entrypoints.http.problems import PROBLEM_JSON

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error as RFC 9457 problem details (application/problem+json).",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {
            "type": "string",
            "description": "A URI naming the kind of problem, one per HTTP status.",
        },
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer", "description": "The HTTP status code, as in the answer."},
        "detail": {"type": "string", "description": "What went wrong, in one sentence."},
        "errors": {
            "type": "array",
            "description": "Each field at fault; empty when no field is.",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {
                    "field": {
                        "type": "string",
                        "description": "The field as the client sent it, e.g. slots[0].role_id; "
                        "body for the whole body.",
                    },
                    "message": {"type": "string", "description": "What is wrong with it."},
                },
            },
        },
        "request_id": {
            "type": ["string", "null"],
            "description": "The X-Request-ID of the request, to find it in the logs.",
        },
    },
}
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}


def scopes_of(permission: Permission) -> list[str]:
    return sorted({*(s.value for s in GRANTS[permission]), Scope.ADMIN.value})


def _permissions(dependant: Dependant) -> Iterator[Permission]:
    for dependency in dependant.dependencies:
        permission = getattr(dependency.call, "permission", None)
        if isinstance(permission, Permission):
            yield permission
        yield from _permissions(dependency)


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_JSON: {"schema": PROBLEM_REF}}}


def _responses_of(
    route: APIRoute, method: str, json_limit: int, csv_limit: int
) -> dict[str, dict[str, Any]]:
    permissions = list(_permissions(route.dependant))
    has_body = method in {"post", "put", "patch"}
    is_csv = route.path.startswith("/v1/imports/")
    responses: dict[str, dict[str, Any]] = {}
    if has_body:
        responses["400"] = _problem("The body is not valid JSON (field `body`).")
    if permissions:
        scopes = ", ".join(scopes_of(permissions[0]))
        responses["401"] = _problem(
            "No API key, or one that is unknown or revoked: send Authorization: Bearer <key>."
        )
        responses["403"] = _problem(
            f"The key's scopes do not allow this operation; it needs one of: {scopes}. "
            "The detail names them too."
        )
    if "{" in route.path:
        responses["404"] = _problem("Nothing has the id in the path (or an id the body names).")
    elif has_body and permissions:
        responses["404"] = _problem("Nothing has an id the body names.")
    if method in {"post", "put", "delete"} and permissions:
        responses["409"] = _problem(
            "The request conflicts with what is stored: the id exists already, the state "
            "forbids the change (e.g. a proposal committed twice or gone stale), or the "
            "Idempotency-Key was used with another body."
        )
    if has_body:
        limit = csv_limit if is_csv else json_limit
        responses["413"] = _problem(
            f"The body is larger than {limit:,} bytes ({limit // 2**20} MB"
            + (" for CSV imports)." if is_csv else " for JSON bodies; CSV imports take 20 MB).")
        )
        responses["415"] = _problem(
            "The body is not text/csv or multipart/form-data."
            if is_csv
            else "The body is not application/json."
        )
    responses["422"] = _problem(
        "A field is invalid: `errors` names each field at fault with what is wrong."
    )
    responses["503"] = _problem(
        "A service this request needs (skills, matching or the graph) did not answer in "
        "time; retry later."
    )
    return responses


def install_openapi(
    app: FastAPI, routes: Sequence[BaseRoute], json_limit: int, csv_limit: int
) -> None:
    """Replaces app.openapi with one that documents the real error answers of
    `routes` (those of the routers the app includes)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        document = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        components = document.setdefault("components", {}).setdefault("schemas", {})
        components.pop("HTTPValidationError", None)
        components.pop("ValidationError", None)
        components["Problem"] = PROBLEM_SCHEMA
        _describe_fields(components)
        for route in routes:
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods or ():
                operation = document["paths"][route.path_format].get(method.lower())
                if operation is None:
                    continue
                _document_operation(route, method.lower(), operation, json_limit, csv_limit)
        app.openapi_schema = document
        return document

    setattr(app, "openapi", openapi)  # noqa: B010


def _document_operation(
    route: APIRoute, method: str, operation: dict[str, Any], json_limit: int, csv_limit: int
) -> None:
    responses = operation.setdefault("responses", {})
    responses.update(_responses_of(route, method, json_limit, csv_limit))
    permissions = list(_permissions(route.dependant))
    if permissions:
        scopes = ", ".join(scopes_of(permissions[0]))
        note = f"Scopes: {scopes}."
        operation["description"] = (operation.get("description", "") + "\n\n" + note).strip()
    for parameter in operation.get("parameters", []):
        if not parameter.get("description") and parameter["name"] in PARAMETERS:
            parameter["description"] = PARAMETERS[parameter["name"]]


def _describe_fields(schemas: dict[str, Any]) -> None:
    for schema_name, schema in schemas.items():
        for field_name, field in schema.get("properties", {}).items():
            if field.get("description"):
                continue
            description = SCHEMA_FIELDS.get((schema_name, field_name)) or FIELDS.get(field_name)
            if description:
                field["description"] = description
