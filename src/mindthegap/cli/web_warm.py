"""``mindthegap web warm STUDY``: build a study's dashboards ahead of its viewers, after a command-line import."""

from __future__ import annotations

import os

import typer

from mindthegap.cli.console import console

app = typer.Typer(
    help="The web app's housekeeping.\n\nExample: [bold]mindthegap web warm northmoor[/bold]",
    no_args_is_help=True,
)


@app.command("warm")
def warm(
    study: str = typer.Argument(..., help="Study id."),
    audience: list[str] = typer.Option(
        [], "--audience", help="aggregate or full (repeatable; default: those of the people who may open it)."
    ),
) -> None:
    """Build the study's dashboards at its current data version and keep them in the web app's cache.

    The web app rebuilds dashboards by itself after changes made in the browser; run this after changing a
    study on the command line. It reaches the server's cache only where both share MINDTHEGAP_CACHE_DIR
    (the default cache lives in the server's memory), see docs/deploy.md.

    Example: [bold]MINDTHEGAP_CACHE_DIR=/var/cache/mindthegap mindthegap web warm northmoor[/bold]
    """
    from mindthegap.cli.web import _secret_key
    from mindthegap.errors import InputError
    from mindthegap.store.database import open_study

    _secret_key()
    open_study(study)
    from mindthegap.web.dashboard_cache import warm as build

    unknown = [a for a in audience if a not in ("aggregate", "full")]
    if unknown:
        raise InputError(f"unknown audience {unknown[0]!r}", hint="choose aggregate or full")
    if not os.environ.get("MINDTHEGAP_CACHE_DIR", "").strip():
        console.print(
            "note: without MINDTHEGAP_CACHE_DIR these dashboards stay in this command's memory; the server "
            "rebuilds its own on the next view",
            markup=False,
        )
    built = build(study, list(audience) or None)
    console.print(
        f"Built the {' and '.join(built)} dashboard(s) of {study}"
        if built
        else f"{study}'s dashboards are current",
        markup=False,
    )
