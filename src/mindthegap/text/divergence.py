"""Perspective divergence: do policymakers, practitioners and service users talk about the same things?

Distinctive terms of each stakeholder group use the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 22–24): the pooled corpus supplies the prior, which shrinks
rare words towards zero so that a word used twice by one group does not top the list, and each log-odds is divided
by its approximate standard error to give a z-score. The overall divergence between two groups is the
Jensen–Shannon divergence (base 2, so 0 = identical vocabularies, 1 = disjoint) between their term distributions,
with a percentile bootstrap CI from resampling comments within each group.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from mindthegap.analysis.suppression import suppress
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N
from mindthegap.text.features import clean_texts

__all__ = ["distinctive_terms", "divergence_figure", "js_divergence", "log_odds_dirichlet", "term_counts"]

# everyday English words that carry no perspective; kept short and our own
STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "after",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "more",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "out",
        "she",
        "so",
        "some",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "too",
        "us",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "really",
        "get",
        "got",
        "been",
        "being",
        "im",
        "it's",
        "i'm",
    ]
)


def term_counts(
    texts: Sequence[str], *, ngram_range: tuple[int, int] = (1, 2), min_count: int = 2
) -> tuple[sp.csr_matrix, np.ndarray]:
    """Document-term count matrix and the term names (stop words removed, n-grams of the remaining words)."""
    vec = CountVectorizer(
        ngram_range=ngram_range,
        stop_words=list(STOP_WORDS),
        token_pattern=r"(?u)\b[^\W\d_][\w'-]+\b",  # words of 2+ letters; no bare numbers
        min_df=1,
    )
    try:
        X = vec.fit_transform(clean_texts(texts))
    except ValueError:  # nothing but stop words or empty texts
        return sp.csr_matrix((len(texts), 0)), np.array([], dtype=object)
    keep = np.asarray(X.sum(axis=0)).ravel() >= min_count
    return X[:, keep].tocsr(), vec.get_feature_names_out()[keep]


def log_odds_dirichlet(
    counts_a: np.ndarray, counts_b: np.ndarray, prior: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted log-odds (a vs b) and z-scores with Dirichlet prior ``prior`` (α per term), Monroe et al. 2008."""
    ya, yb, a = (np.asarray(x, dtype=float) for x in (counts_a, counts_b, prior))
    na, nb, a0 = ya.sum(), yb.sum(), a.sum()
    delta = np.log((ya + a) / (na + a0 - ya - a)) - np.log((yb + a) / (nb + a0 - yb - a))
    var = 1.0 / (ya + a) + 1.0 / (yb + a)
    return delta, delta / np.sqrt(var)


def distinctive_terms(
    frame: pd.DataFrame,
    *,
    text_col: str = "text",
    group_col: str = "level",
    top: int = 10,
    prior_strength: float = 0.01,
    min_count: int = 3,
    min_n: int = DEFAULT_MIN_N,
    ngram_range: tuple[int, int] = (1, 2),
) -> pd.DataFrame:
    """The ``top`` most distinctive terms of each group against all other groups, with z-scores.

    The prior is the pooled term counts times ``prior_strength`` (Monroe et al.'s informative prior). Groups with
    fewer than ``min_n`` comments are not analysed and appear as one suppressed row. Returns columns: group, n
    (comments in the group), rank, term, z, log_odds, count (uses in the group), count_other.
    """
    _check(frame, [text_col, group_col])
    data = frame[frame[text_col].notna()]
    X, terms = term_counts(data[text_col].tolist(), ngram_range=ngram_range, min_count=min_count)
    groups = data[group_col].astype(str).to_numpy()
    total = np.asarray(X.sum(axis=0)).ravel()
    prior = np.maximum(total * prior_strength, 1e-3)
    rows: list[dict] = []
    sizes = pd.Series(groups).value_counts()
    for group in sorted(sizes.index):
        n = int(sizes[group])
        if n < min_n or len(terms) == 0:
            rows.append({"group": group, "n": n, "rank": np.nan, "term": None, "z": np.nan})
            continue
        mask = groups == group
        ya = np.asarray(X[mask].sum(axis=0)).ravel()
        yb = total - ya
        delta, z = log_odds_dirichlet(ya, yb, prior)
        order = np.argsort(-z, kind="stable")[:top]
        for rank, j in enumerate(order, start=1):
            if z[j] <= 0:
                break
            rows.append(
                {"group": group, "n": n, "rank": rank, "term": terms[j], "z": float(z[j]),
                 "log_odds": float(delta[j]), "count": int(ya[j]), "count_other": int(yb[j])}
            )  # fmt: skip
    table = pd.DataFrame(
        rows, columns=["group", "n", "rank", "term", "z", "log_odds", "count", "count_other"]
    )
    return suppress(table, n_col="n", min_n=min_n, keep=["group", "rank"])


def _js(p: np.ndarray, q: np.ndarray) -> float:
    p = p / p.sum()
    q = q / q.sum()
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_pm = np.where(p > 0, p * np.log2(p / m), 0.0).sum()
        kl_qm = np.where(q > 0, q * np.log2(q / m), 0.0).sum()
    return float(max((kl_pm + kl_qm) / 2, 0.0))


def js_divergence(
    frame: pd.DataFrame,
    group_a: str,
    group_b: str,
    *,
    text_col: str = "text",
    group_col: str = "level",
    n_boot: int = 1000,
    seed: int = 20261122,
    ci: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    ngram_range: tuple[int, int] = (1, 1),
) -> dict:
    """Jensen–Shannon divergence (base 2) between two groups' term distributions, with a bootstrap CI.

    Returns a dict with groups, n_a, n_b, js, ci_low, ci_high; the statistics are missing (None) and
    ``suppressed`` True when either group has fewer than ``min_n`` comments.
    """
    _check(frame, [text_col, group_col])
    data = frame[frame[text_col].notna() & frame[group_col].astype(str).isin([group_a, group_b])]
    g = data[group_col].astype(str).to_numpy()
    n_a, n_b = int((g == group_a).sum()), int((g == group_b).sum())
    out = {"group_a": group_a, "group_b": group_b, "n_a": n_a, "n_b": n_b,
           "js": None, "ci_low": None, "ci_high": None, "suppressed": False}  # fmt: skip
    if min(n_a, n_b) < min_n:
        out["suppressed"] = True
        return out
    X, _ = term_counts(data[text_col].tolist(), ngram_range=ngram_range, min_count=1)
    Xa, Xb = X[g == group_a], X[g == group_b]
    out["js"] = _js(np.asarray(Xa.sum(axis=0)).ravel(), np.asarray(Xb.sum(axis=0)).ravel())
    rng = np.random.default_rng(seed)
    boots = np.empty(n_boot)
    for i in range(n_boot):
        ia = rng.integers(0, n_a, n_a)
        ib = rng.integers(0, n_b, n_b)
        # counts of a resample = comment counts weighted by how often each comment was drawn
        ca = np.bincount(ia, minlength=n_a) @ Xa
        cb = np.bincount(ib, minlength=n_b) @ Xb
        boots[i] = _js(np.asarray(ca).ravel(), np.asarray(cb).ravel())
    alpha = (1 - ci) / 2
    out["ci_low"], out["ci_high"] = (float(x) for x in np.quantile(boots, [alpha, 1 - alpha]))
    return out


def pairwise_divergence(
    frame: pd.DataFrame, *, text_col: str = "text", group_col: str = "level", **kwargs
) -> pd.DataFrame:
    """:func:`js_divergence` for every pair of groups, as a table."""
    _check(frame, [text_col, group_col])
    groups = sorted(frame[group_col].dropna().astype(str).unique())
    rows = [
        js_divergence(frame, a, b, text_col=text_col, group_col=group_col, **kwargs)
        for i, a in enumerate(groups)
        for b in groups[i + 1 :]
    ]
    return pd.DataFrame(
        rows, columns=["group_a", "group_b", "n_a", "n_b", "js", "ci_low", "ci_high", "suppressed"]
    )


def divergence_figure(terms: pd.DataFrame, *, per_group: int = 6, title: str = "Distinctive terms by group"):
    """Horizontal bar chart of each group's most distinctive terms (z-scores); returns a report Figure."""
    from mindthegap.report import charts
    from mindthegap.report.document import Figure, Table

    shown = terms[~terms["suppressed"].astype(bool) & terms["term"].notna()]
    shown = shown[shown["rank"] <= per_group]
    groups = list(dict.fromkeys(shown["group"]))
    height = max(2.5, 0.28 * len(shown) + 0.6 * len(groups))
    with charts.figure(7.0, height) as (fig, ax):
        y, labels, colours = [], [], []
        pos = 0
        for gi, group in enumerate(groups):
            part = shown[shown["group"] == group].sort_values("z")
            for _, row in part.iterrows():
                y.append(pos)
                labels.append(f"{group}: {row['term']}")
                colours.append(charts.PALETTE[gi % len(charts.PALETTE)])
                pos += 1
            pos += 0.6
        ax.barh(y, shown.set_index(["group", "term"]).loc[[(lab.split(": ", 1)[0], lab.split(": ", 1)[1])
                for lab in labels], "z"].to_numpy(), color=colours)  # fmt: skip
        ax.set_yticks(y, labels, fontsize=8)
        ax.axvline(1.96, color=charts.MUTED, lw=1, ls="--")
        ax.set_xlabel("z-score of weighted log-odds (dashed line: 1.96)")
        ax.set_title(title)
        svg = charts.to_svg(fig)
    tops = "; ".join(
        f"{g}: {', '.join(shown.loc[shown['group'] == g].sort_values('rank')['term'].head(3))}"
        for g in groups
    )
    table = Table(
        caption="Distinctive terms (weighted log-odds with informative Dirichlet prior)",
        data=terms,
        columns={
            "group": "Group",
            "n": "Comments",
            "rank": "Rank",
            "term": "Term",
            "z": "z",
            "count": "Uses in group",
            "count_other": "Uses elsewhere",
        },
        formats={"z": "{:.2f}", "n": "{:.0f}", "rank": "{:.0f}", "count": "{:.0f}", "count_other": "{:.0f}"},
    )
    alt = f"Bar chart of the most distinctive terms for {len(groups)} groups by z-score. Top terms — {tops}."
    return Figure(title=title, svg=svg, alt=alt, table=table)


def _check(frame: pd.DataFrame, columns: list[str]) -> None:
    for col in columns:
        if col not in frame.columns:
            raise InputError(
                f"no column {col!r}", column=col, hint=f"columns are: {', '.join(map(str, frame.columns))}"
            )
