"""``mindthegap gap``: the values–practice gap for a ratings file or a stored study."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N


def gap(
    file: Path = typer.Argument(
        None,
        help="CSV or Parquet of ratings: participant_id, principle, value, practice, wave and any grouping columns.",
        show_default=False,
    ),
    study: str = typer.Option(None, "--study", help="Analyse a stored study (by id) instead of a file."),
    by: str = typer.Option(
        "principle", "--by", help="Comma-separated grouping columns, e.g. principle,service."
    ),
    margins: bool = typer.Option(
        True, "--margins/--no-margins", help="Add 'All' totals for each grouping column."
    ),
    min_n: int = typer.Option(
        None,
        "--min-n",
        min=1,
        help=f"Suppress groups with fewer people than this (default {DEFAULT_MIN_N}, or the study's own).",
    ),
    n_boot: int = typer.Option(DEFAULT_N_BOOT, "--n-boot", min=100, help="Bootstrap resamples."),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed for the bootstrap."),
    out: Path = typer.Option(None, "--out", help="Also write the table to this .csv or .parquet file."),
    as_json: bool = typer.Option(False, "--json", help="Print the table as JSON records."),
) -> None:
    """Values–practice gap (value − practice) per group with 95% bootstrap CIs; small groups suppressed.

    The CIs resample people and are studentised.

    What is hidden is decided once for the study (or file) over every grouping, so no two runs with
    different --by can be subtracted from each other, nor from the report.

    Example: [bold]mindthegap gap ratings.csv --by principle,service[/bold]
    """
    from mindthegap.analysis.gap import values_practice_gap

    if (file is None) == (study is None):
        raise InputError("give either a ratings FILE or --study ID (not both)")
    if file is not None:
        ratings, people, min_n = _read_ratings(file), None, DEFAULT_MIN_N if min_n is None else min_n
        names = None
    else:
        ratings, people, own_min_n, names = _stored_ratings(study)
        min_n = own_min_n if min_n is None else min_n
    dims, plan = _dims_and_plan(ratings, people, by, file, min_n)
    table = values_practice_gap(
        ratings, dims, margins=margins, n_boot=n_boot, seed=seed, min_n=min_n, plan=plan
    )
    from mindthegap.report.sections.labels import label_frame, readable

    if names is not None:  # the study's names for its ids
        table = label_frame(table, names)
    if out is not None:
        from mindthegap.cli.audited import write_table  # records the export when --study

        write_table(readable(table), out, what="gap table", study=study)  # rounded for reading
    if as_json:
        print_json(frame_records(readable(table)))
        return
    _print_gap(table, dims)


def _dims_and_plan(ratings, people, by: str, file, min_n: int):
    """The grouping columns (with the wave when there are several) and the publication plan deciding them."""
    from mindthegap.analysis.gap import NEVER_ROLLED_UP
    from mindthegap.analysis.publication import PublicationPlan

    dims = [d.strip() for d in by.split(",") if d.strip()]
    if "wave" in ratings.columns and ratings["wave"].nunique() > 1 and "wave" not in dims:
        dims.append("wave")
    from mindthegap.errors import require_columns

    require_columns(ratings.columns, dims, path=file)
    if people is not None:
        plan = PublicationPlan(people, min_n=min_n)
    else:
        grouping = [d for d in dims if d not in NEVER_ROLLED_UP]
        plan = PublicationPlan.for_frame(ratings, dims=grouping, min_n=min_n)
    return dims, plan


def _print_gap(table, dims: list[str]) -> None:
    from rich.table import Table as RichTable

    rich = RichTable(title="Values–practice gap")
    for col in [*dims, "n", "gap", "95% CI"]:
        rich.add_column(col, justify="left" if col in dims else "right")
    for _, row in table.iterrows():
        keys = [str(row[d]) for d in dims]
        if row["suppressed"]:
            rich.add_row(*keys, "suppressed", "", "")
        else:
            rich.add_row(
                *keys,
                f"{row['n']:.0f}",
                f"{row['gap']:.2f}",
                f"{row['gap_ci_low']:.2f} to {row['gap_ci_high']:.2f}",
            )
    console.print(rich)


REQUIRED = ("participant_id", "principle", "value", "practice")


def _read_ratings(path: Path):
    from mindthegap.io.tables import read_table

    frame = read_table(path)
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise InputError(
            f"missing column {missing[0]!r}",
            path=path,
            hint="the file needs participant_id, principle, value and practice columns",
        )
    from mindthegap.io.study_files import coerce_ratings
    from mindthegap.io.tables import check_lengths
    from mindthegap.model.limits import NAME_MAX

    check_lengths(frame, {}, default=NAME_MAX, path=path)
    coerce_ratings(frame, path)
    return frame


def _stored_ratings(study_id: str):
    """The study's ratings, its consenting participants (the plan's roster), its own threshold and the study
    (for the names of its principles, services and waves)."""
    from mindthegap.store.database import open_study

    record = open_study(study_id)
    from mindthegap.store.studies.repository import load_study, participants_frame, values_practice_frame

    return values_practice_frame(record), participants_frame(record), record.min_n, load_study(study_id)
