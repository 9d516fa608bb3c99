"""``mindthegap org``: organisation data (CQC ratings, Staff Survey distributions) and peer comparison."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError

app = typer.Typer(
    help=(
        "Organisation data: import CQC ratings and Staff Survey results, place a provider against its peers.\n\n"
        "Example: [bold]mindthegap org import CQC_ratings.csv --study S --kind cqc --providers nhs_provider.csv"
        "[/bold] then [bold]mindthegap org compare --provider RGD[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)


class Kind(StrEnum):
    cqc = "cqc"
    staff_survey = "staff-survey"


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(
        ..., help="CQC ratings (tidy or CQC's latest-ratings layout) or Staff Survey file."
    ),
    study: str = typer.Option(..., "--study", help="The study to store the data in."),
    kind: Kind = typer.Option(..., "--kind", help="cqc or staff-survey."),
    providers: Path = typer.Option(
        None, "--providers", help="Provider list (ORG_CODE, ORG_NAME, ORG_TYPE): names and peer groups."
    ),
    home: str = typer.Option(None, "--home", help="The study's own provider id (its ODS code)."),
) -> None:
    """Import organisation data into a study, all or nothing; a provider imported again is replaced.

    Example: [bold]mindthegap org import CQC_ratings.csv --study northmoor --kind cqc --home RGD[/bold]
    """
    from mindthegap.store.database import open_study

    record = open_study(study)
    from mindthegap.store.organisations.repository import import_file  # needs the store set up

    rows, n = import_file(record, file, kind.value, providers_path=providers, home=home)
    console.print(f"stored {rows} {kind.value} rows for {n} providers in study {study!r}")


@app.command("compare")
def compare(
    provider: str = typer.Option(..., "--provider", help="Provider id (ODS code or CQC id)."),
    study: str = typer.Option(None, "--study", help="Study holding the data (needed when several do)."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Place a provider against its peers by core service and key question (CQC) and Staff Survey item.

    Example: [bold]mindthegap org compare --provider RGD --json[/bold]
    """
    from mindthegap.store.database import open_store, open_study

    open_store()
    from mindthegap.store.organisations.repository import compare_provider, studies_with_provider

    if study is None:
        found = studies_with_provider(provider)
        if len(found) != 1:
            raise InputError(
                f"provider {provider!r} is in {len(found)} studies' organisation data"
                + (f" ({', '.join(found[:5])})" if found else ""),
                hint="name one with --study" if found else "import it with 'mindthegap org import'",
            )
        study = found[0]
    result = compare_provider(open_study(study), provider)
    if as_json:
        print_json({"study": study, "provider": provider, **{k: frame_records(v) for k, v in result.items()}})
        return
    _print(result)


def _print(result) -> None:
    from rich.table import Table

    cqc = result["cqc"]
    table = Table(title="CQC ratings against peers (latest per core service and key question)")
    for heading in ("core service", "key question", "rating", "rank", "of", "percentile"):
        table.add_column(heading)
    for r in cqc.itertuples():
        table.add_row(
            r.service, r.key_question, r.rating, str(r.rank), str(r.peers_rated), f"{r.percentile:.0f}"
        )
    console.print(table)
    staff = result["staff_survey"]
    if len(staff):
        table = Table(
            title=f"Staff Survey: % agree or strongly agree against peers ({staff['year'].iloc[0]})"
        )
        for heading in ("item", "% positive", "peer median", "rank", "of", "percentile"):
            table.add_column(heading)
        for r in staff.itertuples():
            if r.suppressed:
                table.add_row(r.item, "suppressed (too few answers)", "", "", "", "")
            else:
                table.add_row(
                    r.item,
                    f"{r.positive:.0f}",
                    f"{r.peer_median:.0f}",
                    str(r.rank),
                    str(r.peers),
                    f"{r.percentile:.0f}",
                )
        console.print(table)
