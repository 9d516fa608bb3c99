"""``mindthegap survey``: reliability and construct scores for survey responses."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
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


def _setup(file: Path, construct, reverse, instrument, scale_min, scale_max):
    from mindthegap.analysis.scoring import check_instrument_codes, instrument_item_scales, parse_constructs
    from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument
    from mindthegap.io.tables import read_table

    if bool(construct) == bool(instrument):
        raise InputError("give either --instrument ID or one or more --construct NAME=COL1,COL2 (not both)")
    frame = read_table(file)
    reverse = list(reverse or [])
    scales = None  # each item's own (min, max), with an instrument
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
        # Each item is checked, and reverse-scored, on its own scale; the shared range below is the widest one.
        frame = check_instrument_codes(frame, ins, path=file)
        scales = instrument_item_scales(ins)
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
    return frame, constructs, reverse, scale_min, scale_max, scales


def _one_source(file: Path | None, study: str | None) -> None:
    if (file is None) == (study is None):
        raise InputError(
            "give a FILE of answers, or --study ID for the answers stored in a study (one of them)"
        )


def _groups(frame, by: str | None, file: Path | None) -> list[str]:
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
    as_json: bool = _JSON,
) -> None:
    """Read a survey export, map answers to codes, check every cell; write one row per respondent to a file,
    or store the answers in a study (all or nothing).

    Examples: [bold]mindthegap survey import export.csv --instrument nomad --out coded.csv --attribute service[/bold]
    or [bold]mindthegap survey import export.csv --instrument nomad --study riverside --wave baseline[/bold]
    """
    if (out is None) == (study is None):
        raise InputError(
            "give --out FILE to write the coded answers, or --study ID to store them (one of them)"
        )
    columns = {}
    for spec in column or []:
        src, sep, item = spec.partition("=")
        if not sep or not item.strip():
            raise InputError(f"cannot read --column {spec!r}", hint="write it as SOURCE=ITEM, e.g. Q1=B1")
        columns[src.strip()] = item.strip()
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


def _import_into_study(file, instrument, study, wave, fmt, dictionary, id_column, columns, skip, as_json):
    _open_store()
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


def _open_store() -> None:
    from mindthegap.store.database import open_store

    open_store()


def _study_frame(study: str, instrument: str | None, construct, reverse, scale_min, scale_max):
    """Stored responses of a study as (record, frame, constructs, reverse, lo, hi, instrument id)."""
    if construct:
        raise InputError("--construct works on a file; with --study use the stored --instrument")
    _open_store()
    from mindthegap.analysis.scoring import check_instrument_codes
    from mindthegap.store.studies.repository import get_record
    from mindthegap.store.surveys.importing import load_study_instrument
    from mindthegap.store.surveys.repository import answers_frame, stored_responses

    record = get_record(study)
    if instrument is None:
        used = sorted(answers_frame(record)["instrument"].unique())
        if not used:
            raise InputError(
                f"study {study!r} has no survey answers yet",
                hint="store some with: mindthegap survey import FILE --instrument ID --study " + study,
            )
        if len(used) != 1:
            raise InputError(
                f"study {study!r} has answers to {len(used)} instruments; choose one with --instrument",
                hint=f"instruments: {', '.join(used) or 'none yet'}",
            )
        instrument = used[0]
    ins = load_study_instrument(record, instrument)
    frame = check_instrument_codes(stored_responses(record, ins.id), ins)
    # blanks are not stored, so an item nobody answered has no column: bring it back as missing
    constructs = {
        c: cols for c, cols in ins.construct_items().items() if cols and any(i in frame.columns for i in cols)
    }
    for cols in constructs.values():
        for item in cols:
            if item not in frame.columns:
                frame[item] = np.nan
    if not constructs:
        raise InputError(f"the stored answers hold no complete construct of {ins.id!r}")
    rated = [ins.scale_of(i) for i in ins.rating_items if i.construct]
    lo = min(s.min for s in rated) if scale_min is None else scale_min
    hi = max(s.max for s in rated) if scale_max is None else scale_max
    reverse = sorted(set(reverse or []) | set(ins.reverse_items))
    return record, frame, constructs, reverse, lo, hi, ins


def _item_scales(ins) -> dict[str, tuple[float, float]]:
    from mindthegap.analysis.scoring import instrument_item_scales

    return instrument_item_scales(ins)


def _study_plan(record, min_n: int):
    """The study's publication plan: the same decisions as its report, dashboard and exports."""
    from mindthegap.analysis.publication import PublicationPlan
    from mindthegap.store.studies.repository import participants_frame

    return PublicationPlan(participants_frame(record), min_n=min_n)


def _plan_dims(plan, dims: list[str]) -> None:
    """With a study, groups are the study's own (a plan decides them once for every output)."""
    for d in dims:
        if d not in plan.dims and d != "wave":
            raise InputError(
                f"cannot group a study's answers by {d!r}", hint=f"group by {', '.join(plan.dims)} or wave"
            )


def _wave_order(record) -> list[str]:
    return list(record.waves.order_by("order", "id").values_list("slug", flat=True))


@app.command()
def reliability(
    file: Path = _FILE_OR_STUDY,
    study: str = _STUDY,
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
    or, on stored answers (per wave),
    [bold]mindthegap survey reliability --study riverside --instrument nomad --by service[/bold]
    """
    from mindthegap.analysis.publication import PublicationPlan, population_name
    from mindthegap.analysis.reliability import item_table
    from mindthegap.analysis.reliability import reliability as run

    _one_source(file, study)
    if study:
        record, frame, constructs, reverse, lo, hi, ins = _study_frame(
            study, instrument, construct, reverse, scale_min, scale_max
        )
        scales = _item_scales(ins)
        min_n = record.min_n if min_n is None else min_n
        dims = _groups(frame, by, None)
        if frame["wave"].nunique() > 1:  # the same people answer each wave: alphas are per wave
            dims = ["wave", *[d for d in dims if d != "wave"]]
        plan = _study_plan(record, min_n)
        _plan_dims(plan, dims)
        only = frame["wave"].dropna().iloc[0] if frame["wave"].nunique() == 1 else None

        def population(row: dict, ins=ins.id, only=only) -> str:
            wave = row.get("wave", only)
            return population_name(
                "survey_complete",
                instrument=ins,
                wave=None if pd.isna(wave) else wave,
                construct=row["construct"],
            )
    else:
        frame, constructs, reverse, lo, hi, scales = _setup(
            file, construct, reverse, instrument, scale_min, scale_max
        )
        from mindthegap.analysis.scoring import score

        # checks codes are on the scale
        score(frame, constructs, reverse=reverse, scale_min=lo, scale_max=hi, item_scales=scales)
        dims = _groups(frame, by, file)
        min_n = DEFAULT_MIN_N if min_n is None else min_n
        plan = PublicationPlan.for_frame(frame, id_col=None, dims=dims, min_n=min_n)

        def population(row: dict) -> str:
            return population_name("complete_cases", construct=row["construct"])

    kw = {"reverse": reverse, "scale_min": lo, "scale_max": hi, "item_scales": scales, "min_n": min_n}
    table = run(frame, constructs, by=dims, plan=plan, population=population, **kw)
    item_stats = item_table(frame, constructs, **kw) if items else None
    if as_json:
        out = {"constructs": frame_records(table)}
        if item_stats is not None:
            out["items"] = frame_records(item_stats)
        print_json(out)
        return
    _show(table, [*dims, "construct", "k", "n", "alpha", "alpha_ci_low", "alpha_ci_high", "omega"])
    negative = table["note"].fillna("").str.contains("alpha is negative").any() if "note" in table else False
    hints = item_stats if item_stats is not None or not negative else item_table(frame, constructs, **kw)
    _warn_notes(table, dims, hints)
    if item_stats is not None:
        _show(item_stats, ["construct", "item", "reversed", "mean", "sd", "item_total_r", "alpha_if_deleted"])


@app.command("score")
def score_cmd(
    file: Path = _FILE_OR_STUDY,
    study: str = _STUDY,
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
    or [bold]mindthegap survey score --study riverside --instrument nomad --out scores.csv[/bold] (one row per
    participant and wave, with role, level, discipline and service)
    """
    from mindthegap.analysis.scoring import score
    from mindthegap.io.tables import write_table

    _one_source(file, study)
    if study:
        _, frame, constructs, reverse, lo, hi, ins = _study_frame(
            study, instrument, construct, reverse, scale_min, scale_max
        )
        scales = _item_scales(ins)
        kept = [*STUDY_KEEP, *[k for k in _groups(frame, keep, None) if k not in STUDY_KEEP]]
    else:
        frame, constructs, reverse, lo, hi, scales = _setup(
            file, construct, reverse, instrument, scale_min, scale_max
        )
        kept = _groups(frame, keep, file)
    scores = score(
        frame, constructs, reverse=reverse, scale_min=lo, scale_max=hi, keep=kept, item_scales=scales
    )
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
    file: Path = typer.Argument(
        None, help="Scores (from 'survey score') or any table with a numeric column; or use --study."
    ),
    study: str = _STUDY,
    instrument: str = _INSTRUMENT,
    score_col: str = typer.Option(..., "--score", "-s", help="The score column to compare, e.g. coherence."),
    group: str = typer.Option(None, "--group", "-g", help="Compare groups of this column, e.g. service."),
    reference: str = typer.Option(
        None, "--reference", help="Compare each group with this one (default all pairs)."
    ),
    wave: str = typer.Option(
        None, "--wave", help="Wave column: compare --before with --after for the same people."
    ),
    before: str = typer.Option(
        None, "--before", help="Earlier wave value (default baseline; with --study the first wave)."
    ),
    after: str = typer.Option(
        None, "--after", help="Later wave value (default follow_up; with --study the last wave)."
    ),
    id_col: str = typer.Option(
        None, "--id", help="Person column used to pair waves (default id; participant_id with --study)."
    ),
    n_boot: int = typer.Option(
        DEFAULT_N_BOOT, "--n-boot", min=100, help="Bootstrap resamples for the mean CIs."
    ),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed for the bootstrap."),
    min_n: int = _MIN_N,
    as_json: bool = _JSON,
) -> None:
    """Group means/medians with 95% CIs, Kruskal–Wallis, pairwise tests with effect sizes (Holm, BH); or pre/post.

    Example: [bold]mindthegap survey compare scores.csv --score coherence --group service[/bold]
    or [bold]mindthegap survey compare --study riverside --instrument nomad --score coherence --wave wave[/bold]
    (stored answers: groups are compared within the last wave; pre/post pairs the first and last waves)
    """
    from mindthegap.analysis.comparison import compare_groups, describe_groups, paired_change
    from mindthegap.analysis.publication import PublicationPlan, population_name
    from mindthegap.io.tables import read_table

    _one_source(file, study)
    scope = {}
    plan = None
    if study:
        from mindthegap.analysis.scoring import score as run_score

        record, items, constructs, reverse, lo, hi, ins = _study_frame(
            study, instrument, None, None, None, None
        )
        frame = run_score(
            items, constructs, reverse=reverse, scale_min=lo, scale_max=hi, keep=STUDY_KEEP,
            item_scales=_item_scales(ins),
        )  # fmt: skip
        min_n = record.min_n if min_n is None else min_n
        order = [w for w in _wave_order(record) if w in set(frame["wave"].dropna())] or sorted(
            frame["wave"].dropna().unique()
        )
        id_col = id_col or "participant_id"
        if wave:
            before = before or (order[0] if order else None)
            after = after or (order[-1] if order else None)
        elif len(order) > 1:  # compare groups within one wave so nobody is counted twice
            frame = frame[frame["wave"] == order[-1]]
            scope["wave"] = order[-1]
        scope.update(study=study, instrument=ins.id)
        plan = _study_plan(record, min_n)
        if group:
            _plan_dims(plan, [group])
    else:
        frame = read_table(file)
        min_n = DEFAULT_MIN_N if min_n is None else min_n
    before, after, id_col = before or "baseline", after or "follow_up", id_col or "id"
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
    if plan is None:
        plan = PublicationPlan.for_frame(frame, id_col=id_col, dims=[group] if group else [], min_n=min_n)
    if wave:
        pairs = population_name(
            "survey_pairs",
            instrument=scope.get("instrument"),
            before=before,
            after=after,
            construct=score_col,
        )
        table = paired_change(
            frame, score_col, id_col=id_col, wave_col=wave, before=before, after=after, min_n=min_n,
            plan=plan, population=pairs,
        )  # fmt: skip
        if as_json:
            print_json({**scope, "paired": frame_records(table)})
        else:
            _show(
                table,
                ["n", "mean_before", "mean_after", "mean_change", "ci_low", "ci_high", "p_wilcoxon", "d_z"],
            )
        return
    person = id_col if id_col in frame.columns else None  # one score per person: a repeat is an error
    scored = population_name(
        "survey_scored", instrument=scope.get("instrument"), wave=scope.get("wave"), construct=score_col
    )
    try:
        groups = describe_groups(
            frame, score_col, [group], id_col=person, n_boot=n_boot, seed=seed, min_n=min_n,
            plan=plan, population=scored,
        )  # fmt: skip
        pairs, omnibus = compare_groups(
            frame, score_col, group, reference=reference, id_col=person, min_n=min_n,
            plan=plan, population=scored,
        )  # fmt: skip
    except InputError as exc:
        raise InputError(exc.message, path=file, hint=exc.hint) from None
    if as_json:
        print_json(
            {**scope, "groups": frame_records(groups), "omnibus": omnibus, "pairs": frame_records(pairs)}
        )
        return
    _show(groups, [group, "n", "mean", "ci_low", "ci_high", "median", "median_ci_low", "median_ci_high"])
    console.print(
        f"Kruskal–Wallis across {omnibus['groups']} groups: H = {omnibus['statistic']:.2f}, p = {omnibus['p']:.3g}"
        + (
            f" ({omnibus['omitted_small_groups']} suppressed group(s) left out)"
            if omnibus["omitted_small_groups"]
            else ""
        )
    )
    _show(
        pairs,
        ["group_a", "group_b", "difference", "hedges_g", "cliffs_delta", "p_mann_whitney", "p_holm", "p_bh"],
    )


def _warn_notes(table, dims: list[str], items=None) -> None:
    """Print each construct's reliability warning on stderr, with what to do about it (for a negative alpha, the
    items whose item–total r is negative, from ``items``, the item table of the whole file)."""
    from mindthegap.cli.console import err_console

    for rec in table.to_dict(orient="records"):
        note = rec.get("note")
        if not isinstance(note, str) or not note:
            continue
        where = ", ".join(str(rec[d]) for d in dims)
        hint = ""
        if "alpha is negative" in note:
            suspects = [] if items is None else _negative_items(items, rec["construct"])
            hint = (
                f" — {', '.join(suspects)} {'runs' if len(suspects) == 1 else 'run'} against the other items "
                f"(negative item–total r): if worded in reverse, add {' '.join(f'--reverse {i}' for i in suspects)}"
                if suspects
                else " — check the items with --items (a negative item–total r points to it) and reverse-score "
                "it with --reverse ITEM"
            )
        err_console.print(f"warning: {rec['construct']}{f' ({where})' if where else ''}: {note}{hint}")


def _negative_items(items, construct: str) -> list[str]:
    """The items of ``construct`` running against the rest (none when all do, as in a pair: which is reversed
    is then for the reader of the questionnaire to say)."""
    own = items[items["construct"] == construct]
    rows = own[own["item_total_r"] < 0]
    if "reversed" in rows.columns:
        rows = rows[~rows["reversed"].astype(bool)]
    return [] if len(rows) == len(own) else [str(i) for i in rows["item"]]


def _show(table, columns: list[str]) -> None:
    from mindthegap.cli.console import show_frame

    show_frame(table, columns)
