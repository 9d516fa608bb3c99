"""Report section: joint displays — per principle, the strands side by side (gap with CI, how far the levels
diverge, NoMAD, what people said with quotes, the regulator's rating, consensus on levers) and the
meta-inference the rules in docs/methods.md draw from them."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.evidence_matrix import gap_direction
from mindthegap.analysis.joint_display import WAY, meta_inference
from mindthegap.analysis.suppression import ALL
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections import synthesis_evidence as se
from mindthegap.report.sections import synthesis_inputs as si
from mindthegap.report.sections.labels import study_labels

NOMAD_NAMES = {
    "coherence": "coherence",
    "cognitive_participation": "cognitive participation",
    "collective_action": "collective action",
    "reflexive_monitoring": "reflexive monitoring",
}


def strand_directions(ctx: ReportContext) -> pd.DataFrame:
    """Per principle and strand, the direction each shown signal gives (survey: the overall gap; the others:
    every shown level's signal)."""
    rows = []
    gap = se.gap_by_level(ctx)
    if gap is not None:
        overall = gap[(gap["level"] == ALL) & ~gap["suppressed"].astype(bool)]
        for r in overall.itertuples():
            rows.append(
                {
                    "row": r.principle,
                    "strand": "survey",
                    "direction": gap_direction(r.gap_ci_low, r.gap_ci_high),
                }
            )
    signals = se.principle_signals(ctx)
    if len(signals):
        others = signals[(signals["strand"] != "survey") & ~signals["suppressed"].astype(bool)]
        others = others[pd.to_numeric(others["n"], errors="coerce").fillna(ctx.min_n) >= ctx.min_n]
        rows += others[["row", "strand", "direction"]].to_dict("records")
    return pd.DataFrame(rows, columns=["row", "strand", "direction"])


def lever_consensus(ctx: ReportContext) -> dict[str, str]:
    """Per principle, the levers all raters together reached consensus on (verdict "in", last round)."""
    from mindthegap.analysis.consensus import consensus_summary
    from mindthegap.frameworks.conversations import load_levers
    from mindthegap.report.sections.consensus import _delphi

    frames = _delphi(ctx)
    if frames is None:
        return {}
    ratings = frames["ratings"][frames["ratings"]["kind"] == "levers"]
    if ratings.empty:
        return {}
    summary = consensus_summary(ratings, plan=ctx.plan)
    last = summary[(summary["round"] == summary["round"].max()) & (summary["group"] == ALL)]
    last = last[~last["suppressed"].astype(bool)]
    items = frames["statements"][["statement", "principle", "lever"]].drop_duplicates("statement")
    data = last.merge(items, on="statement")
    names = {lever["id"]: lever["label"] for lever in load_levers()}
    out = {}
    for principle, part in data.groupby("principle"):
        agreed = sorted(names.get(v, v) for v in part.loc[part["verdict"] == "in", "lever"])
        more = f" and {len(agreed) - 3} more" if len(agreed) > 3 else ""
        out[principle] = (
            ("agreed to move the gap: " + ", ".join(agreed[:3]) + more)
            if agreed
            else ("no lever reached consensus")
        )
    return out


def nomad_line(ctx: ReportContext) -> str:
    means = si.nomad_means(ctx)
    if means is None:
        return ""
    overall = means.groupby("construct")["mean"].mean()
    return "; ".join(f"{NOMAD_NAMES.get(k, k)} {v:.2f}" for k, v in overall.items() if k in NOMAD_NAMES)


def display_rows(ctx: ReportContext, principle: str, levers: dict[str, str], nomad: str) -> pd.DataFrame:
    rows = []
    gap = se.gap_by_level(ctx)
    if gap is not None:
        part = gap[gap["principle"] == principle]
        overall = part[(part["level"] == ALL) & ~part["suppressed"].astype(bool)]
        for r in overall.to_dict("records"):
            way = WAY[gap_direction(r["gap_ci_low"], r["gap_ci_high"])]
            rows.append(("Values–practice gap (everyone)", se._gap_text(r), way, ""))
        rows.append(("Divergence between levels", _divergence(part), "", ""))
    if nomad:
        rows.append(("Normalisation (NoMAD, whole programme, 1–5)", nomad, "", ""))
    coded = se.coded_by_level(ctx)
    if coded is not None:
        shown = coded[(coded["principle"] == principle) & ~coded["suppressed"].astype(bool)]
        for r in shown.to_dict("records"):
            who = f"{Level(r['level']).label}: {r['people']:.0f} of {r['interviewed']:.0f}"
            text = f"{who} raised it ({_codes(r['codes'])})"
            way = WAY[int(_sign(r["valence"]))]
            rows.append(("What people said", text, way, r.get("quote") or ""))
    for sig in se.organisation_signals(ctx).to_dict("records"):
        if sig["row"] == principle:
            rows.append(("Regulator (CQC)", sig["detail"], WAY[int(sig["direction"])], ""))
    if principle in levers:
        rows.append(("Consensus on levers (Delphi)", levers[principle], "", ""))
    return pd.DataFrame(rows, columns=["strand", "evidence", "direction", "quote"])


def _codes(codes: str, keep: int = 2) -> str:
    names = codes.split(", ")
    return ", ".join(names[:keep]) + (f" and {len(names) - keep} more" if len(names) > keep else "")


def _sign(valence: float) -> int:
    from mindthegap.analysis.evidence_matrix import valence_direction

    return valence_direction(valence)


def _divergence(part: pd.DataFrame) -> str:
    shown = part[(part["level"] != ALL) & ~part["suppressed"].astype(bool)]
    if len(shown) < 2:
        return "fewer than two levels can be shown"
    hi, lo = shown.loc[shown["gap"].idxmax()], shown.loc[shown["gap"].idxmin()]
    apart = float(hi["gap_ci_low"]) > float(lo["gap_ci_high"])
    return (
        f"widest: {Level(hi['level']).label.lower()} {float(hi['gap']):.2f}; narrowest: "
        f"{Level(lo['level']).label.lower()} {float(lo['gap']):.2f}; CIs " + ("apart" if apart else "overlap")
    )


def build(ctx: ReportContext) -> Section | None:
    directions = strand_directions(ctx)
    if directions.empty:
        return None
    verdicts = meta_inference(directions)
    names = study_labels(ctx.study)["principle"]
    section = Section("joint-displays", "Joint displays: the strands side by side, principle by principle")
    section.add(
        Paragraph(
            "For each principle the strands of evidence are set side by side and a meta-inference is drawn by rule: "
            "convergence (two or more strands point the same way), complementarity (the strands add to each other "
            "without contradiction), dissonance (they point different ways) or one strand only. The rules are in "
            "docs/methods.md ('Joint displays')."
        )
    )
    table = verdicts.assign(principle=verdicts["row"].map(lambda r: names.get(r, r)))
    section.add(
        Table(
            "Meta-inference per principle",
            table,
            {
                "principle": "Principle",
                "strands": "Strands",
                "clear": "With a direction",
                "verdict": "Meta-inference",
                "reason": "Why",
            },
            {"strands": "{:.0f}", "clear": "{:.0f}"},
        )
    )
    levers, nomad = lever_consensus(ctx), nomad_line(ctx)
    for r in verdicts.itertuples():
        part = Section(f"joint-{r.row}", f"{names.get(r.row, r.row)}: {r.verdict}")
        part.add(
            Table(
                f"Joint display: {names.get(r.row, r.row)}",
                display_rows(ctx, r.row, levers, nomad),
                {
                    "strand": "Strand",
                    "evidence": "Evidence",
                    "direction": "Points to",
                    "quote": "In their words",
                },
                verbatim=("quote",),
                generated=("evidence",),  # sentences built from counts, estimates and code names
            )
        )
        section.add(part)
    converge = verdicts[(verdicts["verdict"] == "convergence") & (verdicts["direction"] < 0)]
    if len(converge):
        section.summary.append(
            "The strands converge on a shortfall for "
            + ", ".join(names.get(v, v) for v in converge["row"])
            + "; "
            + _count_phrase(verdicts, "dissonance")
        )
    return section


def _count_phrase(verdicts: pd.DataFrame, verdict: str) -> str:
    n = int((verdicts["verdict"] == verdict).sum())
    return f"{n} principle{'s' if n != 1 else ''} show{'s' if n == 1 else ''} {verdict} between strands."
