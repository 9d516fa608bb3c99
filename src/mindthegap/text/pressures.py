"""Which local pressures people name: the pressures codebook matched in free text, counted by level.

Matching is by lexicon: each keyword matches as a whole word or phrase, case-insensitively; a trailing ``*``
matches any ending (``vacanc*`` finds "vacancy" and "vacancies"). A text names a pressure when any of its
keywords occurs and is not negated (below). Counts are of people where a text has a known participant
(through the study's publication plan: the people naming each pressure are a population), and of texts linked
to no one (event notes, anonymous comments), which are suppressed below the threshold like any other count.

Negation, in the manner of NegEx (Chapman et al., 2001) but with the project's own short cue lists: a text is
split into clauses (at sentence and clause punctuation and at "but", "however", "although", "though",
"whereas", "while", "yet"). A keyword occurrence is negated when, in its clause,

- a negation cue ("no", "not", "never", "without", "nothing", "none", "hardly", "n't", "no longer", …) stands
  at most three words before it, and either the clause also calls something no problem ("no staffing
  problems", "no problems with staffing") or the keyword is not one of the pressure's ``lacking`` keywords
  ("never short of staff", "no vacancies"); for a ``lacking`` keyword the absence is the pressure ("no
  funding", "we can't recruit") and still counts;
- or it is followed by a statement that it is no problem ("waiting times are not an issue", "funding is no
  longer a concern", "staffing isn't a problem").

A text names a pressure when at least one occurrence of its keywords is not negated.
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


CLAUSE_BREAK = re.compile(
    r"[.;:!?,\n()\u2013\u2014]+|\b(?:but|however|although|though|whereas|while|yet)\b", re.IGNORECASE
)
NEGATION_CUE = re.compile(
    r"(?:\b(?:no|not|never|without|nothing|none|neither|nor|hardly|barely|rarely|cannot|no\s+longer)\b|n['\u2019]t\b)"
    r"(?:\W+\w+){0,3}\W*$",
    re.IGNORECASE,
)
NO_PROBLEM_WORD = r"(?:problem|issue|concern|worr(?:y|ie)|difficult(?:y|ie)|trouble|pressure|bother)s?\b"
# what "X is not …" may say of a pressure besides calling it no problem
NOT_BAD = r"(?:(?:too|that|very|so)\s+)?(?:high|bad|huge|heavy|long|overwhelming|excessive|unmanageable|stretched)\b"
NEGATED = r"(?:\b(?:no|not|never|nothing|hardly|no\s+longer)\b|n['\u2019]t\b)"
NO_PROBLEM = re.compile(NEGATED + r"(?:\W+\w+){0,3}?\W+" + NO_PROBLEM_WORD, re.IGNORECASE)
NOT_A_PROBLEM_AFTER = re.compile(
    r"^[\w\s'\u2019-]*?(?:\b(?:is|are|was|were|been|be|seems?|feels?)\b\W*"
    + NEGATED
    + r"|\b(?:isn|aren|wasn|weren)"
    r"['\u2019]t\b)(?:(?:\W+\w+){0,3}?\W+" + NO_PROBLEM_WORD + r"|\W+" + NOT_BAD + ")",
    re.IGNORECASE,
)


def _keyword_pattern(keyword: str) -> str:
    word = str(keyword).strip().lower()
    stem = word.endswith("*")
    body = r"\s+".join(re.escape(w) for w in word.rstrip("*").split())
    return r"\b" + body + (r"[\w-]*" if stem else r"\b")


def pressure_patterns(codebook: Sequence[dict[str, Any]]) -> dict[str, re.Pattern]:
    """One compiled pattern per pressure id; the group ``lacking`` is set when the keyword found is one of the
    pressure's ``lacking`` keywords."""
    patterns = {}
    for pressure in codebook:
        lacking = [k for k in pressure.get("lacking") or [] if str(k).strip()]
        other = [k for k in pressure["keywords"] if k not in lacking and str(k).strip()]
        parts = []
        if lacking:
            parts.append("(?P<lacking>" + "|".join(_keyword_pattern(k) for k in lacking) + ")")
        if other:
            parts.append("(?:" + "|".join(_keyword_pattern(k) for k in other) + ")")
        patterns[pressure["id"]] = re.compile("|".join(parts), re.IGNORECASE)
    return patterns


def clauses(text: str) -> list[str]:
    """The text cut into clauses at punctuation and contrasting conjunctions."""
    return [c for c in CLAUSE_BREAK.split(text) if c and c.strip()]


def _negated(clause: str, match: re.Match) -> bool:
    before, after = clause[: match.start()], clause[match.end() :]
    if NOT_A_PROBLEM_AFTER.search(after):
        return True
    if not NEGATION_CUE.search(before):
        return False
    if NO_PROBLEM.search(clause):
        return True
    return "lacking" not in match.re.groupindex or match.group("lacking") is None


def names_pressure(text: str, pattern: re.Pattern) -> bool:
    """True when the text names the pressure at least once without negating it."""
    for clause in clauses(text):
        for match in pattern.finditer(clause):
            if not _negated(clause, match):
                return True
    return False


def match_pressures(texts: pd.Series, codebook: Sequence[dict[str, Any]]) -> pd.DataFrame:
    """Long frame of (``index`` of the text, ``pressure``) for every pressure each text names (negated
    mentions left out)."""
    rows = []
    values = texts.fillna("").astype(str)
    for pid, pattern in pressure_patterns(codebook).items():
        hits = [names_pressure(v, pattern) for v in values]
        rows.append(pd.DataFrame({"index": values.index[hits], "pressure": pid}))
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
