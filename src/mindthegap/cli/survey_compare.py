"""``mindthegap survey compare``: group comparisons and baseline-to-follow-up change of a score, from a file or a
study."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json, show_frame
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.errors import InputError, require_columns
from mindthegap.privacy import DEFAULT_MIN_N

_STUDY = typer.Option(
    None, "--study", help="Use the answers stored in this study (suppressed at the study's own threshold)."
)
_INSTRUMENT = typer.Option(
    None,
    "--instrument",
    "-i",
    help="A shipped instrument id (nomad, coproduction, event_feedback) or a YAML file.",
)
_BASELINE = typer.Option(
    None, "--baseline", help="Earlier wave value (default baseline; with --study the first wave)."
)
_FOLLOW_UP = typer.Option(
    None, "--follow-up", help="Later wave value (default follow_up; with --study the last wave)."
)
_BEFORE = typer.Option(None, "--before", hidden=True, help="Old name of --baseline.")
_AFTER = typer.Option(None, "--after", hidden=True, help="Old name of --follow-up.")
_MIN_N = typer.Option(
    None,
    "--min-n",
    min=1,
    help=f"Suppress groups with fewer people than this (default {DEFAULT_MIN_N}, or the study's own).",
)


def _study_scores(study: str, instrument: str | None, wave: str | None, group: str | None, min_n: int | None):
    """A study's construct scores (one row per participant and wave), its plan, the scope and the wave order."""
    from mindthegap.analysis.scoring import score
    from mindthegap.cli.survey import STUDY_KEEP, _study_setup, plan_dims

    setup = _study_setup(study, instrument, None, None)  # opens the store: import store modules after it
    from mindthegap.store.surveys.scoring_input import study_plan, wave_order

    frame = score(setup.frame, setup.constructs, keep=STUDY_KEEP, **setup.score_options())
    min_n = setup.record.min_n if min_n is None else min_n
    present = set(frame["wave"].dropna())
    order = [w for w in wave_order(setup.record) if w in present] or sorted(present)
    scope = {}
    if not wave and len(order) > 1:  # compare groups within one wave so nobody is counted twice
        frame = frame[frame["wave"] == order[-1]]
        scope["wave"] = order[-1]
    scope.update(study=study, instrument=setup.instrument.id)
    plan = study_plan(setup.record, min_n)
    if group:
        plan_dims(plan, [group])
    return frame, plan, scope, order, min_n


def _inputs(file, study, instrument, score_col, group, wave, names, min_n):
    """The scores to compare, their plan, the scope for JSON, (baseline, follow-up, id column) and the threshold."""
    from mindthegap.analysis.publication import PublicationPlan
    from mindthegap.cli.survey import _one_source
    from mindthegap.io.tables import read_table

    baseline, follow_up, id_col = names
    _one_source(file, study)
    scope, plan = {}, None
    if study:
        frame, plan, scope, order, min_n = _study_scores(study, instrument, wave, group, min_n)
        id_col = id_col or "participant_id"
        if wave and order:
            baseline, follow_up = baseline or order[0], follow_up or order[-1]
    else:
        frame = read_table(file)
        min_n = DEFAULT_MIN_N if min_n is None else min_n
    baseline, follow_up, id_col = baseline or "baseline", follow_up or "follow_up", id_col or "id"
    if (group is None) == (wave is None):
        raise InputError(
            "give --group COLUMN to compare groups, or --wave COLUMN for baseline and follow-up (one of them)"
        )
    require_columns(frame.columns, [score_col, group or wave] + ([id_col] if wave else []), path=file)
    frame[score_col] = pd.to_numeric(frame[score_col], errors="coerce")
    if plan is None:
        plan = PublicationPlan.for_frame(frame, id_col=id_col, dims=[group] if group else [], min_n=min_n)
    return frame, plan, scope, (baseline, follow_up, id_col), min_n


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
        None, "--wave", help="Wave column: compare --baseline with --follow-up for the same people."
    ),
    baseline: str = _BASELINE,
    follow_up: str = _FOLLOW_UP,
    before: str = _BEFORE,
    after: str = _AFTER,
    id_col: str = typer.Option(
        None, "--id", help="Person column used to pair waves (default id; participant_id with --study)."
    ),
    n_boot: int = typer.Option(
        DEFAULT_N_BOOT, "--n-boot", min=100, help="Bootstrap resamples for the mean CIs."
    ),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed for the bootstrap."),
    min_n: int = _MIN_N,
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Group means and medians with 95% CIs and tests between groups; or the change between two waves.

    Tests: Kruskal–Wallis, then pairwise tests with effect sizes (Holm, BH); the change runs from
    --baseline to --follow-up.

    Example: [bold]mindthegap survey compare scores.csv --score coherence --group service[/bold]
    or [bold]mindthegap survey compare --study riverside --instrument nomad --score coherence --wave wave[/bold]
    (stored answers: groups are compared within the last wave; the change pairs the first and last waves)
    """
    from mindthegap.cli.console import renamed_option

    baseline = renamed_option(baseline, before, new="--baseline", old="--before")
    follow_up = renamed_option(follow_up, after, new="--follow-up", old="--after")
    frame, plan, scope, (baseline, follow_up, id_col), min_n = _inputs(
        file, study, instrument, score_col, group, wave, (baseline, follow_up, id_col), min_n
    )
    common = {"frame": frame, "score_col": score_col, "plan": plan, "scope": scope, "min_n": min_n}
    common["json"] = as_json
    if wave:
        _paired(**common, id_col=id_col, wave=wave, baseline=baseline, follow_up=follow_up)
    else:
        person = id_col if id_col in frame.columns else None  # one score per person: a repeat is an error
        _groups(
            **common, group=group, reference=reference, person=person, n_boot=n_boot, seed=seed, file=file
        )


def _paired(*, frame, score_col, plan, scope, min_n, json, id_col, wave, baseline, follow_up) -> None:
    from mindthegap.analysis.comparison import paired_change
    from mindthegap.analysis.publication import population_name

    pairs = population_name(
        "survey_pairs",
        instrument=scope.get("instrument"),
        before=baseline,
        after=follow_up,
        construct=score_col,
    )
    table = paired_change(
        frame, score_col, id_col=id_col, wave_col=wave, baseline=baseline, follow_up=follow_up, min_n=min_n,
        plan=plan, population=pairs,
    )  # fmt: skip
    if json:
        print_json({**scope, "paired": frame_records(table)})
    else:
        show_frame(
            table,
            ["n", "mean_baseline", "mean_follow_up", "mean_change", "ci_low", "ci_high", "p_wilcoxon", "d_z"],
        )


def _groups(
    *, frame, score_col, plan, scope, min_n, json, group, reference, person, n_boot, seed, file
) -> None:
    from mindthegap.analysis.comparison import compare_groups, describe_groups
    from mindthegap.analysis.publication import population_name

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
    if json:
        print_json(
            {**scope, "groups": frame_records(groups), "omnibus": omnibus, "pairs": frame_records(pairs)}
        )
        return
    show_frame(groups, [group, "n", "mean", "ci_low", "ci_high", "median", "median_ci_low", "median_ci_high"])
    left_out = omnibus["omitted_small_groups"]
    console.print(
        f"Kruskal–Wallis across {omnibus['groups']} groups: H = {omnibus['statistic']:.2f}, p = {omnibus['p']:.3g}"
        + (f" ({left_out} suppressed group(s) left out)" if left_out else "")
    )
    show_frame(
        pairs,
        ["group_a", "group_b", "difference", "hedges_g", "cliffs_delta", "p_mann_whitney", "p_holm", "p_bh"],
    )
