"""Aggregated survey results: per group and item, the percentage giving each answer and the group's N.

Published staff-survey tables (e.g. the NHS Staff Survey by trust) come this way: columns such as ``7a_SD``,
``7a_D`` … ``7a_SA`` and ``7a_N``. :func:`read_distributions` turns them into a tidy table with the mean code
implied by the distribution, and hides groups below ``min_n``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from mindthegap.analysis.suppression import suppress
from mindthegap.errors import InputError
from mindthegap.io.tables import read_table
from mindthegap.privacy import DEFAULT_MIN_N

AGREE5 = {"SD": 1, "D": 2, "NAND": 3, "A": 4, "SA": 5}


def read_distributions(
    path: str | Path,
    *,
    groups: Sequence[str],
    categories: Mapping[str, int] = AGREE5,
    n_suffix: str = "N",
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """Tidy rows: group columns, item, n, percent per answer code (``pct_<code>``) and the implied mean code."""
    frame = read_table(Path(path))
    for g in groups:
        if g not in frame.columns:
            raise InputError(f"no group column {g!r}", path=path)
    pattern = re.compile(rf"^(.+)_({'|'.join(map(re.escape, [*categories, n_suffix]))})$")
    items: dict[str, dict[str, str]] = {}
    for col in frame.columns:
        m = pattern.match(str(col))
        if m:
            items.setdefault(m.group(1), {})[m.group(2)] = col
    items = {i: cols for i, cols in items.items() if n_suffix in cols and set(categories) <= set(cols)}
    if not items:
        raise InputError(
            "found no item with a column for every answer and an N",
            path=path,
            hint=f"expected columns like 7a_{next(iter(categories))} … 7a_{n_suffix}",
        )
    parts = []
    codes = np.array(list(categories.values()), dtype=float)
    for item, cols in items.items():
        pct = frame[[cols[c] for c in categories]].apply(pd.to_numeric, errors="coerce")
        part = frame[list(groups)].copy()
        part["item"] = item
        part["n"] = pd.to_numeric(frame[cols[n_suffix]], errors="coerce")
        for c, code in categories.items():
            part[f"pct_{code}"] = pct[cols[c]].to_numpy()
        total = pct.sum(axis=1, min_count=1).to_numpy()
        part["mean"] = (pct.to_numpy() * codes).sum(axis=1) / np.where(total > 0, total, np.nan)
        parts.append(part)
    table = pd.concat(parts, ignore_index=True)
    return suppress(table, n_col="n", by=[*groups, "item"], min_n=min_n)
