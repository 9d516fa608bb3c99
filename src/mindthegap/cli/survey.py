"""``mindthegap survey``: reliability and construct scores for survey responses."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json, show_frame
from mindthegap.cli.survey_compare import compare
from mindthegap.cli.survey_import import import_cmd
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N
from mindthegap.store import database

app = typer.Typer(
    help=(
        "Survey instruments: construct scores and their reliability (alpha, omega).\n\n"
        "Example: [bold]mindthegap survey reliability answers.csv --instrument nomad[/bold] or "
        "[bold]mindthegap survey reliability answers.csv --construct trust=Q1,Q2,Q3 --reverse Q2[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)

app.command("import")(import_cmd)
app.command()(compare)

_FILE = typer.Argument(..., help="CSV, XLSX or Parquet: a row per respondent, a column of answers per item.")
_FILE_OR_STUDY = typer.Argument(
    None, help="CSV, XLSX or Parquet: one row per respondent, one column per item; or use --study."
)
_STUDY = typer.Option(
    None, "--study", help="Use the answers stored in this study (suppressed at the study's own threshold)."
)
STUDY_KEEP = ["participant_id", "wave", "role", "level", "discipline", "service"]
_CONSTRUCT = typer.Option(
    None, "--construct", "-c", help="NAME=COL1,COL2,… (repeatable); the items that make up a construct."
)
_REVERSE = typer.Option(None, "--reverse", "-r", help="An item to reverse-score (repeatable).")
_SCALE_MIN = typer.Option(None, "--scale-min", help="Lowest answer value (default 1, or the instrument's).")
_SCALE_MAX = typer.Option(None, "--scale-max", help="Highest answer value (default 5, or the instrument's).")
_INSTRUMENT = typer.Option(
    None,
    "--instrument",
    "-i",
    help="A shipped instrument id (nomad, coproduction, event_feedback) or a YAML file.",
)
_BY = typer.Option(None, "--by", help="Comma-separated grouping columns, e.g. service,discipline.")
_MIN_N = typer.Option(
    None,
    "--min-n",
    min=1,
    help=f"Suppress groups with fewer people than this (default {DEFAULT_MIN_N}, or the study's own).",
)
_JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _one_source(file: Path | None, study: str | None) -> None:
    if (file is None) == (study is None):
        raise InputError(
            "give a FILE of answers, or --study ID for the answers stored in a study (one of them)"
        )


def _study_setup(study: str, instrument: str | None, construct, reverse, scale_min=None, scale_max=None):
    """A study's stored answers set up for scoring (``store.surveys.scoring_input``)."""
    if construct:
        raise InputError("--construct works on a file; with --study use the stored --instrument")
    database.open_store()
    from mindthegap.store.surveys.scoring_input import setup_from_study

    return setup_from_study(study, instrument, reverse=reverse, scale_min=scale_min, scale_max=scale_max)


def plan_dims(plan, dims: list[str]) -> None:
    """With a study, groups are the study's own (a plan decides them once for every output)."""
    for d in dims:
        if d not in plan.dims and d != "wave":
            raise InputError(
                f"cannot group a study's answers by {d!r}", hint=f"group by {', '.join(plan.dims)} or wave"
            )


def _reliability_inputs(file, study, construct, reverse, instrument, scale_min, scale_max, by, min_n):
    """(setup, grouping columns, plan, population namer, threshold) for a file or a study's answers."""
    from mindthegap.analysis.publication import PublicationPlan, population_name
    from mindthegap.io.surveys.setup import grouping_columns, setup_from_file

    _one_source(file, study)
    if not study:
        from mindthegap.analysis.scoring import score

        setup = setup_from_file(
            file, construct=construct, reverse=reverse, instrument=instrument, scale_min=scale_min,
            scale_max=scale_max,
        )  # fmt: skip
        score(setup.frame, setup.constructs, **setup.score_options())  # checks codes are on the scale
        dims = grouping_columns(setup.frame, by, file)
        min_n = DEFAULT_MIN_N if min_n is None else min_n
        plan = PublicationPlan.for_frame(setup.frame, id_col=None, dims=dims, min_n=min_n)
        return (
            setup,
            dims,
            plan,
            lambda row: population_name("complete_cases", construct=row["construct"]),
            min_n,
        )
    setup = _study_setup(study, instrument, construct, reverse, scale_min, scale_max)  # opens the store
    from mindthegap.store.surveys.scoring_input import study_plan

    frame = setup.frame
    min_n = setup.record.min_n if min_n is None else min_n
    dims = grouping_columns(frame, by)
    if frame["wave"].nunique() > 1:  # the same people answer each wave: alphas are per wave
        dims = ["wave", *[d for d in dims if d != "wave"]]
    plan = study_plan(setup.record, min_n)
    plan_dims(plan, dims)
    only = frame["wave"].dropna().iloc[0] if frame["wave"].nunique() == 1 else None

    def population(row: dict, ins=setup.instrument.id, only=only) -> str:
        wave = row.get("wave", only)
        wave = None if pd.isna(wave) else wave
        return population_name("survey_complete", instrument=ins, wave=wave, construct=row["construct"])

    return setup, dims, plan, population, min_n


@app.command()
def reliability(
    file: Path = _FILE_OR_STUDY,
    study: str = _STUDY,
    construct: list[str] = _CONSTRUCT,
    reverse: list[str] = _REVERSE,
    instrument: str = _INSTRUMENT,
    scale_min: int = _SCALE_MIN,
    scale_max: int = _SCALE_MAX,
    by: str = _BY,
    items: bool = typer.Option(False, "--items", help="Also show item–total r and alpha if deleted."),
    min_n: int = _MIN_N,
    as_json: bool = _JSON,
) -> None:
    """Cronbach's alpha (95% Feldt CI) and McDonald's omega per construct; small groups suppressed.

    Example: [bold]mindthegap survey reliability answers.csv --construct coherence=B1,B2,B3,B4 --scale-max 5[/bold]
    or, on stored answers (per wave),
    [bold]mindthegap survey reliability --study riverside --instrument nomad --by service[/bold]
    """
    from mindthegap.analysis.reliability import item_table
    from mindthegap.analysis.reliability import reliability as run

    setup, dims, plan, population, min_n = _reliability_inputs(
        file, study, construct, reverse, instrument, scale_min, scale_max, by, min_n
    )
    frame, constructs = setup.frame, setup.constructs
    kw = {**setup.score_options(), "min_n": min_n}
    table = run(frame, constructs, by=dims, plan=plan, population=population, **kw)
    item_stats = item_table(frame, constructs, **kw) if items else None
    if as_json:
        out = {"constructs": frame_records(table)}
        if item_stats is not None:
            out["items"] = frame_records(item_stats)
        print_json(out)
        return
    show_frame(table, [*dims, "construct", "k", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega"])
    negative = table["note"].fillna("").str.contains("alpha is negative").any() if "note" in table else False
    hints = item_stats if item_stats is not None or not negative else item_table(frame, constructs, **kw)
    _warn_notes(table, dims, hints)
    if item_stats is not None:
        show_frame(
            item_stats, ["construct", "item", "reversed", "mean", "sd", "item_total_r", "alpha_if_deleted"]
        )


@app.command("score")
def score_cmd(
    file: Path = _FILE_OR_STUDY,
    study: str = _STUDY,
    construct: list[str] = _CONSTRUCT,
    reverse: list[str] = _REVERSE,
    instrument: str = _INSTRUMENT,
    scale_min: int = _SCALE_MIN,
    scale_max: int = _SCALE_MAX,
    keep: str = typer.Option(None, "--keep", help="Comma-separated columns to carry over, e.g. id,service."),
    out: Path = typer.Option(..., "--out", help="Write the scores to this .csv or .parquet file."),
    as_json: bool = _JSON,
) -> None:
    """Construct scores per respondent (mean of answered items, at least half answered) written to a file.

    Example: [bold]mindthegap survey score answers.csv --instrument nomad --keep id,service --out scores.csv[/bold]
    or [bold]mindthegap survey score --study riverside --instrument nomad --out scores.csv[/bold] (one row per
    participant and wave, with role, level, discipline and service)
    """
    from mindthegap.analysis.scoring import score
    from mindthegap.cli.audited import write_table  # records the export when --study names a stored study
    from mindthegap.io.surveys.setup import grouping_columns, setup_from_file

    _one_source(file, study)
    if study:
        setup = _study_setup(study, instrument, construct, reverse, scale_min, scale_max)
        kept = [*STUDY_KEEP, *[k for k in grouping_columns(setup.frame, keep) if k not in STUDY_KEEP]]
    else:
        setup = setup_from_file(
            file, construct=construct, reverse=reverse, instrument=instrument, scale_min=scale_min,
            scale_max=scale_max,
        )  # fmt: skip
        kept = grouping_columns(setup.frame, keep, file)
    constructs = setup.constructs
    scores = score(setup.frame, constructs, keep=kept, **setup.score_options())
    write_table(scores, out, what="survey scores", study=study)
    summary = {
        "file": str(out),
        "respondents": len(scores),
        "scored": {c: int(scores[c].notna().sum()) for c in constructs},
    }
    if as_json:
        print_json(summary)
    else:
        console.print(f"wrote {len(scores):,} respondents' scores to {out}")


def _warn_notes(table, dims: list[str], items=None) -> None:
    """Print each construct's reliability warning on stderr, with what to do about it (for a negative alpha, the
    items whose item–total r is negative, from ``items``, the item table of the whole file)."""
    from mindthegap.analysis.reliability import negative_items
    from mindthegap.cli.console import err_console

    for rec in table.to_dict(orient="records"):
        note = rec.get("note")
        if not isinstance(note, str) or not note:
            continue
        where = ", ".join(str(rec[d]) for d in dims)
        hint = ""
        if "alpha is negative" in note:
            suspects = [] if items is None else negative_items(items, rec["construct"])
            hint = (
                f" — {', '.join(suspects)} {'runs' if len(suspects) == 1 else 'run'} against the other items "
                f"(negative item–total r): if worded in reverse, add {' '.join(f'--reverse {i}' for i in suspects)}"
                if suspects
                else " — check the items with --items (a negative item–total r points to it) and reverse-score "
                "it with --reverse ITEM"
            )
        err_console.print(f"warning: {rec['construct']}{f' ({where})' if where else ''}: {note}{hint}")
