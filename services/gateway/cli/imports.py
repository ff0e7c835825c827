"""CSV files sent to the gateway's imports, and the reports they get."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.table import Table

from services.gateway.cli.client import call, console


def send_csv(path: str, file: Path, url: str, key: str, **params: str) -> None:
    """Posts a CSV file whole and prints the import's report."""
    report = call(
        "POST",
        path,
        url,
        key,
        content=file.read_bytes(),
        headers={"Content-Type": "text/csv"},
        params={name: value for name, value in params.items() if value},
    )
    print_import(report)


def print_import(report: dict[str, Any]) -> None:
    """An import report: how the file was read, rows read, what changed, what
    did not, and each bad row."""
    if report.get("encoding"):
        console.print(f"read as {report['encoding']}, {report.get('delimiter', 'comma')}-separated")
    console.print(
        f"{report.get('rows_read', 0)} rows read: [green]{report.get('accepted', 0)} "
        f"imported[/green], {report.get('unchanged', 0)} unchanged, "
        f"{report.get('rejected_rows', 0)} rejected"
        + (
            f" ({report['relations_written']} relations written)"
            if report.get("relations_written")
            else ""
        )
        + (
            f"; {report['relations_pending']} relations wait for their concepts"
            if report.get("relations_pending")
            else ""
        )
    )
    errors = report.get("errors", [])
    if errors:
        table = Table("line", "field", "reason", title="Rejected rows")
        for item in errors:
            table.add_row(str(item.get("line", "")), item.get("field", ""), item.get("reason", ""))
        console.print(table)
