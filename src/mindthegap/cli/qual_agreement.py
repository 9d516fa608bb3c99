"""``mindthegap agreement`` and ``mindthegap qual coders``: agreement between coders, from a file or a study."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError
from mindthegap.store.database import open_study

# How spreadsheets and statistics packages mark a value nobody coded: blank, R's NA, SPSS's ".", and the "*"
# of Krippendorff's own tables. Compared without regard to case.
MISSING_MARKS = ("NA", "N/A", "NaN", "*", ".")
# Values that look like missing-value marks but may be real categories: they are kept, with a warning.
LOOK_MISSING = ("-", "--", "?", "missing", "none", "null", "n/k", "unknown", "-9", "-99", "99", "999")


def _mark_missing(
    data: pd.DataFrame, marks: list[str]
) -> tuple[pd.DataFrame, dict[str, int], dict[str, int]]:
    """Cells matching a missing-value mark become missing; returns the data, the marks found (with counts) and
    values that look like marks but were kept as categories."""
    folded = {m.casefold() for m in marks}
    cells = data.stack()
    keys = cells.str.casefold()
    found = cells[keys.isin(folded)].value_counts().to_dict()
    kept = cells[keys.isin({v.casefold() for v in LOOK_MISSING} - folded)].value_counts().to_dict()
    return data.mask(data.apply(lambda col: col.str.casefold().isin(folded))), found, kept


def _read_reliability(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path to the CSV file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot read as CSV ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
            path=path,
            hint="save the sheet as CSV (UTF-8): unit id first, then one column per coder",
        ) from exc
    if frame.shape[1] < 3:
        raise InputError(
            f"found {frame.shape[1]} column(s); need a unit id column and at least two coder columns",
            path=path,
            hint="header row: unit, then one coder name per column",
        )
    unit = frame.columns[0]
    if frame[unit].duplicated().any():
        dup = frame.loc[frame[unit].duplicated(), unit].iloc[0]
        row = int(frame.index[frame[unit].duplicated()][0]) + 2
        raise InputError(f"unit id {dup!r} appears more than once", path=path, row=row, column=unit)
    data = frame.set_index(unit)
    data = data.apply(lambda col: col.str.strip()).replace("", None)
    return data


_MEASUREMENT = typer.Option(
    None, "--measurement", "-m", help="Level of measurement: nominal (default), ordinal, interval or ratio."
)
_OLD_LEVEL = typer.Option(None, "--level", "-l", hidden=True, help="Old name of --measurement.")


def agreement(
    file: Path = typer.Argument(
        ..., help="CSV: unit id in the first column, one column per coder, blank = missing."
    ),
    measurement: str = _MEASUREMENT,
    level: str = _OLD_LEVEL,
    unit: str = typer.Option("segment", "--unit", help="What a row is: segment, sentence or character."),
    missing: list[str] = typer.Option(
        None,
        "--missing",
        help=f"A value that means 'not coded' (repeatable), besides blank and {', '.join(MISSING_MARKS)}.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Intercoder agreement: Krippendorff's alpha, percent agreement and (two coders) Cohen's kappa.

    Blank cells and NA, N/A, NaN, * and . count as not coded; add others with --missing.

    Example: [bold]mindthegap agreement coding.csv --measurement ordinal --missing -9 --json[/bold]
    """
    from mindthegap.analysis.agreement import MEASUREMENTS, agreement_table
    from mindthegap.cli.console import err_console, renamed_option

    measurement = renamed_option(measurement, level, new="--measurement", old="--level", default="nominal")
    if measurement not in MEASUREMENTS:
        raise InputError(
            f"unknown level of measurement {measurement!r}", hint=f"choose one of {', '.join(MEASUREMENTS)}"
        )
    data, found, kept = _mark_missing(_read_reliability(file), [*MISSING_MARKS, *(missing or [])])
    if found:
        shown = ", ".join(f"{k!r} ×{n}" for k, n in found.items())
        err_console.print(f"note: {file}: treated as not coded: {shown}")
    if kept:
        shown = ", ".join(f"{k!r} ×{n}" for k, n in kept.items())
        err_console.print(
            f"warning: {file}: {shown} counted as categories; if they mean 'not coded', add --missing VALUE"
        )
    try:
        table = agreement_table(data, measurement, unit)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError(exc.message, path=file, hint=exc.hint) from exc
    record = frame_records(table)[0]
    record.pop("code", None)
    record["file"] = str(file)
    record["not_coded"] = found
    if as_json:
        print_json(record)
        return
    alpha = record["krippendorff_alpha"]
    console.print(
        f"Krippendorff's alpha ({measurement}, unit: {unit}) = "
        f"{'n/a' if alpha is None else f'{alpha:.3f}'} "
        f"over {record['pairable_units']} pairable units and {record['coders']} coders"
    )
    pa = record["percent_agreement"]
    console.print(f"Percent agreement = {'n/a' if pa is None else f'{pa:.1%}'}")
    if record["cohen_kappa"] is not None:
        console.print(f"Cohen's kappa = {record['cohen_kappa']:.3f}")


def coders(
    study: str = typer.Option(..., "--study", help="The stored study whose coding to examine."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Which coders count, which sources two or more people coded, and how far people (and the auto-coder) agree.

    Agreement between people is measured on the sentences of sources two or more people coded; the auto-coder is
    compared with people per source and never counted as a coder (see docs/methods.md, "Which coders count").

    Example: [bold]mindthegap qual coders --study northmoor --json[/bold]
    """
    record = open_study(study)
    from mindthegap.analysis.coders import (
        coder_summary,
        double_coded,
        intercoder_agreement,
        machine_agreement,
    )
    from mindthegap.report.sections.qualitative import sentence_units
    from mindthegap.store.qualitative.repository import codings_frame, sources_frame

    codings, sources = codings_frame(record), sources_frame(record)
    double = double_coded(codings)
    people = intercoder_agreement(codings, sentence_units(sources, set(double["source"])), unit="sentence")
    versus = machine_agreement(codings, sources)
    report = {
        "study": study,
        # each coder's kind (person, machine, agreed, unattributed), also under its old name "role"
        "coders": [{**r, "role": r["kind"]} for r in frame_records(coder_summary(codings))],
        "double_coded_sources": len(double),
        "agreement": frame_records(people),
        "auto_coder_agreement": frame_records(versus),
    }
    if as_json:
        print_json(report)
        return
    for row in report["coders"]:
        counts = "counts as a coder" if row["counts_as_coder"] else "not a coder"
        console.print(
            f"{row['coder'] or '(no name)'}: {row['kind']}, {counts}; {row['codings']} accepted coding(s) in "
            f"{row['sources']} source(s)"
        )
    if not len(people):
        console.print(
            "No source was coded by two or more people: there is no agreement between people to report."
        )
    for row in report["agreement"]:
        alpha = row["krippendorff_alpha"]
        console.print(
            f"{row['code']}: Krippendorff's alpha {'n/a' if alpha is None else f'{alpha:.2f}'} over "
            f"{row['units']} sentences of {row['sources']} double-coded source(s), {row['coders']} coders"
        )
    for row in report["auto_coder_agreement"]:
        kappa = row["cohen_kappa"]
        console.print(
            f"{row['machine']} vs people, {row['code']}: Cohen's kappa {'n/a' if kappa is None else f'{kappa:.2f}'} "
            f"over {row['units']} sources; {row['accepted']} accepted, {row['rejected']} rejected"
        )
