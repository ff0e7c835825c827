"""Shared learning: results against an outcome's measures, and the learning report."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.gateway.cli.client import (
    DEFAULT_URL,
    GatewayError,
    KeyOption,
    UrlOption,
    answer,
    call,
    console,
    fail,
    gateway_client,
    problem_of,
    segment,
)

results_app = typer.Typer(
    help="Managers: results recorded against an outcome's measures", no_args_is_help=True
)

GROUPINGS = ("locality", "approach", "priority")
SECTOR_WORDS = {
    "public": "the public sector",
    "private": "the private sector",
    "third_sector": "the third sector",
    "community": "the community",
}


@results_app.command("add")
def add_result(
    outcome_id: str,
    measure_id: str,
    value: float,
    on: Annotated[
        str, typer.Option(help="Date the value describes (YYYY-MM-DD; default today)")
    ] = "",
    source: Annotated[str, typer.Option(help="Where the figure comes from")] = "",
    note: Annotated[str, typer.Option(help="Free text kept with it")] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Record a result of one of an outcome's measures."""
    body = {
        "measure_id": measure_id,
        "value": value,
        "date": on or date.today().isoformat(),
        "source": source,
        "note": note,
    }
    saved = call("POST", f"/v1/outcomes/{segment(outcome_id)}/results", url, key, json=body)
    console.print(
        f"[green]recorded[/green] {saved['measure_id']} = {saved['value']:g} on {saved['date']} "
        f"for {saved['outcome_id']}"
    )


@results_app.command("list")
def list_results(
    outcome_id: str,
    measure: Annotated[str, typer.Option(help="One measure only")] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """The results recorded for an outcome, with its measures' baselines and targets."""
    params = {"measure_id": measure} if measure else {}
    path = f"/v1/outcomes/{segment(outcome_id)}"
    outcome = call("GET", path, url, key)
    page = call("GET", f"{path}/results", url, key, params=params)
    measures = {m["id"]: m for m in outcome.get("measures", [])}
    table = Table("date", "measure", "value", "baseline", "target", "source", "note")
    for item in page["items"]:
        found = measures.get(item["measure_id"], {})
        unit = f" {found['unit']}" if found.get("unit") else ""
        table.add_row(
            item["date"] or "",
            item["measure_id"],
            f"{item['value']:g}{unit}",
            f"{found['baseline']:g}" if found else "",
            f"{found['target']:g}" if found else "",
            item.get("source", ""),
            item.get("note", ""),
        )
    console.print(table)


def print_learning(report: dict[str, Any], out: Console = console) -> None:
    """Each group's figures with the count each rests on; withheld figures said so."""
    minimum = report.get("min_group_size", 0)
    out.print(
        f"Closed outcomes by {report.get('group_by') or 'locality'}: how team composition is "
        f"associated with results. A group of fewer than {minimum} closed outcomes shows "
        "its counts but no figures. A pooled budget is the total its outcomes' contributors "
        "put in, by sector.",
        highlight=False,
    )
    table = Table("group", "outcomes", "figure", "value", "count", title="Learning report")
    for group in report.get("groups", []):
        first = True
        for figure in group.get("figures", []):
            value = figure.get("value")
            table.add_row(
                group["key"] if first else "",
                str(group["outcomes"]) if first else "",
                figure.get("label") or figure["name"],
                _figure_text(value, figure["count"]),
                str(figure["count"]),
            )
            first = False
        for contribution in group.get("contributions", []):
            sector = SECTOR_WORDS.get(contribution.get("sector") or "", "an unknown sector")
            table.add_row(
                group["key"] if first else "",
                str(group["outcomes"]) if first else "",
                f"budget pooled from {sector}",
                f"£{contribution['amount']:,.0f}",
                "",
            )
            first = False
        if first:
            table.add_row(group["key"], str(group["outcomes"]), "", "", "")
        table.add_section()
    out.print(table)
    for note in report.get("notes", []):
        out.print(f"  {note}", highlight=False)


def _figure_text(value: float | None, count: int) -> str:
    if value is not None:
        return f"{value:.2f}"
    return "no data" if count == 0 else "withheld"


def learning(
    group_by: Annotated[str, typer.Option(help="locality, approach or priority")] = "locality",
    min_group_size: Annotated[
        int, typer.Option(help="Withhold figures of smaller groups (0: the service's default)")
    ] = 0,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print the report as CSV")] = False,
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Planners: what team composition is associated with, over closed outcomes."""
    if group_by not in GROUPINGS:
        raise typer.BadParameter(f"one of {', '.join(GROUPINGS)}", param_hint="--group-by")
    params: dict[str, Any] = {"group_by": group_by}
    if min_group_size:
        params["min_group_size"] = min_group_size
    with gateway_client(url, key) as client:
        if as_csv:
            response = client.get("/v1/exports/learning.csv", params=params)
            if not response.is_success:
                raise fail(GatewayError(problem_of(response)))
            typer.echo(response.text, nl=False)
            return
        try:
            report = answer(client.get("/v1/learning", params=params))
        except GatewayError as error:
            raise fail(error) from error
    print_learning(report)
