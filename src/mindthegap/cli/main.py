"""Entry point: ``mindthegap [--debug] [--db URL] COMMAND …``.

Errors a user can cause (:class:`~mindthegap.errors.MindTheGapError`) print one line and exit with code 2;
anything else is a bug and prints a short apology with the way to get the traceback (``--debug``).
"""

from __future__ import annotations

import os
import sys

import typer

from mindthegap import __version__
from mindthegap.cli.console import err_console, print_error
from mindthegap.errors import InputErrors, MindTheGapError

app = typer.Typer(
    name="mindthegap",
    help=(
        "Measure and help close the gap between health and social-care policy and practice.\n\n"
        "Studies live in [bold]mindthegap.sqlite3 in the folder you run the command from[/bold], unless --db "
        "or MINDTHEGAP_DATABASE_URL names another SQLite file or a PostgreSQL database.\n\n"
        "Examples:\n\n"
        "[bold]mindthegap demo[/bold] — build a synthetic study and its report.html (start here)\n\n"
        "[bold]mindthegap study create study.yaml[/bold], then [bold]study participants[/bold] and "
        "[bold]study ratings[/bold] — bring in your own study\n\n"
        "[bold]mindthegap gap --study northmoor --by principle,service[/bold] — the values–practice gap\n\n"
        "[bold]mindthegap study report northmoor --out report.html[/bold] — the evaluation report\n\n"
        "[bold]mindthegap --db ~/studies/trust.sqlite3 serve[/bold] — the web app on another database\n\n"
        "Each command has its own examples: [bold]mindthegap COMMAND --help[/bold]."
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
        help="Study database: a .sqlite3 path, a folder, or postgresql://user@host:5432/name "
        "(default: mindthegap.sqlite3 in the current folder).",
        show_envvar=True,
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version."
    ),
) -> None:
    _state["debug"] = debug
    if db:
        os.environ["MINDTHEGAP_DATABASE_URL"] = db
    from mindthegap.store import database

    if _note_new_database not in database.on_new_database:
        database.on_new_database.append(_note_new_database)


def _note_new_database(sentence: str) -> None:
    err_console.print(f"note: {sentence}", soft_wrap=True, markup=False)


def _old_code_group() -> None:
    err_console.print(
        "note: 'mindthegap code' is now called 'mindthegap autocode'; the old name will go in a later release",
        markup=False,
        soft_wrap=True,
    )


def _register() -> None:
    from mindthegap.cli import analyse, demo, study, web

    app.command("demo")(demo.demo)
    app.command("gap")(analyse.gap)
    app.add_typer(study.app, name="study")
    app.command("serve")(web.serve)
    app.add_typer(web.users, name="user")
    from mindthegap.cli import autocode

    app.add_typer(autocode.app, name="autocode")
    # the auto-coder's commands were `mindthegap code …`; that spelling still works, hidden, with a note
    app.add_typer(autocode.app, name="code", hidden=True, callback=_old_code_group)
    from mindthegap.cli import qual, qual_agreement

    app.add_typer(qual.app, name="qual")
    app.command("agreement")(qual_agreement.agreement)
    from mindthegap.cli import survey

    app.add_typer(survey.app, name="survey")
    from mindthegap.cli import audit

    app.command("audit")(audit.audit)
    from mindthegap.cli import backup

    app.command("backup")(backup.backup)
    app.command("restore")(backup.restore)
    from mindthegap.cli import collect

    app.add_typer(collect.app, name="collect")
    from mindthegap.cli import events

    app.add_typer(events.app, name="events")
    app.command("network")(events.network)
    from mindthegap.cli import org

    app.add_typer(org.app, name="org")
    from mindthegap.cli import delphi

    app.add_typer(delphi.app, name="delphi")
    from mindthegap.cli import synth

    app.add_typer(synth.app, name="synth")
    from mindthegap.cli import report

    app.command("report")(report.report)
    from mindthegap.cli import web_warm

    app.add_typer(web_warm.app, name="web")
    # further command groups are registered here


_register()


def run() -> None:
    """Console-script entry point with one-line errors.

    Typer runs with ``standalone_mode=False`` so that every error reaches this function: our own errors and
    Typer's usage errors (unknown option, missing argument, bad value) print one line and exit 2; anything
    else is a bug and prints one line pointing to ``--debug``. Typer vendors what it needs from Click, so
    nothing here imports ``click``, which a fresh installation no longer has.
    """
    debug = "--debug" in sys.argv[1:]
    try:
        code = app(prog_name="mindthegap", standalone_mode=False)
    except MindTheGapError as exc:
        if debug:
            raise
        if isinstance(exc, InputErrors):  # every problem in the file, one per line
            headline, *details = exc.lines()
            print_error(headline, details=details)
        else:
            print_error(str(exc))
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except KeyboardInterrupt:
        err_console.print("interrupted: nothing was written")
        sys.exit(130)
    except typer.TyperException as exc:  # usage errors, raised by Typer's vendored Click
        sys.exit(_usage_error(exc))
    except Exception as exc:
        if debug:
            raise
        known = _database_error(exc)
        if known is not None:
            print_error(str(known))
            sys.exit(known.exit_code)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print_error(
            f"{type(exc).__name__}: {first} — run again with --debug for the traceback and report it",
            label="internal error",
        )
        sys.exit(1)
    # without standalone mode Typer returns the exit code of --help, --version, typer.Exit and Ctrl+C
    if isinstance(code, int) and not isinstance(code, bool) and code:
        if code == 130:
            err_console.print("interrupted: nothing was written")
        sys.exit(code)


def _database_error(exc: Exception) -> MindTheGapError | None:
    """A database failure the user can fix (read-only file, full disk), in the store's words, else None."""
    if type(exc).__module__.split(".")[0] not in {"django", "sqlite3", "psycopg", "psycopg2"}:
        return None
    from mindthegap.store.database import explain_database_error

    return explain_database_error(exc)


def _usage_error(exc: typer.TyperException) -> int:
    """Print a usage error as one line naming the command and where to find help; return its exit code."""
    code = getattr(exc, "exit_code", 2)
    # a group run without a command: its help has been printed already (Typer tells this case apart by name)
    if type(exc).__name__ == "NoArgsIsHelpError":
        return code
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "mindthegap"
    print_error(f"{exc.format_message().rstrip('.')} — see '{command} --help'")
    return code


if __name__ == "__main__":  # pragma: no cover
    run()
