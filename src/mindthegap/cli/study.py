"""``mindthegap study …``: create a study from its definition, add participants and ratings, report on it."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, print_json, progress
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N
from mindthegap.store import database

_HELP = "Create and manage studies: the policies examined, the organisation, participants and ratings."
_EXAMPLE = "Example: [bold]mindthegap study create study.yaml[/bold] then [bold]mindthegap study list[/bold]"
app = typer.Typer(help=f"{_HELP}\n\n{_EXAMPLE}", no_args_is_help=True)


@app.command("create")
def create(
    file: Path = typer.Argument(..., help="Study definition (YAML): policies, principles, services, waves."),
    replace: bool = typer.Option(
        False, "--replace", help="Replace a stored study with the same id (and its data)."
    ),
) -> None:
    """Create a study from its definition file.

    Example: [bold]mindthegap study create northmoor.yaml[/bold] (see docs/study-file.md for the format)
    """
    from mindthegap.io.study_files import read_study_file

    study = read_study_file(file)
    where = database.open_store()
    from mindthegap.store.studies.repository import save_study

    save_study(study, replace=replace)
    console.print(
        f"Created study [bold]{study.id}[/bold] in {where}: {len(study.principles)} principles, "
        f"{len(study.services)} services, {len(study.waves)} waves."
    )


@app.command("participants")
def participants(
    study_id: str = typer.Argument(..., help="Study id."),
    file: Path = typer.Argument(
        ..., help="CSV/XLSX/Parquet: participant_id, role, level, discipline, service, team, consent."
    ),
    update: bool = typer.Option(
        False,
        "--update",
        help="People already in the study take the file's consent (yes or no in every row); new people are added.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Add participants (pseudonymous ids only) to a study, or with --update change their consent.

    The whole file is checked first: all or nothing. A person whose consent is no is left out of every report,
    dashboard and export; their data stay in the database, so consent can be restored, or the data erased
    with [bold]study erase-participant[/bold].

    Examples: [bold]mindthegap study participants northmoor people.csv[/bold]
    or [bold]mindthegap study participants northmoor people.csv --update[/bold]
    """
    database.open_store()
    from mindthegap.io.study_files import read_participants
    from mindthegap.store.studies.repository import add_participants, get_record, load_study

    study = load_study(study_id)
    if update:
        from mindthegap.io.consent_files import require_consent_answers

        require_consent_answers(file)
    people = read_participants(file, study)
    if update:
        from mindthegap.store.studies.consent import update_participants

        counts = update_participants(get_record(study_id), people)
    else:
        counts = {"added": add_participants(get_record(study_id), people)}
    if as_json:
        print_json({"study": study_id, **counts})
        return
    if update:
        console.print(
            f"{study_id}: added {counts['added']}, withdrew {counts['withdrawn']}, restored consent of "
            f"{counts['restored']}; {counts['unchanged']} unchanged."
        )
    else:
        console.print(f"Added {counts['added']} participants to {study_id}.")


@app.command("withdraw")
def withdraw(
    study_id: str = typer.Argument(..., help="Study id."),
    pseudonyms: list[str] = typer.Argument(..., help="Pseudonymous ids of the people withdrawing."),
    restore: bool = typer.Option(False, "--restore", help="Give consent back (the person re-consented)."),
) -> None:
    """Record that people withdrew consent: their data stay in the database but leave every output.

    Example: [bold]mindthegap study withdraw northmoor NM-7QV27R[/bold]
    (undo with [bold]--restore[/bold]; delete their data with [bold]study erase-participant[/bold])
    """
    database.open_store()
    from mindthegap.store.studies.consent import set_consent
    from mindthegap.store.studies.repository import get_record

    changed = set_consent(get_record(study_id), pseudonyms, consent=restore)
    what = "restored the consent of" if restore else "withdrew"
    already = len(set(pseudonyms)) - changed
    console.print(f"{study_id}: {what} {changed} participant(s); {already} already so.")


@app.command("erase-participant")
def erase_participant(
    study_id: str = typer.Argument(..., help="Study id."),
    pseudonym: str = typer.Argument(..., help="Pseudonymous id of the person whose data to erase."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
    as_json: bool = typer.Option(False, "--json", help="Print what was erased as JSON."),
) -> None:
    """Erase a person and everything stored from them, in one transaction; it cannot be undone.

    For a request to erase under UK GDPR: ratings, survey answers, comments, transcripts with their codings,
    memos on them.

    Example: [bold]mindthegap study erase-participant northmoor NM-7QV27R[/bold]
    """
    database.open_store()
    from mindthegap.store.studies.consent import erase_participant as erase
    from mindthegap.store.studies.repository import get_record

    record = get_record(study_id)
    if not yes:
        typer.confirm(f"Erase participant {pseudonym!r} and all their data from {study_id!r}?", abort=True)
    counts = erase(record, pseudonym)
    if as_json:
        print_json({"study": study_id, "participant": pseudonym, "erased": counts})
        return
    did = ", ".join(f"{n} {k.replace('_', ' ').removesuffix('s' * (n == 1))}" for k, n in counts.items() if n)
    console.print(f"Erased {pseudonym} from {study_id}: {did or 'nothing besides the participant'}.")


@app.command("ratings")
def ratings(
    study_id: str = typer.Argument(..., help="Study id."),
    file: Path = typer.Argument(
        ..., help="CSV/XLSX/Parquet: participant_id, wave, principle, value, practice."
    ),
) -> None:
    """Add values–practice ratings (1–5) in long form. The whole file is checked first: all or nothing.

    Example: [bold]mindthegap study ratings northmoor ratings.csv[/bold]
    """
    database.open_store()
    from mindthegap.io.study_files import read_ratings
    from mindthegap.store.studies.repository import get_record, load_study, save_values_practice

    frame = read_ratings(file, load_study(study_id, include_withdrawn=True))
    count = save_values_practice(get_record(study_id), frame)
    console.print(f"Added {count} ratings to {study_id}.")


@app.command("list")
def list_studies() -> None:
    """List the studies in the database.

    Example: [bold]mindthegap study list[/bold]
    """
    database.open_store()
    from rich.table import Table

    from mindthegap.store.studies.repository import studies_overview

    table = Table(title="Studies")
    for heading in ("Id", "Name", "Participants", "Withdrawn", "Threshold"):
        table.add_column(heading)
    for row in studies_overview():
        table.add_row(*(str(value) for value in row.values()))
    console.print(table)


@app.command("report")
def report(
    study_id: str = typer.Argument(..., help="Study id."),
    out: Path = typer.Option(Path("report.html"), "--out", "-o", help="Where to write the report (HTML)."),
    min_n: int = typer.Option(
        None, "--min-n", min=1, help="Suppression threshold (default: the study's own)."
    ),
    n_boot: int = typer.Option(DEFAULT_N_BOOT, "--n-boot", min=100, help="Bootstrap resamples."),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed: the same seed gives the same report."),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write the report as PDF beside the HTML."),
    audience: str = typer.Option(
        "full",
        "--audience",
        help="full (quotes and comments included, for the study team) or aggregate (numbers and charts only, "
        "as the web app's viewers see it).",
    ),
) -> None:
    """Run every analysis on a stored study and write its self-contained evaluation report.

    Example: [bold]mindthegap study report northmoor --out board-report.html --audience aggregate[/bold]
    """
    from mindthegap.files import ensure_writable_dir
    from mindthegap.report.context import AUDIENCES

    if audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}", hint=f"choose one of {', '.join(AUDIENCES)}")

    ensure_writable_dir(out.parent if str(out.parent) else Path("."))
    database.open_store()
    from mindthegap.report.builder import write_evaluation_report
    from mindthegap.report.context import ReportContext
    from mindthegap.store.evidence import load_all

    with progress() as bar:
        task = bar.add_task("Reading the study", total=None)
        study, evidence = load_all(study_id)
        threshold = min_n or study.privacy.min_n or DEFAULT_MIN_N
        ctx = ReportContext(
            study=study, evidence=evidence, min_n=threshold, seed=seed, n_boot=n_boot, audience=audience
        )
        bar.update(task, description="Analysing and writing the report")
        path, _ = write_evaluation_report(ctx, out, pdf=pdf)
    from mindthegap.cli.audited import written

    written("report", study=study_id, out=path, action="downloaded", audience=audience, pdf=pdf)
    console.print(f"Report: [bold]{path.resolve()}[/bold]")
    if pdf:
        console.print(f"PDF: {path.with_suffix('.pdf').resolve()}")


@app.command("delete")
def delete(
    study_id: str = typer.Argument(..., help="Study id."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask for confirmation."),
) -> None:
    """Delete a study and all its data.

    Example: [bold]mindthegap study delete riverside --yes[/bold]
    """
    database.open_store()
    from mindthegap.store.studies.repository import delete_study, get_record

    get_record(study_id)
    if not yes:
        typer.confirm(f"Delete study {study_id!r} and all its data?", abort=True)
    delete_study(study_id)
    console.print(f"Deleted {study_id}.")
