"""Delphi results as plain data for the command line, the web and files: one function per question."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.consensus import ConsensusRule, across_groups, consensus_summary, group_divergence
from mindthegap.analysis.consensus_rounds import stability
from mindthegap.analysis.publication import PublicationPlan
from mindthegap.privacy import DEFAULT_MIN_N

SUMMARY_OUT = [
    "round",
    "statement",
    "group",
    "n",
    "median",
    "pct_agree",
    "pct_disagree",
    "verdict",
    "suppressed",
]
RAND_OUT = ["ipr", "ipras", "disagreement"]


def results(
    ratings: pd.DataFrame,
    *,
    plan: PublicationPlan | None = None,
    rule: ConsensusRule | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> dict[str, pd.DataFrame]:
    """The consensus summary, consensus across groups, where policymakers part from practitioners or people
    who use services, and stability between rounds; every count through ``plan`` (else a plan of the file's
    own raters, grouped by panel)."""
    rule = rule or ConsensusRule()
    if plan is None:
        plan = PublicationPlan.for_frame(ratings, id_col="rater_id", dims=("group",), min_n=min_n)
    summary = consensus_summary(ratings, rule=rule, plan=plan)
    columns = SUMMARY_OUT + (RAND_OUT if rule.method == "rand" else [])
    return {
        "summary": summary[columns],
        "across_groups": across_groups(summary),
        "divergence": group_divergence(summary),
        "stability": stability(ratings, plan=plan).drop(columns=["suppression_reason"], errors="ignore"),
    }
