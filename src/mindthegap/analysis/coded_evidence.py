"""Turn a study's coded qualitative data and survey answers into the inputs of the synthesis analyses.

Coded segments carry a **valence** when a valence code overlaps them in the same source: a code named
"Facilitator" (or "Positive", "Enabler") gives +1, "Barrier" (or "Negative", "Hindrance") −1; several overlapping
valence codes are summed and a segment with none is neutral (0). A source's informant is its participant;
sources naming nobody (event notes) are their own informant, so a group discussion counts once.

Inputs are the frames the store hands over (``qualitative``: ``sources``, ``codings``, ``codes``; ``surveys``:
long answers; ``participants``: the consenting roster).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

VALENCE = {"facilitator": 1, "positive": 1, "enabler": 1, "barrier": -1, "negative": -1, "hindrance": -1}


def valenced_segments(qualitative: Mapping[str, pd.DataFrame], names: Iterable[str]) -> pd.DataFrame:
    """Codings of the codes named in ``names`` (case-insensitive) with their valence: ``source, code, start,
    end, coder, valence``. Only accepted codings count (suggestions nobody reviewed are not evidence)."""
    codings = qualitative.get("codings")
    if codings is None or codings.empty:
        return pd.DataFrame(columns=["source", "code", "start", "end", "coder", "valence"])
    codings = codings[codings["status"].fillna("accepted") == "accepted"]
    wanted = {n.casefold() for n in names}
    key = codings["code"].astype(str).str.casefold()
    segs = codings[key.isin(wanted)][["source", "code", "start", "end", "coder"]].reset_index(drop=True)
    marks = codings[key.isin(VALENCE)].assign(v=key[key.isin(VALENCE)].map(VALENCE))
    pairs = segs.reset_index().merge(marks[["source", "start", "end", "v"]], on="source", suffixes=("", "_v"))
    overlap = (pairs["start_v"].fillna(-1) < pairs["end"].fillna(np.inf)) & (
        pairs["end_v"].fillna(np.inf) > pairs["start"].fillna(-1)
    )
    total = pairs[overlap].groupby("index")["v"].sum()
    segs["valence"] = np.sign(total.reindex(segs.index).fillna(0)).astype(int)
    return segs


def with_informants(
    segments: pd.DataFrame, qualitative: Mapping[str, pd.DataFrame], participants: pd.DataFrame | None
) -> pd.DataFrame:
    """Add ``informant`` and the informant's ``level``, ``service`` and ``team`` (from the roster where the
    source names a participant, else from the source's own metadata)."""
    sources = qualitative["sources"].rename(columns={"guid": "source"})
    cols = [c for c in ("source", "participant", "level", "service") if c in sources]
    out = segments.merge(sources[cols], on="source", how="left")
    out["informant"] = out["participant"].where(
        out["participant"].fillna("").astype(str).str.len() > 0, "source:" + out["source"]
    )
    if participants is not None and not participants.empty:
        roster = participants.drop_duplicates("participant_id").set_index("participant_id")
        for col in ("service", "team", "level"):
            if col in roster:
                known = out["participant"].map(roster[col])
                out[col] = known.where(known.notna(), out.get(col))
    for col in ("service", "team", "level"):
        if col not in out:
            out[col] = None
    return out


def interviewed(qualitative: Mapping[str, pd.DataFrame], participants: pd.DataFrame | None) -> pd.DataFrame:
    """The participants whose interviews are in the study (``participant_id`` with the roster's groupings)."""
    sources = qualitative.get("sources")
    if sources is None or sources.empty:
        return pd.DataFrame(columns=["participant_id", "service", "team", "level"])
    ids = sources["participant"].dropna().astype(str)
    ids = ids[ids.str.len() > 0].unique()
    out = pd.DataFrame({"participant_id": ids})
    if participants is not None and not participants.empty:
        out = out.merge(participants.drop_duplicates("participant_id"), on="participant_id", how="inner")
    return out


def survey_wide(
    surveys: pd.DataFrame | None, instrument: str, participants: pd.DataFrame | None
) -> pd.DataFrame | None:
    """Wide answers to one instrument (one row per person and wave) with the roster's groupings."""
    if surveys is None or surveys.empty:
        return None
    part = surveys[surveys["instrument"] == instrument]
    if part.empty:
        return None
    part = part.assign(wave=part["wave"].fillna(""))
    wide = part.pivot_table(
        index=["participant_id", "wave"], columns="item", values="code", aggfunc="first"
    ).reset_index()
    wide = wide.rename_axis(columns=None)
    if participants is not None and not participants.empty:
        roster = participants.drop_duplicates("participant_id")
        wide = wide.merge(
            roster[[c for c in ("participant_id", "service", "team", "level") if c in roster]],
            on="participant_id",
            how="inner",
        )
    return wide
