"""Training planners' commands: the gap report, training plans and completions."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from services.gateway.cli.client import DEFAULT_URL, KeyOption, UrlOption, call, console, id_column
from services.gateway.cli.imports import send_csv

training_app = typer.Typer(help="Training planners: plans and completions", no_args_is_help=True)

# A training plan the staffing re-run does not confirm: the answer came, but it is not a plan.
UNCONFIRMED_EXIT = 3
SLOT_FIGURES = ("places", "committed", "open", "supply", "unfilled")


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
    report = call("GET", "/v1/gaps", url, key, params=params)
    for table in _gap_tables(report):
        console.print(table)


def _gap_tables(report: dict[str, Any]) -> list[Table]:
    roles = Table(
        "role", "open places", "supply", "unfilled", title="Roles (supply: distinct people)"
    )
    for item in report.get("roles", []):
        roles.add_row(
            item["role_id"], str(item["demanded"]), str(item["supply"]), str(item["unfilled"])
        )
    # A role's supply counts anyone who could take one of its places, so one easy
    # slot can hide a hard one; each slot's own figures say which is short.
    slot_rows = report.get("slots", [])
    slots = Table(
        id_column("outcome", slot_rows, "outcome_id"), "role", *SLOT_FIGURES, title="Slots"
    )
    for item in slot_rows:
        slots.add_row(
            item["outcome_id"], item["role_id"], *(str(item[name]) for name in SLOT_FIGURES)
        )
    blocked_rows = report.get("blocked_slots", [])
    blocked = Table(
        id_column("outcome", blocked_rows, "outcome_id"),
        id_column("role", blocked_rows, "role_id"),
        "count",
        "reason",
        "blocking skills",
        title="Blocked slots",
    )
    for item in blocked_rows:
        blocked.add_row(
            item["outcome_id"],
            item["role_id"],
            str(item["count"]),
            item["reason"],
            ", ".join(item.get("blocking_skill_ids", [])),
        )
    closest = Table("person", "role", "fit", "to learn", title="Closest people")
    for item in report.get("closest", []):
        steps = ", ".join(f"{s['skill_id']}→{s['to_level']}" for s in item.get("steps", []))
        closest.add_row(item["person_id"], item["role_id"], f"{item['fit']:.2f}", steps)
    return [roles, slots, blocked, closest]


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
    plan = call("POST", "/v1/training/plans", url, key, json=body)
    print_plan(plan)
    if plan.get("status") == "unconfirmed":
        raise typer.Exit(code=UNCONFIRMED_EXIT)


@training_app.command("show")
def show_plan(plan_id: str, url: UrlOption = DEFAULT_URL, key: KeyOption = "") -> None:
    """A stored training plan with its progress."""
    print_plan(call("GET", f"/v1/training/plans/{plan_id}", url, key))


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
    print_plan(call("POST", f"/v1/training/plans/{plan_id}/completions", url, key, json=body))


@training_app.command("import-courses")
def import_courses(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="Courses CSV")],
    url: UrlOption = DEFAULT_URL,
    key: KeyOption = "",
) -> None:
    """HR: import the training catalogue from CSV."""
    send_csv("/v1/imports/courses", file, url, key)
