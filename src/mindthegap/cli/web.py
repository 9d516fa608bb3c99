"""``mindthegap serve`` and ``mindthegap user …``: the web app and who may see which study."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import typer

from mindthegap.cli.console import console
from mindthegap.errors import InputError

users = typer.Typer(
    help=(
        "Add people to the web app and decide which studies they may open.\n\n"
        "Example: [bold]mindthegap user add qi.lead --study northmoor --access analyst[/bold]"
    ),
    no_args_is_help=True,
)


def _secret_key() -> None:
    """Use MINDTHEGAP_SECRET_KEY, or a random key kept (owner-only) in the user's config folder."""
    if os.environ.get("MINDTHEGAP_SECRET_KEY"):
        return
    folder = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config")) / "mindthegap"
    path = folder / "secret_key"
    if not path.exists():
        from mindthegap.files import atomic_write_text

        atomic_write_text(path, secrets.token_urlsafe(50))  # created owner-only (0600), never half-written
    os.environ["MINDTHEGAP_SECRET_KEY"] = path.read_text().strip()


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on. Keep 127.0.0.1 unless behind a proxy."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port to listen on."),
    threads: int = typer.Option(4, min=1, help="Worker threads."),
    trusted_proxy: str = typer.Option(
        "127.0.0.1",
        "--trusted-proxy",
        envvar="MINDTHEGAP_TRUSTED_PROXY",
        help="With MINDTHEGAP_HTTPS=1: the address of the TLS proxy whose X-Forwarded-Proto and X-Forwarded-For "
        "headers are believed.",
    ),
) -> None:
    """Run the web app: dashboards, report downloads and exports for each study a person may open.

    Behind a TLS proxy set MINDTHEGAP_HTTPS=1 (Secure cookies, HSTS, redirect to https); people are signed
    out after MINDTHEGAP_SESSION_MINUTES (default 30) without activity. See docs/security.md.

    Example: [bold]mindthegap --db mindthegap-demo/demo.sqlite3 serve[/bold], then open http://127.0.0.1:8000
    """
    _secret_key()
    from mindthegap.store.database import open_store

    where = open_store()
    import waitress

    from mindthegap.web.first_run import issue_token, needs_first_run
    from mindthegap.web.serving import prepare
    from mindthegap.web.wsgi import application

    https = prepare()

    if needs_first_run():
        console.print(
            "No account exists yet. Create the first administrator at "
            f"[bold]http://{host}:{port}/setup/first-run/?token={issue_token()}[/bold] "
            "(this address works once, until the server stops), or with 'mindthegap user add NAME --admin'.",
            highlight=False,
        )
    # Without a trusted proxy, forwarding headers reach the app untouched (and unbelieved), so the first-run
    # page can tell a request a local proxy forwarded from one made on this machine.
    proxy: dict = {"clear_untrusted_proxy_headers": False}
    if https:
        # waitress drops X-Forwarded-* unless they come from the proxy it trusts; from that proxy it takes the
        # scheme, and the client's address into REMOTE_ADDR (which the audit log records)
        proxy = {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
        }
    scheme = "https (through the proxy)" if https else "http"
    console.print(
        f"Serving {where} at [bold]http://{host}:{port}/[/bold] for {scheme} (Ctrl+C to stop)",
        highlight=False,
    )
    waitress.serve(application, host=host, port=port, threads=threads, ident="mindthegap", **proxy)


@users.command("add")
def add_user(
    username: str = typer.Argument(..., help="Login name: letters, digits and @ . + - _ (at most 150)."),
    study: list[str] = typer.Option([], "--study", help="Study id to grant (repeatable)."),
    access: str = typer.Option(
        None,
        "--access",
        help="What they may do: viewer (reports; the default), analyst (import and analyse) or owner.",
    ),
    role: str = typer.Option(None, "--role", hidden=True, help="Old name of --access."),
    superuser: bool = typer.Option(
        False, "--admin", "--superuser", help="An administrator: may open every study and the admin pages."
    ),
    password_stdin: bool = typer.Option(
        False,
        "--password-stdin",
        help="Read the password from the first line of standard input (for scripts; no terminal needed).",
    ),
) -> None:
    """Create a person's login (the password is asked for, never shown or logged) and grant studies.

    Passwords must have at least 10 characters, must not be common, all digits, close to the username or
    made of a few repeated characters. Without a terminal, pipe the password in with --password-stdin.

    Examples: [bold]mindthegap user add admin --admin[/bold] (the first administrator), or
    [bold]mindthegap user add qi.lead --study northmoor --access analyst[/bold]
    """
    from mindthegap.cli.console import renamed_option
    from mindthegap.store.database import open_store

    access = renamed_option(access, role, new="--access", old="--role", default="viewer")
    open_store()
    from mindthegap.store.accounts import add_user as add

    add(username, lambda: _read_password(password_stdin), studies=study, access=access, superuser=superuser)
    console.print(
        f"Added {username}" + (f" with {access} access to {', '.join(study)}" if study else ""), markup=False
    )


@users.command("grant")
def grant(
    username: str = typer.Argument(..., help="Login name."),
    study: str = typer.Argument(..., help="Study id."),
    access: str = typer.Option(None, "--access", help="viewer (the default), analyst or owner."),
    role: str = typer.Option(None, "--role", hidden=True, help="Old name of --access."),
) -> None:
    """Give an existing person access to a study, or change the access they have.

    Example: [bold]mindthegap user grant qi.lead northmoor --access analyst[/bold]
    """
    from mindthegap.cli.console import renamed_option
    from mindthegap.store.database import open_store

    access = renamed_option(access, role, new="--access", old="--role", default="viewer")
    open_store()
    from mindthegap.store.accounts import grant as give

    give(username, study, access)
    console.print(f"{username} now has {access} access to {study}")


@users.command("revoke")
def revoke(username: str = typer.Argument(...), study: str = typer.Argument(...)) -> None:
    """Remove a person's access to a study.

    Example: [bold]mindthegap user revoke qi.lead northmoor[/bold]
    """
    from mindthegap.store.database import open_store

    open_store()
    from mindthegap.store.accounts import revoke as remove

    deleted = remove(username, study)
    console.print(
        f"Removed {username}'s access to {study}" if deleted else f"{username} had no access to {study}"
    )


@users.command("unlock")
def unlock(username: str = typer.Argument(..., help="Login name.")) -> None:
    """Lift a sign-in lock (after too many wrong passwords) before it runs out by itself.

    Example: [bold]mindthegap user unlock qi.lead[/bold]
    """
    _secret_key()  # the throttle keys usernames with the web app's secret, so use the same one
    from mindthegap.store.database import open_store

    open_store()
    from mindthegap.web import throttle

    cleared = throttle.unlock(username)
    console.print(f"Unlocked {username}" if cleared else f"{username} was not locked", markup=False)


def _read_password(from_stdin: bool) -> str:
    """The password from standard input's first line, or asked twice at a terminal; never echoed."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise InputError("no password on standard input", hint="pipe one line holding the password")
        return password
    if not sys.stdin.isatty():
        raise InputError(
            "there is no terminal to ask for the password",
            hint="pipe it in with --password-stdin, e.g. from a password manager's command line",
        )
    first = typer.prompt("Password", hide_input=True)
    second = typer.prompt("Repeat password", hide_input=True)
    if first != second:
        raise InputError("the two passwords differ")
    return first
