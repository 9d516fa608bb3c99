"""CFIR 2.0 ratings per case and the constructs that distinguish higher- from lower-implementation cases."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.cfir import distinguishing_constructs
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections import synthesis_inputs as si
from mindthegap.report.sections.labels import study_labels


def _signed(value) -> str:
    return "X" if pd.isna(value) else f"{int(value):+d}" if value else "0"


def build(ctx: ReportContext) -> Section | None:
    ratings = si.cfir_ratings(ctx)
    if ratings is None or ratings.empty:
        return None
    names = study_labels(ctx.study)["service"]
    section = Section("cfir", "CFIR 2.0 ratings by service")
    decided = int((ratings["status"] != "proposed").sum())
    section.add(
        Paragraph(
            "Each CFIR 2.0 construct (Damschroder et al. 2022) with coded evidence is rated per service from −2 "
            "(a strong barrier) to +2 (a strong facilitator), 0 for neutral or mixed evidence and X for none, by the "
            "rules in docs/methods.md (after Damschroder & Lowery 2013): strong needs explicit examples from two or "
            "more informants and none the other way. "
            + (
                f"Analysts have confirmed or changed {decided} of {len(ratings)} ratings, with their reasons kept."
                if decided
                else "These are the rules' proposals; no analyst has reviewed them yet."
            )
        )
    )
    wide = ratings.assign(case=ratings["case"].map(lambda c: names.get(c, c)))
    wide = wide.pivot_table(index="construct", columns="case", values="rating", aggfunc="first")
    wide = wide.astype("float").rename_axis(columns=None).reset_index()
    cases = [c for c in wide.columns if c != "construct"]
    shown = wide.copy()
    for c in cases:
        shown[c] = shown[c].map(_signed)
    section.add(
        Table(
            "CFIR construct ratings by service (−2 … +2; X no evidence)",
            shown,
            {"construct": "Construct", **{c: c for c in cases}},
            note="Counts of informants behind each rating are not shown: they are below the small-number threshold.",
        )
    )
    _distinguishing(ctx, ratings, names, section)
    barriers = ratings[ratings["rating"].fillna(0) <= -1]
    if len(barriers):
        common = barriers["construct"].value_counts()
        section.summary.append(
            f"CFIR: {common.index[0]} is rated a barrier in {int(common.iloc[0])} of "
            f"{ratings['case'].nunique()} services."
        )
    return section


def _distinguishing(ctx: ReportContext, ratings: pd.DataFrame, names: dict, section: Section) -> None:
    levels = si.implementation(ctx)
    if levels is not None:
        table = distinguishing_constructs(ratings, levels)
        strong = table[table["distinguishes"] != "no"]
        higher = ", ".join(names.get(c, c) for c in levels[levels["implementation"] == "higher"]["case"])
        section.add(
            Paragraph(
                f"Services are grouped by their mean NoMAD score at the latest wave, split at the median: higher "
                f"implementation — {higher or 'none'}; lower — the rest."
            )
        )
        if len(strong):
            section.add(
                Table(
                    "Constructs that distinguish higher- from lower-implementation services",
                    strong,
                    {
                        "construct": "Construct",
                        "mean_higher": "Mean rating, higher",
                        "mean_lower": "Mean rating, lower",
                        "difference": "Difference",
                        "distinguishes": "Distinguishes",
                    },
                    {"mean_higher": "{:+.1f}", "mean_lower": "{:+.1f}", "difference": "{:+.1f}"},
                )
            )
            top = strong.iloc[0]
            section.summary.append(
                f"CFIR: {top.construct} distinguishes higher- from lower-implementation services most "
                f"(mean rating {top.mean_higher:+.1f} against {top.mean_lower:+.1f})."
            )
