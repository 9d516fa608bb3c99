"""Place a provider against its peers: CQC ratings by core service and key question, Staff Survey items.

**Peers.** The providers the comparison is made among: by default every provider of the same ``org_type``
(e.g. the 52 mental-health trusts), else every provider in the data. Each provider's *latest* rating for a core
service and key question counts once.

**Rank and percentile.** Among the peers rated for the same core service and key question (the provider
included), the rank is 1 + the number rated better ("1224" ranking: ties share the best place), and the
mid-rank percentile is 100 × (number rated lower + ½ × number rated the same, the provider included) / number
rated. A provider alone in its group sits at the 50th percentile. The same rules place a Staff Survey item's
percentage of positive answers (agree + strongly agree) against the peers' in the same year.

**Small numbers.** CQC ratings are published judgements about organisations, not counts of people, so none is
suppressed. A Staff Survey result answered by fewer than ``min_n`` staff is not used (the NHS Staff Survey does
not report such groups), neither for the provider nor among its peers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.model.organisations import KEY_QUESTIONS, POSITIVE, RATING_NAMES
from mindthegap.privacy import DEFAULT_MIN_N, validate_min_n

COMPARE_COLUMNS = [
    "service",
    "key_question",
    "rating",
    "score",
    "date",
    "peers_rated",
    "rank",
    "percentile",
    "better",
    "same",
    "worse",
    "peer_outstanding",
    "peer_good",
    "peer_requires_improvement",
    "peer_inadequate",
]
STAFF_COLUMNS = ["year", "item", "positive", "n", "peers", "peer_median", "rank", "percentile", "suppressed"]


def latest_ratings(ratings: pd.DataFrame) -> pd.DataFrame:
    """Each provider's most recent rating per core service and key question."""
    ordered = ratings.sort_values(["provider_id", "service", "key_question", "date"])
    return ordered.drop_duplicates(["provider_id", "service", "key_question"], keep="last").reset_index(
        drop=True
    )


def peer_ids(providers: pd.DataFrame | None, provider: str, frame: pd.DataFrame) -> set[str]:
    """The provider's peers (itself included): same ``org_type`` when known, else every provider in ``frame``."""
    everyone = set(frame["provider_id"])
    if providers is None or providers.empty or "org_type" not in providers:
        return everyone
    types = providers.dropna(subset=["org_type"]).set_index("provider_id")["org_type"]
    mine = types.get(provider)
    if mine is None or (isinstance(mine, float) and np.isnan(mine)):
        return everyone
    return {p for p in everyone if types.get(p) == mine} | {provider}


def position(values: pd.Series, own: float) -> tuple[int, float, int, int, int]:
    """(rank, mid-rank percentile, better, same, worse) of ``own`` among ``values`` (``own`` included)."""
    v = values.to_numpy(dtype=float)
    better, same, worse = int((v > own).sum()), int((v == own).sum()), int((v < own).sum())
    return 1 + better, 100.0 * (worse + 0.5 * same) / len(v), better, same, worse


def compare_ratings(
    ratings: pd.DataFrame, provider: str, *, providers: pd.DataFrame | None = None
) -> pd.DataFrame:
    """The provider's latest CQC rating per core service and key question, placed among its peers.

    ``ratings`` is the tidy frame of :func:`mindthegap.io.organisations.read_cqc_ratings`. Returns one row per
    core service and key question the provider is rated on (columns :data:`COMPARE_COLUMNS`), Overall first.
    """
    latest = latest_ratings(ratings)
    peers = latest[latest["provider_id"].isin(peer_ids(providers, provider, latest))]
    own = peers[peers["provider_id"] == provider]
    rows = []
    for _, mine in own.iterrows():
        group = peers[(peers["service"] == mine["service"]) & (peers["key_question"] == mine["key_question"])]
        rank, pct, better, same, worse = position(group["score"], float(mine["score"]))
        counts = group["score"].value_counts()
        rows.append(
            {
                "service": mine["service"],
                "key_question": mine["key_question"],
                "rating": RATING_NAMES[int(mine["score"])],
                "score": int(mine["score"]),
                "date": mine["date"],
                "peers_rated": len(group),
                "rank": rank,
                "percentile": pct,
                "better": better,
                "same": same,
                "worse": worse,
                **{
                    f"peer_{RATING_NAMES[s].lower().replace(' ', '_')}": int(counts.get(s, 0))
                    for s in RATING_NAMES
                },
            }
        )
    out = pd.DataFrame(rows, columns=COMPARE_COLUMNS)
    order = {kq: i for i, kq in enumerate(KEY_QUESTIONS)}
    out["_s"] = out["service"].ne("Overall")
    out["_k"] = out["key_question"].map(order)
    return out.sort_values(["_s", "service", "_k"]).drop(columns=["_s", "_k"]).reset_index(drop=True)


def positive_share(results: pd.DataFrame, *, min_n: int = DEFAULT_MIN_N) -> pd.DataFrame:
    """Per provider, year and item: the percentage answering agree or strongly agree, and n; results with
    fewer than ``min_n`` answers are left out."""
    min_n = validate_min_n(min_n)
    pos = results[results["response"].isin(POSITIVE)]
    out = pos.groupby(["provider_id", "year", "item"], as_index=False).agg(
        positive=("percent", "sum"), n=("n", "max")
    )
    return out[out["n"] >= min_n].reset_index(drop=True)


def compare_staff_survey(
    results: pd.DataFrame,
    provider: str,
    *,
    providers: pd.DataFrame | None = None,
    year: int | None = None,
    min_n: int = DEFAULT_MIN_N,
) -> pd.DataFrame:
    """The provider's percentage positive per Staff Survey item (latest year, or ``year``) among its peers:
    ``year, item, positive, n, peers, peer_median, rank, percentile``; items it has too few answers for are
    shown with ``positive`` empty and ``suppressed`` True."""
    min_n = validate_min_n(min_n)
    raw = results[results["response"].isin(POSITIVE)].groupby(["provider_id", "year", "item"], as_index=False)
    raw = raw.agg(positive=("percent", "sum"), n=("n", "max"))
    mine_all = raw[raw["provider_id"] == provider]
    if mine_all.empty:
        return pd.DataFrame(
            columns=[
                "year",
                "item",
                "positive",
                "n",
                "peers",
                "peer_median",
                "rank",
                "percentile",
                "suppressed",
            ]
        )
    year = int(mine_all["year"].max()) if year is None else year
    usable = raw[(raw["year"] == year) & (raw["n"] >= min_n)]
    usable = usable[usable["provider_id"].isin(peer_ids(providers, provider, raw))]
    rows = []
    for _, mine in mine_all[mine_all["year"] == year].iterrows():
        group = usable[usable["item"] == mine["item"]]
        if mine["n"] < min_n:
            rows.append({"year": year, "item": mine["item"], "peers": len(group), "suppressed": True})
            continue
        rank, pct, *_ = position(group["positive"], float(mine["positive"]))
        rows.append(
            {
                "year": year,
                "item": mine["item"],
                "positive": float(mine["positive"]),
                "n": int(mine["n"]),
                "peers": len(group),
                "peer_median": float(group["positive"].median()),
                "rank": rank,
                "percentile": pct,
                "suppressed": False,
            }
        )
    return pd.DataFrame(rows, columns=STAFF_COLUMNS).sort_values("item").reset_index(drop=True)
