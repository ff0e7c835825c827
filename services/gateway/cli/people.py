"""`lps people`: HR's commands for people and their levels."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from services.common.errors import InvalidArgument
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
    problem_text,
    refuse,
    segment,
)
from services.gateway.cli.people_import import (
    ImportInterrupted,
    ImportState,
    import_people_file,
    state_path_for,
)
from services.gateway.cli.staffing import print_assignments
from services.gateway.domain.csv_text import DELIMITER_NAMES, decode_csv, detect_delimiter
from services.gateway.domain.people_csv import PEOPLE_COLUMNS

people_app = typer.Typer(help="HR: people and their levels", no_args_is_help=True)

PEOPLE_PER_REQUEST = 200


@people_app.command("import")
def import_people(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="People CSV")],
    restart: Annotated[
        bool, typer.Option(help="Send every chunk again, even after a run that stopped part way")
    ] = False,
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Import people and their levels from a CSV (one row per person and skill).

    The file goes in chunks of whole people; a run that stops part way says
    which chunk and lines it reached, and the same command resumes there.
    Skills may be named by catalogue id, ESCO concept URI or exact preferred label.
    """
    try:
        upload = decode_csv(file.read_bytes())
    except InvalidArgument as error:
        raise refuse(f"{file}: {error.violations[0].message}") from None
    delimiter = detect_delimiter(upload.text, PEOPLE_COLUMNS)
    console.print(f"reading {file} as {upload.encoding}, {DELIMITER_NAMES[delimiter]}-separated")
    state_path = state_path_for(file)
    with (
        gateway_client(url, key) as client,
        Progress(
            TextColumn("importing"), BarColumn(), MofNCompleteColumn(), console=console
        ) as progress,
    ):
        task = progress.add_task("import", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        try:
            state, started_at = import_people_file(
                client,
                upload.text,
                state_path,
                PEOPLE_PER_REQUEST,
                restart=restart,
                delimiter=delimiter,
                on_chunk=advance,
                describe_failure=problem_text,
            )
        except ImportInterrupted as stopped:
            progress.stop()
            raise _stopped(stopped, state_path) from None
    _print_people_import(state, started_at)


def _stopped(stopped: ImportInterrupted, state_path: Path) -> typer.Exit:
    done = stopped.state.chunks_done
    console.print(
        f"[red]{stopped}[/red]\n"
        + (f"chunks 1-{done} are imported; " if done else "nothing is imported yet; ")
        + f"run the same command again to resume at chunk {stopped.chunk_number} "
        f"(progress is kept in {state_path.name}; --restart sends the whole file)."
    )
    return typer.Exit(code=1)


def _print_people_import(state: ImportState, started_at: int) -> None:
    if started_at > 1:
        console.print(f"resumed at chunk {started_at} of {state.chunks}")
    console.print(
        f"[green]{state.accepted} people imported[/green] ({state.levels_written} levels written), "
        f"{state.unchanged} unchanged, {state.rejected_rows} rows rejected"
    )
    if state.errors:
        table = Table("line", "field", "reason", title="Rejected rows")
        for line, column, reason in sorted(state.errors):
            table.add_row(str(line), column, reason)
        console.print(table)


@people_app.command("show")
def show_person(person_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """A person with their levels."""
    with gateway_client(url, key) as client:
        try:
            person = answer(client.get(f"/v1/people/{person_id}"))
        except GatewayError as error:
            raise fail(error) from error
        labels = _skill_labels(client, [s["skill_id"] for s in person.get("skills", [])])
    console.print(
        f"[bold]{person['name']}[/bold] ({person['id']}), {person['sector']}, "
        f"{person.get('organisation', '')}, {person.get('locality', '')}"
    )
    table = Table("skill", "label", "level", "source", "evidence")
    for skill in person.get("skills", []):
        table.add_row(
            skill["skill_id"],
            labels.get(skill["skill_id"], ""),
            str(skill["level"]),
            skill.get("source", ""),
            skill.get("evidence", ""),
        )
    console.print(table)


def _skill_labels(client: httpx.Client, skill_ids: list[str]) -> dict[str, str]:
    """Each skill's label; a skill that cannot be read shows its id alone."""
    labels: dict[str, str] = {}
    for skill_id in dict.fromkeys(skill_ids):
        response = client.get(f"/v1/skills/{segment(skill_id)}")
        if response.is_success:
            labels[skill_id] = str(response.json().get("label", ""))
    return labels


@people_app.command("level")
def set_level(
    person_id: str,
    skill_id: str,
    level: Annotated[int, typer.Argument(min=1, max=4, help="1 awareness .. 4 expert")],
    source: Annotated[
        str, typer.Option(help="self, manager, assessment, training, certificate")
    ] = "self",
    evidence: Annotated[str, typer.Option(help="What the level rests on")] = "",
    valid_until: Annotated[str, typer.Option(help="YYYY-MM-DD after which it lapses")] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """HR: set a person's level in a skill."""
    body: dict[str, Any] = {"level": level, "source": source, "evidence": evidence}
    if valid_until:
        body["valid_until"] = valid_until
    saved = call("PUT", f"/v1/people/{person_id}/skills/{skill_id}", url, key, json=body)
    console.print(
        f"[green]{person_id}[/green] {saved['skill_id']} at level {saved['level']} "
        f"({saved.get('source') or source})"
    )


@people_app.command("history")
def level_history(
    person_id: str,
    skill: Annotated[str, typer.Option(help="One skill only")] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Every change of a person's levels, oldest first."""
    params = {"skill": skill} if skill else {}
    page = call("GET", f"/v1/people/{person_id}/history", url, key, params=params)
    table = Table("when", "skill", "level", "source", "by", "evidence")
    for change in page["items"]:
        table.add_row(
            change["at"],
            change["skill_id"],
            f"{change['from_level']}→{change['to_level']}",
            change.get("source") or "",
            change.get("actor", ""),
            change.get("evidence", ""),
        )
    console.print(table)


@people_app.command("assignments")
def person_assignments(person_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Where a person is staffed."""
    print_assignments(call("GET", f"/v1/people/{person_id}/assignments", url, key)["items"])
