"""Which local pressures people name: the pressures codebook matched in free text, counted by level.

Matching is by lexicon: each keyword matches as a whole word or phrase, case-insensitively; a trailing ``*``
matches any ending (``vacanc*`` finds "vacancy" and "vacancies"). A text names a pressure when any of its
keywords occurs. Counts are of people where a text has a known participant (through the study's
publication plan: the people naming each pressure are a population), and of texts linked to no one (event
notes, anonymous comments), which are suppressed below the threshold like any other count.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.analysis.suppression import suppress
from mindthegap.privacy import DEFAULT_MIN_N

NO_LEVEL = "not recorded"


def pressure_patterns(codebook: Sequence[dict[str, Any]]) -> dict[str, re.Pattern]:
    """One compiled pattern per pressure id."""
    patterns = {}
    for pressure in codebook:
        parts = []
        for keyword in pressure["keywords"]:
            word = str(keyword).strip().lower()
            stem = word.endswith("*")
            body = r"\s+".join(re.escape(w) for w in word.rstrip("*").split())
            parts.append(r"\b" + body + (r"[\w-]*" if stem else r"\b"))
        patterns[pressure["id"]] = re.compile("|".join(parts), re.IGNORECASE)
    return patterns


def match_pressures(texts: pd.Series, codebook: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Long frame of (``index`` of the text, ``pressure``) for every pressure each text names."""
    rows = []
    values = texts.fillna("").astype(str)
    for pid, pattern in pressure_patterns(codebook).items():
        hits = values.str.contains(pattern, regex=True)
        rows.append(pd.DataFrame({"index": values.index[hits.to_numpy()], "pressure": pid}))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame(columns=["index", "pressure"])


def pressures_by_level(
    texts: pd.DataFrame,
    codebook: Sequence[dict[str, Any]],
    *,
    min_n: int = DEFAULT_MIN_N,
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """Per level × pressure: ``people`` naming it (texts with a ``participant_id``) and ``texts_unlinked``
    (texts linked to no one), each suppressed; ``rank`` orders pressures within a level by what is shown.

    ``texts``: columns ``text``, ``level`` and ``participant_id`` (blank where linked to no one).
    """
    data = texts.reset_index(drop=True).assign(
        level=texts["level"].fillna(NO_LEVEL).replace("", NO_LEVEL).to_numpy(),
        participant_id=texts["participant_id"].replace("", None).to_numpy(),
    )
    if plan is not None and plan.roster is not None and "level" in plan.roster.columns:
        data = data[data["participant_id"].isna() | data["participant_id"].isin(plan.roster.index)]
        known = data["participant_id"].notna()
        data.loc[known, "level"] = plan.roster.loc[data.loc[known, "participant_id"], "level"].to_numpy()
    found = match_pressures(data["text"], codebook).merge(data, left_on="index", right_index=True)
    linked, unlinked = found[found["participant_id"].notna()], found[found["participant_id"].isna()]
    people = linked.groupby(["pressure", "level"]).agg(people=("participant_id", "nunique")).reset_index()
    notes = unlinked.groupby(["pressure", "level"]).size().rename("texts_unlinked").reset_index()
    keys = ["pressure", "level"]
    if plan is not None:
        linked = linked.rename(columns={"participant_id": plan.id_col})
        for pid, part in linked.groupby("pressure"):
            plan.register(population_name("pressures", pressure=pid), part[[plan.id_col]])
        people = apply_plan(
            people,
            plan,
            {"people": lambda row: population_name("pressures", pressure=row["pressure"])},
            by=keys,
            output="pressures by level",
        )
    else:
        people = suppress(people, n_col="people", min_n=min_n, keep=keys)
    notes = suppress(notes, n_col="texts_unlinked", min_n=min_n, keep=keys)  # texts, not people
    shown = people.merge(notes, on=keys, how="outer", suffixes=("", "_notes"))
    # a row is marked suppressed only when it shows nothing; a hidden count in it is simply blank
    shown["suppressed"] = shown["people"].isna() & shown["texts_unlinked"].isna()
    shown = shown.drop(columns=["suppressed_notes", "suppression_reason_notes"])
    weight = shown["people"].astype("Float64").fillna(0) + shown["texts_unlinked"].astype("Float64").fillna(0)
    shown["rank"] = weight.groupby(shown["level"]).rank(method="min", ascending=False).astype("Int64")
    shown.loc[weight == 0, "rank"] = pd.NA
    return shown.sort_values(["level", "rank", "pressure"]).reset_index(drop=True)
