"""Did it help? Change between two waves for people who came to events and people who did not.

Each person's outcome is first averaged within a wave (a person's gap over several principles is one value), and
only people measured at both waves count; their change is after − before. The difference in differences is
mean change (attended) − mean change (did not attend), an association, not an effect: people chose to come.

The interval resamples people (the cluster), separately within each arm, and is studentised as in
:mod:`mindthegap.analysis.bootstrap` (same resample count, seed and order-statistic convention): each resample's
difference is standardised by its own standard error √(s₁²/n₁ + s₀²/n₀). tests/test_did.py checks its coverage
by simulation. The dose view regresses change on the number of events attended (ordinary least squares), with
a percentile interval from the same resampling of people.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from mindthegap.analysis.bootstrap import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.errors import InputError, renamed_keyword

DID_COLUMNS = [
    "outcome", "n_attended", "n_not", "change_attended", "change_not", "did", "se", "ci_low", "ci_high",
    "suppressed",
]  # fmt: skip


def person_changes(
    frame: pd.DataFrame, *, outcome: str, baseline: str | None = None, follow_up: str | None = None,
    id_col: str = "participant_id", wave_col: str = "wave", before: str | None = None, after: str | None = None,
) -> pd.DataFrame:  # fmt: skip
    """One row per person measured at both waves: their mean ``outcome`` in each (columns ``baseline`` and
    ``follow_up``) and the change; ``before=`` and ``after=`` are the old names of the two keywords."""
    first = renamed_keyword("person_changes", "before", "baseline", before, baseline, None)
    last = renamed_keyword("person_changes", "after", "follow_up", after, follow_up, None)
    if first is None or last is None:
        raise InputError("person_changes needs the two waves to compare: baseline= and follow_up=")
    data = frame[[id_col, wave_col, outcome]].dropna()
    data = data[data[wave_col].isin([first, last])]
    means = data.groupby([id_col, wave_col])[outcome].mean().unstack(wave_col)
    if first not in means or last not in means:
        return pd.DataFrame(columns=[id_col, "baseline", "follow_up", "change"])
    means = means[[first, last]].dropna().rename(columns={first: "baseline", last: "follow_up"})
    means["change"] = means["follow_up"] - means["baseline"]
    return means.reset_index().rename_axis(columns=None)


def difference_in_differences(
    changes: pd.DataFrame,
    exposed: Mapping[str, object] | pd.Series,
    *,
    min_n: int,
    outcome: str = "",
    id_col: str = "participant_id",
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """The difference in mean change between people ``exposed`` maps to true (attended) and the rest, with a
    studentised cluster-bootstrap CI. Either arm under ``min_n`` people suppresses the row."""
    flag = changes[id_col].map(lambda p: bool(exposed.get(p, False)))
    x1 = changes.loc[flag, "change"].to_numpy(dtype=float)
    x0 = changes.loc[~flag, "change"].to_numpy(dtype=float)
    row: dict[str, object] = {"outcome": outcome, "n_attended": len(x1), "n_not": len(x0)}
    if len(x1) < max(min_n, 2) or len(x0) < max(min_n, 2):
        row.update(dict.fromkeys(DID_COLUMNS[3:-1], np.nan), suppressed=True)
        return pd.DataFrame([row], columns=DID_COLUMNS)
    did, se = x1.mean() - x0.mean(), _se(x1, x0)
    low, high = _studentised(x1, x0, did, se, n_boot=n_boot, ci=ci, seed=seed)
    row.update(change_attended=x1.mean(), change_not=x0.mean(), did=did, se=se, ci_low=low, ci_high=high,
               suppressed=False)  # fmt: skip
    return pd.DataFrame([row], columns=DID_COLUMNS)


def _se(x1: np.ndarray, x0: np.ndarray) -> float:
    return float(np.sqrt(x1.var(ddof=1) / len(x1) + x0.var(ddof=1) / len(x0)))


def _resample(x: np.ndarray, rng: np.random.Generator, n_boot: int) -> tuple[np.ndarray, np.ndarray]:
    """Means and variances (ddof 1) of ``n_boot`` resamples of people, drawn in blocks to bound memory."""
    means, variances = np.empty(n_boot), np.empty(n_boot)
    per_block = max(1, 4_000_000 // len(x))
    for start in range(0, n_boot, per_block):
        stop = min(n_boot, start + per_block)
        draw = x[rng.integers(0, len(x), size=(stop - start, len(x)))]
        means[start:stop] = draw.mean(axis=1)
        variances[start:stop] = draw.var(axis=1, ddof=1)
    return means, variances


def _studentised(x1, x0, did, se, *, n_boot, ci, seed) -> tuple[float, float]:
    rng = np.random.default_rng([seed, 1])
    m1, v1 = _resample(x1, rng, n_boot)
    m0, v0 = _resample(x0, rng, n_boot)
    se_star = np.sqrt(v1 / len(x1) + v0 / len(x0))
    delta = (m1 - m0) - did
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.where(se_star > 0, delta / se_star, np.where(delta == 0, 0.0, np.sign(delta) * np.inf))
    alpha = (1 - ci) / 2
    kth = (max(0, int(np.ceil(n_boot * alpha)) - 1), min(n_boot - 1, int(np.ceil(n_boot * (1 - alpha))) - 1))
    q = np.partition(t, kth)
    if se == 0:
        return float(did), float(did)
    return float(did - q[kth[1]] * se), float(did - q[kth[0]] * se)


def dose_response(
    changes: pd.DataFrame,
    dose: Mapping[str, int] | pd.Series,
    *,
    min_n: int,
    outcome: str = "",
    id_col: str = "participant_id",
    n_boot: int = DEFAULT_N_BOOT,
    ci: float = 0.95,
    seed: int = DEFAULT_SEED,
) -> pd.DataFrame:
    """Change per extra event attended: the OLS slope of change on the number of events (0 for people who
    never came), with a percentile CI from resampling people. Fewer than ``min_n`` people, or no variation
    in dose, gives no slope."""
    x = changes[id_col].map(lambda p: int(dose.get(p, 0))).to_numpy(dtype=float)
    y = changes["change"].to_numpy(dtype=float)
    row = {"outcome": outcome, "n": len(y), "slope": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    if len(y) < max(min_n, 3) or np.ptp(x) == 0:
        return pd.DataFrame([{**row, "suppressed": len(y) < max(min_n, 3)}])
    rng = np.random.default_rng([seed, 2])
    idx = rng.integers(0, len(y), size=(n_boot, len(y)))
    xs, ys = x[idx], y[idx]
    xc = xs - xs.mean(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        slopes = (xc * (ys - ys.mean(axis=1, keepdims=True))).sum(axis=1) / (xc**2).sum(axis=1)
    slopes = slopes[np.isfinite(slopes)]
    alpha = (1 - ci) / 2
    low, high = np.quantile(slopes, [alpha, 1 - alpha]) if len(slopes) else (np.nan, np.nan)
    slope = float(np.polyfit(x, y, 1)[0])
    return pd.DataFrame([{**row, "slope": slope, "ci_low": low, "ci_high": high, "suppressed": False}])
