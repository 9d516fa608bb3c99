"""``mindthegap audit``: read the audit log (who did what to which study, when and from where)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from mindthegap.cli.console import console, print_json
from mindthegap.errors import InputError


def audit(
    study: str = typer.Option(None, "--study", help="Study id (default: every event, sign-ins included)."),
    since: str = typer.Option(None, "--since", help="From this date or time, e.g. 2026-05-03."),
    action: str = typer.Option(None, "--action", help="One kind of action, e.g. sign-in-failed or exported."),
    user: str = typer.Option(None, "--user", help="One account (as recorded: username or 'anonymous')."),
    limit: int = typer.Option(50, "--limit", min=1, help="At most this many events on screen (newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print every matching event as JSON."),
    csv: Path = typer.Option(None, "--csv", help="Write every matching event to this CSV file."),
) -> None:
    """Show the audit log: sign-ins, imports, exports, downloads, changes, decisions and refused requests.

    Example: [bold]mindthegap audit --study northmoor --since 2026-05-01 --action exported[/bold]
    """
    from mindthegap.store.database import open_store

    open_store()
    from mindthegap.io.tables import neutralise_formulas, write_table
    from mindthegap.store.audit.actions import Action
    from mindthegap.store.audit.log import events, events_frame
    from mindthegap.store.clock import parse_when
    from mindthegap.store.studies.repository import get_record

    if action and action not in Action.values:
        raise InputError(f"unknown action {action!r}", hint=f"choose one of {', '.join(Action.values)}")
    if study:
        get_record(study)  # a typo is an error, not an empty log
    rows = events(study=study, action=action, actor=user, since=parse_when(since, "--since"))
    if csv is not None:
        if csv.suffix.lower() != ".csv":
            raise InputError("the audit export is a CSV file", path=csv, hint="give a name ending in .csv")
        table = events_frame(rows)
        write_table(neutralise_formulas(table), csv)
        from mindthegap.cli.audited import written

        written("audit log", study=study, out=csv, action=Action.AUDIT_EXPORTED, rows=len(table))
        console.print(f"wrote {len(table)} event(s) to {csv}", markup=False)
        return
    if as_json:
        import json

        table = events_frame(rows)
        table["detail"] = table["detail"].map(json.loads)
        print_json(table.to_dict(orient="records"))
        return
    _show(rows, limit)


def _show(rows, limit: int) -> None:
    from mindthegap.store.clock import local_text

    total = rows.count()
    table = Table(title=f"{total} event(s)" + (f", newest {limit} shown" if total > limit else ""))
    for heading in ("when", "who", "action", "study", "object", "details", "from"):
        table.add_column(heading)
    for e in rows[:limit]:
        detail = "; ".join(f"{k}: {v}" for k, v in e.detail.items())
        who = e.actor + (" (command line)" if e.channel == "cli" else "")
        obj = f"{e.object_kind} {e.object_id}".strip()
        when = local_text(e.at)
        table.add_row(when, who, e.action, e.study, obj, detail, e.ip or "")
    console.print(table, markup=False)
