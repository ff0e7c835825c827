"""`lps outcomes`: managers' commands for commissioned outcomes."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table

from services.gateway.cli.client import (
    DEFAULT_URL,
    KeyOption,
    UrlOption,
    call,
    console,
    id_column,
    segment,
)
from services.gateway.cli.staffing import print_assignments

outcomes_app = typer.Typer(help="Managers: commissioned outcomes", no_args_is_help=True)

ASSESSMENTS = ("met", "partly_met", "not_met")


def _iso_dates(value: object) -> str:
    # YAML reads an unquoted 2027-01-04 as a date; the API takes ISO text.
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _load_document(file: Path) -> Any:
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".json":
        return json.loads(text)
    return json.loads(json.dumps(yaml.safe_load(text), default=_iso_dates))


@outcomes_app.command("create")
def create_outcome(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="YAML or JSON")],
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Create an outcome from a YAML or JSON file."""
    outcome = call("POST", "/v1/outcomes", url, key, json=_load_document(file))
    console.print(f"[green]created outcome {outcome['id']}[/green]: {outcome['title']}")


def outcomes_table(outcomes: list[dict[str, Any]]) -> Table:
    table = Table(
        id_column("id", outcomes, "id"),
        "title",
        id_column("locality", outcomes, "locality"),
        "priority",
        "slots",
    )
    for outcome in outcomes:
        slots = ", ".join(f"{s['count']}x {s['role_id']}" for s in outcome["slots"])
        table.add_row(
            outcome["id"], outcome["title"], outcome["locality"], str(outcome["priority"]), slots
        )
    return table


@outcomes_app.command("list")
def list_outcomes(url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Outcomes with their slots."""
    page = call("GET", "/v1/outcomes", url, key, params={"page_size": 100})
    console.print(outcomes_table(page["items"]))


@outcomes_app.command("assignments")
def outcome_assignments(outcome_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Who is staffed on an outcome."""
    print_assignments(call("GET", f"/v1/outcomes/{outcome_id}/assignments", url, key)["items"])


@outcomes_app.command("close")
def close_outcome(
    outcome_id: str,
    assessment: Annotated[str, typer.Option(help="met, partly_met or not_met")],
    note: Annotated[str, typer.Option(help="Free text kept with the assessment")] = "",
    on: Annotated[str, typer.Option(help="Closing date (YYYY-MM-DD; default today)")] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Close an outcome with its final assessment; its team is kept as history."""
    if assessment not in ASSESSMENTS:
        raise typer.BadParameter(f"one of {', '.join(ASSESSMENTS)}", param_hint="--assessment")
    body: dict[str, Any] = {"assessment": assessment, "note": note}
    if on:
        body["closed_on"] = on
    closed = call("POST", f"/v1/outcomes/{segment(outcome_id)}/close", url, key, json=body)
    console.print(
        f"[green]closed[/green] {closed['id']} on {closed.get('closed_on')}: "
        f"{(closed.get('assessment') or '').replace('_', ' ')}"
    )


@outcomes_app.command("history")
def team_history(outcome_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Who served a closed outcome (an erased person shows as erased)."""
    page = call("GET", f"/v1/outcomes/{segment(outcome_id)}/team-history", url, key)
    table = Table("person", "role", "sector", "fte", "fit", "from", "to")
    for item in page["items"]:
        table.add_row(
            item.get("person_id") or "(erased)",
            item["role_id"],
            item.get("sector") or "",
            f"{item['fte']:.2f}",
            f"{item['fit']:.2f}",
            item.get("start") or "",
            item.get("end") or "",
        )
    console.print(table)
