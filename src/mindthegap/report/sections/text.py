"""Report section: what each stakeholder perspective talks about, and which principles the evidence speaks to."""

from __future__ import annotations

import pandas as pd

from mindthegap.report.context import ReportContext
from mindthegap.report.document import P_VALUE, Paragraph, Section, Table

# levels grouped into the three perspectives the field compares
PERSPECTIVE = {
    "national": "Policymakers",
    "regional": "Policymakers",
    "local_strategic": "Policymakers",
    "local_frontline": "Practitioners",
    "people_and_carers": "People and carers",
}


def build(ctx: ReportContext) -> Section | None:
    comments = ctx.frame("comments")
    if comments is None or "text" not in comments.columns:
        return None
    frame = comments.copy()
    frame["perspective"] = frame["level"].map(PERSPECTIVE).fillna(frame["level"].astype(str))
    section = Section("text", "What people say: perspectives and policy alignment")
    redactions = frame["redactions"] if "redactions" in frame.columns else pd.Series(dtype=float)
    total_redacted = int(pd.to_numeric(redactions, errors="coerce").fillna(0).sum())
    section.add(
        Paragraph(
            f"{len(frame):,} free-text comments. Personal data was redacted before storage "
            f"({total_redacted:,} items removed)."
        )
    )
    _add_distinctive_terms(section, frame, ctx)
    _add_divergence(section, frame, ctx)
    _add_policy_alignment(section, frame, ctx)
    return section


def _add_distinctive_terms(section: Section, frame: pd.DataFrame, ctx: ReportContext) -> None:
    """The words each perspective uses more than the others: figure and one summary line per perspective."""
    from mindthegap.report.text_figures import divergence_figure
    from mindthegap.text.divergence import distinctive_terms

    terms = distinctive_terms(
        frame, text_col="text", group_col="perspective", top=8, min_n=ctx.min_n, plan=ctx.plan
    )
    section.add(
        Paragraph(
            "Distinctive terms are the words and phrases each perspective uses more than the others, scored by "
            "weighted log-odds with an informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008); a z-score "
            "above 1.96 means the difference is unlikely to be chance."
        )
    )
    section.add(divergence_figure(terms, title="Distinctive terms by perspective"))
    shown = terms[~terms["suppressed"].astype(bool) & terms["term"].notna()]
    for group, part in shown.groupby("group"):
        top = ", ".join(part.sort_values("rank")["term"].head(3))
        section.summary.append(f"{group} talk most distinctively about {top}.")


def _add_divergence(section: Section, frame: pd.DataFrame, ctx: ReportContext) -> None:
    """How differently each pair of perspectives talks (chance-corrected Jensen–Shannon divergence)."""
    from mindthegap.text.divergence import pairwise_divergence

    pairs = pairwise_divergence(
        frame,
        text_col="text",
        group_col="perspective",
        person_col="participant_id" if "participant_id" in frame.columns else None,
        n_boot=min(ctx.n_boot, 500),
        n_perm=999,
        seed=ctx.seed,
        min_n=ctx.min_n,
        plan=ctx.plan,
    )
    section.add(
        Table(
            caption="How differently perspectives talk: Jensen–Shannon divergence (0 same words, 1 no words shared)",
            data=pairs,
            columns={
                "group_a": "Perspective",
                "group_b": "Compared with",
                "n_a": "Comments",
                "n_b": "Comments",
                "js": "JS divergence",
                "ci_low": "95% CI low",
                "ci_high": "95% CI high",
                "p_permutation": "p (permutation)",
                "finding": "Finding",
            },
            formats={
                "js": "{:.3f}",
                "ci_low": "{:.3f}",
                "ci_high": "{:.3f}",
                "p_permutation": P_VALUE,
                "n_a": "{:.0f}",
                "n_b": "{:.0f}",
            },
            note="The divergence is corrected for chance: the divergence that randomly reshuffling people between "
            "the two perspectives produces is taken off, as comments drawn from one population still differ in "
            "their rarer words. The p-value comes from 999 such reshuffles; 'no detectable difference' means the "
            "observed divergence is within what chance produces (p above 0.05), and the interval then starts at "
            "0. The upper end comes from resampling people within each perspective.",
        )
    )
    for row in pairs[~pairs["suppressed"].astype(bool) & pairs["finding"].notna()].itertuples():
        if row.finding == "no detectable difference":
            section.summary.append(
                f"{row.group_a} and {row.group_b}: no detectable difference in the words they use "
                f"(p = {row.p_permutation:.2f})."
            )


def _add_policy_alignment(section: Section, frame: pd.DataFrame, ctx: ReportContext) -> None:
    """Which comments speak to each of the study's principles, with their sentiment and flags."""
    from mindthegap.text.alignment import policy_alignment

    principles = pd.DataFrame(
        [{"principle": p.name, "text": f"{p.name}. {p.description}"} for p in ctx.study.principles]
    )
    if not len(principles):
        return
    summary, matches = policy_alignment(principles, frame, level_col="perspective", sentiment_col=None, top=3)
    # the sentiment model codes 1 = very positive … 5 = very negative (as the Friends and Family Test does);
    # readers expect a higher score to be better, so the report turns the scale round
    summary = summary.assign(positivity=6 - summary["mean_sentiment"])
    section.add(
        Table(
            caption="Policy alignment: evidence that speaks to each principle",
            data=summary,
            columns={
                "principle": "Principle",
                "n_evidence": "Comments",
                "levels": "Perspectives heard",
                "positivity": "Mean sentiment (1 very negative – 5 very positive)",
                "share_negative": "Share negative",
                "flag": "Flag",
            },
            formats={"n_evidence": "{:.0f}", "positivity": "{:.1f}", "share_negative": "{:.0%}"},
            note="Matched by TF-IDF cosine similarity; sentiment from mindthegap's lexicon baseline. "
            "Flags are prompts to read the comments, not verdicts.",
        )
    )
    flagged = summary[summary["flag"].notna()]
    for _, row in flagged.iterrows():
        section.summary.append(f"{row['principle']}: {row['flag']} in free text.")
    if len(matches):
        section.add(
            Table(
                caption="Closest comments for each principle",
                data=matches,
                columns={
                    "principle": "Principle",
                    "rank": "Rank",
                    "similarity": "Similarity",
                    "level": "Perspective",
                    "text": "Comment (redacted)",
                },
                formats={"rank": "{:.0f}", "similarity": "{:.2f}"},
                verbatim=("text",),
            )
        )
