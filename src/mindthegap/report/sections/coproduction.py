"""The co-production index: six characteristics per team from the instrument and from coded interviews."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis import coproduction as cp
from mindthegap.analysis.publication import apply_plan, population_name
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections import synthesis_inputs as si
from mindthegap.report.sections.labels import label_frame

LABELS = cp.LABELS | {cp.OVERALL: "Overall index"}


def _wide_by_team(index: pd.DataFrame, value: str) -> pd.DataFrame:
    table = index.pivot_table(index=["team", "n"], columns="characteristic", values=value).reset_index()
    return table.rename_axis(columns=None)


def _people_per_team(frame: pd.DataFrame) -> pd.Series:
    return frame.groupby("team")["participant_id"].nunique()


def _instrument_table(ctx: ReportContext, scores: pd.DataFrame, wave: str) -> pd.DataFrame:
    """The index per team and characteristic; ``n`` is the people of the team who answered the measure."""
    at = scores[(scores["wave"] == wave) & scores["team"].notna()]
    name = ctx.plan.register(population_name("coproduction_answered", wave=wave), at[["participant_id"]])
    index = cp.instrument_index(at, by=("team",), min_n=1)
    index["n"] = index["team"].map(_people_per_team(at))
    return apply_plan(
        index,
        ctx.plan,
        {"n": name},
        by=["team"],
        keep=["characteristic", "wave"],
        output="co-production index by team",
    )


def _change_table(ctx: ReportContext, scores: pd.DataFrame) -> pd.DataFrame | None:
    """Change in the overall index per team; ``n`` is the people of the team who answered in both waves."""
    at = scores[scores["team"].notna()]
    change = cp.wave_change(at, by=("team",), min_n=1, n_boot=ctx.n_boot, seed=ctx.seed)
    if change.empty:
        return None
    waves = list(dict.fromkeys(at["wave"].dropna()))
    first = set(at[at["wave"] == waves[0]]["participant_id"])
    both = at[(at["wave"] == waves[-1]) & at["participant_id"].isin(first)]
    name = ctx.plan.register(population_name("coproduction_both_waves"), both[["participant_id"]])
    overall = change[change["characteristic"] == cp.OVERALL].copy()
    overall["n"] = overall["team"].map(_people_per_team(both)).fillna(0).astype(int)
    return apply_plan(
        overall,
        ctx.plan,
        {"n": name},
        by=["team"],
        keep=["characteristic"],
        output="co-production index change by team",
    )


def build(ctx: ReportContext) -> Section | None:
    scores = si.coproduction_scores(ctx)
    coded = si.coproduction_coded(ctx)
    if scores is None and coded is None:
        return None
    section = Section("coproduction", "Co-production index")
    section.add(
        Paragraph(
            "Six characteristics of co-production (Boyle & Harris 2009) are scored per team from the co-production "
            "measure (index 0–100: 50 is the neutral midpoint, below 50 people on average disagree that the "
            "characteristic is there) and from interviews coded for each characteristic with a valence (50 + 50 × "
            "the share of interviewees with evidence for it minus the share with evidence against). A "
            "characteristic is absent where every source available says so. Methods: docs/methods.md."
        )
    )
    index = None
    if scores is not None:
        wave = si._latest_wave(ctx, scores)
        index = _instrument_table(ctx, scores, wave)
        wide = _wide_by_team(index.dropna(subset=["index"]), "index")
        if len(wide):
            cols = {"team": "Team", "n": "People"} | {
                k: LABELS[k] for k, _ in cp.CHARACTERISTICS if k in wide
            }
            formats = {k: "{:.0f}" for k, _ in cp.CHARACTERISTICS}
            section.add(
                Table(
                    f"Co-production index by team ({wave}, from the measure)",
                    label_frame(wide, ctx.study),
                    cols,
                    formats,
                )
            )
        _reliability(ctx, scores, section)
        change = _change_table(ctx, scores)
        if change is not None:
            shown = change
            section.add(
                Table(
                    "Change in the overall co-production index between waves, by team (index points, 95% CI)",
                    label_frame(shown, ctx.study),
                    {
                        "team": "Team",
                        "n": "People in both waves",
                        "change": "Change",
                        "ci_low": "CI low",
                        "ci_high": "CI high",
                    },
                    {"change": "{:+.1f}", "ci_low": "{:+.1f}", "ci_high": "{:+.1f}"},
                    note="Intervals resample people (cluster bootstrap), since each person gives six characteristics.",
                )
            )
    coded_index = _coded(ctx, coded, section, scores)
    _agreement(ctx, index, coded, section)
    _absent(ctx, index, coded_index, section)
    return section if len(section.blocks) > 1 else None


def _reliability(ctx: ReportContext, scores: pd.DataFrame, section: Section) -> None:
    wide = si.survey_wide(ctx.frame("surveys"), "coproduction", si.roster(ctx))
    table = cp.item_reliability(wide)
    table["characteristic"] = table["characteristic"].map(LABELS)
    section.add(
        Table(
            "Reliability of each characteristic's two items (Cronbach's alpha, Feldt 95% CI)",
            table,
            {
                "wave": "Wave",
                "characteristic": "Characteristic",
                "alpha": "Alpha",
                "ci_low": "CI low",
                "ci_high": "CI high",
            },
            {"alpha": "{:.2f}", "ci_low": "{:.2f}", "ci_high": "{:.2f}"},
        )
    )


def _coded(ctx: ReportContext, coded, section: Section, scores: pd.DataFrame | None) -> pd.DataFrame | None:
    if coded is None:
        return None
    segs, people = coded
    everyone = people.assign(trust="All interviewees")
    overall = cp.coded_index(segs, everyone, by=("trust",), min_n=ctx.min_n)
    n = ctx.plan.count(
        ctx.plan.register("coproduction_interviewed", people[["participant_id"]]), output="interviewees"
    )
    if n is None:
        return None
    reliability = cp.coder_reliability(segs, list(people["participant_id"]))
    overall = overall.merge(reliability[["characteristic", "alpha"]], on="characteristic", how="left")
    columns = {"characteristic": "Characteristic", "index": "Index from interviews"}
    if (
        scores is not None
    ):  # the same characteristic from everyone who answered the measure, for triangulation
        latest = scores[scores["wave"] == si._latest_wave(ctx, scores)].assign(trust="All interviewees")
        measured = cp.instrument_index(latest, by=("trust",), min_n=ctx.min_n)[["characteristic", "index"]]
        overall = overall.merge(
            measured.rename(columns={"index": "measure"}), on="characteristic", how="left"
        )
        columns["measure"] = "Index from the measure"
    overall["characteristic"] = overall["characteristic"].map(LABELS)
    section.add(
        Table(
            f"Co-production index from {n} coded interviews (all teams together), beside the measure",
            overall,
            {**columns, "absent": "Absent in interviews", "alpha": "Coder agreement (α)"},
            {"index": "{:.0f}", "measure": "{:.0f}", "alpha": "{:.2f}"},
            note="Per team the interviewees are too few to publish; coder agreement is Krippendorff's alpha on "
            "whether each interview carries the characteristic.",
        )
    )
    return cp.coded_index(segs, people, by=("team",), min_n=ctx.min_n)


def _agreement(ctx: ReportContext, index: pd.DataFrame | None, coded, section: Section) -> None:
    """Agreement of the two indices over teams: summaries only, since per-team interview counts are small."""
    if index is None or coded is None:
        return
    segs, people = coded
    per_team = cp.coded_index(segs, people.dropna(subset=["team"]), by=("team",), min_n=1)
    table = cp.source_agreement(index.dropna(subset=["index"]), per_team)
    if table["groups"].max() < 3:
        return
    table["characteristic"] = table["characteristic"].map(LABELS)
    section.add(
        Table(
            "Agreement between the measure and the interviews over teams",
            table,
            {
                "characteristic": "Characteristic",
                "spearman_rho": "Spearman's rho",
                "mean_abs_difference": "Mean |difference| (index points)",
                "same_side": "Teams on the same side of 50",
            },
            {"spearman_rho": "{:.2f}", "mean_abs_difference": "{:.0f}", "same_side": "{:.0%}"},
            note="Indicative: a team's interview index rests on the few people interviewed there, which is not "
            "published; only these summaries over teams are.",
        )
    )


def _absent(ctx: ReportContext, index, coded_index, section: Section) -> None:
    inst = index.dropna(subset=["absent"]) if index is not None else None
    verdict = cp.absent_characteristics(
        inst, coded_index.dropna(subset=["absent"]) if coded_index is not None else None
    )
    missing = verdict[verdict["status"] != "present"]
    if missing.empty:
        section.summary.append("Co-production: no characteristic is absent in any team the data can show.")
        return
    missing = label_frame(missing.assign(characteristic=missing["characteristic"].map(LABELS)), ctx.study)
    section.add(
        Table(
            "Characteristics absent or contested, by team",
            missing,
            {"team": "Team", "characteristic": "Characteristic", "status": "Verdict"},
        )
    )
    top = missing["characteristic"].value_counts()
    section.summary.append(
        f"Co-production: {top.index[0]} is absent or contested in {int(top.iloc[0])} team(s), "
        "the most of any characteristic."
    )
