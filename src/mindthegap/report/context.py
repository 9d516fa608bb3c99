"""What section builders receive: the study and its evidence as DataFrames, with privacy settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from mindthegap.model import Study

#: who a report is built for: "full" (analysts and owners: quotes and comments included) or "aggregate"
#: (viewers and wider readers: numbers, charts and terms only, never a person's own words)
AUDIENCES = ("full", "aggregate")


@dataclass
class ReportContext:
    """The study and its evidence, keyed by kind (e.g. ``"values_practice"``), as the store hands it over.

    ``evidence`` values are usually DataFrames; kinds with richer structure (a coded qualitative project)
    may hand over their own plain objects. ``seed`` makes every resampling in the report reproducible.
    ``audience`` is one of :data:`AUDIENCES`.
    """

    study: Study
    evidence: dict[str, Any] = field(default_factory=dict)
    min_n: int = 11
    seed: int = 20261122
    n_boot: int = 2000
    audience: str = "full"

    def __post_init__(self) -> None:
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {', '.join(AUDIENCES)}, not {self.audience!r}")

    def frame(self, kind: str) -> pd.DataFrame | None:
        value = self.evidence.get(kind)
        if value is None or (isinstance(value, pd.DataFrame) and value.empty):
            return None
        return value
