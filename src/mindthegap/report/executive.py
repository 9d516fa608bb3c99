"""The one-page executive summary: the headline gap, the three findings that matter most and the top
recommendations, each linked to the part of the report holding its evidence. Every sentence is computed from
the study's evidence (through the same cached synthesis the sections use), never written by hand.

Findings are chosen by rule (docs/methods.md, "Executive summary"): (1) the principles on which the strands
converge on a shortfall, else the widest gap; (2) the level where the gap is widest, with how far the levels
diverge; (3) a dissonance between strands where there is one, else the levels of the system the evidence does
not reach. Recommendations are the strategies answering the most barriers across cases.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from mindthegap.analysis.suppression import ALL
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section
from mindthegap.report.sections.labels import study_labels


@dataclass
class Finding:
    text: str
    anchor: str  # the id of the section or table holding the evidence


def headline(ctx: ReportContext) -> Finding | None:
    from mindthegap.report.sections import synthesis_evidence as se

    gap = se.gap_by_level(ctx)
    if gap is None:
        return None
    overall = gap[(gap["level"] == ALL) & ~gap["suppressed"].astype(bool)]
    if overall.empty:
        return None
    names = study_labels(ctx.study)["principle"]
    top = overall.loc[overall["gap"].astype(float).idxmax()]
    low, high = overall["gap"].astype(float).min(), overall["gap"].astype(float).max()
    text = (
        f"Practice falls short of what people value on every principle examined, by {low:.2f} to {high:.2f} "
        f"points on a 1–5 scale; the widest gap is {names.get(top['principle'], top['principle'])}: "
        f"{float(top['gap']):.2f} (95% CI {float(top['gap_ci_low']):.2f} to {float(top['gap_ci_high']):.2f}), "
        f"from {int(top['n'])} people."
    )
    if low <= 0:
        text = text.replace("on every principle examined", f"on {int((overall['gap'] > 0).sum())} principles")
    return Finding(text, "values-practice")


def findings(ctx: ReportContext) -> list[Finding]:
    out = [f for f in (_convergence(ctx), _by_level(ctx), _dissonance_or_reach(ctx)) if f is not None]
    return out[:3]


def _verdicts(ctx: ReportContext) -> pd.DataFrame | None:
    from mindthegap.analysis.joint_display import meta_inference
    from mindthegap.report.sections.joint_displays import strand_directions

    directions = strand_directions(ctx)
    return None if directions.empty else meta_inference(directions)


def _convergence(ctx: ReportContext) -> Finding | None:
    verdicts = _verdicts(ctx)
    if verdicts is None:
        return None
    names = study_labels(ctx.study)["principle"]
    shortfall = verdicts[(verdicts["verdict"] == "convergence") & (verdicts["direction"] < 0)]
    if shortfall.empty:
        return None
    listed = ", ".join(names.get(r, r) for r in shortfall["row"])
    strands = sorted({s.split(" ")[0] for reason in shortfall["reason"] for s in reason.split("; ")})
    return Finding(
        f"The strands of evidence ({', '.join(strands)}) agree that practice falls short on {listed}.",
        f"joint-{shortfall['row'].iloc[0]}",
    )


def _by_level(ctx: ReportContext) -> Finding | None:
    from mindthegap.report.sections import synthesis_evidence as se

    gap = se.gap_by_level(ctx)
    if gap is None:
        return None
    shown = gap[(gap["level"] != ALL) & ~gap["suppressed"].astype(bool)]
    if shown["level"].nunique() < 2:
        return None
    by_level = shown.groupby("level")["gap"].mean().astype(float)
    hi, lo = by_level.idxmax(), by_level.idxmin()
    return Finding(
        f"{Level(hi).label} report the widest gaps (mean {by_level[hi]:.2f} points across principles), "
        f"{Level(lo).label.lower()} the narrowest ({by_level[lo]:.2f}): the same policy is experienced "
        "differently at different levels of the system.",
        "evidence-matrix",
    )


def _dissonance_or_reach(ctx: ReportContext) -> Finding | None:
    from mindthegap.report.sections.evidence_matrix import matrix

    verdicts = _verdicts(ctx)
    names = study_labels(ctx.study)["principle"]
    if verdicts is not None:
        split = verdicts[verdicts["verdict"] == "dissonance"]
        if len(split):
            row = split.iloc[0]
            return Finding(
                f"The evidence disagrees on {names.get(row['row'], row['row'])} ({row['reason']}): this is "
                "where to look next before acting.",
                f"joint-{row['row']}",
            )
    table = matrix(ctx)
    if table is None:
        return None
    empty = table[table["status"] != "evidence"].groupby("level").size()
    never = [Level(lv).label.lower() for lv, n in empty.items() if n == table["row"].nunique()]
    if not never:
        return None
    return Finding(
        f"No evidence that may be shown reaches the {', '.join(never)} level: the evaluation cannot say how "
        "the policy is seen there.",
        "evidence-matrix",
    )


def recommendations(ctx: ReportContext, top: int = 3) -> list[Finding]:
    from mindthegap.analysis import strategies as st
    from mindthegap.frameworks.strategies import eric_strategies, load_mapping
    from mindthegap.report.sections.strategies import study_barriers

    barriers = study_barriers(ctx)
    if barriers.empty:
        return []
    mapping = ctx.evidence.get("strategy_mapping")
    links = mapping if isinstance(mapping, pd.DataFrame) else load_mapping()
    ranked = st.rank_strategies(barriers.assign(case="all"), links, eric_strategies(), top=top)
    return [
        Finding(
            f"{r.name} ({r.cluster.lower()}), answering barriers in {_short(r.triggered_by)}.", "strategies"
        )
        for r in ranked.itertuples()
    ]


def _short(text: str, keep: int = 3) -> str:
    """The distinct barriers a strategy answers, by name ("cfir2: Work Infrastructure (severity 2, …)" →
    "Work Infrastructure")."""
    names = [part.split("(")[0].split(":")[-1].strip() for part in str(text).split(";")]
    names = list(dict.fromkeys(n for n in names if n))
    more = f" and {len(names) - keep} more" if len(names) > keep else ""
    return ", ".join(names[:keep]) + more


def executive_summary(ctx: ReportContext) -> Section | None:
    """The summary as a report section (id ``summary``); None when the study has nothing to summarise."""
    head, found, recs = headline(ctx), findings(ctx), recommendations(ctx)
    if head is None and not found and not recs:
        return None
    section = Section("summary", "Executive summary")
    if head is not None:
        section.add(Paragraph(head.text, kind="headline", href=f"#{head.anchor}"))
    if found:
        section.add(Paragraph("The findings that matter most", kind="subhead"))
        for i, f in enumerate(found, start=1):
            section.add(Paragraph(f"{i}. {f.text}", kind="finding", href=f"#{f.anchor}"))
    if recs:
        section.add(Paragraph("What would close the gap", kind="subhead"))
        for i, r in enumerate(recs, start=1):
            section.add(Paragraph(f"{i}. {r.text}", kind="finding", href=f"#{r.anchor}"))
    return section
