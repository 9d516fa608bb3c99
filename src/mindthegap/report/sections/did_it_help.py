"""Report section: did it help? Change between baseline and follow-up in the values–practice gap, NoMAD scores
and network degree for people who came to events and people who did not (difference in differences), and
change by the number of events attended. Worded as association: people chose to come."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.did import difference_in_differences, dose_response, person_changes
from mindthegap.analysis.networks import degrees
from mindthegap.analysis.publication import population_name
from mindthegap.analysis.reach import attendees
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table

OUTCOMES = {
    "gap": "Values–practice gap (lower is better)",
    "nomad": "NoMAD score, part B (higher is better)",
    "degree": "Colleagues named (network degree)",
}


def _outcomes(ctx: ReportContext) -> dict[str, pd.DataFrame]:
    """Each outcome as long rows: participant_id, wave, value."""
    out = {}
    ratings = ctx.frame("values_practice")
    if ratings is not None:
        r = ctx.consenting(ratings)
        out["gap"] = r.assign(value=r["value"].astype(float) - r["practice"].astype(float))
    answers = ctx.frame("surveys")
    if answers is not None:
        nomad = answers[(answers["instrument"] == "nomad") & answers["code"].notna()]
        nomad = nomad[~nomad["item"].isin(["A1", "A2", "A3"])]
        out["nomad"] = _nomad_scores(ctx.consenting(nomad), ctx)
    ties = ctx.frame("network_ties")
    if ties is not None:
        out["degree"] = degrees(ctx.consenting(ties), ctx.roster()).rename(columns={"degree": "value"})
    return {k: v for k, v in out.items() if v is not None and len(v)}


def _nomad_scores(part: pd.DataFrame, ctx: ReportContext) -> pd.DataFrame:
    """Mean part-B item score per person and wave, negatively worded items reversed on their 1–5 scale."""
    instruments = ctx.evidence.get("survey_instruments") or {}
    reverse: set[str] = set()
    if "nomad" in instruments:
        reverse = set(instruments["nomad"].reverse_items)
    else:
        from mindthegap.frameworks.instruments import load_instrument

        reverse = set(load_instrument("nomad").reverse_items)
    code = np.where(part["item"].isin(reverse), 6 - part["code"].astype(float), part["code"].astype(float))
    return part.assign(value=code)[["participant_id", "wave", "value"]]


def build(ctx: ReportContext) -> Section | None:
    attendance = ctx.frame("event_attendance")
    waves = [w.id for w in ctx.study.waves_in_order()]
    if attendance is None or len(waves) < 2:
        return None
    outcomes = _outcomes(ctx)
    if not outcomes:
        return None
    came = attendees(attendance, ctx.roster())
    dose = dict(zip(came["participant_id"], came["events"], strict=True))
    rows, slopes = _compare_outcomes(ctx, outcomes, dose, before=waves[0], after=waves[-1])
    table = pd.DataFrame(rows).assign(label=lambda d: d["outcome"].map(OUTCOMES))
    section = Section("did-it-help", "Did it help? Change for people who came and people who did not")
    section.add(
        Paragraph(
            "For people measured at both waves, each outcome's change (follow-up minus baseline) is compared between "
            "people who came to at least one event and people who did not: the difference in differences. People "
            "chose to come, so this is an association, not proof that events caused the change. Intervals are 95% "
            f"studentised bootstrap intervals resampling people within each group ({ctx.n_boot:,} resamples, seeded)."
        )
    )
    _add_difference_in_differences(section, table)
    section.add(_dose_table(slopes))
    return section


def _compare_outcomes(
    ctx: ReportContext, outcomes: dict[str, pd.DataFrame], dose: dict, before: str, after: str
) -> tuple[list[dict], list[dict]]:
    """For each outcome, the difference in differences (through the plan) and the dose-response slope, which is
    hidden wherever the comparison is suppressed."""
    rows, slopes = [], []
    for key, frame in outcomes.items():
        changes = person_changes(frame, outcome="value", baseline=before, follow_up=after)
        changes = changes[changes["participant_id"].isin(ctx.plan.roster.index)]
        row = (
            difference_in_differences(
                changes, dose, min_n=ctx.min_n, outcome=key, n_boot=ctx.n_boot, seed=ctx.seed
            )
            .iloc[0]
            .to_dict()
        )
        row = _through_plan(row, changes, dose, key, ctx)
        rows.append(row)
        slope = dose_response(changes, dose, min_n=ctx.min_n, outcome=key, n_boot=ctx.n_boot, seed=ctx.seed)
        slope = slope.iloc[0].to_dict()
        if row["suppressed"]:
            slope.update(slope=np.nan, ci_low=np.nan, ci_high=np.nan, suppressed=True, n=None)
        slopes.append(slope)
    return rows, slopes


def _add_difference_in_differences(section: Section, table: pd.DataFrame) -> None:
    """The difference-in-differences table, as a chart when any row is shown, and a summary line for each
    outcome whose interval excludes zero."""
    data = Table(
        caption="Difference in differences: people who came to events against people who did not",
        data=table,
        columns={
            "label": "Outcome",
            "n_attended": "Came (n)",
            "n_not": "Did not come (n)",
            "change_attended": "Change, came",
            "change_not": "Change, did not come",
            "did": "Difference",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
        },
        formats={
            "n_attended": "{:.0f}",
            "n_not": "{:.0f}",
            **dict.fromkeys(("change_attended", "change_not", "did", "ci_low", "ci_high"), "{:+.2f}"),
        },
    )
    shown = table[~table["suppressed"].astype(bool)]
    if len(shown):
        section.add(Figure("Difference in differences", _chart(shown), _alt(shown), data))
        for r in shown.itertuples(index=False):
            if r.ci_low > 0 or r.ci_high < 0:
                section.summary.append(
                    f"{OUTCOMES[r.outcome].split(' (')[0]} changed by {r.did:+.2f} more among people who came to "
                    f"events than among those who did not (95% CI {r.ci_low:+.2f} to {r.ci_high:+.2f}); an "
                    "association, not proof of effect."
                )
    else:
        section.add(data)


def _dose_table(slopes: list[dict]) -> Table:
    """Change per extra event attended, for each outcome."""
    return Table(
        caption="Dose: change per extra event attended",
        data=pd.DataFrame(slopes).assign(label=lambda d: d["outcome"].map(OUTCOMES)),
        columns={
            "label": "Outcome",
            "slope": "Change per event",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
        },
        formats=dict.fromkeys(("slope", "ci_low", "ci_high"), "{:+.3f}"),
        note="Least-squares slope of each person's change on the number of events they came to (0 for people "
        "who never came); percentile bootstrap interval resampling people.",
    )


def _through_plan(row: dict, changes: pd.DataFrame, dose: dict, key: str, ctx: ReportContext) -> dict:
    """Ask the plan for both groups' sizes; a hidden one suppresses the comparison."""
    plan = ctx.plan
    ids = changes["participant_id"]
    came = ids[ids.map(lambda p: p in dose)]
    not_came = ids[~ids.map(lambda p: p in dose)]
    counts = []
    for arm, people in (("attended", came), ("not", not_came)):
        name = population_name("did", outcome=key, arm=arm)
        if not plan.has(name):
            plan.register(name, people)
        counts.append(plan.count(name, output="did it help"))
    if any(c is None or c == 0 for c in counts) or row["suppressed"]:
        return {
            **row,
            **dict.fromkeys(("change_attended", "change_not", "did", "se", "ci_low", "ci_high"), np.nan),
            "n_attended": counts[0],
            "n_not": counts[1],
            "suppressed": True,
        }
    return {**row, "n_attended": counts[0], "n_not": counts[1]}


def _chart(shown: pd.DataFrame) -> str:
    return charts.interval_chart(
        shown["label"], shown["did"], shown["ci_low"], shown["ci_high"], row_height=0.5, large=True,
        xlabel="Change among people who came minus change among people who did not (95% CI)",
    )  # fmt: skip


def _alt(shown: pd.DataFrame) -> str:
    parts = [
        f"{r.label}: {r.did:+.2f} (95% CI {r.ci_low:+.2f} to {r.ci_high:+.2f})" for r in shown.itertuples()
    ]
    return "Dot plot of the difference in differences with 95% intervals. " + "; ".join(parts) + "."
