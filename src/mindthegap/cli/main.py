"""Entry point: ``mindthegap [--debug] [--db URL] COMMAND …``.

Errors a user can cause (:class:`~mindthegap.errors.MindTheGapError`) print one line and exit with code 2;
anything else is a bug and prints a short apology with the way to get the traceback (``--debug``).
"""

from __future__ import annotations

import os
import sys

import typer

from mindthegap import __version__
from mindthegap.cli.console import err_console
from mindthegap.errors import MindTheGapError

app = typer.Typer(
    name="mindthegap",
    help=(
        "Measure and help close the gap between health and social-care policy and practice.\n\n"
        "Start with [bold]mindthegap demo[/bold] to build a synthetic study and its report. "
        "Studies live in a SQLite file by default; set --db or MINDTHEGAP_DATABASE_URL to use PostgreSQL."
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mindthegap {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks for errors (for bug reports)."),
    db: str = typer.Option(
        None,
        "--db",
        envvar="MINDTHEGAP_DATABASE_URL",
        help="Study database: a .sqlite3 path, a folder, or postgresql://user@host:5432/name.",
        show_envvar=True,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    _state["debug"] = debug
    if db:
        os.environ["MINDTHEGAP_DATABASE_URL"] = db


def _register() -> None:
    from mindthegap.cli import analyse, demo, study, web

    app.command("demo")(demo.demo)
    app.command("gap")(analyse.gap)
    app.add_typer(study.app, name="study")
    app.command("serve")(web.serve)
    app.add_typer(web.users, name="user")
    from mindthegap.cli import code

    app.add_typer(code.app, name="code")
    from mindthegap.cli import qual

    app.add_typer(qual.app, name="qual")
    app.command("agreement")(qual.agreement)
    from mindthegap.cli import survey

    app.add_typer(survey.app, name="survey")
    # further command groups are registered here


_register()


def run() -> None:
    """Console-script entry point with one-line errors."""
    debug = "--debug" in sys.argv[1:]
    try:
        app(standalone_mode=False)
    except MindTheGapError as exc:
        if debug:
            raise
        err_console.print(f"[bold red]error:[/] {exc}", soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written")
        sys.exit(130)
    except Exception as exc:  # click usage errors carry their own exit code
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            sys.exit(exc.exit_code)
        if isinstance(exc, click.exceptions.Exit):
            sys.exit(exc.exit_code)
        if debug:
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''} "
            "— run again with --debug for the traceback and report it",
            soft_wrap=True,
        )
        sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    run()
