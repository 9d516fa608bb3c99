"""Organisation data files: CQC ratings, provider lists and NHS Staff Survey result distributions.

Every reader returns one tidy frame and refuses a file in the wrong layout with a one-line error naming the
column that is missing.

**CQC ratings** come in two layouts:

- the *tidy* layout of the ratings collected by Asaria et al. (columns ``ORG_CODE, DATE, POPULATION, QUESTION,
  RATING_SCORE``; score 0 Inadequate … 3 Outstanding; one row per provider, date, core service and key question);
- CQC's own *latest ratings* spreadsheet (the "care directory with ratings" download, its provider or
  location sheet saved as CSV or XLSX): ``Provider ID``, ``Service / Population Group``, ``Domain``,
  ``Latest Rating`` and ``Publication Date``, with ``Provider Name``, ``Provider ODS Code``, ``Provider Type``
  and ``Provider Region`` used when present. Where ``Provider ODS Code`` is filled it is the provider's id, so
  the two layouts name a trust the same way.

Both become ``provider_id, service, key_question, rating, score, date`` (``service`` is ``"Overall"`` for the
provider's overall ratings; ``key_question`` is Safe, Effective, Caring, Responsive, Well-led or Overall).

**Staff Survey** results arrive as distributions, not respondents: per provider, year and item, the percentage
choosing each response and the number answering. The *wide* layout (``ORG_CODE, YEAR`` then ``<item>_SD``,
``_D``, ``_NAND``, ``_A``, ``_SA``, ``_N`` per item) and a *tidy* layout (``provider_id, year, item, response,
percent, n``) both become ``provider_id, year, item, response, percent, n``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError
from mindthegap.io.tables import read_table
from mindthegap.model.organisations import KEY_QUESTIONS, RATING_NAMES, RATINGS, RESPONSES

TIDY_CQC = ("ORG_CODE", "DATE", "POPULATION", "QUESTION", "RATING_SCORE")
OFFICIAL_CQC = ("Provider ID", "Service / Population Group", "Domain", "Latest Rating", "Publication Date")
PROVIDERS = ("ORG_CODE", "ORG_NAME", "ORG_TYPE")
TIDY_STAFF = ("provider_id", "year", "item", "response", "percent", "n")
CQC_COLUMNS = [
    "provider_id",
    "provider_name",
    "org_type",
    "region",
    "service",
    "key_question",
    "rating",
    "score",
    "date",
]


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.rename(columns=lambda c: str(c).replace("\ufeff", "").strip())
    for col in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[col]):
            frame[col] = frame[col].map(lambda v: v.strip() if isinstance(v, str) else v)
    return frame


def _require(frame: pd.DataFrame, columns, path: Path, layout: str) -> None:
    for col in columns:
        if col not in frame.columns:
            raise InputError(
                f"the {layout} layout needs a column {col!r}, which is missing",
                path=path,
                column=col,
                hint="see docs/organisations.md for the layouts mindthegap reads",
            )


def _key_question(value: object, path: Path, row: int, column: str) -> str:
    text = str(value).strip()
    for kq in KEY_QUESTIONS:
        if text.lower().replace(" ", "-") == kq.lower():
            return kq
    raise InputError(
        f"{text!r} is not a CQC key question",
        path=path,
        row=row,
        column=column,
        hint=f"use one of {', '.join(KEY_QUESTIONS)}",
    )


def _refuse_first(
    bad: pd.Series, values: pd.Series, what: str, path: Path, column: str, hint: str | None = None
) -> None:
    """Raise for the first ``bad`` cell of ``values``, naming its row as a spreadsheet shows it (header is 1)."""
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(f"{values.iloc[i]!r} {what}", path=path, row=i + 2, column=column, hint=hint)


def _dates(values: pd.Series, path: Path, column: str, *, dayfirst: bool) -> pd.Series:
    parsed = pd.to_datetime(values, errors="coerce", dayfirst=dayfirst, format="mixed")
    bad = parsed.isna() & values.notna()
    _refuse_first(bad, values, "is not a date", path, column, hint="write dates as DD/MM/YYYY")
    return parsed.dt.date


def read_cqc_ratings(path: Path) -> pd.DataFrame:
    """CQC ratings in either layout (see the module docstring) as one tidy frame."""
    path = Path(path)
    frame = _clean(read_table(path))
    if "ORG_CODE" in frame.columns or "RATING_SCORE" in frame.columns:
        return _tidy_cqc(frame, path)
    if any(c in frame.columns for c in OFFICIAL_CQC):
        return _official_cqc(frame, path)
    raise InputError(
        "is not a CQC ratings file: it has neither the tidy columns (ORG_CODE, DATE, POPULATION, QUESTION, "
        "RATING_SCORE) nor CQC's (Provider ID, Service / Population Group, Domain, Latest Rating, Publication Date)",
        path=path,
    )


def _tidy_cqc(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    _require(frame, TIDY_CQC, path, "tidy CQC")
    score = pd.to_numeric(frame["RATING_SCORE"], errors="coerce")
    bad = ~score.isin(list(RATING_NAMES))
    _refuse_first(bad, frame["RATING_SCORE"], "is not a rating score", path, "RATING_SCORE",
                  hint="scores run 0 (Inadequate) to 3 (Outstanding)")  # fmt: skip
    out = pd.DataFrame(
        {
            "provider_id": frame["ORG_CODE"].astype(str),
            "service": frame["POPULATION"].astype(str),
            "key_question": [
                _key_question(v, path, i + 2, "QUESTION") for i, v in enumerate(frame["QUESTION"])
            ],
            "score": score.astype(int),
            "date": _dates(frame["DATE"], path, "DATE", dayfirst=True),
        }
    )
    out["rating"] = out["score"].map(RATING_NAMES)
    return _finish(out)


def _official_cqc(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    _require(frame, OFFICIAL_CQC, path, "CQC latest ratings")
    ratings = frame["Latest Rating"].astype(str)
    known = {k.lower(): k for k in RATINGS}
    keep = ratings.str.lower().isin(known) | ratings.str.lower().isin(["no published rating", "nan", ""])
    if not keep.all():
        i = int((~keep).to_numpy().nonzero()[0][0])
        raise InputError(
            f"{ratings.iloc[i]!r} is not a CQC rating",
            path=path,
            row=i + 2,
            column="Latest Rating",
            hint=f"use one of {', '.join(RATINGS)}",
        )
    rated = ratings.str.lower().isin(known).to_numpy()
    rows = frame[rated].reset_index(drop=True)
    lines = [i + 2 for i in rated.nonzero()[0]]
    ods = rows.get("Provider ODS Code")
    ids = rows["Provider ID"].astype(str)
    if ods is not None:
        ids = ods.where(ods.notna() & (ods.astype(str).str.len() > 0), ids).astype(str)
    out = pd.DataFrame(
        {
            "provider_id": ids,
            "provider_name": rows.get("Provider Name"),
            "org_type": rows.get("Provider Type"),
            "region": rows.get("Provider Region"),
            "service": rows["Service / Population Group"].astype(str),
            "key_question": [
                _key_question(v, path, line, "Domain") for v, line in zip(rows["Domain"], lines, strict=True)
            ],
            "rating": rows["Latest Rating"].str.lower().map(known),
            "date": _dates(rows["Publication Date"], path, "Publication Date", dayfirst=True),
        }
    )
    out["score"] = out["rating"].map(RATINGS).astype(int)
    return _finish(out)


def _finish(out: pd.DataFrame) -> pd.DataFrame:
    for col in CQC_COLUMNS:
        if col not in out.columns:
            out[col] = None
    out["service"] = out["service"].replace({"": "Overall"})
    out = out[CQC_COLUMNS].drop_duplicates(["provider_id", "service", "key_question", "date"], keep="last")
    return out.reset_index(drop=True)


def read_providers(path: Path) -> pd.DataFrame:
    """A provider list (``ORG_CODE, ORG_NAME, ORG_TYPE`` and optionally ``HEE_REGION_CODE``) as
    ``provider_id, provider_name, org_type, region``; codes and names are trimmed."""
    path = Path(path)
    frame = _clean(read_table(path))
    _require(frame, PROVIDERS, path, "provider list")
    out = pd.DataFrame(
        {
            "provider_id": frame["ORG_CODE"].astype(str),
            "provider_name": frame["ORG_NAME"].astype(str),
            "org_type": frame["ORG_TYPE"].astype(str),
            "region": frame.get("HEE_REGION_CODE", pd.Series([None] * len(frame))),
        }
    )
    return out.drop_duplicates("provider_id").reset_index(drop=True)


def read_staff_survey(path: Path) -> pd.DataFrame:
    """Staff Survey result distributions in the wide or the tidy layout as one tidy frame."""
    path = Path(path)
    frame = _clean(read_table(path))
    if "ORG_CODE" in frame.columns or "YEAR" in frame.columns:
        return _wide_staff(frame, path)
    _require(frame, TIDY_STAFF, path, "tidy Staff Survey")
    out = frame[list(TIDY_STAFF)].copy()
    out["provider_id"] = out["provider_id"].astype(str)
    out["item"] = out["item"].astype(str)
    bad = ~out["response"].isin(RESPONSES)
    _refuse_first(bad, out["response"], "is not a response option", path, "response",
                  hint=f"use one of {', '.join(RESPONSES)}")  # fmt: skip
    for col in ("year", "percent", "n"):
        _numeric(out, col, path)
    return _finish_staff(out)


def _numeric(out: pd.DataFrame, col: str, path: Path) -> None:
    values = pd.to_numeric(out[col], errors="coerce")
    bad = values.isna() & out[col].notna()
    _refuse_first(bad, out[col], "is not a number", path, col)
    out[col] = values


def _wide_staff(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    _require(frame, ("ORG_CODE", "YEAR"), path, "wide Staff Survey")
    items = sorted({m.group(1) for c in frame.columns if (m := re.fullmatch(r"(.+)_N", str(c)))})
    if not items:
        raise InputError(
            "the wide Staff Survey layout needs <item>_SD … <item>_SA and <item>_N columns; none were found",
            path=path,
            column="<item>_N",
        )
    for item in items:
        _require(frame, [f"{item}_{r}" for r in RESPONSES], path, "wide Staff Survey")
    parts = []
    for item in items:
        for response in RESPONSES:
            parts.append(
                pd.DataFrame(
                    {
                        "provider_id": frame["ORG_CODE"].astype(str),
                        "year": pd.to_numeric(frame["YEAR"], errors="coerce"),
                        "item": item,
                        "response": response,
                        "percent": pd.to_numeric(frame[f"{item}_{response}"], errors="coerce"),
                        "n": pd.to_numeric(frame[f"{item}_N"], errors="coerce"),
                    }
                )
            )
    return _finish_staff(pd.concat(parts, ignore_index=True))


def _finish_staff(out: pd.DataFrame) -> pd.DataFrame:
    out = out.dropna(subset=["percent", "n", "year"])  # items not asked that year ("NA")
    out = out.astype({"year": int, "n": int, "percent": float})
    return out.sort_values(["provider_id", "year", "item", "response"]).reset_index(drop=True)
