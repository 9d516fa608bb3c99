"""Intercoder agreement: percent agreement, Cohen's kappa and Krippendorff's alpha.

Reliability data are a units × coders table (one row per unit of analysis, one column per coder, NaN where a
coder did not code the unit). Krippendorff's alpha is computed from the coincidence matrix (Krippendorff 2011,
"Computing Krippendorff's alpha-reliability"), built with one sparse matrix product so thousands of units by
several coders take milliseconds. Every result states its unit of analysis (segment, sentence, character, or a
whole source for the auto-coder's per-source suggestions) because an alpha means little without it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

import numpy as np
import pandas as pd
from scipy import sparse

from mindthegap.errors import InputError, renamed_keyword

#: The level of measurement of the values coded, called "measurement" throughout so it is never confused with
#: the level of the system (:class:`mindthegap.model.Level`).
Measurement = Literal["nominal", "ordinal", "interval", "ratio"]
MEASUREMENTS: tuple[str, ...] = ("nominal", "ordinal", "interval", "ratio")
UNITS: tuple[str, ...] = ("segment", "sentence", "character", "source")


def _as_matrix(data: pd.DataFrame | np.ndarray) -> np.ndarray:
    """Units × coders as an object array with None for missing values."""
    frame = pd.DataFrame(data)
    return frame.to_numpy(dtype=object)


def category_labels(values: Iterable) -> pd.Series:
    """Category labels compared by value: when every label present reads as a number, all become numbers, so
    that 1, 1.0 and "1" are one category; otherwise all become trimmed text. Missing values stay missing."""
    flat = pd.Series(list(values), dtype=object)
    present = flat.notna()
    numeric = pd.to_numeric(flat[present], errors="coerce")
    if numeric.isna().any():  # text such as " 1" or "1.0" in a spreadsheet column
        numeric = pd.to_numeric(flat[present].astype(str).str.strip(), errors="coerce")
    out = pd.Series(np.nan, index=flat.index, dtype=object)
    if present.any() and numeric.notna().all():
        out[present] = numeric.astype(float)
    else:
        out[present] = flat[present].astype(str).str.strip()
    return out


def _encode(values: np.ndarray, measurement: str) -> tuple[np.ndarray, np.ndarray]:
    """Map values to category indices (−1 = missing); return (codes, sorted category values)."""
    flat = pd.Series(values.ravel(order="C"))
    missing = flat.isna().to_numpy()
    if measurement == "nominal":
        flat = category_labels(flat)
    else:
        numeric = pd.to_numeric(flat, errors="coerce")
        bad = numeric.isna().to_numpy() & ~missing
        if bad.any():
            example = flat[bad].iloc[0]
            raise InputError(
                f"value {example!r} is not a number, which {measurement} agreement needs",
                hint="use --measurement nominal for category labels, or code the values as numbers",
            )
        flat = numeric
    codes, categories = pd.factorize(flat, sort=True, use_na_sentinel=True)
    codes = np.where(missing, -1, codes).reshape(values.shape)
    return codes, np.asarray(categories)


def coincidence_matrix(
    data: pd.DataFrame | np.ndarray, measurement: str = "nominal"
) -> tuple[np.ndarray, np.ndarray]:
    """Krippendorff's coincidence matrix and its category values for units × coders reliability data.

    Units coded by fewer than two coders are not pairable and are left out, as the method requires.
    """
    codes, categories = _encode(_as_matrix(data), measurement)
    n_units, _ = codes.shape
    k = len(categories)
    rows, cols = np.nonzero(codes >= 0)
    counts = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, codes[rows, cols])), shape=(n_units, max(k, 1))
    )  # n_uc: how many coders put unit u in category c
    m = np.asarray(counts.sum(axis=1)).ravel()
    pairable = m >= 2
    weights = np.zeros(n_units)
    weights[pairable] = 1.0 / (m[pairable] - 1)
    weighted = sparse.diags(weights) @ counts
    o = (counts.T @ weighted).toarray() - np.diag(np.asarray(weighted.sum(axis=0)).ravel())
    return o[:k, :k], categories


def _delta(categories: np.ndarray, marginals: np.ndarray, measurement: str) -> np.ndarray:
    """Squared difference function for the level of measurement (Krippendorff 2011, section E)."""
    k = len(categories)
    if measurement == "nominal":
        return 1.0 - np.eye(k)
    values = categories.astype(float)
    if measurement == "interval":
        return np.subtract.outer(values, values) ** 2
    if measurement == "ratio":
        total = np.add.outer(values, values)
        with np.errstate(invalid="ignore", divide="ignore"):
            d = (np.subtract.outer(values, values) / total) ** 2
        return np.nan_to_num(d)  # 0/0 when both values are zero: no disagreement
    if measurement == "ordinal":
        cum = np.concatenate([[0.0], np.cumsum(marginals)])
        i, j = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cum[hi + 1] - cum[lo]
        return (between - (marginals[i] + marginals[j]) / 2.0) ** 2
    raise _unknown(measurement)


def _unknown(measurement: object) -> InputError:
    return InputError(
        f"unknown level of measurement {measurement!r}", hint=f"choose one of {', '.join(MEASUREMENTS)}"
    )


def krippendorff_alpha(
    data: pd.DataFrame | np.ndarray,
    measurement: Measurement | None = None,
    *,
    level: Measurement | None = None,
) -> float:
    """Krippendorff's alpha for units × coders data with missing values (NaN/None).

    Returns NaN when there is no variation to measure agreement against (all pairable values identical).
    """
    measurement = renamed_keyword("krippendorff_alpha", "level", "measurement", level, measurement, "nominal")
    if measurement not in MEASUREMENTS:
        raise _unknown(measurement)
    o, categories = coincidence_matrix(data, measurement)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    if n < 2 or len(categories) < 2:
        return float("nan")
    delta = _delta(categories, n_c, measurement)
    observed = (o * delta).sum()
    expected = (np.outer(n_c, n_c) * delta).sum()
    if expected == 0:
        return float("nan")
    return float(1.0 - (n - 1) * observed / expected)


def percent_agreement(data: pd.DataFrame | np.ndarray) -> float:
    """Share of agreeing pairs of values among all pairable values (units coded by at least two coders).

    With more than two coders this is pairwise agreement from the coincidence matrix: a unit coded by m coders
    contributes m(m − 1) ordered pairs of values, each weighted 1/(m − 1), so every coded value counts once
    (Krippendorff 2011, the observed agreement behind alpha). It is not the share of units on which all coders
    agree, which falls as coders are added.
    """
    o, _ = coincidence_matrix(data, "nominal")
    total = o.sum()
    return float(np.trace(o) / total) if total else float("nan")


def cohen_kappa(first: Iterable, second: Iterable) -> float:
    """Cohen's kappa for two coders over the units both coded (units either coder left blank are dropped).

    Labels are compared by value (:func:`category_labels`), as Krippendorff's alpha compares them.
    """
    pair = pd.DataFrame({"a": list(first), "b": list(second)}, dtype=object).dropna()
    if pair.empty:
        return float("nan")
    # compared by value, not by spelling: 1.0 and 1 (or "1") are one category (see category_labels)
    codes, categories = pd.factorize(category_labels([*pair["a"], *pair["b"]]), sort=True)
    ia, ib = codes[: len(pair)], codes[len(pair) :]
    k = len(categories)
    table = np.zeros((k, k))
    np.add.at(table, (ia, ib), 1)
    n = table.sum()
    p_o = np.trace(table) / n
    p_e = (table.sum(axis=1) @ table.sum(axis=0)) / n**2
    if p_e == 1:
        return float("nan")
    return float((p_o - p_e) / (1 - p_e))


def agreement_table(
    data: pd.DataFrame,
    measurement: Measurement | None = None,
    unit: str = "segment",
    label: str = "overall",
    *,
    level: Measurement | None = None,
) -> pd.DataFrame:
    """One tidy row: alpha, percent agreement, kappa (two coders only), units, coders, the unit stated and the
    level of measurement (column ``measurement``; ``level=`` is the keyword's old name)."""
    measurement = renamed_keyword("agreement_table", "level", "measurement", level, measurement, "nominal")
    if unit not in UNITS:
        raise InputError(f"unknown unit of analysis {unit!r}", hint=f"choose one of {', '.join(UNITS)}")
    frame = pd.DataFrame(data)
    pairable = int((frame.notna().sum(axis=1) >= 2).sum())
    kappa = cohen_kappa(frame.iloc[:, 0], frame.iloc[:, 1]) if frame.shape[1] == 2 else float("nan")
    return pd.DataFrame(
        [
            {
                "code": label,
                "unit": unit,
                "measurement": measurement,
                "coders": int(frame.shape[1]),
                "units": int(frame.shape[0]),
                "pairable_units": pairable,
                "percent_agreement": percent_agreement(frame),
                "cohen_kappa": kappa,
                "krippendorff_alpha": krippendorff_alpha(frame, measurement),
            }
        ]
    )


def agreement_by_code(
    codings: pd.DataFrame, unit: str = "segment", units: Iterable | None = None
) -> pd.DataFrame:
    """Per-code and overall nominal agreement from long codings (columns ``unit_id``, ``coder``, ``code``).

    Each code becomes a present/absent judgement for every unit and coder, so a coder who never applied a code
    to a unit they coded counts as "absent", not missing. ``units`` lists every unit that was coded (defaults to
    the units seen in ``codings``); the overall row pools all codes' judgements.
    """
    required = {"unit_id", "coder", "code"}
    if missing := required - set(codings.columns):
        raise InputError(f"codings lack column(s) {', '.join(sorted(missing))}")
    all_units = pd.Index(units if units is not None else codings["unit_id"].unique(), name="unit_id")
    coders = sorted(codings["coder"].unique())
    rows = []
    pooled = []
    for code, group in codings.groupby("code", sort=True):
        present = group.assign(v=1).pivot_table(index="unit_id", columns="coder", values="v", aggfunc="max")
        matrix = present.reindex(index=all_units, columns=coders).fillna(0)
        rows.append(agreement_table(matrix, "nominal", unit, str(code)))
        pooled.append(matrix.set_axis([f"{code}|{u}" for u in matrix.index], axis=0))
    if not rows:
        return agreement_table(pd.DataFrame(columns=coders), "nominal", unit).iloc[:0]
    overall = agreement_table(pd.concat(pooled), "nominal", unit, "overall")
    return pd.concat([overall, *rows], ignore_index=True)


def character_units(spans: pd.DataFrame, lengths: dict) -> pd.DataFrame:
    """Expand span codings (``source``, ``start``, ``end``, ``coder``, ``code``) to one unit per character.

    ``lengths`` maps each source to its length in code points; the result feeds :func:`agreement_by_code`
    with ``unit="character"``. Use it for modest corpora: it makes one row per coded character.
    """
    parts = []
    for row in spans.itertuples(index=False):
        positions = np.arange(int(row.start), int(row.end))
        parts.append(
            pd.DataFrame(
                {
                    "unit_id": [f"{row.source}:{p}" for p in positions],
                    "coder": row.coder,
                    "code": row.code,
                }
            )
        )
    units = [f"{s}:{p}" for s, n in lengths.items() for p in range(int(n))]
    frame = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["unit_id", "coder", "code"])
    )
    frame.attrs["units"] = units
    return frame


def span_units(spans: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Map span codings onto units of analysis (segments or sentences) for :func:`agreement_by_code`.

    ``units`` has ``source``, ``start`` and ``end`` (e.g. from :func:`mindthegap.text.segmentation.sentences`);
    a coding counts for every unit it overlaps. The result has ``unit_id``, ``coder``, ``code`` and
    ``attrs["units"]`` listing every unit, so units nobody coded still count as agreed absences.
    """
    for frame, what, cols in (
        (spans, "codings", ("source", "start", "end", "coder", "code")),
        (units, "units", ("source", "start", "end")),
    ):
        if missing := [c for c in cols if c not in frame.columns]:
            raise InputError(f"{what} lack column(s) {', '.join(missing)}")
    labelled = units.assign(unit_id=units["source"].astype(str) + ":" + units["start"].astype(str))
    pairs = spans.merge(labelled, on="source", suffixes=("", "_unit"))
    pairs = pairs[(pairs["start"] < pairs["end_unit"]) & (pairs["start_unit"] < pairs["end"])]
    out = pairs[["unit_id", "coder", "code"]].drop_duplicates().reset_index(drop=True)
    out.attrs["units"] = labelled["unit_id"].tolist()
    return out
