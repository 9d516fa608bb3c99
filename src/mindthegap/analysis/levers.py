"""Policy levers: which lever each stakeholder group expects to move each principle's gap.

A lever round is a Delphi round whose items are lever × principle pairs ("how much would payment move the
gap in safe care?"), rated 1–9 by the same engine as consensus statements. :func:`lever_items` drafts the
items from a study's policies (their levers, mapped onto the eight shipped levers, plus the eight
themselves); :func:`lever_matrix` summarises a published consensus summary of the round by lever and group,
and :func:`lever_divergence` names the levers where policymakers expect change that practitioners or people
who use services do not, and the reverse. Both work on published rows only, so they add no counts.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from mindthegap.analysis.suppression import ALL
from mindthegap.frameworks.conversations import lever_for, load_levers
from mindthegap.model import Study


def study_levers(study: Study, *, include_shipped: bool = True) -> list[tuple[str, str]]:
    """(lever id, label) for each lever the study's policies name (mapped onto the shipped levers where a
    keyword matches, else its own), and the eight shipped levers unless ``include_shipped`` is False."""
    shipped = {lever["id"]: lever["label"] for lever in load_levers()}
    found: dict[str, str] = {}
    for policy in study.policies:
        for wording in policy.levers:
            lever = lever_for(wording)
            if lever is None:
                slug = "_".join("".join(c if c.isalnum() else " " for c in wording.lower()).split())[:40]
                found.setdefault(slug or "other", wording)
            else:
                found.setdefault(lever, shipped[lever])
    if include_shipped:
        found = {**shipped, **found}
    return list(found.items())


def lever_items(levers: Sequence[tuple[str, str]], principles: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """One item per lever × principle: ``statement`` (``lever__principle``), ``text``, ``lever``,
    ``principle``, ``source``; in the shape of a statements file."""
    rows = [
        {
            "statement": f"{lever}__{principle}",
            "text": f"How much would {label.lower()} move the gap between policy and practice in {name.lower()}?",
            "lever": lever,
            "principle": principle,
            "source": "policy levers",
        }
        for lever, label in levers
        for principle, name in principles
    ]
    return pd.DataFrame(rows, columns=["statement", "text", "lever", "principle", "source"])


def lever_matrix(summary: pd.DataFrame, items: pd.DataFrame) -> pd.DataFrame:
    """Per lever × group (and "All"): ``principles`` rated, ``pct_expect`` (mean over principles of the %
    rating 7–9: the share expecting the lever to move the gap), ``median`` (median of the principles'
    medians) and ``principles_in`` (principles with verdict "in"). Suppressed rows are left out."""
    shown = summary[~summary["suppressed"].astype(bool)]
    data = shown.merge(
        items[["statement", "lever", "principle"]].drop_duplicates("statement"), on="statement"
    )
    grouped = data.groupby(["lever", "group"], sort=True)
    table = grouped.agg(
        principles=("principle", "nunique"),
        pct_expect=("pct_agree", "mean"),
        median=("median", "median"),
        principles_in=("verdict", lambda v: int((v == "in").sum())),
    ).reset_index()
    table["pct_expect"] = table["pct_expect"].astype(float)
    return table


def lever_divergence(
    matrix: pd.DataFrame,
    *,
    reference: str = "policymakers",
    others: Sequence[str] = ("practitioners", "service_users"),
    margin: float = 25.0,
) -> pd.DataFrame:
    """Levers where ``reference`` and another group differ by at least ``margin`` percentage points in the
    share expecting change: ``direction`` says who expects more."""
    wide = matrix[matrix["group"] != ALL].pivot(index="lever", columns="group", values="pct_expect")
    rows = []
    for other in others:
        if reference not in wide or other not in wide:
            continue
        diff = (wide[reference] - wide[other]).dropna()
        for lever, d in diff.items():
            rows.append(
                {
                    "lever": lever,
                    "reference_group": reference,
                    "other_group": other,
                    "pct_reference": wide.at[lever, reference],
                    "pct_other": wide.at[lever, other],
                    "difference": d,
                    "direction": (
                        f"{reference} expect more"
                        if d >= margin
                        else f"{other} expect more"
                        if d <= -margin
                        else ""
                    ),
                }
            )
    columns = ["lever", "reference_group", "other_group", "pct_reference", "pct_other", "difference"]
    return pd.DataFrame(rows, columns=[*columns, "direction"])
