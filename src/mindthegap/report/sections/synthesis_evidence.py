"""The signals the evidence matrix and the joint displays are built from, per principle and level, each through
the study's publication plan: the values–practice gap, what people said in the codes linked to the principle,
and the study's own provider's CQC ratings. Built once per report and shared by the synthesis sections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.coded_evidence import interviewed, valenced_segments, with_informants
from mindthegap.analysis.evidence_matrix import gap_direction, rating_direction, valence_direction
from mindthegap.analysis.gap import values_practice_gap
from mindthegap.analysis.publication import apply_plan, population_name
from mindthegap.analysis.suppression import ALL
from mindthegap.frameworks.principle_links import principle_links
from mindthegap.report.context import ReportContext
from mindthegap.report.sections import synthesis_inputs as si

SURVEY, QUALITATIVE, ORGANISATION = "survey", "qualitative", "organisation"
SOURCES = {SURVEY: "values–practice survey", QUALITATIVE: "interviews", ORGANISATION: "CQC ratings"}
CQC_LEVEL = "national"  # the regulator's judgement: evidence from the national level of the system
MAX_QUOTE = 220


def _cache(ctx: ReportContext) -> dict:
    return ctx.__dict__.setdefault("_synthesis_cache", {})


def links(ctx: ReportContext) -> pd.DataFrame:
    own = ctx.evidence.get("principle_links")
    if isinstance(own, pd.DataFrame) and len(own):
        return own
    return principle_links(ctx.study.principles)


def gap_by_level(ctx: ReportContext) -> pd.DataFrame | None:
    """Gap per principle × level (with "All") at the latest wave, through the plan (the same call as the
    values–practice section makes, so the numbers and decisions are the same)."""
    cache = _cache(ctx)
    if "gap_by_level" not in cache:
        ratings = ctx.frame("values_practice")
        out = None
        if ratings is not None:
            ratings = ctx.consenting(ratings)
            if "level" not in ratings:
                ratings = ratings.merge(si.roster(ctx)[["participant_id", "level"]], on="participant_id")
            if len(ratings):
                kw = {"n_boot": ctx.n_boot, "seed": ctx.seed, "min_n": ctx.min_n, "plan": ctx.plan}
                table = values_practice_gap(ratings, ["principle", "level", "wave"], **kw)
                latest = si._latest_wave(ctx, ratings)
                out = table[table["wave"] == latest].drop(columns="wave").reset_index(drop=True)
        cache["gap_by_level"] = out
    return cache["gap_by_level"]


def survey_signals(ctx: ReportContext) -> pd.DataFrame:
    gap = gap_by_level(ctx)
    if gap is None:
        return pd.DataFrame()
    part = gap[gap["level"] != ALL]
    return pd.DataFrame(
        {
            "row": part["principle"],
            "level": part["level"],
            "strand": SURVEY,
            "source": SOURCES[SURVEY],
            "n": part["n"],
            "direction": [
                gap_direction(lo, hi) for lo, hi in zip(part["gap_ci_low"], part["gap_ci_high"], strict=True)
            ],
            "estimate": part["gap"],
            "detail": [_gap_text(r) for r in part.to_dict("records")],
            "suppressed": part["suppressed"].astype(bool),
        }
    )


def _gap_text(r: dict) -> str:
    if r.get("suppressed") or pd.isna(r.get("gap")):
        return ""
    return f"gap {float(r['gap']):.2f} (95% CI {float(r['gap_ci_low']):.2f} to {float(r['gap_ci_high']):.2f})"


def coded_by_level(ctx: ReportContext) -> pd.DataFrame | None:
    """Per principle × level: people interviewed, people who raised a linked code, their mean valence and up to
    two quotes — through the plan (a cell of fewer than ``min_n`` people is suppressed, quotes included)."""
    cache = _cache(ctx)
    if "coded_by_level" in cache:
        return cache["coded_by_level"]
    cache["coded_by_level"] = out = _coded_by_level(ctx)
    return out


def _coded_by_level(ctx: ReportContext) -> pd.DataFrame | None:
    frames = si.qualitative(ctx)
    if frames is None:
        return None
    people = si.roster(ctx)
    seen = interviewed(frames, people)
    seen = seen.dropna(subset=["level"])
    if seen.empty:
        return None
    plan = ctx.plan
    everyone = plan.register("synthesis_interviewed", seen[["participant_id", "level"]], dims=("level",))
    sources = frames["sources"].set_index("source")
    rows = []
    for link in links(ctx).itertuples(index=False):
        if not link.codes:
            continue
        segs = with_informants(valenced_segments(frames, link.codes), frames, people)
        segs = segs[segs["participant"].isin(seen["participant_id"])]
        if segs.empty:
            continue
        name = population_name("synthesis_raised", principle=link.principle)
        plan.register(
            name,
            segs.drop_duplicates("participant").rename(columns={"participant": "participant_id"})[
                ["participant_id", "level"]
            ],
            dims=("level",),
        )
        for level, part in segs.groupby("level", sort=True):
            valence = part.groupby("participant")["valence"].mean().mean()
            rows.append(
                {
                    "principle": link.principle,
                    "level": level,
                    "interviewed": (seen["level"] == level).sum(),
                    "people": part["participant"].nunique(),
                    "codes": ", ".join(sorted(set(part["code"]))),
                    "valence": float(valence),
                    "quote": _quotes(part, sources),
                }
            )
    if not rows:
        return None
    table = pd.DataFrame(rows)
    table["share"] = table["people"] / table["interviewed"]
    return apply_plan(
        table,
        plan,
        {
            "people": lambda r: population_name("synthesis_raised", principle=r["principle"]),
            "interviewed": everyone,
        },
        by=["principle", "level"],
        output="evidence matrix: coded evidence",
    )


def _quotes(part: pd.DataFrame, sources: pd.DataFrame) -> str:
    """Up to two passages from different people, the longest that fit :data:`MAX_QUOTE` characters."""
    picks = []
    for _, seg in part.groupby("participant", sort=True):
        texts = [_passage(sources, r) for r in seg.itertuples(index=False)]
        texts = [t for t in texts if 20 <= len(t) <= MAX_QUOTE]
        if texts:
            picks.append(max(texts, key=len))
    picks = sorted(set(picks), key=lambda q: (-len(q), q))[:2]  # ties by text: the same report every run
    return " / ".join(f"“{q}”" for q in picks)


def _passage(sources: pd.DataFrame, seg) -> str:
    text = sources["text"].get(seg.source) if seg.source in sources.index else None
    if not isinstance(text, str) or pd.isna(seg.start) or pd.isna(seg.end):
        return ""
    return text[int(seg.start) : int(seg.end)].strip()


def qualitative_signals(ctx: ReportContext) -> pd.DataFrame:
    coded = coded_by_level(ctx)
    if coded is None:
        return pd.DataFrame()
    return pd.DataFrame(
        {
            "row": coded["principle"],
            "level": coded["level"],
            "strand": QUALITATIVE,
            "source": SOURCES[QUALITATIVE],
            "n": coded["people"],
            "direction": [valence_direction(v) for v in coded["valence"]],
            "estimate": coded["valence"],
            "detail": [
                "" if s else f"{p:.0f} of {i:.0f} interviewed raised it, mean valence {v:+.2f}"
                for p, i, v, s in zip(
                    coded["people"], coded["interviewed"], coded["valence"], coded["suppressed"], strict=True
                )
            ],
            "suppressed": coded["suppressed"].astype(bool),
        }
    )


def home_ratings(ctx: ReportContext) -> pd.DataFrame | None:
    """The study's own provider's latest overall CQC rating per key question: ``key_question, score, rating,
    date``."""
    orgs = ctx.evidence.get("organisations")
    if not isinstance(orgs, dict) or not orgs.get("home") or orgs.get("cqc") is None or orgs["cqc"].empty:
        return None
    cqc = orgs["cqc"]
    own = cqc[(cqc["provider_id"] == orgs["home"]) & (cqc["service"] == "Overall")]
    if own.empty:
        return None
    own = own.sort_values("date").drop_duplicates("key_question", keep="last")
    return own[["key_question", "score", "rating", "date"]].reset_index(drop=True)


def organisation_signals(ctx: ReportContext) -> pd.DataFrame:
    ratings = home_ratings(ctx)
    if ratings is None:
        return pd.DataFrame()
    rated = ratings.set_index("key_question")
    rows = []
    for link in links(ctx).itertuples(index=False):
        for kq in link.cqc:
            if kq in rated.index:
                r = rated.loc[kq]
                rows.append(
                    {
                        "row": link.principle,
                        "level": CQC_LEVEL,
                        "strand": ORGANISATION,
                        "source": SOURCES[ORGANISATION],
                        "n": np.nan,
                        "direction": rating_direction(r["score"]),
                        "estimate": float(r["score"]),
                        "detail": f"CQC {kq}: {r['rating']} ({_date(r['date'])})",
                        "suppressed": False,
                    }
                )
    return pd.DataFrame(rows)


def _date(value: object) -> str:
    try:
        return pd.Timestamp(value).strftime("%B %Y")
    except (ValueError, TypeError):
        return str(value)


def principle_signals(ctx: ReportContext) -> pd.DataFrame:
    """Every signal about the study's principles (see :mod:`mindthegap.analysis.evidence_matrix`)."""
    cache = _cache(ctx)
    if "principle_signals" not in cache:
        parts = [
            f for f in (survey_signals(ctx), qualitative_signals(ctx), organisation_signals(ctx)) if len(f)
        ]
        cache["principle_signals"] = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=["row", "level", "strand", "source", "n", "direction", "detail"])
        )
    return cache["principle_signals"]
