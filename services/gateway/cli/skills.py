"""`lps skills`: HR's commands for the skills catalogue."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from services.gateway.cli.client import DEFAULT_URL, KeyOption, UrlOption, call, console
from services.gateway.cli.imports import send_csv

skills_app = typer.Typer(help="HR: the skills catalogue", no_args_is_help=True)


@skills_app.command("import")
def import_skills(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="ESCO CSV file")],
    kind: Annotated[
        str, typer.Option(help="skills, groups, broader or relations (default: from the header)")
    ] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """HR: import one of ESCO's skills_en.csv, skillGroups_en.csv,
    broaderRelationsSkillPillar.csv or skillSkillRelations.csv, in any order."""
    send_csv("/v1/imports/skills", file, url, key, kind=kind)


@skills_app.command("relate")
def relate_skills(
    skill_id: str,
    related_skill_id: str,
    similarity: Annotated[float, typer.Argument(min=0.0, max=1.0, help="0..1; 0 removes it")],
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """HR: relate two skills, so that each credits the other in role fit."""
    body = {"skill_id": skill_id, "related_skill_id": related_skill_id, "similarity": similarity}
    call("PUT", "/v1/skill-relations", url, key, json=body)
    console.print(f"[green]related[/green] {skill_id} and {related_skill_id} at {similarity:g}")
