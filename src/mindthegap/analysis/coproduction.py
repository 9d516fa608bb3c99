"""A co-production index per team: the six characteristics (Boyle & Harris 2009) from two sources.

**From the instrument.** The shipped co-production measure has two 1–5 agreement items per characteristic. A
person's characteristic score is the mean of its answered items; a team's score is the mean over the people
who answered, and its index is 100 × (mean − 1) / 4, so 0 is everyone strongly disagreeing that the
characteristic is there, 100 everyone strongly agreeing, and 50 the neutral midpoint.

**From coded interviews.** Each coded segment carries a valence: +1 (evidence the characteristic is there),
−1 (evidence it is missing or blocked) or 0. A person's evidence on a characteristic is positive when their
valences sum above zero, negative below, else neutral (so double coding of a passage does not count twice in a
person's direction). A team's coded index is 50 + 50 × (people positive − people negative) / people
interviewed: 50 is no evidence either way or as much against as for, 100 every interviewee giving evidence for it.

**Absent.** A characteristic is absent by the instrument when the team's mean is below the midpoint (3, index
below 50: on average people disagree that it happens), and absent by the interviews when no interviewee gave
evidence for it. Where both sources exist it is called absent when both say so, and "contested" when one does.

**Reliability** is Cronbach's alpha of each characteristic's items, with Feldt's interval; for coded data,
Krippendorff's alpha between coders on whether each interviewee's transcript carries the characteristic.
**Change** between waves is the mean of paired differences (people who answered both waves) with a cluster
bootstrap interval that resamples people (:func:`mindthegap.analysis.bootstrap.grouped_mean_ci`); the overall
index pools a person's six characteristics, so there the resampling of people matters. **Agreement** between
the sources compares the two indices over teams: Spearman's rho, the mean absolute difference in index points,
and the share of teams on the same side of 50.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from mindthegap.analysis.agreement import krippendorff_alpha
from mindthegap.analysis.bootstrap import DEFAULT_N_BOOT, DEFAULT_SEED, grouped_mean_ci
from mindthegap.analysis.reliability import cronbach_alpha
from mindthegap.privacy import DEFAULT_MIN_N, validate_min_n

#: (key, label): the instrument's construct ids and the codebook's code names, in the framework's order
CHARACTERISTICS: tuple[tuple[str, str], ...] = (
    ("assets", "People as assets"),
    ("capabilities", "Building on existing capabilities"),
    ("mutuality", "Mutuality and reciprocity"),
    ("networks", "Peer support networks"),
    ("blurring_roles", "Blurring distinctions"),
    ("catalysts", "Facilitating not delivering"),
)
LABELS = dict(CHARACTERISTICS)
#: the co-production codebook's code names, mapped to the characteristic keys
CODE_NAMES = {
    "People as assets": "assets",
    "Building on existing capabilities": "capabilities",
    "Mutuality and reciprocity": "mutuality",
    "Peer support networks": "networks",
    "Blurring distinctions": "blurring_roles",
    "Facilitating not delivering": "catalysts",
}
OVERALL = "overall"


def instrument_scores(responses: pd.DataFrame, *, by: Sequence[str] = ("team",)) -> pd.DataFrame:
    """Long person scores from wide co-production answers (``participant_id``, ``wave``, the ``by`` columns and
    items CP1…CP12): ``participant_id, wave, *by, characteristic, score``."""
    from mindthegap.analysis.scoring import score_instrument
    from mindthegap.frameworks.instruments import load_instrument

    keep = ["participant_id", "wave", *by]
    wide = score_instrument(responses, load_instrument("coproduction"), keep=keep)
    keys = [k for k, _ in CHARACTERISTICS if k in wide.columns]
    long = wide.melt(id_vars=keep, value_vars=keys, var_name="characteristic", value_name="score")
    return long.dropna(subset=["score"]).reset_index(drop=True)


def instrument_index(
    scores: pd.DataFrame, *, by: Sequence[str] = ("team",), min_n: int = DEFAULT_MIN_N
) -> pd.DataFrame:
    """Per group, wave and characteristic: ``n`` (people), ``mean`` (1–5), ``index`` (0–100) and ``absent``;
    groups of fewer than ``min_n`` people are shown with their values blank and ``suppressed`` True."""
    min_n = validate_min_n(min_n)
    keys = [*by, "wave", "characteristic"]
    out = scores.groupby(keys, as_index=False, dropna=False).agg(
        n=("participant_id", "nunique"), mean=("score", "mean")
    )
    out["index"] = 100 * (out["mean"] - 1) / 4
    out["absent"] = (out["mean"] < 3).astype(object)
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], ["mean", "index", "absent"]] = np.nan
    return out


def coded_index(
    segments: pd.DataFrame,
    interviewed: pd.DataFrame,
    *,
    by: Sequence[str] = ("team",),
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Per group and characteristic from coded interviews.

    ``segments``: ``participant_id, characteristic, valence`` (one row per coded segment, any coder);
    ``interviewed``: ``participant_id`` and the ``by`` columns of everyone whose interview was coded (people
    who raised nothing count too). Returns ``*by, characteristic, n, positive, negative, index, absent,
    suppressed``.
    """
    min_n = validate_min_n(min_n)
    people = interviewed.drop_duplicates("participant_id")
    net = segments.groupby(["participant_id", "characteristic"])["valence"].sum().map(np.sign).rename("net")
    grid = people.merge(pd.DataFrame({"characteristic": [k for k, _ in CHARACTERISTICS]}), how="cross")
    grid = grid.merge(net.reset_index(), on=["participant_id", "characteristic"], how="left")
    grid["net"] = grid["net"].fillna(0)
    grid["positive"] = grid["net"] > 0
    grid["negative"] = grid["net"] < 0
    out = grid.groupby([*by, "characteristic"], as_index=False, dropna=False).agg(
        n=("participant_id", "nunique"), positive=("positive", "sum"), negative=("negative", "sum")
    )
    out["index"] = 50 + 50 * (out["positive"] - out["negative"]) / out["n"]
    out["absent"] = (out["positive"] == 0).astype(object)
    out[["positive", "negative"]] = out[["positive", "negative"]].astype(float)
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], ["positive", "negative", "index", "absent"]] = np.nan
    return out


def item_reliability(responses: pd.DataFrame, *, ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha of each characteristic's items per wave: ``wave, characteristic, n, alpha, ci_low,
    ci_high``."""
    from mindthegap.frameworks.instruments import load_instrument

    items = load_instrument("coproduction").construct_items()
    rows = []
    for wave, part in responses.groupby("wave", dropna=False):
        for key, _ in CHARACTERISTICS:
            cols = [c for c in items[key] if c in part.columns]
            alpha, low, high, n = cronbach_alpha(part[cols].apply(pd.to_numeric, errors="coerce"), ci=ci)
            rows.append(
                {"wave": wave, "characteristic": key, "n": n, "alpha": alpha, "ci_low": low, "ci_high": high}
            )
    return pd.DataFrame(rows, columns=["wave", "characteristic", "n", "alpha", "ci_low", "ci_high"])


def coder_reliability(segments: pd.DataFrame, interviewed: Sequence[str]) -> pd.DataFrame:
    """Krippendorff's alpha (nominal) between coders on whether each interviewee's transcript carries each
    characteristic: ``characteristic, coders, units, alpha`` (alpha empty with fewer than two coders)."""
    coders = sorted(segments["coder"].dropna().unique()) if "coder" in segments else []
    rows = []
    for key, _ in CHARACTERISTICS:
        part = segments[segments["characteristic"] == key]
        if len(coders) < 2:
            rows.append(
                {"characteristic": key, "coders": len(coders), "units": len(interviewed), "alpha": np.nan}
            )
            continue
        present = {(c, p) for c, p in zip(part["coder"], part["participant_id"], strict=True)}
        matrix = np.array([[1.0 if (c, p) in present else 0.0 for p in interviewed] for c in coders])
        alpha = krippendorff_alpha(matrix.T) if matrix.size and np.unique(matrix).size > 1 else np.nan
        rows.append({"characteristic": key, "coders": len(coders), "units": len(interviewed), "alpha": alpha})
    return pd.DataFrame(rows, columns=["characteristic", "coders", "units", "alpha"])


def wave_change(
    scores: pd.DataFrame,
    *,
    by: Sequence[str] = ("team",),
    waves: tuple[str, str] | None = None,
    min_n: int = DEFAULT_MIN_N,
    n_boot: int = DEFAULT_N_BOOT,
    seed: int = DEFAULT_SEED,
    ci: float = 0.95,
) -> pd.DataFrame:
    """Change in each characteristic's index (and the overall index, ``characteristic == "overall"``) between
    two waves, among people who answered both: ``*by, characteristic, n, change, ci_low, ci_high,
    suppressed`` in index points (one scale point is 25). The interval is the cluster bootstrap over people."""
    min_n = validate_min_n(min_n)
    if waves is None:
        present = list(dict.fromkeys(scores["wave"].dropna()))
        if len(present) < 2:
            return pd.DataFrame(
                columns=[*by, "characteristic", "n", "change", "ci_low", "ci_high", "suppressed"]
            )
        waves = (present[0], present[-1])
    first, last = (
        scores[scores["wave"] == w].set_index(["participant_id", "characteristic"])["score"] for w in waves
    )
    diff = (last - first).dropna().rename("change").reset_index()
    groups = scores.drop_duplicates("participant_id").set_index("participant_id")[list(by)]
    diff = diff.join(groups, on="participant_id")
    diff["change"] *= 25
    each = grouped_mean_ci(
        diff, "change", [*by, "characteristic"], cluster="participant_id", n_boot=n_boot, ci=ci, seed=seed
    )
    pooled = grouped_mean_ci(
        diff, "change", list(by), cluster="participant_id", n_boot=n_boot, ci=ci, seed=seed
    )
    pooled["characteristic"] = OVERALL
    out = pd.concat([each, pooled], ignore_index=True).rename(columns={"mean": "change"})
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], ["change", "ci_low", "ci_high"]] = np.nan
    return out[[*by, "characteristic", "n", "change", "ci_low", "ci_high", "suppressed"]]


def source_agreement(
    instrument: pd.DataFrame, coded: pd.DataFrame, *, by: Sequence[str] = ("team",)
) -> pd.DataFrame:
    """How far the two indices agree over the groups both publish, per characteristic: ``characteristic,
    groups, spearman_rho, mean_abs_difference, same_side`` (share of groups both above or both below 50)."""
    keys = [*by, "characteristic"]
    a = instrument.dropna(subset=["index"])[[*keys, "index"]]
    b = coded.dropna(subset=["index"])[[*keys, "index"]]
    both = a.merge(b, on=keys, suffixes=("_instrument", "_coded"))
    rows = []
    for key, _ in CHARACTERISTICS:
        part = both[both["characteristic"] == key]
        x, y = part["index_instrument"].to_numpy(), part["index_coded"].to_numpy()
        rho = (
            stats.spearmanr(x, y).statistic if len(part) >= 3 and np.ptp(x) > 0 and np.ptp(y) > 0 else np.nan
        )
        rows.append(
            {
                "characteristic": key,
                "groups": len(part),
                "spearman_rho": float(rho),
                "mean_abs_difference": float(np.abs(x - y).mean()) if len(part) else np.nan,
                "same_side": float(((x >= 50) == (y >= 50)).mean()) if len(part) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def absent_characteristics(
    instrument: pd.DataFrame | None, coded: pd.DataFrame | None, *, by: Sequence[str] = ("team",)
) -> pd.DataFrame:
    """Per group and characteristic: ``absent_instrument``, ``absent_coded`` and the verdict ``status``:
    "absent" (every source available says so), "contested" (the sources disagree) or "present"."""
    keys = [*by, "characteristic"]
    parts = []
    if instrument is not None:
        parts.append(
            instrument.dropna(subset=["absent"])[[*keys, "absent"]].rename(
                columns={"absent": "absent_instrument"}
            )
        )
    if coded is not None:
        parts.append(
            coded.dropna(subset=["absent"])[[*keys, "absent"]].rename(columns={"absent": "absent_coded"})
        )
    if not parts:
        return pd.DataFrame(columns=[*keys, "absent_instrument", "absent_coded", "status"])
    out = parts[0] if len(parts) == 1 else parts[0].merge(parts[1], on=keys, how="outer")
    flags = out[[c for c in ("absent_instrument", "absent_coded") if c in out]].astype("float")
    out["status"] = np.where(
        flags.min(axis=1) == 1, "absent", np.where(flags.max(axis=1) == 1, "contested", "present")
    )
    return out.reset_index(drop=True)
