"""What section builders receive: the study and its evidence as DataFrames, with privacy settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mindthegap.analysis.publication import STUDY_DIMS, PublicationPlan
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.model import Study

#: who a report is built for: "full" (analysts and owners: quotes and comments included) or "aggregate"
#: (viewers and wider readers: numbers, charts and terms only, never a person's own words)
AUDIENCES = ("full", "aggregate")


@dataclass
class ReportContext:
    """The study and its evidence, keyed by kind (e.g. ``"values_practice"``), as the store hands it over.

    ``evidence`` values are usually DataFrames; kinds with richer structure (a coded qualitative project)
    may hand over their own plain objects. ``seed`` makes every resampling in the report reproducible.
    ``audience`` is one of :data:`AUDIENCES`. ``plan`` is the study's publication plan, shared by every section
    so that no two outputs can be subtracted from each other; it is built from the consenting participants on
    first use.
    """

    study: Study
    evidence: dict[str, Any] = field(default_factory=dict)
    min_n: int = 11
    seed: int = DEFAULT_SEED
    n_boot: int = DEFAULT_N_BOOT
    audience: str = "full"
    width: float | None = None
    _plan: PublicationPlan | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {self.audience!r}")

    def frame(self, kind: str) -> pd.DataFrame | None:
        value = self.evidence.get(kind)
        if value is None or (isinstance(value, pd.DataFrame) and value.empty):
            return None
        return value

    @property
    def plan(self) -> PublicationPlan:
        if self._plan is None:
            self._plan = PublicationPlan(self.roster(), min_n=self.min_n, width=self.width)
        return self._plan

    def roster(self) -> pd.DataFrame:
        """The consenting participants with their grouping dimensions: the population every output is drawn
        from (the store's participants, else the study's own list)."""
        people = self.frame("participants")
        if people is None:
            people = pd.DataFrame(
                [
                    {"participant_id": p.id, **{d: getattr(p, d, None) for d in STUDY_DIMS}}
                    for p in self.study.participants
                    if p.consent
                ],
                columns=["participant_id", *STUDY_DIMS],
            )
            people["level"] = people["level"].map(lambda v: getattr(v, "value", v))
            people["role"] = people["role"].map(lambda v: getattr(v, "value", v))
        if people.empty:  # a study known only from its ratings: the people who rated are the roster
            ratings = self.frame("values_practice")
            if ratings is not None:
                cols = ["participant_id", *[d for d in STUDY_DIMS if d in ratings.columns]]
                people = ratings[cols].drop_duplicates("participant_id")
        return people

    def consenting(self, frame: pd.DataFrame, id_col: str = "participant_id") -> pd.DataFrame:
        """Rows of ``frame`` about consenting participants only (what the plan's populations may hold)."""
        if id_col not in frame.columns:
            return frame
        return frame[frame[id_col].isin(self.plan.roster.index)]

    def consenting_frame(self, kind: str) -> pd.DataFrame | None:
        """The evidence ``kind`` about consenting participants (:meth:`consenting`); ``None`` when no row is left."""
        frame = self.frame(kind)
        if frame is None:
            return None
        frame = self.consenting(frame)
        return None if frame.empty else frame
