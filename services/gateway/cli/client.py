"""Talking to the gateway: the client, its answers, and refusals said in one sentence."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer
from rich.console import Console
from rich.table import Column

console = Console()

UrlOption = Annotated[str, typer.Option(envvar="LPS_URL", help="Gateway address")]
KeyOption = Annotated[str, typer.Option(envvar="LPS_KEY", help="API key")]
DEFAULT_URL = "http://127.0.0.1:8080"


class GatewayError(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        self.problem = problem
        super().__init__(problem.get("detail") or problem.get("title") or "request failed")


def gateway_client(url: str, key: str) -> httpx.Client:
    if not key:
        raise typer.BadParameter("set LPS_KEY or pass --key", param_hint="--key")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120.0)


def answer(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json() if response.content else None
    raise GatewayError(problem_of(response))


def call(method: str, path: str, url: str, key: str, **kwargs: Any) -> Any:
    """One request's answer; a refusal ends the command with the problem printed."""
    with gateway_client(url, key) as client:
        try:
            return answer(client.request(method, path, **kwargs))
        except GatewayError as error:
            raise fail(error) from error


def problem_of(response: httpx.Response) -> dict[str, Any]:
    try:
        problem: dict[str, Any] = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "status": response.status_code}
    return problem


def problem_text(response: httpx.Response) -> str:
    try:
        problem = response.json()
    except ValueError:
        return f"{response.status_code} {response.reason_phrase}"
    text = f"{problem.get('status', response.status_code)} {problem.get('title', '')}".strip()
    return f"{text}: {problem['detail']}" if problem.get("detail") else text


def refuse(sentence: str) -> typer.Exit:
    console.print(f"[red]{sentence}[/red]")
    return typer.Exit(code=1)


def fail(error: GatewayError) -> typer.Exit:
    problem = error.problem
    console.print(f"[red]{problem.get('status', '')} {problem.get('title', 'error')}[/red]")
    if problem.get("detail"):
        console.print(problem["detail"])
    for item in problem.get("errors", []):
        console.print(f"  {item.get('field', '')}: {item.get('message', '')}")
    return typer.Exit(code=1)


def segment(identifier: str) -> str:
    """An id as one path segment."""
    return quote(identifier, safe="")


def id_column(header: str, rows: list[dict[str, Any]], key: str) -> Column:
    """A column of ids, which a user types next: as wide as the longest, never cut
    short or wrapped, whatever the terminal's width."""
    widest = max((len(str(row[key])) for row in rows), default=len(header))
    return Column(header, no_wrap=True, min_width=max(widest, len(header)))
