"""A study's stored survey answers, set up for scoring as ``io.surveys.setup`` sets up a file's."""

from __future__ import annotations

import numpy as np

from mindthegap.analysis.publication import PublicationPlan
from mindthegap.analysis.scoring import check_instrument_codes, instrument_item_scales
from mindthegap.errors import InputError
from mindthegap.io.surveys.setup import ScoringSetup, scale_range
from mindthegap.store.studies.repository import get_record, participants_frame
from mindthegap.store.surveys.importing import load_study_instrument
from mindthegap.store.surveys.repository import answers_frame, stored_responses

__all__ = ["setup_from_study", "study_plan", "wave_order"]


def _only_instrument(record, study: str) -> str:
    used = sorted(answers_frame(record)["instrument"].unique())
    if not used:
        raise InputError(
            f"study {study!r} has no survey answers yet",
            hint="store some with: mindthegap survey import FILE --instrument ID --study " + study,
        )
    if len(used) != 1:
        raise InputError(
            f"study {study!r} has answers to {len(used)} instruments; choose one with --instrument",
            hint=f"instruments: {', '.join(used)}",
        )
    return used[0]


def setup_from_study(
    study: str,
    instrument: str | None,
    *,
    reverse=None,
    scale_min: float | None = None,
    scale_max: float | None = None,
) -> ScoringSetup:
    """The study's stored answers to ``instrument`` (the only one answered, when not given), ready to score."""
    record = get_record(study)
    ins = load_study_instrument(record, instrument or _only_instrument(record, study))
    frame = check_instrument_codes(stored_responses(record, ins.id), ins)
    # blanks are not stored, so an item nobody answered has no column: bring it back as missing
    constructs = {
        c: cols for c, cols in ins.construct_items().items() if cols and any(i in frame.columns for i in cols)
    }
    for cols in constructs.values():
        for item in cols:
            if item not in frame.columns:
                frame[item] = np.nan
    if not constructs:
        raise InputError(f"the stored answers hold no complete construct of {ins.id!r}")
    lo, hi = scale_range(ins, scale_min, scale_max)
    reverse = sorted(set(reverse or []) | set(ins.reverse_items))
    return ScoringSetup(frame, constructs, reverse, lo, hi, instrument_item_scales(ins), ins, record)


def study_plan(record, min_n: int) -> PublicationPlan:
    """The study's publication plan: the same decisions as its report, dashboard and exports."""
    return PublicationPlan(participants_frame(record), min_n=min_n)


def wave_order(record) -> list[str]:
    """The study's wave ids in collection order."""
    return list(record.waves.order_by("order", "id").values_list("slug", flat=True))
