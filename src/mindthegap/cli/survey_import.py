"""``mindthegap survey import``: read a survey export, check every cell, write it to a file or store it."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, print_json
from mindthegap.errors import InputError


def import_cmd(
    file: Path = typer.Argument(
        ..., help="A survey export: CSV, XLSX, Qualtrics CSV, REDCap CSV, Forms XLSX, .sav, .parquet."
    ),
    instrument: str = typer.Option(
        ..., "--instrument", "-i", help="Instrument id (nomad, coproduction, …) or YAML file."
    ),
    out: Path = typer.Option(None, "--out", help="Write the coded responses to this .csv or .parquet file."),
    study: str = typer.Option(
        None, "--study", help="Store the answers in this study (participants matched by pseudonym)."
    ),
    wave: str = typer.Option(None, "--wave", help="With --study: the wave these answers belong to."),
    fmt: str = typer.Option(
        "auto", "--format", help="auto, csv, xlsx, qualtrics, redcap, msforms, spss or parquet."
    ),
    dictionary: Path = typer.Option(None, "--dictionary", help="REDCap data dictionary (CSV)."),
    id_column: str = typer.Option(
        None, "--id", help="Respondent id column (found automatically for most tools)."
    ),
    column: list[str] = typer.Option(
        None, "--column", help="SOURCE=ITEM when a header matches no item (repeatable)."
    ),
    attribute: list[str] = typer.Option(
        None, "--attribute", help="A respondent column to keep, e.g. service (repeatable)."
    ),
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Leave out rows with problems and list them."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Read a survey export, check every cell, and write one row per respondent to a file or a study.

    Answers are mapped to codes; a study stores them all or nothing.

    Examples: [bold]mindthegap survey import export.csv --instrument nomad --out coded.csv --attribute service[/bold]
    or [bold]mindthegap survey import export.csv --instrument nomad --study riverside --wave baseline[/bold]
    """
    if (out is None) == (study is None):
        raise InputError(
            "give --out FILE to write the coded answers, or --study ID to store them (one of them)"
        )
    from mindthegap.io.surveys.setup import parse_column_map

    columns = parse_column_map(column)
    if study:
        if attribute:
            raise InputError(
                "--attribute keeps columns in a file; with --study the service, discipline, level and wave "
                "columns are matched to the study by themselves",
                hint="drop --attribute",
            )
        _import_into_study(
            file, instrument, study, wave, fmt, dictionary, id_column, columns, skip_bad_rows, as_json
        )
        return
    if wave:
        raise InputError("--wave goes with --study", hint="in a file, keep the wave as a column")
    _import_to_file(
        file, instrument, out, fmt, dictionary, id_column, columns, attribute, skip_bad_rows, as_json
    )


def _import_to_file(
    file, instrument, out, fmt, dictionary, id_column, columns, attribute, skip, as_json
) -> None:
    from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument
    from mindthegap.io.surveys import import_survey
    from mindthegap.io.tables import write_table

    try:
        ins = load_instrument(instrument)
    except InstrumentFileError as exc:
        raise InputError(str(exc)) from None
    attributes = {a: None for a in attribute or []}  # kept as written; the store maps them to a study
    result = import_survey(
        file, ins, fmt=fmt, dictionary=dictionary, id_column=id_column, columns=columns,
        attributes=attributes, skip_bad_rows=skip,
    )  # fmt: skip
    write_table(result.responses, out)
    if as_json:
        print_json(result.report())
        return
    console.print(f"imported {len(result.responses):,} respondents to {out}")
    for p in result.problems:
        console.print(f"  skipped row {p.row}, column {p.column!r}: {p.message}")


def _import_into_study(file, instrument, study, wave, fmt, dictionary, id_column, columns, skip, as_json):
    from mindthegap.store.database import open_store

    open_store()
    from mindthegap.store.surveys.importing import import_into_study

    result = import_into_study(
        study, file, instrument, wave=wave, fmt=fmt, dictionary=dictionary, id_column=id_column,
        columns=columns, skip_bad_rows=skip,
    )  # fmt: skip
    report = result.report()
    if as_json:
        print_json(report)
        return
    console.print(
        f"stored {result.answers:,} answers from {result.respondents:,} respondents in study {study}"
        + (
            f" and {result.values_practice_ratings:,} values–practice ratings"
            if result.values_practice_ratings
            else ""
        )
    )
    for p in result.skipped:
        console.print(f"  skipped row {p.row}, column {p.column!r}: {p.message}")
    for col, values in result.unmatched.items():
        shown = ", ".join(f"{v!r} ×{n}" for v, n in list(values.items())[:10])
        console.print(f"  {col}: values not in the study: {shown}")
    for name, n in result.differing.items():
        console.print(
            f"  {name}: {n} respondent(s) differ from their stored participant (the study's value is used)"
        )
