"""Perspective divergence: do policymakers, practitioners and service users talk about the same things?

Distinctive terms of each stakeholder group use the weighted log-odds ratio with an informative Dirichlet prior
(Monroe, Colaresi & Quinn 2008, "Fightin' Words", eq. 22–24): the pooled corpus supplies the prior, which shrinks
rare words towards zero so that a word used twice by one group does not top the list, and each log-odds is divided
by its approximate standard error to give a z-score.

The overall divergence between two groups is the Jensen–Shannon divergence (base 2, so 0 = identical
vocabularies, 1 = disjoint) between their term distributions. Computed from the observed counts ("plug-in") it is
biased upwards, badly so with the many words used once or twice: two groups drawn from one population still
show a divergence well above zero. So :func:`js_divergence` reports

* ``js``: the plug-in value minus its mean over random relabellings of the people between the two groups — the
  divergence chance alone would produce with these people and words (a correction for chance, as the adjusted
  Rand index and adjusted mutual information make; Vinh, Epps & Bailey 2010, JMLR 11:2837) — floored at 0;
* ``p_permutation``: the share of relabellings whose divergence reaches the observed one (a permutation test of
  "no difference", Good 2005), and ``finding``: "no detectable difference" when p > 1 − ci;
* ``ci_low`` … ``ci_high``: the lower end is the observed divergence less the relabellings' 1 − α quantile, so it
  is above zero exactly when the test finds a difference (and covers zero 95% of the time when there is none);
  the upper end adds the spread of a bootstrap of people within each group to ``js``.
Resampling and relabelling move a person's comments together when ``person_col`` is given. The correction can
overshoot when two small groups differ a great deal (relabelled groups are more varied than real ones), so then
``js`` and the interval understate the divergence; the test is unaffected. tests/test_divergence.py checks the
null coverage and the correction by simulation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.feature_extraction.text import CountVectorizer

from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.analysis.suppression import blank_hidden, suppress
from mindthegap.defaults import DEFAULT_SEED
from mindthegap.errors import require_columns
from mindthegap.privacy import DEFAULT_MIN_N
from mindthegap.text.features import clean_texts

__all__ = ["distinctive_terms", "js_divergence", "log_odds_dirichlet", "term_counts"]

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
    plan: PublicationPlan | None = None,
) -> pd.DataFrame:
    """The ``top`` most distinctive terms of each group against all other groups, with z-scores.

    The prior is the pooled term counts times ``prior_strength`` (Monroe et al.'s informative prior). Groups with
    fewer than ``min_n`` comments are not analysed and appear as one suppressed row. Returns columns: group, n
    (comments in the group), rank, term, z, log_odds, count (uses in the group), count_other. With a
    ``plan``, the comments are a population grouped by ``group_col`` and the plan decides which groups show.
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
    if plan is not None:
        name = comment_population(plan, data, group_col)
        return apply_plan(table, plan, {"n": name}, by=["group"], keep=["rank"], output="distinctive terms")
    return suppress(table, n_col="n", min_n=min_n, keep=["group", "rank"])


def comment_population(plan: PublicationPlan, frame: pd.DataFrame, group_col: str) -> str:
    """Register the comments of ``frame`` (each one a unit) grouped by ``group_col``: counts of comments are
    published per group, so they are protected like counts of people."""
    units = pd.DataFrame(
        {plan.id_col: np.arange(len(frame)), "group": frame[group_col].astype(str).to_numpy()}
    )
    return plan.register(population_name("comments", by=group_col), units, parent=None, dims=("group",))


def _js(p: np.ndarray, q: np.ndarray) -> float:
    return float(_js_rows(np.asarray(p, dtype=float)[None, :], np.asarray(q, dtype=float)[None, :])[0])


def _js_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    """Jensen–Shannon divergence (base 2) between each row of count matrices ``p`` and ``q``."""
    p = p / p.sum(axis=1, keepdims=True)
    q = q / q.sum(axis=1, keepdims=True)
    m = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        kl_pm = np.where(p > 0, p * np.log2(p / m), 0.0).sum(axis=1)
        kl_qm = np.where(q > 0, q * np.log2(q / m), 0.0).sum(axis=1)
    return np.maximum((kl_pm + kl_qm) / 2, 0.0)


JS_COLUMNS = ["group_a", "group_b", "n_a", "n_b", "people_a", "people_b", "js", "js_plugin", "ci_low", "ci_high",
              "p_permutation", "finding", "suppressed"]  # fmt: skip
NO_DIFFERENCE = "no detectable difference"
DIFFERENCE = "detectable difference"
_BLOCK = 100  # resamples or relabellings per dense block


def js_divergence(
    frame: pd.DataFrame,
    group_a: str,
    group_b: str,
    *,
    text_col: str = "text",
    group_col: str = "level",
    person_col: str | None = None,
    n_boot: int = 1000,
    n_perm: int = 999,
    seed: int = DEFAULT_SEED,
    ci: float = 0.95,
    min_n: int = DEFAULT_MIN_N,
    ngram_range: tuple[int, int] = (1, 1),
) -> dict:
    """Chance-corrected Jensen–Shannon divergence (base 2) between two groups' words, with a permutation test.

    Returns a dict with the keys of ``JS_COLUMNS``: comments (``n_a``, ``n_b``) and people (``people_a``,
    ``people_b``; None without ``person_col``), ``js`` (corrected), ``js_plugin``, the CI, ``p_permutation`` and
    ``finding``. The statistics are None and ``suppressed`` True when either group has fewer than ``min_n``
    people (comments, without ``person_col``).
    """
    _check(frame, [text_col, group_col, *([person_col] if person_col else [])])
    data = frame[frame[text_col].notna() & frame[group_col].astype(str).isin([group_a, group_b])]
    g = data[group_col].astype(str).to_numpy()
    out = dict.fromkeys(JS_COLUMNS)
    out.update(group_a=group_a, group_b=group_b, n_a=int((g == group_a).sum()), n_b=int((g == group_b).sum()))
    out["suppressed"] = False
    X, _ = term_counts(data[text_col].tolist(), ngram_range=ngram_range, min_count=1)
    X, in_a = _units(X, g == group_a, data[person_col].to_numpy() if person_col else None)
    units_a, units_b = int(in_a.sum()), int((~in_a).sum())
    if person_col:
        out["people_a"], out["people_b"] = units_a, units_b
    if min(units_a, units_b) < min_n or X.shape[1] == 0:
        out["suppressed"] = min(units_a, units_b) < min_n
        return out
    rng = np.random.default_rng(seed)
    Xa, Xb = X[in_a], X[~in_a]
    total_a, total_b = np.asarray(Xa.sum(axis=0)).ravel(), np.asarray(Xb.sum(axis=0)).ravel()
    plugin = _js(total_a, total_b)
    boots = np.concatenate([_js_rows(_resample(Xa, b, rng), _resample(Xb, b, rng)) for b in _blocks(n_boot)])
    perms = np.concatenate([_relabelled(X, units_a, b, rng) for b in _blocks(n_perm)])
    alpha = 1 - ci
    tol = 1e-12 * max(plugin, 1e-12)
    p = (1 + int((perms >= plugin - tol).sum())) / (n_perm + 1)
    corrected = plugin - perms.mean()
    # the k-th largest relabelled divergence is the test's critical value: lower > 0 exactly when p <= alpha
    k = int(np.floor(alpha * (n_perm + 1)))
    critical = np.sort(perms)[::-1][k - 1] if k >= 1 else np.inf
    lower = max(0.0, plugin - critical) if plugin - tol > critical else 0.0
    upper = max(0.0, corrected + boots.mean() - np.quantile(boots, alpha / 2), lower)
    out.update(
        js=max(0.0, corrected),
        js_plugin=plugin,
        ci_low=lower,
        ci_high=upper,
        p_permutation=p,
        finding=DIFFERENCE if p <= alpha else NO_DIFFERENCE,
    )
    return out


def _units(X: sp.csr_matrix, in_a: np.ndarray, people: np.ndarray | None) -> tuple[sp.csr_matrix, np.ndarray]:
    """Word counts per unit (person within group, or comment) and whether each unit is in group a."""
    if people is None:
        return X.tocsr().astype(float), in_a
    ids = pd.Series(people, dtype=object)
    # a comment without a person counts as its own person
    ids = ids.where(ids.notna(), pd.Series([f"\x00{i}" for i in range(len(ids))], dtype=object))
    codes, _ = pd.factorize(pd.Series(list(zip(ids, in_a, strict=True)), dtype=object))
    merge = sp.csr_matrix((np.ones(len(codes)), (codes, np.arange(len(codes)))))
    unit_in_a = np.zeros(merge.shape[0], dtype=bool)
    unit_in_a[codes] = in_a
    return (merge @ X).tocsr().astype(float), unit_in_a


def _blocks(total: int) -> list[int]:
    return [min(_BLOCK, total - start) for start in range(0, total, _BLOCK)]


def _resample(X: sp.csr_matrix, size: int, rng: np.random.Generator) -> np.ndarray:
    """Word counts of ``size`` bootstrap resamples of the units (rows) of ``X``, as a dense size × terms array."""
    n = X.shape[0]
    rows = np.repeat(np.arange(size), n)
    weights = sp.csr_matrix((np.ones(size * n), (rows, rng.integers(0, n, size * n))), shape=(size, n))
    return np.asarray((weights @ X).todense())


def _relabelled(X: sp.csr_matrix, n_a: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """JS divergence after ``size`` random relabellings of the units into groups of n_a and the rest."""
    n = X.shape[0]
    chosen = rng.permuted(np.tile(np.arange(n), (size, 1)), axis=1)[:, :n_a]
    pick = sp.csr_matrix(
        (np.ones(size * n_a), (np.repeat(np.arange(size), n_a), chosen.ravel())), shape=(size, n)
    )
    in_a = np.asarray((pick @ X).todense())
    return _js_rows(in_a, np.asarray(X.sum(axis=0)) - in_a)


def pairwise_divergence(
    frame: pd.DataFrame,
    *,
    text_col: str = "text",
    group_col: str = "level",
    plan: PublicationPlan | None = None,
    **kwargs,
) -> pd.DataFrame:
    """:func:`js_divergence` for every pair of groups, as a table; a pair is suppressed, counts included,
    when either group is small (or, with a ``plan``, hidden by it)."""
    _check(frame, [text_col, group_col])
    groups = sorted(frame[group_col].dropna().astype(str).unique())
    name = comment_population(plan, frame[frame[text_col].notna()], group_col) if plan is not None else None
    if plan is not None:
        kwargs["min_n"] = plan.min_n
        groups = [g for g in groups if plan.allows(name, {"group": g})]
    rows = [
        js_divergence(frame, a, b, text_col=text_col, group_col=group_col, **kwargs)
        for i, a in enumerate(groups)
        for b in groups[i + 1 :]
    ]
    table = pd.DataFrame(rows, columns=JS_COLUMNS)
    hidden = table["suppressed"].astype(bool).to_numpy()
    table = blank_hidden(table.drop(columns="suppressed"), hidden, protected=["group_a", "group_b"])
    if plan is not None:
        for row in table[~hidden].itertuples():
            for g, n in ((row.group_a, row.n_a), (row.group_b, row.n_b)):
                plan.ledger.record(name, plan.label(name, {"group": g}), n, output="JS divergence")
    return table


def _check(frame: pd.DataFrame, columns: list[str]) -> None:
    require_columns(frame.columns, columns, name_column=True)
