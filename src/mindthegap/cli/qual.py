"""``mindthegap agreement``: intercoder agreement from a units × coders CSV file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError

app = typer.Typer(
    help="Qualitative evidence: sources, codebooks and coding.",
    rich_markup_mode="rich",
    no_args_is_help=True,
)


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


def agreement(
    file: Path = typer.Argument(
        ..., help="CSV: unit id in the first column, one column per coder, blank = missing."
    ),
    level: str = typer.Option("nominal", "--level", "-l", help="nominal, ordinal, interval or ratio."),
    unit: str = typer.Option("segment", "--unit", help="What a row is: segment, sentence or character."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Intercoder agreement: Krippendorff's alpha, percent agreement and (two coders) Cohen's kappa.

    Example: [bold]mindthegap agreement coding.csv --level ordinal --json[/bold]
    """
    from mindthegap.analysis.agreement import LEVELS, agreement_table

    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}", hint=f"choose one of {', '.join(LEVELS)}")
    data = _read_reliability(file)
    try:
        table = agreement_table(data, level, unit)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError(exc.message, path=file, hint=exc.hint) from exc
    record = frame_records(table)[0]
    record.pop("code", None)
    record["file"] = str(file)
    if as_json:
        print_json(record)
        return
    alpha = record["krippendorff_alpha"]
    console.print(
        f"Krippendorff's alpha ({level}, unit: {unit}) = "
        f"{'n/a' if alpha is None else f'{alpha:.3f}'} "
        f"over {record['pairable_units']} pairable units and {record['coders']} coders"
    )
    pa = record["percent_agreement"]
    console.print(f"Percent agreement = {'n/a' if pa is None else f'{pa:.1%}'}")
    if record["cohen_kappa"] is not None:
        console.print(f"Cohen's kappa = {record['cohen_kappa']:.3f}")
