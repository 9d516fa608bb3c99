"""A stored study's Delphi, ready for results, feedback and the report: consenting raters only."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.publication import PublicationPlan
from mindthegap.errors import StoreError
from mindthegap.store.delphi.repository import delphi_frames
from mindthegap.store.studies.models import StudyRecord
from mindthegap.store.studies.repository import participants_frame


def study_delphi(record: StudyRecord) -> tuple[dict[str, pd.DataFrame], PublicationPlan]:
    """The study's Delphi frames and a publication plan over its consenting participants."""
    frames = delphi_frames(record)
    if frames is None:
        raise StoreError(
            f"study {record.slug!r} has no Delphi", hint="start one with 'mindthegap delphi create'"
        )
    plan = PublicationPlan(participants_frame(record), min_n=record.min_n)
    return frames, plan


def kind_ratings(frames: dict[str, pd.DataFrame], kind: str) -> pd.DataFrame:
    ratings = frames["ratings"]
    return ratings[ratings["kind"] == kind].reset_index(drop=True)
