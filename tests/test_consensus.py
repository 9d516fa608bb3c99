"""The Delphi consensus rule, stability and feedback, each against hand-worked examples.

References: the shares, verdicts, percentiles and IPRAS below are worked by hand in the comments (the
percent rule as Diamond et al. 2014 describe it; RAND/UCLA as Fitch et al. 2001 define IPR and IPRAS, with
percentiles interpolated between order statistics, type 7).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from mindthegap.analysis.consensus import (
    IN,
    NONE,
    OUT,
    ConsensusRule,
    across_groups,
    consensus_summary,
    group_divergence,
)
from mindthegap.analysis.consensus_rounds import distribution, own_ratings, stability
from mindthegap.analysis.publication import PublicationPlan


def panel(scores, *, group="practitioners", statement="s1", round_=1, prefix=None) -> pd.DataFrame:
    prefix = prefix or group
    return pd.DataFrame(
        {
            "rater_id": [f"{prefix}{i}" for i in range(len(scores))],
            "group": group,
            "statement": statement,
            "round": round_,
            "rating": scores,
        }
    )


def verdict_of(scores, rule=None) -> str:
    table = consensus_summary(panel(scores), rule=rule, across=False, min_n=1)
    return table.loc[0, "verdict"]


def test_ties_exactly_at_70_and_15_percent_are_in():
    # 20 raters: 14 rate 7–9 (exactly 70%), 3 rate 1–3 (exactly 15%), 3 rate 4–6
    scores = [*([7, 8, 9] * 4), 7, 8, 1, 2, 3, 4, 5, 6]
    table = consensus_summary(panel(scores), across=False, min_n=1)
    assert table.loc[0, "pct_agree"] == pytest.approx(70.0)
    assert table.loc[0, "pct_disagree"] == pytest.approx(15.0)
    assert table.loc[0, "verdict"] == IN


def test_just_short_of_either_threshold_is_no_consensus():
    # 13 of 20 rate 7–9 (65%): too few agree
    assert verdict_of([8] * 13 + [2] * 3 + [5] * 4) == NONE
    # 14 of 20 rate 7–9 but 4 of 20 (20%) rate 1–3: too many disagree
    assert verdict_of([8] * 14 + [2] * 4 + [5] * 2) == NONE


def test_out_mirrors_in():
    # 7 of 10 rate 1–3 (70%), 1 of 10 rates 7–9 (10%)
    assert verdict_of([1, 2, 3, 1, 2, 3, 1, 9, 5, 5]) == OUT
    # 7 of 10 rate 1–3 but 2 of 10 (20%) rate 7–9
    assert verdict_of([1, 2, 3, 1, 2, 3, 1, 9, 9, 5]) == NONE


def test_a_configurable_rule():
    scores = [8] * 15 + [5] * 5  # 75% agree, nobody disagrees
    assert verdict_of(scores, ConsensusRule(agree=0.75)) == IN
    assert verdict_of(scores, ConsensusRule(agree=0.80)) == NONE
    with pytest.raises(ValueError, match="percent' or 'rand"):
        ConsensusRule(method="median")


def test_missing_ratings_are_left_out_of_n_and_shares():
    scores = [8] * 14 + [2] * 3 + [5] * 3 + [np.nan, np.nan]
    table = consensus_summary(panel(scores), across=False, min_n=1)
    assert table.loc[0, "n"] == 20  # the two who skipped are not counted
    assert table.loc[0, "pct_agree"] == pytest.approx(70.0)
    assert table.loc[0, "verdict"] == IN


def test_rand_ucla_median_and_disagreement_index():
    # sorted 1 2 3 7 8 9 9 9 9: P30 at h = 8 × 0.3 = 2.4 → 3 + 0.4 × (7 − 3) = 4.6; P70 at h = 5.6 → 9.
    # IPR = 4.4; centre 6.8; IPRAS = 2.35 + 1.5 × 1.8 = 5.05 > IPR: no disagreement; median 8: "in".
    table = consensus_summary(
        panel([1, 2, 3, 7, 8, 9, 9, 9, 9]), rule=ConsensusRule("rand"), across=False, min_n=1
    )
    row = table.loc[0]
    assert row["ipr"] == pytest.approx(4.4)
    assert row["ipras"] == pytest.approx(5.05)
    assert not row["disagreement"]
    assert row["median"] == 8 and row["verdict"] == IN
    # 1 1 1 1 5 9 9 9 9: P30 = 1, P70 = 9, IPR 8 > IPRAS 2.35 (centre 5): disagreement, no consensus
    table = consensus_summary(
        panel([1, 1, 1, 1, 5, 9, 9, 9, 9]), rule=ConsensusRule("rand"), across=False, min_n=1
    )
    assert table.loc[0, "ipr"] == pytest.approx(8.0)
    assert table.loc[0, "ipras"] == pytest.approx(2.35)
    assert table.loc[0, "disagreement"] and table.loc[0, "verdict"] == NONE


def test_ratings_outside_one_to_nine_are_refused():
    with pytest.raises(ValueError, match="between 1 and 9"):
        consensus_summary(panel([1, 10]), min_n=1)


def test_small_group_is_suppressed_with_a_complement():
    data = pd.concat(
        [
            panel([8] * 12, group="policymakers"),
            panel([8] * 12, group="practitioners"),
            panel([8] * 10, group="carers"),
        ]
    )
    table = consensus_summary(data, min_n=11).set_index("group")
    assert table.loc["carers", "suppressed"] and pd.isna(table.loc["carers", "n"])
    assert pd.isna(table.loc["carers", "verdict"])
    # the total minus the groups shown must not give the carers away
    assert table["suppressed"].sum() >= 2


def test_plan_suppresses_a_small_panel_in_a_file_on_its_own():
    data = pd.concat([panel([8] * 12, group="policymakers"), panel([2] * 5, group="carers")])
    plan = PublicationPlan.for_frame(data, id_col="rater_id", dims=("group",), min_n=11)
    table = consensus_summary(data, plan=plan).set_index("group")
    assert table.loc["carers", "suppressed"]
    assert table["n"].dropna().lt(11).sum() == 0


def test_across_groups_and_where_policymakers_and_practitioners_part():
    data = pd.concat(
        [
            panel([8] * 12, group="policymakers"),
            panel([2] * 12, group="practitioners"),
            panel([8] * 11 + [5], group="service_users"),
        ]
    )
    summary = consensus_summary(data, min_n=11)
    across = across_groups(summary).iloc[0]
    assert across["groups_shown"] == 3 and across["groups_in"] == 2 and across["groups_out"] == 1
    assert not across["all_groups_agree"]
    parted = group_divergence(summary).set_index("other_group")
    assert parted.loc["practitioners", "part"]  # in against out
    assert parted.loc["practitioners", "median_difference"] == -6
    assert not parted.loc["service_users", "part"]  # both in, medians equal


def two_rounds(second, *, version2=1) -> pd.DataFrame:
    first = panel([8] * 12)
    later = panel(second, round_=2)
    return pd.concat([first.assign(version=1), later.assign(version=version2)], ignore_index=True)


def test_stability_counts_raters_who_changed_band():
    # one rater of 12 moves from 7–9 to 4–6 (8.3% ≤ 15%): stable; a move within 7–9 is not a change of band
    result = stability(two_rounds([5] + [9] * 11), across=False, min_n=1).iloc[0]
    assert result["n_pairs"] == 12
    assert result["pct_moved"] == pytest.approx(100 / 12)
    assert result["change_pct_agree"] == pytest.approx(-100 / 12)
    assert result["mean_abs_change"] == pytest.approx((3 + 11) / 12)
    assert result["stable"] and not result["edited"]
    # two of 12 move (16.7%): not stable
    assert not stability(two_rounds([5, 2] + [8] * 10), across=False, min_n=1).iloc[0]["stable"]


def test_an_edited_statement_is_flagged_between_rounds():
    result = stability(two_rounds([8] * 12, version2=2), across=False, min_n=1).iloc[0]
    assert result["edited"] and result["stable"]
    # each round's verdict still stands on its own wording
    summary = consensus_summary(two_rounds([8] * 12, version2=2), across=False, min_n=1)
    assert list(summary["round"]) == [1, 2] and list(summary["verdict"]) == [IN, IN]


def test_feedback_distribution_and_own_rating():
    data = two_rounds([5] + [9] * 11)
    dist = distribution(data, 1, across=False, min_n=1).iloc[0]
    shares = [dist[f"pct_{s}"] for s in range(1, 10)]
    assert sum(shares) == pytest.approx(100)
    assert dist["pct_8"] == pytest.approx(100)
    mine = own_ratings(data, "practitioners0", 2)
    assert mine.loc[0, "rating"] == 5
