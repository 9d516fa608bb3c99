"""Checking a participants file that changes consent: every row must say yes or no.

When participants are first added a blank consent means yes. A file that updates people already in a study
must not read that way: a missing column or a blank cell would quietly restore the consent of someone who
withdrew.
"""

from __future__ import annotations

from pathlib import Path

from mindthegap.errors import InputError
from mindthegap.io.tables import read_table


def require_consent_answers(path: Path) -> None:
    """Refuse a participants file without a ``consent`` column or with a blank consent cell."""
    frame = read_table(Path(path))
    columns = {str(c).strip().lower().replace(" ", "_"): c for c in frame.columns}
    if "consent" not in columns:
        raise InputError(
            "missing column 'consent'",
            path=path,
            column="consent",
            hint="an update needs yes or no for every person, so no one's consent is restored by omission",
        )
    cells = frame[columns["consent"]].astype("string").str.strip()
    blank = cells.isna() | (cells == "")
    if blank.any():
        row = int(blank.to_numpy().nonzero()[0][0]) + 2  # after the header, as a spreadsheet counts
        raise InputError(
            "consent is blank", path=path, row=row, column="consent", hint="write yes or no for every person"
        )
