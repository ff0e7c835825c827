"""`lps`: the command-line client of the gateway, for each persona's common tasks.

Talks HTTP to a running gateway only. Set LPS_URL (default http://127.0.0.1:8080)
and LPS_KEY (an API key; `make up` prints one per persona).
"""

from __future__ import annotations

import httpx
import typer
import yaml

from services.gateway.cli import learning, staffing, training
from services.gateway.cli.client import console
from services.gateway.cli.outcomes import outcomes_app
from services.gateway.cli.people import people_app
from services.gateway.cli.skills import skills_app

app = typer.Typer(help=__doc__, no_args_is_help=True, pretty_exceptions_enable=False)
app.add_typer(people_app, name="people")
app.add_typer(outcomes_app, name="outcomes")
app.add_typer(training.training_app, name="training")
app.add_typer(skills_app, name="skills")
app.add_typer(learning.results_app, name="results")
app.command("fit")(staffing.show_fit)
app.command("propose")(staffing.propose)
app.command("commit")(staffing.commit)
app.command("gaps")(training.gaps)
app.command("release")(staffing.release)
app.command("what-if")(staffing.what_if)
app.command("learning")(learning.learning)


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
