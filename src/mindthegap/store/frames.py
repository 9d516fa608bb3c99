"""Stored rows as DataFrames for the analyses: one way to turn a queryset into a table."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from django.db.models import QuerySet


def values_frame(
    rows: QuerySet, fields: Sequence[str], columns: Sequence[str], *, chunk_size: int | None = None
) -> pd.DataFrame:
    """``rows``' ``fields`` (Django lookups, e.g. ``participant__pseudonym``) as a table with ``columns``, in
    the queryset's order; an empty queryset gives an empty table with those columns. With ``chunk_size`` the
    rows are fetched that many at a time (large tables) rather than all at once."""
    values = rows.values_list(*fields)
    return pd.DataFrame(
        list(values.iterator(chunk_size=chunk_size) if chunk_size else values), columns=list(columns)
    )
