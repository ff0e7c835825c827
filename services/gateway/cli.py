"""`lps`: the command-line client of the gateway, for each persona's common tasks.

Talks HTTP to a running gateway only. Set LPS_URL (default http://127.0.0.1:8080)
and LPS_KEY (an API key; `make up` prints one per persona).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer
import yaml
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from services.common.errors import InvalidArgument
from services.gateway.domain.csv_text import DELIMITER_NAMES, decode_csv, detect_delimiter
from services.gateway.domain.people_csv import PEOPLE_COLUMNS
from services.gateway.people_import import (
    ImportInterrupted,
    import_people_file,
    state_path_for,
)

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False)
people_app = typer.Typer(help="HR: people and their levels", no_args_is_help=True)
outcomes_app = typer.Typer(help="Managers: commissioned outcomes", no_args_is_help=True)
app.add_typer(people_app, name="people")
app.add_typer(outcomes_app, name="outcomes")
training_app = typer.Typer(help="Training planners: plans and completions", no_args_is_help=True)
app.add_typer(training_app, name="training")
skills_app = typer.Typer(help="HR: the skills catalogue", no_args_is_help=True)
app.add_typer(skills_app, name="skills")
results_app = typer.Typer(
    help="Managers: results recorded against an outcome's measures", no_args_is_help=True
)
app.add_typer(results_app, name="results")
console = Console()

UrlOption = Annotated[str, typer.Option(envvar="LPS_URL", help="Gateway address")]
KeyOption = Annotated[str, typer.Option(envvar="LPS_KEY", help="API key")]
DEFAULT_URL = "http://127.0.0.1:8080"
PEOPLE_PER_REQUEST = 200
# A training plan the staffing re-run does not confirm: the answer came, but it is not a plan.
UNCONFIRMED_EXIT = 3


class GatewayError(Exception):
    def __init__(self, problem: dict[str, Any]) -> None:
        self.problem = problem
        super().__init__(problem.get("detail") or problem.get("title") or "request failed")


def _client(url: str, key: str) -> httpx.Client:
    if not key:
        raise typer.BadParameter("set LPS_KEY or pass --key", param_hint="--key")
    return httpx.Client(base_url=url, headers={"Authorization": f"Bearer {key}"}, timeout=120.0)


def _answer(response: httpx.Response) -> Any:
    if response.is_success:
        return response.json() if response.content else None
    try:
        problem = response.json()
    except ValueError:
        problem = {"title": response.reason_phrase, "status": response.status_code}
    raise GatewayError(problem)


def _refuse(sentence: str) -> typer.Exit:
    console.print(f"[red]{sentence}[/red]")
    return typer.Exit(code=1)


def _fail(error: GatewayError) -> typer.Exit:
    problem = error.problem
    console.print(f"[red]{problem.get('status', '')} {problem.get('title', 'error')}[/red]")
    if problem.get("detail"):
        console.print(problem["detail"])
    for item in problem.get("errors", []):
        console.print(f"  {item.get('field', '')}: {item.get('message', '')}")
    return typer.Exit(code=1)


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
        raise _refuse(f"{file}: {error.violations[0].message}") from None
    delimiter = detect_delimiter(upload.text, PEOPLE_COLUMNS)
    console.print(f"reading {file} as {upload.encoding}, {DELIMITER_NAMES[delimiter]}-separated")
    state_path = state_path_for(file)
    with (
        _client(url, key) as client,
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
                describe_failure=_problem_text,
            )
        except ImportInterrupted as stopped:
            progress.stop()
            done = stopped.state.chunks_done
            console.print(
                f"[red]{stopped}[/red]\n"
                + (f"chunks 1-{done} are imported; " if done else "nothing is imported yet; ")
                + f"run the same command again to resume at chunk {stopped.chunk_number} "
                f"(progress is kept in {state_path.name}; --restart sends the whole file)."
            )
            raise typer.Exit(code=1) from None
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


def _problem_text(response: httpx.Response) -> str:
    try:
        problem = response.json()
    except ValueError:
        return f"{response.status_code} {response.reason_phrase}"
    text = f"{problem.get('status', response.status_code)} {problem.get('title', '')}".strip()
    return f"{text}: {problem['detail']}" if problem.get("detail") else text


@people_app.command("show")
def show_person(person_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """A person with their levels."""
    with _client(url, key) as client:
        try:
            person = _answer(client.get(f"/v1/people/{person_id}"))
        except GatewayError as error:
            raise _fail(error) from error
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
        response = client.get(f"/v1/skills/{quote(skill_id, safe='')}")
        if response.is_success:
            labels[skill_id] = str(response.json().get("label", ""))
    return labels


@app.command("fit")
def show_fit(
    person_id: str, role_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = ""
) -> None:
    """How well a person fits a role, requirement by requirement."""
    with _client(url, key) as client:
        try:
            fit = _answer(client.get(f"/v1/people/{person_id}/fit", params={"role": role_id}))
        except GatewayError as error:
            raise _fail(error) from error
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
    with _client(url, key) as client:
        try:
            outcome = _answer(client.post("/v1/outcomes", json=_load_document(file)))
        except GatewayError as error:
            raise _fail(error) from error
    console.print(f"[green]created outcome {outcome['id']}[/green]: {outcome['title']}")


@outcomes_app.command("list")
def list_outcomes(url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Outcomes with their slots."""
    with _client(url, key) as client:
        try:
            page = _answer(client.get("/v1/outcomes", params={"page_size": 100}))
        except GatewayError as error:
            raise _fail(error) from error
    table = Table("id", "title", "locality", "priority", "slots")
    for outcome in page["items"]:
        slots = ", ".join(f"{s['count']}x {s['role_id']}" for s in outcome["slots"])
        table.add_row(
            outcome["id"], outcome["title"], outcome["locality"], str(outcome["priority"]), slots
        )
    console.print(table)


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
    for conflict in proposal.get("conflicts", []):
        console.print(f"  [red]conflict[/red] {conflict['rule']}: {conflict['detail']}")
    for note in proposal.get("fairness_notes", []):
        console.print(f"  [yellow]fairness[/yellow] {note}", highlight=False)


@app.command("propose")
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
    with _client(url, key) as client:
        try:
            proposal = _answer(client.post("/v1/staffing/proposals", json=body))
        except GatewayError as error:
            raise _fail(error) from error
    print_proposal(proposal)


@app.command("commit")
def commit(proposal_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Commit a proposal: its people are staffed."""
    with _client(url, key) as client:
        try:
            proposal = _answer(client.post(f"/v1/staffing/proposals/{proposal_id}/commit"))
        except GatewayError as error:
            raise _fail(error) from error
    print_proposal(proposal)
    console.print("[green]committed[/green]")


@app.command("gaps")
def gaps(
    locality: Annotated[str, typer.Option(help="Ward or town")] = "",
    role: Annotated[str, typer.Option(help="One role only")] = "",
    solve: Annotated[
        bool, typer.Option(help="Also run staffing once to learn which places stay empty")
    ] = False,
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Training planners: demand against supply for the open outcomes."""
    params = {name: value for name, value in (("locality", locality), ("role", role)) if value}
    if solve:
        params["solve"] = "true"
    with _client(url, key) as client:
        try:
            report = _answer(client.get("/v1/gaps", params=params))
        except GatewayError as error:
            raise _fail(error) from error
    roles = Table(
        "role", "open places", "supply", "unfilled", title="Roles (supply: distinct people)"
    )
    for item in report.get("roles", []):
        roles.add_row(
            item["role_id"], str(item["demanded"]), str(item["supply"]), str(item["unfilled"])
        )
    console.print(roles)
    # A role's supply counts anyone who could take one of its places, so one easy
    # slot can hide a hard one; each slot's own figures say which is short.
    slots = Table(
        "outcome", "role", "places", "committed", "open", "supply", "unfilled", title="Slots"
    )
    for item in report.get("slots", []):
        slots.add_row(
            item["outcome_id"],
            item["role_id"],
            *(str(item[name]) for name in ("places", "committed", "open", "supply", "unfilled")),
        )
    console.print(slots)
    blocked = Table("outcome", "role", "count", "reason", "blocking skills", title="Blocked slots")
    for item in report.get("blocked_slots", []):
        blocked.add_row(
            item["outcome_id"],
            item["role_id"],
            str(item["count"]),
            item["reason"],
            ", ".join(item.get("blocking_skill_ids", [])),
        )
    console.print(blocked)
    closest = Table("person", "role", "fit", "to learn", title="Closest people")
    for item in report.get("closest", []):
        steps = ", ".join(f"{s['skill_id']}→{s['to_level']}" for s in item.get("steps", []))
        closest.add_row(item["person_id"], item["role_id"], f"{item['fit']:.2f}", steps)
    console.print(closest)


def print_plan(plan: dict[str, Any], out: Console = console) -> None:
    check = plan.get("check", {})
    out.print(
        f"training plan [bold]{plan['id']}[/bold]: {plan.get('status')}, "
        f"cost {plan.get('total_cost', 0):.2f} of {plan.get('budget', 0):.2f}, "
        f"deadline {plan.get('deadline')}, "
        f"{plan.get('completed_count', 0)}/{plan.get('enrolment_count', 0)} completed"
    )
    confirmed = bool(check.get("holds"))
    colour = "green" if confirmed else "red"
    out.print(f"  [{colour}]{plan.get('headline', '')}[/{colour}]", highlight=False)
    out.print(
        f"  staffing re-run: {check.get('filled_places', 0)}/{check.get('claimed_places', 0)} "
        "claimed places filled"
    )
    people = Table("person", "course", "skill", "level", "run", "cost", "done", title="Enrolments")
    for person in plan.get("people", []):
        for item in person["enrolments"]:
            people.add_row(
                f"{person['person_id']} {person.get('name', '')}".strip(),
                item.get("course_title") or item["course_id"],
                item["skill_id"],
                f"{item['from_level']}→{item['to_level']}",
                f"{item.get('run_start') or ''}..{item.get('run_end') or ''}",
                f"{item['cost']:.2f}",
                item.get("completed_on") or "",
            )
    out.print(people)
    fillable = Table("outcome", "role", "person", "fit", title="Places made fillable")
    for place in plan.get("fillable", []):
        fillable.add_row(
            place["outcome_id"],
            place["role_id"],
            place["person_id"],
            f"{place['fit_before']:.2f}→{place['fit_after']:.2f}",
        )
    out.print(fillable)
    for unmet in plan.get("unmet", []):
        if not unmet.get("skill_gap", True):
            reach = "not a skill gap"
        else:
            reach = "unreachable" if unmet["unreachable"] else "not funded"
        out.print(
            f"  [yellow]{reach}[/yellow] {unmet['count']}x {unmet['kind']} "
            f"{unmet['subject_id']} in {unmet['outcome_id']}: {unmet['reason']}"
        )


@training_app.command("plan")
def plan_training(
    budget: Annotated[float, typer.Option(help="Money for training")],
    deadline: Annotated[str, typer.Option(help="Every course ends by then (YYYY-MM-DD)")],
    outcome_ids: Annotated[
        list[str] | None, typer.Argument(help="Outcomes to plan for (default: all open)")
    ] = None,
    time_limit: Annotated[float, typer.Option(help="Seconds the solver may take")] = 10.0,
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Plan who takes which course so that the most open demand becomes staffable."""
    body = {
        "outcome_ids": outcome_ids or [],
        "budget": budget,
        "deadline": deadline,
        "options": {"time_limit_s": time_limit},
    }
    with _client(url, key) as client:
        try:
            plan = _answer(client.post("/v1/training/plans", json=body))
        except GatewayError as error:
            raise _fail(error) from error
    print_plan(plan)
    if plan.get("status") == "unconfirmed":
        raise typer.Exit(code=UNCONFIRMED_EXIT)


@training_app.command("show")
def show_plan(plan_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """A stored training plan with its progress."""
    with _client(url, key) as client:
        try:
            plan = _answer(client.get(f"/v1/training/plans/{plan_id}"))
        except GatewayError as error:
            raise _fail(error) from error
    print_plan(plan)


@training_app.command("complete")
def complete_course(
    plan_id: str,
    person_id: str,
    course_id: str,
    on: Annotated[str, typer.Option(help="Completion date (default today)")] = "",
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """Record that a person completed a course of the plan; their level follows."""
    body: dict[str, Any] = {"person_id": person_id, "course_id": course_id}
    if on:
        body["completed_on"] = on
    with _client(url, key) as client:
        try:
            plan = _answer(client.post(f"/v1/training/plans/{plan_id}/completions", json=body))
        except GatewayError as error:
            raise _fail(error) from error
    print_plan(plan)


def _request(method: str, path: str, url: str, key: str, **kwargs: Any) -> Any:
    with _client(url, key) as client:
        try:
            return _answer(client.request(method, path, **kwargs))
        except GatewayError as error:
            raise _fail(error) from error


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


def _import_csv(path: str, file: Path, url: str, key: str, **params: str) -> None:
    report = _request(
        "POST",
        path,
        url,
        key,
        content=file.read_bytes(),
        headers={"Content-Type": "text/csv"},
        params={name: value for name, value in params.items() if value},
    )
    print_import(report)


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
    saved = _request("PUT", f"/v1/people/{person_id}/skills/{skill_id}", url, key, json=body)
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
    page = _request("GET", f"/v1/people/{person_id}/history", url, key, params=params)
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
    print_assignments(_request("GET", f"/v1/people/{person_id}/assignments", url, key)["items"])


def print_assignments(items: list[dict[str, Any]]) -> None:
    table = Table("outcome", "person", "role", "fte", "fit", "state")
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


@outcomes_app.command("assignments")
def outcome_assignments(outcome_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Who is staffed on an outcome."""
    print_assignments(_request("GET", f"/v1/outcomes/{outcome_id}/assignments", url, key)["items"])


@app.command("release")
def release(
    outcome_id: str, person_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = ""
) -> None:
    """Managers: release a person's committed assignment on an outcome."""
    _request("DELETE", f"/v1/outcomes/{outcome_id}/assignments/{person_id}", url, key)
    console.print(f"[green]released[/green] {person_id} from {outcome_id}")


@app.command("what-if")
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
    proposal = _request("POST", "/v1/staffing/proposals", url, key, json=body)
    print_proposal(proposal)
    diff = proposal.get("diff") or {}
    for label, items in (("added", diff.get("added", [])), ("removed", diff.get("removed", []))):
        for item in items:
            console.print(
                f"  {label} {item['person_id']} as {item['role_id']} in {item['outcome_id']}"
            )


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
    _import_csv("/v1/imports/skills", file, url, key, kind=kind)


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
    _request("PUT", "/v1/skill-relations", url, key, json=body)
    console.print(f"[green]related[/green] {skill_id} and {related_skill_id} at {similarity:g}")


@training_app.command("import-courses")
def import_courses(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Courses CSV")],
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """HR: import the training catalogue from CSV."""
    _import_csv("/v1/imports/courses", file, url, key)


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
    saved = _request("POST", f"/v1/outcomes/{_segment(outcome_id)}/results", url, key, json=body)
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
    path = f"/v1/outcomes/{_segment(outcome_id)}"
    outcome = _request("GET", path, url, key)
    page = _request("GET", f"{path}/results", url, key, params=params)
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


ASSESSMENTS = ("met", "partly_met", "not_met")


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
    closed = _request("POST", f"/v1/outcomes/{_segment(outcome_id)}/close", url, key, json=body)
    console.print(
        f"[green]closed[/green] {closed['id']} on {closed.get('closed_on')}: "
        f"{(closed.get('assessment') or '').replace('_', ' ')}"
    )


@outcomes_app.command("history")
def team_history(outcome_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """Who served a closed outcome (an erased person shows as erased)."""
    page = _request("GET", f"/v1/outcomes/{_segment(outcome_id)}/team-history", url, key)
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


GROUPINGS = ("locality", "approach", "priority")


def print_learning(report: dict[str, Any], out: Console = console) -> None:
    """Each group's figures with the count each rests on; withheld figures said so."""
    minimum = report.get("min_group_size", 0)
    out.print(
        f"Closed outcomes by {report.get('group_by') or 'locality'}: how team composition is "
        f"associated with results. A group of fewer than {minimum} closed outcomes shows "
        "its counts but no figures.",
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
            table.add_row(
                group["key"] if first else "",
                str(group["outcomes"]) if first else "",
                f"contributed by {(contribution.get('sector') or 'unknown').replace('_', ' ')}",
                f"{contribution['amount']:.2f}",
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


@app.command("learning")
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
    with _client(url, key) as client:
        if as_csv:
            response = client.get("/v1/exports/learning.csv", params=params)
            if not response.is_success:
                raise _fail(GatewayError(_problem_of(response)))
            typer.echo(response.text, nl=False)
            return
        try:
            report = _answer(client.get("/v1/learning", params=params))
        except GatewayError as error:
            raise _fail(error) from error
    print_learning(report)


def _problem_of(response: httpx.Response) -> dict[str, Any]:
    try:
        problem: dict[str, Any] = response.json()
    except ValueError:
        return {"title": response.reason_phrase, "status": response.status_code}
    return problem


def _segment(identifier: str) -> str:
    return quote(identifier, safe="")


def main() -> None:
    """Every failure ends in one sentence and a non-zero exit, never a traceback."""
    try:
        app()
    except httpx.TransportError as error:
        where = (
            str(error.request.url.copy_with(path="/", query=None)) if _has_request(error) else ""
        )
        reason = str(error) or type(error).__name__
        console.print(
            f"[red]Cannot reach the gateway at {where or 'LPS_URL'}[/red] ({reason}); "
            "check LPS_URL and that the gateway runs (make up)."
        )
        raise SystemExit(2) from None
    except httpx.HTTPError as error:
        console.print(f"[red]The request to the gateway failed:[/red] {error}")
        raise SystemExit(2) from None
    except OSError as error:
        console.print(f"[red]Cannot read {error.filename or 'the file'}:[/red] {error.strerror}")
        raise SystemExit(1) from None
    except (ValueError, KeyError, TypeError, yaml.YAMLError) as error:
        console.print(f"[red]lps cannot go on:[/red] {type(error).__name__}: {error}")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        console.print("[yellow]Stopped.[/yellow]")
        raise SystemExit(130) from None


def _has_request(error: httpx.TransportError) -> bool:
    try:
        error.request  # noqa: B018
    except RuntimeError:
        return False
    return True
