"""Which coders count: people, the auto-coder and agreed versions, for agreement and for prevalence.

Codings arrive as a tidy frame with ``source``, ``code``, ``start``, ``end``, ``coder`` and, from the store,
``status`` and ``confidence``. Each coding is given a kind of coder (``kind``; a participant's job is their
"role", a different thing):

* ``person`` — a named human coder;
* ``machine`` — the auto-coder: a coder named ``auto-coder:…``, a coding with a confidence, or a suggestion
  still ``unreviewed`` or ``rejected``. Accepting a suggestion makes it evidence, never a coder;
* ``agreed`` — the version coders settled on together (a coder named ``agreed``, ``consensus`` or
  ``reconciled`` by default);
* ``unattributed`` — a coding without a coder name: evidence, but nobody whose agreement can be measured.

Agreement between people is measured only on units that two or more people coded: a person's judgement is
*missing*, not *absent*, in a source they never coded. Prevalence ("how many raised it") takes the union of
everyone's accepted codings, or a source's agreed version when it has one. Agreement between people and the
auto-coder is reported apart, on whole sources, because suggestions are made per source.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from mindthegap.analysis.agreement import agreement_table
from mindthegap.errors import InputError

MACHINE_PREFIX = "auto-coder:"
"""Coder names starting with this are the auto-coder (``auto-coder:<codebook fingerprint>``)."""
AGREED_CODERS: tuple[str, ...] = ("agreed", "consensus", "reconciled")
"""Coder names (any case) that hold the version coders agreed on after comparing their coding."""
KINDS: tuple[str, ...] = ("person", "machine", "agreed", "unattributed")
_SPAN = ["source", "code", "start", "end"]


def machine_coder(codebook: str) -> str:
    """The coder name stored with the auto-coder's suggestions for a codebook fingerprint."""
    return f"{MACHINE_PREFIX}{codebook}"


def accepted(codings: pd.DataFrame) -> pd.DataFrame:
    """Codings a person has accepted (all codings when there is no ``status`` column)."""
    if "status" not in codings.columns:
        return codings
    return codings[codings["status"].fillna("accepted") == "accepted"]


def _names(codings: pd.DataFrame) -> pd.Series:
    if "coder" not in codings.columns:
        return pd.Series("", index=codings.index, dtype="string")
    return codings["coder"].astype("string").fillna("").str.strip()


def coder_kinds(codings: pd.DataFrame, *, agreed: Collection[str] = AGREED_CODERS) -> pd.Series:
    """Each coding's kind of coder: ``person``, ``machine``, ``agreed`` or ``unattributed`` (module notes)."""
    names = _names(codings)
    machine = names.str.startswith(MACHINE_PREFIX).to_numpy(dtype=bool)
    if "confidence" in codings.columns:
        machine |= pd.to_numeric(codings["confidence"], errors="coerce").notna().to_numpy()
    if "status" in codings.columns:  # only suggestions are ever unreviewed or rejected
        machine |= codings["status"].isin(["unreviewed", "rejected"]).to_numpy()
    folded = {a.casefold() for a in agreed}
    is_agreed = names.str.casefold().isin(folded).to_numpy(dtype=bool)
    blank = (names == "").to_numpy(dtype=bool)
    kind = np.select([machine, is_agreed, blank], ["machine", "agreed", "unattributed"], "person")
    return pd.Series(kind, index=codings.index, name="kind")


coder_roles = coder_kinds  # the old name, for code written before "role" was kept for a participant's job


def prevalence_codings(codings: pd.DataFrame, *, agreed: Collection[str] = AGREED_CODERS) -> pd.DataFrame:
    """The codings that say what people raised: the union of every coder's accepted codings.

    Accepted machine suggestions count (a person accepted them), unreviewed and rejected ones do not. Where a
    source has an agreed version, only that version counts for the source. The same code on the same span from
    several coders counts once, so double coding does not double a code's codings.
    """
    frame = accepted(codings)
    if frame.empty or "source" not in frame.columns:
        return frame
    kinds = coder_kinds(frame, agreed=agreed)
    settled = set(frame.loc[kinds == "agreed", "source"])
    frame = frame[~frame["source"].isin(settled) | (kinds == "agreed")]
    if all(c in frame.columns for c in _SPAN):
        spanned = frame["start"].notna()  # pictures and recordings carry regions, not spans: keep them all
        twice = frame.duplicated(_SPAN, keep="first") & spanned
        frame = frame[~twice]
    return frame


def coder_summary(codings: pd.DataFrame, *, agreed: Collection[str] = AGREED_CODERS) -> pd.DataFrame:
    """One row per coder: kind, accepted codings, sources coded, and whether they count as a coder.

    Codings without a coder name appear as one row with an empty ``coder``.
    """
    frame = codings.assign(coder=_names(codings), kind=coder_kinds(codings, agreed=agreed))
    frame = frame.assign(is_accepted=frame.index.isin(accepted(codings).index))
    table = (
        frame.groupby(["coder", "kind"], sort=True)
        .agg(
            codings=("is_accepted", "sum"), suggestions=("is_accepted", "size"), sources=("source", "nunique")
        )
        .reset_index()
    )
    table["suggestions"] = np.where(table["kind"] == "machine", table["suggestions"], 0)
    table["counts_as_coder"] = table["kind"] == "person"
    return table[["coder", "kind", "counts_as_coder", "codings", "suggestions", "sources"]]


def _people_spans(codings: pd.DataFrame, agreed: Collection[str]) -> pd.DataFrame:
    for column in (*_SPAN, "coder"):
        if column not in codings.columns:
            raise InputError(f"codings lack column {column!r}", hint="intercoder agreement needs coded spans")
    frame = accepted(codings)
    frame = frame[(coder_kinds(frame, agreed=agreed) == "person") & frame["start"].notna()]
    return frame.assign(coder=_names(frame))


def double_coded(codings: pd.DataFrame, *, agreed: Collection[str] = AGREED_CODERS) -> pd.DataFrame:
    """Sources coded by two or more people: ``source``, ``coders`` (how many) and ``names`` (sorted)."""
    people = _people_spans(codings, agreed)
    by_source = people.groupby("source")["coder"].agg(lambda s: tuple(sorted(set(s))))
    table = pd.DataFrame({"source": by_source.index, "names": by_source.to_numpy()})
    table["coders"] = table["names"].map(len).astype(int)
    return table[table["coders"] >= 2].reset_index(drop=True)[["source", "coders", "names"]]


def intercoder_agreement(
    codings: pd.DataFrame,
    units: pd.DataFrame,
    *,
    unit: str = "sentence",
    agreed: Collection[str] = AGREED_CODERS,
) -> pd.DataFrame:
    """Agreement between people, per code and overall, on the units of sources two or more people coded.

    ``units`` has ``source``, ``start`` and ``end`` (sentences or speaker turns from
    :mod:`mindthegap.text.segmentation`, or any pre-defined segments) and ``unit`` names what they are. A coder
    judges a code present in a unit when one of their codings overlaps it, absent when they coded the unit's
    source but not there, and missing when they never coded the source. The auto-coder, agreed versions and
    codings without a coder name are left out. Returns the columns of
    :func:`~mindthegap.analysis.agreement.agreement_table` plus ``sources`` (double-coded sources compared);
    no rows when no source was coded by two people.
    """
    people = _people_spans(codings, agreed)
    double = double_coded(codings, agreed=agreed)
    units = units[units["source"].isin(double["source"])]
    units = units[["source", "start", "end"]].drop_duplicates().sort_values(["source", "start"])
    if double.empty or units.empty:
        return _no_agreement(unit).assign(sources=pd.Series(dtype=int))
    people = people[people["source"].isin(double["source"])]
    coders = sorted(people["coder"].unique())
    units = units.reset_index(drop=True)
    # which coders judged each unit: those who coded its source; the rest are missing, not "absent"
    coded = people[["source", "coder"]].drop_duplicates().assign(judged=True)
    judged = (
        coded.pivot(index="source", columns="coder", values="judged")
        .reindex(index=units["source"], columns=coders)
        .fillna(False)
        .to_numpy(dtype=bool)
    )
    blank = np.where(judged, 0.0, np.nan)
    unit_pos, coding_pos = _overlaps(people, units)
    present = pd.DataFrame(
        {
            "unit": unit_pos,
            "coder": people["coder"].to_numpy()[coding_pos],
            "code": people["code"].to_numpy()[coding_pos],
        }
    ).drop_duplicates()
    present["column"] = pd.Index(coders).get_indexer(present["coder"])
    rows, pooled = [], []
    for code, hits in present.groupby("code", sort=True):
        matrix = blank.copy()
        matrix[hits["unit"].to_numpy(), hits["column"].to_numpy()] = 1.0
        rows.append(agreement_table(pd.DataFrame(matrix, columns=coders), "nominal", unit, str(code)))
        pooled.append(matrix)
    overall = agreement_table(pd.DataFrame(np.vstack(pooled), columns=coders), "nominal", unit, "overall")
    return pd.concat([overall, *rows], ignore_index=True).assign(sources=len(double))


def _overlaps(spans: pd.DataFrame, units: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(unit row, span row) for every unit a span overlaps; ``units`` sorted by source and start.

    Units that do not overlap one another (sentences, turns) are found by binary search; others by a join.
    """
    sources = pd.Index(pd.unique(np.concatenate([units["source"].to_numpy(), spans["source"].to_numpy()])))
    width = int(max(units["end"].max(), spans["end"].max())) + 1
    u_src = sources.get_indexer(units["source"]).astype(np.int64) * width
    s_src = sources.get_indexer(spans["source"]).astype(np.int64) * width
    u_start = u_src + units["start"].to_numpy(dtype=np.int64)
    u_end = u_src + units["end"].to_numpy(dtype=np.int64)
    s_start = s_src + spans["start"].to_numpy(dtype=np.int64)
    s_end = s_src + spans["end"].to_numpy(dtype=np.int64)
    if np.all(np.diff(u_end) >= 0) and np.all(np.diff(u_start) >= 0):
        first = np.searchsorted(u_end, s_start, side="right")  # the first unit ending after the span starts
        last = np.searchsorted(u_start, s_end, side="left")  # units starting before the span ends
        counts = np.maximum(last - first, 0)
        coding_pos = np.repeat(np.arange(len(spans)), counts)
        offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        return np.repeat(first, counts) + offsets, coding_pos
    pairs = (
        spans.reset_index(drop=True)
        .assign(span=np.arange(len(spans)))
        .merge(units.assign(unit=np.arange(len(units))), on="source", suffixes=("", "_unit"))
    )
    pairs = pairs[(pairs["start"] < pairs["end_unit"]) & (pairs["start_unit"] < pairs["end"])]
    return pairs["unit"].to_numpy(), pairs["span"].to_numpy()


def _no_agreement(unit: str) -> pd.DataFrame:
    """The columns of an agreement table, without rows."""
    return agreement_table(pd.DataFrame([[1.0, 1.0]]), "nominal", unit).iloc[:0]


def machine_agreement(
    codings: pd.DataFrame,
    sources: pd.DataFrame | None = None,
    *,
    agreed: Collection[str] = AGREED_CODERS,
) -> pd.DataFrame:
    """Agreement between people and the auto-coder, per machine coder and code, with whole sources as units.

    The people's side is what counts for prevalence without the auto-coder (the union of people's codings, or
    the agreed version); the machine's side is every suggestion it made, whatever a reviewer decided. Units are
    the sources people coded (with text, when ``sources`` gives it); the auto-coder is run over every text
    source of a study, so a source without a suggestion is its judgement that the code is absent. Only codes
    the auto-coder suggested at least once are compared. Besides the agreement columns (unit ``source``):
    ``suggested``, ``accepted``, ``rejected`` and ``unreviewed`` suggestions per code.
    """
    for column in ("source", "code"):
        if column not in codings.columns:
            raise InputError(f"codings lack column {column!r}")
    kinds = coder_kinds(codings, agreed=agreed)
    machine = codings[kinds == "machine"]
    machine = machine.assign(coder=_names(machine))
    human = prevalence_codings(codings[kinds != "machine"], agreed=agreed)
    judged = pd.Index(sorted(human["source"].unique()), name="source")
    if sources is not None and "text" in sources.columns:
        with_text = sources.loc[sources["text"].fillna("").astype(str).str.strip() != "", "source"]
        judged = judged[judged.isin(with_text)]
    extra = ["machine", "suggested", "accepted", "rejected", "unreviewed"]
    if machine.empty or judged.empty:
        return _no_agreement("source").assign(**{c: pd.Series(dtype=object) for c in extra})
    status = machine["status"].fillna("unreviewed") if "status" in machine.columns else None
    rows = []
    for coder, theirs in machine.groupby("coder", sort=True):
        pooled, per_code = [], []
        for code, group in theirs.groupby("code", sort=True):
            matrix = pd.DataFrame(
                {
                    "people": judged.isin(human.loc[human["code"] == code, "source"]).astype(float),
                    "machine": judged.isin(group["source"]).astype(float),
                },
                index=judged,
            )
            pooled.append(matrix.set_axis([f"{code}|{u}" for u in judged], axis=0))
            per_code.append(
                _with_review(agreement_table(matrix, "nominal", "source", str(code)), group, status)
            )
        overall = _with_review(agreement_table(pd.concat(pooled), "nominal", "source"), theirs, status)
        rows += [overall.assign(machine=coder), *(r.assign(machine=coder) for r in per_code)]
    return pd.concat(rows, ignore_index=True)


def _with_review(row: pd.DataFrame, suggestions: pd.DataFrame, status: pd.Series | None) -> pd.DataFrame:
    """Add how many suggestions were made and what reviewers decided about them."""
    decided = (
        status.loc[suggestions.index].value_counts()
        if status is not None
        else pd.Series({"unreviewed": len(suggestions)})
    )
    return row.assign(
        suggested=len(suggestions),
        **{k: int(decided.get(k, 0)) for k in ("accepted", "rejected", "unreviewed")},
    )
