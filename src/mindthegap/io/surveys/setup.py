"""What scoring a survey needs, resolved once: answers, constructs, reverse items and the scale.

``survey reliability``, ``survey score`` and ``survey compare`` score answers from a file
(:func:`setup_from_file`) or from a study (``store.surveys.scoring_input.setup_from_study``); both return a
:class:`ScoringSetup` and resolve an instrument's scale with the one :func:`scale_range`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mindthegap.errors import InputError

__all__ = ["ScoringSetup", "grouping_columns", "parse_column_map", "scale_range", "setup_from_file"]


@dataclass
class ScoringSetup:
    """Answers (one row per respondent, one column per item) and how to score them."""

    frame: pd.DataFrame
    constructs: dict[str, list[str]]
    reverse: list[str]
    scale_min: float
    scale_max: float
    item_scales: dict[str, tuple[float, float]] | None = None
    instrument: Any = None  # the Instrument, when one defines the constructs
    record: Any = None  # the study's record, for answers stored in a study

    def score_options(self) -> dict[str, Any]:
        """The keyword arguments ``analysis.scoring.score`` and ``analysis.reliability`` take."""
        return {
            "reverse": self.reverse,
            "scale_min": self.scale_min,
            "scale_max": self.scale_max,
            "item_scales": self.item_scales,
        }


def scale_range(instrument, scale_min: float | None, scale_max: float | None) -> tuple[float, float]:
    """The widest scale of the instrument's rated items (each item is still checked on its own), unless given."""
    if instrument is not None:
        rated = [instrument.scale_of(i) for i in instrument.rating_items if i.construct]
        scale_min = min(s.min for s in rated) if scale_min is None else scale_min
        scale_max = max(s.max for s in rated) if scale_max is None else scale_max
    scale_min = 1 if scale_min is None else scale_min
    scale_max = 5 if scale_max is None else scale_max
    if scale_min >= scale_max:
        raise InputError(f"--scale-min {scale_min} must be below --scale-max {scale_max}")
    return scale_min, scale_max


def _load(instrument: str):
    from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument

    try:
        return load_instrument(instrument)
    except InstrumentFileError as exc:
        raise InputError(str(exc)) from None


def setup_from_file(
    file: Path,
    *,
    construct: Sequence[str] | None,
    reverse: Sequence[str] | None,
    instrument: str | None,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> ScoringSetup:
    """Read ``file`` and resolve its constructs from ``--construct`` specs or a shipped or YAML instrument."""
    from mindthegap.analysis.scoring import check_instrument_codes, instrument_item_scales, parse_constructs
    from mindthegap.io.tables import read_table

    if bool(construct) == bool(instrument):
        raise InputError("give either --instrument ID or one or more --construct NAME=COL1,COL2 (not both)")
    frame = read_table(file)
    reverse = list(reverse or [])
    ins, scales = None, None
    if instrument:
        ins = _load(instrument)
        constructs = {
            c: cols
            for c, cols in ins.construct_items().items()
            if cols and all(i in frame.columns for i in cols)
        }
        if not constructs:
            raise InputError(
                f"the file has no complete construct of instrument {ins.id!r}",
                path=file,
                hint=f"expected item columns such as {', '.join(i.id for i in ins.rating_items[:6])}",
            )
        # Each item is checked, and reverse-scored, on its own scale; the shared range is the widest one.
        frame = check_instrument_codes(frame, ins, path=file)
        scales = instrument_item_scales(ins)
        reverse = sorted(set(reverse) | set(ins.reverse_items))
    else:
        constructs = parse_constructs(construct)
    lo, hi = scale_range(ins, scale_min, scale_max)
    unknown = [r for r in reverse if not any(r in cols for cols in constructs.values())]
    if unknown:
        raise InputError(f"--reverse {unknown[0]!r} is not an item of any construct")
    return ScoringSetup(frame, constructs, reverse, lo, hi, scales, ins)


def grouping_columns(frame: pd.DataFrame, by: str | None, file: Path | None = None) -> list[str]:
    """The comma-separated column names in ``by``, each checked to be a column of ``frame``."""
    dims = [d.strip() for d in (by or "").split(",") if d.strip()]
    for d in dims:
        if d not in frame.columns:
            raise InputError(f"no column {d!r} to group by", path=file)
    return dims


def parse_column_map(specs: Sequence[str] | None) -> dict[str, str]:
    """``SOURCE=ITEM`` pairs (``--column``) as a mapping from a file's header to an item id."""
    columns = {}
    for spec in specs or []:
        src, sep, item = spec.partition("=")
        if not sep or not item.strip():
            raise InputError(f"cannot read --column {spec!r}", hint="write it as SOURCE=ITEM, e.g. Q1=B1")
        columns[src.strip()] = item.strip()
    return columns
