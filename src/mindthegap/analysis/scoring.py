"""Scoring survey constructs: reverse-score where the instrument says so, then average the answered items.

Responses are *wide*: one row per respondent, one column per item, numeric codes with NaN for missing
(including answers such as NoMAD's "not relevant", which are never a score). A construct score is the mean of
the answered items when at least ``min_answered`` of them (a fraction, default one half) were answered, so
that a person who skipped most of a construct does not get a score from one item.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from mindthegap.errors import InputError


def parse_constructs(specs: Sequence[str]) -> dict[str, list[str]]:
    """Turn ``["coherence=B1,B2,B3", ...]`` (the CLI's ``--construct``) into a mapping."""
    out: dict[str, list[str]] = {}
    for spec in specs:
        name, sep, cols = spec.partition("=")
        items = [c.strip() for c in cols.split(",") if c.strip()]
        if not sep or not name.strip() or not items:
            raise InputError(
                f"cannot read construct {spec!r}",
                hint="write it as NAME=COL1,COL2,… e.g. coherence=B1,B2,B3,B4",
            )
        out[name.strip()] = items
    return out


def check_columns(frame: pd.DataFrame, constructs: Mapping[str, Sequence[str]], path=None) -> None:
    """Raise a one-line error naming the first item column that is absent or not numeric."""
    for name, items in constructs.items():
        for col in items:
            if col not in frame.columns:
                raise InputError(
                    f"construct {name!r} names column {col!r}, which is not in the file",
                    path=path,
                    hint=f"columns are: {', '.join(map(str, frame.columns[:30]))}",
                )
            values = pd.to_numeric(frame[col], errors="coerce")
            bad = frame[col].notna() & values.isna()
            if bad.any():
                row = int(np.flatnonzero(bad.to_numpy())[0]) + 2  # +1 header, +1 for 1-based rows
                raise InputError(
                    f"{frame[col][bad].iloc[0]!r} is not a number",
                    path=path,
                    row=row,
                    column=str(col),
                    hint="import the file with 'mindthegap survey import' to map answer labels to answer values",
                )


ItemScales = Mapping[str, tuple[float, float]]


def reverse_score(
    frame: pd.DataFrame,
    columns: Sequence[str],
    scale_min: float,
    scale_max: float,
    item_scales: ItemScales | None = None,
) -> pd.DataFrame:
    """A copy with ``columns`` reflected on their scale (x → min + max − x).

    ``item_scales`` gives an item its own (min, max) — in a construct that mixes a 1–5 and a 1–7 item, each is
    reflected on its own scale, never on the widest; other items use ``scale_min``…``scale_max``.
    """
    out = frame.copy()
    scales = item_scales or {}
    for col in columns:
        lo, hi = scales.get(col, (scale_min, scale_max))
        out[col] = lo + hi - pd.to_numeric(out[col], errors="coerce")
    return out


def instrument_item_scales(instrument) -> dict[str, tuple[float, float]]:
    """Each rating item's own (min, max) from an :class:`~mindthegap.frameworks.instruments.Instrument`."""
    return {
        item.id: (float(instrument.scale_of(item).min), float(instrument.scale_of(item).max))
        for item in instrument.rating_items
    }


def score(
    responses: pd.DataFrame,
    constructs: Mapping[str, Sequence[str]],
    *,
    reverse: Sequence[str] = (),
    scale_min: float = 1,
    scale_max: float = 5,
    min_answered: float = 0.5,
    keep: Sequence[str] = (),
    item_scales: ItemScales | None = None,
) -> pd.DataFrame:
    """Construct scores per respondent: the mean of answered items (reverse-scored first).

    Returns the ``keep`` columns (e.g. respondent id, group, wave) followed by one column per construct and
    ``<construct>_answered`` (number of items answered). Codes outside ``scale_min``…``scale_max`` (or an
    item's own range in ``item_scales``) are an error, and reverse-scored items are reflected on their own scale.
    """
    check_columns(responses, constructs)
    items = sorted({c for cols in constructs.values() for c in cols})
    values = responses[items].apply(pd.to_numeric, errors="coerce")
    arr = values.to_numpy(dtype=float)
    scales = item_scales or {}
    lows = np.array([scales.get(c, (scale_min, scale_max))[0] for c in items], dtype=float)
    highs = np.array([scales.get(c, (scale_min, scale_max))[1] for c in items], dtype=float)
    outside = ~np.isnan(arr) & ((arr < lows) | (arr > highs))
    if outside.any():
        r, c = map(int, np.argwhere(outside)[0])
        raise InputError(
            f"answer value {arr[r, c]:g} is outside the scale {lows[c]:g}–{highs[c]:g}",
            row=r + 2,
            column=items[c],
            hint="check --scale-max or the answer values",
        )
    values = reverse_score(
        values, [c for c in reverse if c in values.columns], scale_min, scale_max, item_scales
    )
    out = responses[list(keep)].copy() if keep else pd.DataFrame(index=responses.index)
    for name, cols in constructs.items():
        block = values[list(cols)].to_numpy(dtype=float)
        answered = (~np.isnan(block)).sum(axis=1)
        total = np.nansum(block, axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = total / answered
        mean[answered < max(1, np.ceil(min_answered * len(cols)))] = np.nan
        out[name] = mean
        out[f"{name}_answered"] = answered
    return out


def check_instrument_codes(responses: pd.DataFrame, instrument, path=None) -> pd.DataFrame:
    """A numeric copy of the instrument's item columns, each checked against its own scale.

    Answer labels and the scale's 'missing' answers (e.g. NoMAD's "not relevant") become codes and NaN;
    anything else, or a number off the item's scale, raises a one-line InputError naming row and column.
    Checking per item matters: a NoMAD Part B answer of 7 must fail although Part A runs 0–10.
    """
    out = responses.copy()
    for item in instrument.rating_items:
        if item.id not in out.columns:
            continue
        scale = instrument.scale_of(item)
        raw = out[item.id]
        numbers = pd.to_numeric(raw, errors="coerce")
        text = raw.notna() & numbers.isna()
        if text.any():
            # Map each distinct label once: exports repeat a handful of labels across many rows.
            mapped = {}
            for value in pd.unique(raw[text]):
                try:
                    code = scale.code_for(str(value))
                except KeyError:
                    row = int(np.flatnonzero((raw == value).to_numpy())[0]) + 2
                    raise InputError(
                        f"{value!r} is not an answer on scale {scale.id!r}",
                        path=path,
                        row=row,
                        column=str(item.id),
                        hint=f"use an answer value {scale.min}–{scale.max}"
                        + (f" or one of: {', '.join(scale.missing)}" if scale.missing else ""),
                    ) from None
                mapped[value] = np.nan if code is None else float(code)
            numbers = numbers.where(~text, raw.map(mapped))
        arr = numbers.to_numpy(dtype=float)
        outside = ~np.isnan(arr) & ((arr < scale.min) | (arr > scale.max) | (arr != np.round(arr)))
        if outside.any():
            r = int(np.flatnonzero(outside)[0])
            raise InputError(
                f"answer value {arr[r]:g} is outside the scale {scale.min}–{scale.max} of item {item.id}",
                path=path,
                row=r + 2,
                column=str(item.id),
                hint="check the answer values against the instrument's scale",
            )
        out[item.id] = numbers.astype(float)
    return out


def score_instrument(
    responses: pd.DataFrame,
    instrument,
    *,
    keep: Sequence[str] = (),
    min_answered: float = 0.5,
    path=None,
):
    """Score every construct of a :class:`~mindthegap.frameworks.instruments.Instrument`.

    Every item is checked against its own scale (see :func:`check_instrument_codes`), then items on
    different scales are each reverse-scored on their own scale before averaging.
    """
    constructs = {
        c: [i for i in cols if i in responses.columns] for c, cols in instrument.construct_items().items()
    }
    constructs = {c: cols for c, cols in constructs.items() if cols}
    if not constructs:
        raise InputError(
            f"none of the items of {instrument.id!r} are columns of the responses",
            hint=f"expected columns such as {', '.join(i.id for i in instrument.rating_items[:5])}",
        )
    frame = check_instrument_codes(responses, instrument, path=path)
    return score(
        frame,
        constructs,
        reverse=[i for i in instrument.reverse_items if i in frame.columns],
        item_scales=instrument_item_scales(instrument),
        min_answered=min_answered,
        keep=keep,
    )
