"""Managers' staffing commands: fit, proposals, commits, releases and what-ifs."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from services.gateway.cli.client import DEFAULT_URL, KeyOption, UrlOption, call, console, id_column


def show_fit(
    person_id: str, role_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = ""
) -> None:
    """How well a person fits a role, requirement by requirement."""
    fit = call("GET", f"/v1/people/{person_id}/fit", url, key, params={"role": role_id})
    console.print(f"[bold]{person_id}[/bold] as {role_id}: fit [bold]{fit['fit']:.2f}[/bold]")
    table = Table("skill", "needs", "has", "credit", "status", "via")
    for req in fit["requirements"]:
        table.add_row(
            req["skill_id"],
            str(req["min_level"]),
            str(req.get("level", 0)),
            f"{req['credit']:.2f}",
            req["status"],
            req.get("via_skill_id") or "",
        )
    console.print(table)
    steps = ", ".join(f"{s['skill_id']} {s['from_level']}→{s['to_level']}" for s in fit["steps"])
    if steps:
        console.print(f"to learn, most useful first: {steps}")


def _parse_pin(text: str) -> dict[str, str]:
    parts = text.split(":")
    if len(parts) != 3 or not all(parts):
        raise typer.BadParameter("a pin is PERSON:OUTCOME:ROLE", param_hint="--pin")
    return {"person_id": parts[0], "outcome_id": parts[1], "role_id": parts[2]}


def print_proposal(proposal: dict[str, Any]) -> None:
    console.print(proposal.get("summary", ""), highlight=False)
    console.print(
        f"proposal [bold]{proposal.get('id') or '(what-if)'}[/bold]: {proposal['status']} "
        f"(solver objective {proposal.get('objective', 0):.1f}, gap {proposal.get('gap', 0):.2%})",
        style="dim",
    )
    for team in proposal.get("teams", []):
        _print_team(team)
    for conflict in proposal.get("conflicts", []):
        console.print(f"  [red]conflict[/red] {conflict['rule']}: {conflict['detail']}")
    for note in proposal.get("fairness_notes", []):
        console.print(f"  [yellow]fairness[/yellow] {note}", highlight=False)


def _print_team(team: dict[str, Any]) -> None:
    table = Table("person", "role", "fte", "fit", "reasons", title=team["outcome_id"])
    for item in team["assignments"]:
        reasons = list(item.get("reasons", []))
        if item.get("development"):
            learns = ", ".join(item.get("learns_skill_ids", []))
            reasons.insert(0, f"development placement, learns {learns}")
        table.add_row(
            item["person_id"],
            item["role_id"],
            f"{item['fte']:.2f}",
            f"{item['fit']:.2f}",
            "; ".join(reasons),
        )
    console.print(table)
    for use in team.get("contributions", []):
        restricted = (
            f", only {use['restricted_to']} staff costs" if use.get("restricted_to") else ""
        )
        console.print(
            f"  {use['organisation']} ({use.get('sector') or 'sector unknown'}{restricted}): "
            f"{use['used']:.2f} used of {use['amount']:.2f}"
        )
    for unfilled in team.get("unfilled", []):
        console.print(
            f"  [yellow]unfilled[/yellow] {unfilled['count']}x {unfilled['role_id']}: "
            f"{unfilled['reason']}"
        )


def propose(
    outcome_ids: Annotated[list[str], typer.Argument(help="Outcomes to staff together")],
    pin: Annotated[list[str], typer.Option(help="PERSON:OUTCOME:ROLE")] = [],  # noqa: B006
    exclude: Annotated[list[str], typer.Option(help="A person not to staff")] = [],  # noqa: B006
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take")] = 10.0,
    strict: Annotated[bool, typer.Option(help="All slots or nothing, explained")] = False,
    collaboration: Annotated[
        float,
        typer.Option(help="Weight for placing people who worked together on met outcomes (0: off)"),
    ] = 0.0,
    new_connections: Annotated[
        float, typer.Option(help="Weight for placing people who have not worked together (0: off)")
    ] = 0.0,
    fairness: Annotated[
        float,
        typer.Option(help="Spread work: nobody above this share of capacity while others idle"),
    ] = 0.0,
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Propose teams for one or more outcomes."""
    body: dict[str, Any] = {
        "outcome_ids": outcome_ids,
        "pins": [_parse_pin(p) for p in pin],
        "exclusions": exclude,
        "time_limit_s": time_limit,
        "mode": "strict" if strict else "soft",
    }
    weights = {
        name: value
        for name, value in (("collaboration", collaboration), ("new_connections", new_connections))
        if value
    }
    if weights:
        body["weights"] = weights
    if fairness:
        body["fairness"] = {"max_share_of_capacity": fairness}
    print_proposal(call("POST", "/v1/staffing/proposals", url, key, json=body))


def commit(proposal_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Commit a proposal: its people are staffed."""
    print_proposal(call("POST", f"/v1/staffing/proposals/{proposal_id}/commit", url, key))
    console.print("[green]committed[/green]")


def release(
    outcome_id: str, person_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = ""
) -> None:
    """Managers: release a person's committed assignment on an outcome."""
    call("DELETE", f"/v1/outcomes/{outcome_id}/assignments/{person_id}", url, key)
    console.print(f"[green]released[/green] {person_id} from {outcome_id}")


def what_if(
    outcome_ids: Annotated[list[str], typer.Argument(help="Outcomes to staff together")],
    level: Annotated[
        list[str], typer.Option(help="PERSON:SKILL:LEVEL, a level raised (or lowered)")
    ] = [],  # noqa: B006
    remove: Annotated[list[str], typer.Option(help="A person who leaves")] = [],  # noqa: B006
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take")] = 10.0,
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Staff outcomes as if levels changed or people left; nothing is stored."""
    changes = []
    for text in level:
        parts = text.split(":")
        if len(parts) != 3 or not parts[2].isdigit():
            raise typer.BadParameter("a level is PERSON:SKILL:LEVEL", param_hint="--level")
        changes.append({"person_id": parts[0], "skill_id": parts[1], "level": int(parts[2])})
    body = {
        "outcome_ids": outcome_ids,
        "time_limit_s": time_limit,
        "what_if": {"level_changes": changes, "remove_person_ids": remove},
    }
    proposal = call("POST", "/v1/staffing/proposals", url, key, json=body)
    print_proposal(proposal)
    diff = proposal.get("diff") or {}
    for label, items in (("added", diff.get("added", [])), ("removed", diff.get("removed", []))):
        for item in items:
            console.print(
                f"  {label} {item['person_id']} as {item['role_id']} in {item['outcome_id']}"
            )


def print_assignments(items: list[dict[str, Any]]) -> None:
    table = Table(
        id_column("outcome", items, "outcome_id"),
        id_column("person", items, "person_id"),
        "role",
        "fte",
        "fit",
        "state",
    )
    for item in items:
        table.add_row(
            item["outcome_id"],
            item["person_id"],
            item["role_id"],
            f"{item['fte']:.2f}",
            f"{item['fit']:.2f}",
            item.get("state") or "",
        )
    console.print(table)
