"""``mindthegap survey``: reliability and construct scores for survey responses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N

app = typer.Typer(
    help=(
        "Survey instruments: construct scores and their reliability (alpha, omega).\n\n"
        "Example: [bold]mindthegap survey reliability answers.csv --instrument nomad[/bold] or "
        "[bold]mindthegap survey reliability answers.csv --construct trust=Q1,Q2,Q3 --reverse Q2[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)

_FILE = typer.Argument(
    ..., help="CSV, XLSX or Parquet: one row per respondent, one column per item (numeric codes)."
)
_CONSTRUCT = typer.Option(
    None, "--construct", "-c", help="NAME=COL1,COL2,… (repeatable); the items that make up a construct."
)
_REVERSE = typer.Option(None, "--reverse", "-r", help="An item to reverse-score (repeatable).")
_INSTRUMENT = typer.Option(
    None,
    "--instrument",
    "-i",
    help="A shipped instrument id (nomad, coproduction, event_feedback) or a YAML file.",
)
_BY = typer.Option(None, "--by", help="Comma-separated grouping columns, e.g. service,discipline.")
_MIN_N = typer.Option(DEFAULT_MIN_N, "--min-n", min=1, help="Suppress groups with fewer people than this.")
_JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _setup(file: Path, construct, reverse, instrument, scale_min, scale_max):
    from mindthegap.analysis.scoring import check_instrument_codes, parse_constructs
    from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument
    from mindthegap.io.tables import read_table

    if bool(construct) == bool(instrument):
        raise InputError("give either --instrument ID or one or more --construct NAME=COL1,COL2 (not both)")
    frame = read_table(file)
    reverse = list(reverse or [])
    if instrument:
        try:
            ins = load_instrument(instrument)
        except InstrumentFileError as exc:
            raise InputError(str(exc)) from None
        constructs = {
            c: cols
            for c, cols in ins.construct_items().items()
            if cols and all(i in frame.columns for i in cols)
        }
        if not constructs:
            raise InputError(
                f"the file has no complete construct of instrument {ins.id!r}",
                path=file,
                hint=f"expected item columns such as {', '.join(i.id for i in ins.rating_items[:6])}",
            )
        # Each item against its own scale first: the shared range below is the widest one.
        frame = check_instrument_codes(frame, ins, path=file)
        reverse = sorted(set(reverse) | set(ins.reverse_items))
        rated = [ins.scale_of(i) for i in ins.rating_items if i.construct]
        scale_min = min(s.min for s in rated) if scale_min is None else scale_min
        scale_max = max(s.max for s in rated) if scale_max is None else scale_max
    else:
        constructs = parse_constructs(construct)
    scale_min = 1 if scale_min is None else scale_min
    scale_max = 5 if scale_max is None else scale_max
    if scale_min >= scale_max:
        raise InputError(f"--scale-min {scale_min} must be below --scale-max {scale_max}")
    unknown = [r for r in reverse if not any(r in cols for cols in constructs.values())]
    if unknown:
        raise InputError(f"--reverse {unknown[0]!r} is not an item of any construct")
    return frame, constructs, reverse, scale_min, scale_max


def _groups(frame, by: str | None, file: Path) -> list[str]:
    dims = [d.strip() for d in (by or "").split(",") if d.strip()]
    for d in dims:
        if d not in frame.columns:
            raise InputError(f"no column {d!r} to group by", path=file)
    return dims


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(
        ..., help="A survey export: CSV, XLSX, Qualtrics CSV, REDCap CSV, Forms XLSX, .sav, .parquet."
    ),
    instrument: str = typer.Option(
        ..., "--instrument", "-i", help="Instrument id (nomad, coproduction, …) or YAML file."
    ),
    out: Path = typer.Option(..., "--out", help="Write the coded responses to this .csv or .parquet file."),
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
    as_json: bool = _JSON,
) -> None:
    """Read a survey export, map answers to codes, check every cell and write one row per respondent.

    Example: [bold]mindthegap survey import export.csv --instrument nomad --out coded.csv --attribute service[/bold]
    """
    from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument
    from mindthegap.io.surveys import import_survey
    from mindthegap.io.tables import write_table

    try:
        ins = load_instrument(instrument)
    except InstrumentFileError as exc:
        raise InputError(str(exc)) from None
    columns = {}
    for spec in column or []:
        src, sep, item = spec.partition("=")
        if not sep or not item.strip():
            raise InputError(f"cannot read --column {spec!r}", hint="write it as SOURCE=ITEM, e.g. Q1=B1")
        columns[src.strip()] = item.strip()
    attributes = {a: None for a in attribute or []}  # kept as written; the store maps them to a study
    result = import_survey(
        file, ins, fmt=fmt, dictionary=dictionary, id_column=id_column, columns=columns,
        attributes=attributes, skip_bad_rows=skip_bad_rows,
    )  # fmt: skip
    write_table(result.responses, out)
    report = result.report()
    if as_json:
        print_json(report)
        return
    console.print(f"imported {len(result.responses):,} respondents to {out}")
    for p in result.problems:
        console.print(f"  skipped row {p.row}, column {p.column!r}: {p.message}")


@app.command()
def reliability(
    file: Path = _FILE,
    construct: list[str] = _CONSTRUCT,
    reverse: list[str] = _REVERSE,
    instrument: str = _INSTRUMENT,
    scale_min: int = typer.Option(None, "--scale-min", help="Lowest code (default 1, or the instrument's)."),
    scale_max: int = typer.Option(None, "--scale-max", help="Highest code (default 5, or the instrument's)."),
    by: str = _BY,
    items: bool = typer.Option(False, "--items", help="Also show item–total r and alpha if deleted."),
    min_n: int = _MIN_N,
    as_json: bool = _JSON,
) -> None:
    """Cronbach's alpha (95% Feldt CI) and McDonald's omega per construct; small groups suppressed.

    Example: [bold]mindthegap survey reliability answers.csv --construct coherence=B1,B2,B3,B4 --scale-max 5[/bold]
    """
    from mindthegap.analysis.reliability import item_table
    from mindthegap.analysis.reliability import reliability as run

    frame, constructs, reverse, lo, hi = _setup(file, construct, reverse, instrument, scale_min, scale_max)
    from mindthegap.analysis.scoring import score

    score(frame, constructs, reverse=reverse, scale_min=lo, scale_max=hi)  # checks codes are on the scale
    dims = _groups(frame, by, file)
    table = run(frame, constructs, reverse=reverse, scale_min=lo, scale_max=hi, by=dims, min_n=min_n)
    item_stats = (
        item_table(frame, constructs, reverse=reverse, scale_min=lo, scale_max=hi, min_n=min_n)
        if items
        else None
    )
    if as_json:
        out = {"constructs": frame_records(table)}
        if item_stats is not None:
            out["items"] = frame_records(item_stats)
        print_json(out)
        return
    _show(table, [*dims, "construct", "k", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega"])
    if item_stats is not None:
        _show(item_stats, ["construct", "item", "reversed", "mean", "sd", "item_total_r", "alpha_if_deleted"])


@app.command("score")
def score_cmd(
    file: Path = _FILE,
    construct: list[str] = _CONSTRUCT,
    reverse: list[str] = _REVERSE,
    instrument: str = _INSTRUMENT,
    scale_min: int = typer.Option(None, "--scale-min", help="Lowest code (default 1, or the instrument's)."),
    scale_max: int = typer.Option(None, "--scale-max", help="Highest code (default 5, or the instrument's)."),
    keep: str = typer.Option(None, "--keep", help="Comma-separated columns to carry over, e.g. id,service."),
    out: Path = typer.Option(..., "--out", help="Write the scores to this .csv or .parquet file."),
    as_json: bool = _JSON,
) -> None:
    """Construct scores per respondent (mean of answered items, at least half answered) written to a file.

    Example: [bold]mindthegap survey score answers.csv --instrument nomad --keep id,service --out scores.csv[/bold]
    """
    from mindthegap.analysis.scoring import score
    from mindthegap.io.tables import write_table

    frame, constructs, reverse, lo, hi = _setup(file, construct, reverse, instrument, scale_min, scale_max)
    kept = _groups(frame, keep, file)
    scores = score(frame, constructs, reverse=reverse, scale_min=lo, scale_max=hi, keep=kept)
    write_table(scores, out)
    summary = {
        "file": str(out),
        "respondents": len(scores),
        "scored": {c: int(scores[c].notna().sum()) for c in constructs},
    }
    if as_json:
        print_json(summary)
    else:
        console.print(f"wrote {len(scores):,} respondents' scores to {out}")


@app.command()
def compare(
    file: Path = typer.Argument(..., help="Scores (from 'survey score') or any table with a numeric column."),
    score_col: str = typer.Option(..., "--score", "-s", help="The score column to compare, e.g. coherence."),
    group: str = typer.Option(None, "--group", "-g", help="Compare groups of this column, e.g. service."),
    reference: str = typer.Option(
        None, "--reference", help="Compare each group with this one (default all pairs)."
    ),
    wave: str = typer.Option(
        None, "--wave", help="Wave column: compare --before with --after for the same people."
    ),
    before: str = typer.Option("baseline", "--before", help="Earlier wave value."),
    after: str = typer.Option("follow_up", "--after", help="Later wave value."),
    id_col: str = typer.Option("id", "--id", help="Person column used to pair waves."),
    n_boot: int = typer.Option(2000, "--n-boot", min=100, help="Bootstrap resamples for the mean CIs."),
    seed: int = typer.Option(20261122, help="Random seed for the bootstrap."),
    min_n: int = _MIN_N,
    as_json: bool = _JSON,
) -> None:
    """Group means/medians with 95% CIs, Kruskal–Wallis, pairwise tests with effect sizes (Holm, BH); or pre/post.

    Example: [bold]mindthegap survey compare scores.csv --score coherence --group service[/bold]
    """
    from mindthegap.analysis.comparison import compare_groups, describe_groups, paired_change
    from mindthegap.io.tables import read_table

    frame = read_table(file)
    if (group is None) == (wave is None):
        raise InputError(
            "give --group COLUMN to compare groups, or --wave COLUMN for before/after (one of them)"
        )
    for col in [score_col, group or wave] + ([id_col] if wave else []):
        if col not in frame.columns:
            raise InputError(
                f"no column {col!r}", path=file, hint=f"columns are: {', '.join(map(str, frame.columns))}"
            )
    frame[score_col] = pd.to_numeric(frame[score_col], errors="coerce")
    if wave:
        table = paired_change(
            frame, score_col, id_col=id_col, wave_col=wave, before=before, after=after, min_n=min_n
        )
        if as_json:
            print_json({"paired": frame_records(table)})
        else:
            _show(
                table,
                ["n", "mean_before", "mean_after", "mean_change", "ci_low", "ci_high", "p_wilcoxon", "d_z"],
            )
        return
    groups = describe_groups(frame, score_col, [group], n_boot=n_boot, seed=seed, min_n=min_n)
    pairs, omnibus = compare_groups(frame, score_col, group, reference=reference, min_n=min_n)
    if as_json:
        print_json({"groups": frame_records(groups), "omnibus": omnibus, "pairs": frame_records(pairs)})
        return
    _show(groups, [group, "n", "mean", "ci_low", "ci_high", "median", "median_ci_low", "median_ci_high"])
    console.print(
        f"Kruskal–Wallis across {omnibus['groups']} groups: H = {omnibus['statistic']:.2f}, p = {omnibus['p']:.3g}"
        + (
            f" ({omnibus['omitted_small_groups']} small group(s) left out)"
            if omnibus["omitted_small_groups"]
            else ""
        )
    )
    _show(
        pairs,
        ["group_a", "group_b", "difference", "hedges_g", "cliffs_delta", "p_mann_whitney", "p_holm", "p_bh"],
    )


def _show(table, columns: list[str]) -> None:
    from rich.table import Table

    cols = [c for c in columns if c in table.columns]
    view = Table(*cols, "suppressed")
    for rec in table.to_dict(orient="records"):
        cells = []
        for c in cols:
            v = rec[c]
            if isinstance(v, float):
                cells.append("" if v != v else (f"{v:.0f}" if c in ("n", "k") else f"{v:.3f}"))
            else:
                cells.append(str(v))
        view.add_row(*cells, "suppressed" if rec.get("suppressed") else "")
    console.print(view)
