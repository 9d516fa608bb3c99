"""``mindthegap collect …``: put a survey on the web, export its mailing and reminders lists and its responses.

The app sends no e-mail: the lists hold each participant's id and personal link for the study's own mail system.
Links are derived from the server's secret key, so run these commands with the same MINDTHEGAP_SECRET_KEY (or
key file) as ``mindthegap serve``.
"""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console
from mindthegap.errors import InputError

app = typer.Typer(
    help=(
        "Collect survey answers on the web: surveys, links, reminders, exports.\n\n"
        "Example: [bold]mindthegap collect create northmoor nomad-w1 --instrument nomad --consent consent.txt[/bold]"
    ),
    no_args_is_help=True,
)


def _store():
    from mindthegap.cli.web import _secret_key
    from mindthegap.store.database import open_store

    _secret_key()
    return open_store()


@app.command()
def create(
    study_id: str = typer.Argument(..., metavar="STUDY"),
    slug: str = typer.Argument(..., metavar="SURVEY", help="A short id for the survey, e.g. nomad-baseline."),
    instrument: str = typer.Option(
        ..., help="nomad, coproduction, event_feedback, values_practice or a YAML file."
    ),
    consent: Path = typer.Option(..., help="A text file with the consent wording your study wrote."),
    wave: str = typer.Option(
        None, help="The study's wave the answers belong to (needed for values_practice)."
    ),
    mode: str = typer.Option(
        "personal", help="personal (one link per participant) or open (one shared link)."
    ),
    title: str = typer.Option("", help="The title respondents see (default: the instrument's name)."),
    opens: str = typer.Option(None, help="Opening time, e.g. 2026-03-01T09:00 (default: now)."),
    closes: str = typer.Option(None, help="Closing time, e.g. 2026-03-31T17:00 (default: no closing time)."),
    open_level: str = typer.Option("local_frontline", help="Open link: the level its respondents belong to."),
    open_role: str = typer.Option("other", help="Open link: the role its respondents have."),
    open_service: str = typer.Option(None, help="Open link: the service its respondents belong to."),
) -> None:
    """Put an instrument to respondents on the web, in one wave of a study.

    Example: [bold]mindthegap collect create northmoor nomad-w1 --instrument nomad --consent consent.txt[/bold]
    """
    _store()
    from mindthegap.store.clock import parse_when
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.studies.repository import get_record

    if not consent.is_file():
        raise InputError("file not found", path=consent, hint="a text file with your consent wording")
    survey = create_survey(
        get_record(study_id), slug=slug, instrument=instrument, consent_text=consent.read_text(encoding="utf-8-sig"),
        wave=wave, mode=mode, title=title,
        opens_at=parse_when(opens, "--opens"), closes_at=parse_when(closes, "--closes"),
        open_level=open_level, open_role=open_role, open_service=open_service,
    )  # fmt: skip
    where = (
        f"/open/{survey.public_key}/" if survey.mode == "open" else "personal links: mindthegap collect links"
    )
    console.print(f"Survey {survey.slug!r} created for study {study_id!r}: {where}")


def _write_links(rows: list[tuple[str, str]], base_url: str, out: Path, *, survey, what: str) -> None:
    import pandas as pd

    from mindthegap.cli.audited import written
    from mindthegap.io.tables import write_table

    base = base_url.rstrip("/")
    write_table(
        pd.DataFrame([(p, f"{base}/respond/{t}/") for p, t in rows], columns=["participant_id", "link"]), out
    )
    written(what, study=survey.study, out=out, survey=survey.slug, rows=len(rows))
    console.print(f"{len(rows)} link(s) written to {out}")


@app.command()
def links(
    study_id: str = typer.Argument(..., metavar="STUDY"),
    slug: str = typer.Argument(..., metavar="SURVEY"),
    base_url: str = typer.Option(..., help="The address respondents open, e.g. https://survey.trust.nhs.uk"),
    out: Path = typer.Option(..., help="CSV file for your mail system (participant id, link)."),
) -> None:
    """The mailing list: every consenting participant's personal link (the same link each time).

    Example: [bold]mindthegap collect links northmoor nomad-w1 --base-url https://survey.nhs.uk --out mail.csv[/bold]
    """
    _store()
    from mindthegap.store.collection.responses import invite
    from mindthegap.store.collection.setup import find_survey

    survey = find_survey(study_id, slug)
    _write_links(invite(survey), base_url, out, survey=survey, what="survey mailing list")


@app.command()
def reminders(
    study_id: str = typer.Argument(..., metavar="STUDY"),
    slug: str = typer.Argument(..., metavar="SURVEY"),
    base_url: str = typer.Option(..., help="The address respondents open."),
    out: Path = typer.Option(..., help="CSV file of those who have not answered (participant id, link)."),
) -> None:
    """Who was invited and has not answered yet, with their links.

    Example: [bold]mindthegap collect reminders northmoor nomad-w1 --base-url https://survey.nhs.uk --out due.csv[/bold]
    """
    _store()
    from mindthegap.store.collection.responses import not_answered
    from mindthegap.store.collection.setup import find_survey

    survey = find_survey(study_id, slug)
    _write_links(not_answered(survey), base_url, out, survey=survey, what="survey reminders")


@app.command()
def responses(
    study_id: str = typer.Argument(..., metavar="STUDY"),
    slug: str = typer.Argument(..., metavar="SURVEY"),
    out: Path = typer.Option(..., help="A .csv, .xlsx or .sav file."),
) -> None:
    """The survey's responses, one row per respondent (SPSS files carry value labels).

    Example: [bold]mindthegap collect responses northmoor nomad-w1 --out answers.sav[/bold]
    """
    _store()
    from mindthegap.files import atomic_write_bytes
    from mindthegap.store.collection.exports import FORMATS, export_responses
    from mindthegap.store.collection.setup import find_survey

    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError("unsupported output type", path=out, hint="use a .csv, .xlsx or .sav file name")
    from mindthegap.cli.audited import written

    survey = find_survey(study_id, slug)
    atomic_write_bytes(out, export_responses(survey, fmt))
    written("survey responses", study=survey.study, out=out, survey=survey.slug)
    console.print(f"Responses written to {out}")
