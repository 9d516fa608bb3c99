"""Recommended implementation strategies per service, each with the evidence that triggered it."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis import strategies as st
from mindthegap.frameworks.strategies import eric_strategies, load_mapping
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections import synthesis_inputs as si
from mindthegap.report.sections.labels import study_labels

TOP = 3


def study_barriers(ctx: ReportContext) -> pd.DataFrame:
    """Every barrier the study's evidence shows, per service: CFIR ratings below 0, low NoMAD constructs, and
    co-production characteristics absent or contested (from the measure, per service)."""
    from mindthegap.analysis import coproduction as cp

    parts = []
    ratings = si.cfir_ratings(ctx)
    if ratings is not None:
        parts.append(st.barriers_from_cfir(ratings))
    means = si.nomad_means(ctx)
    if means is not None:
        parts.append(st.barriers_from_nomad(means, case="service"))
    scores = si.coproduction_scores(ctx)
    if scores is not None:
        latest = scores[scores["wave"] == si._latest_wave(ctx, scores)].dropna(subset=["service"])
        index = cp.instrument_index(latest, by=("service",), min_n=ctx.min_n)
        verdict = cp.absent_characteristics(index.dropna(subset=["absent"]), None, by=("service",))
        parts.append(st.barriers_from_coproduction(verdict, case="service"))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=st.BARRIER_COLUMNS)


def build(ctx: ReportContext) -> Section | None:
    barriers = study_barriers(ctx)
    if barriers.empty:
        return None
    mapping = ctx.evidence.get("strategy_mapping")
    links = mapping if isinstance(mapping, pd.DataFrame) else load_mapping()
    ranked = st.rank_strategies(barriers, links, eric_strategies(), top=TOP)
    if ranked.empty:
        return None
    names = study_labels(ctx.study)["service"]
    detail = st.explain(ranked, barriers, links)
    detail = detail.assign(case=detail["case"].map(lambda c: names.get(c, c)))
    section = Section("strategies", "Recommendations: implementation strategies matched to barriers")
    section.add(
        Paragraph(
            "Each barrier the evidence shows (a CFIR construct rated below 0, a NoMAD construct below 3.5, a "
            "co-production characteristic absent or contested) is matched to implementation strategies from the "
            "ERIC compilation (Powell et al. 2015; clusters from Waltz et al. 2015) through mindthegap's editable "
            "mapping, where every link carries a rationale. A strategy scores severity × weight summed over the "
            "barriers it answers (first-choice links weigh 1, supporting ones ½); the scoring rules are in "
            f"docs/methods.md. The top {TOP} per service follow, with what triggered them."
        )
    )
    section.add(
        Table(
            "Recommended strategies per service, one row per barrier each answers",
            detail,
            {
                "case": "Service",
                "rank": "Rank",
                "name": "Strategy",
                "cluster": "ERIC cluster",
                "score": "Score",
                "barrier": "Barrier it answers",
                "evidence": "Evidence",
                "rationale": "Why this strategy",
            },
            {"score": "{:.1f}"},
        )
    )
    overall = st.rank_strategies(barriers.assign(case="all"), links, eric_strategies(), top=3)
    if len(overall):
        section.summary.append(
            "Recommendations: "
            + "; ".join(f"{r.name} ({r.cluster.lower()})" for r in overall.itertuples())
            + " answer the most barriers across services."
        )
    return section
