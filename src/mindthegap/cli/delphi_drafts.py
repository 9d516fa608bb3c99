"""The Delphi commands that prepare a round: drafting statements from the evidence and writing the panel's
mailing list of personal links. Registered on the ``delphi`` group of :mod:`mindthegap.cli.delphi`."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.cli.delphi import _JSON, _STUDY, app
from mindthegap.store import database


@app.command("draft")
def draft(
    study: str = _STUDY,
    out: Path = typer.Option(None, "--out", help="Write the drafts to this .csv file for people to edit."),
    top: int = typer.Option(5, "--top", help="How many gaps and how many themes to draft from."),
    as_json: bool = _JSON,
) -> None:
    """Propose statements from the widest values–practice gaps and the most frequent coded themes.

    Example: [bold]mindthegap delphi draft --study northmoor --out drafts.csv[/bold]
    """
    database.open_study(study)  # sets the store up before its models are imported
    from mindthegap.analysis.delphi_draft import draft_statements, frequent_codes, widest_gaps
    from mindthegap.store.evidence import load_all

    loaded, evidence = load_all(study)
    gaps = widest_gaps(evidence["values_practice"], {p.id: p.name for p in loaded.principles}, top=top)
    drafts = draft_statements(gaps, frequent_codes(evidence["qualitative"]["codings"], top=top))
    if out is not None:
        from mindthegap.io.tables import write_table

        write_table(drafts, out)
        from mindthegap.cli.audited import written

        written("delphi drafts", study=study, out=out, rows=len(drafts))
    print_json(frame_records(drafts)) if as_json else console.print(
        drafts.to_string(index=False), markup=False
    )


@app.command("links")
def links(
    study: str = _STUDY,
    round_number: int = typer.Option(..., "--round", help="The open round."),
    out: Path = typer.Option(..., "--out", help="CSV/XLSX for your mail system (rater_id, group, link)."),
    base_url: str = typer.Option("", "--base-url", help="The site's address, e.g. https://mtg.trust.nhs.uk"),
) -> None:
    """The mailing list: each panel member's personal link to rate the open round in the browser.

    Example: [bold]mindthegap delphi links --study northmoor --round 2 --out links.csv --base-url https://mtg.nhs.uk[/bold]
    """
    record = database.open_study(study)  # sets the store up before its models are imported
    from mindthegap.cli.audited import written
    from mindthegap.store.delphi.links import write_mailing_list

    n = write_mailing_list(record, round_number, out, base_url)
    written("delphi mailing list", study=study, out=out, round=round_number, rows=n)
    console.print(f"{n} link(s) written to {out}" + ("" if base_url else " (paths: add --base-url)"))
