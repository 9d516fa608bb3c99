"""The synthesis sections' inputs, built once from the report's evidence: coded CFIR and co-production evidence,
NoMAD means per service, CFIR ratings (stored, else proposed), and the barriers each case shows.

Everything is restricted to the consenting roster the publication plan holds; sources naming nobody (event
notes) belong to no case and so never enter a case's rating.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis import coproduction as cp
from mindthegap.analysis.cfir import implementation_levels, propose_ratings
from mindthegap.analysis.coded_evidence import interviewed, survey_wide, valenced_segments, with_informants
from mindthegap.frameworks.codebooks import load_codebook
from mindthegap.report.context import ReportContext

CASE = "service"  # the demo's and most trusts' natural case for CFIR ratings


def _names(codebook: str) -> list[str]:
    out: list[str] = []

    def walk(nodes):
        for n in nodes:
            out.append(n["name"])
            walk(n.get("children") or [])

    walk(load_codebook(codebook)["codes"])
    return out


def _cache(ctx: ReportContext) -> dict:
    return ctx.__dict__.setdefault("_synthesis_cache", {})


def qualitative(ctx: ReportContext) -> dict[str, pd.DataFrame] | None:
    from mindthegap.report.sections.qualitative import _frames

    return _frames(ctx.evidence.get("qualitative"))


def roster(ctx: ReportContext) -> pd.DataFrame:
    return ctx.plan.roster.reset_index()


def coded(ctx: ReportContext, codebook: str) -> pd.DataFrame | None:
    """Valenced segments of a codebook's codes with informant, service and team (consenting people only)."""
    key = ("coded", codebook)
    cache = _cache(ctx)
    if key not in cache:
        frames = qualitative(ctx)
        out = None
        if frames is not None:
            segs = valenced_segments(frames, _names(codebook))
            if len(segs):
                people = roster(ctx)
                segs = with_informants(segs, frames, people)
                segs = segs[segs["participant"].isin(people["participant_id"])]
                out = segs if len(segs) else None
        cache[key] = out
    return cache[key]


def cfir_ratings(ctx: ReportContext) -> pd.DataFrame | None:
    """The study's CFIR ratings: the analysts' (stored) where there are any, else the rules' proposals."""
    stored = ctx.frame("cfir_ratings")
    if stored is not None:
        return stored[["case", "construct", "rating", "status"]]
    return propose_cfir(ctx)


def propose_cfir(ctx: ReportContext, case: str = CASE) -> pd.DataFrame | None:
    """The rules' proposals from the coded CFIR evidence, per ``case`` (service or team); worked out once per
    report (the CFIR and strategies sections both read them), a copy handed to each caller."""
    cache = _cache(ctx)
    if ("proposed", case) not in cache:
        cache[("proposed", case)] = _propose_cfir(ctx, case)
    found = cache[("proposed", case)]
    return None if found is None else found.copy()


def _propose_cfir(ctx: ReportContext, case: str) -> pd.DataFrame | None:
    segs = coded(ctx, "cfir2")
    if segs is None:
        return None
    ev = segs.dropna(subset=[case]).rename(columns={"code": "construct", case: "case"})
    ev = ev[ev["case"].astype(str).str.len() > 0]
    if ev.empty:
        return None
    out = propose_ratings(ev[["case", "construct", "informant", "valence"]])
    return out.assign(status="proposed")


def nomad_means(ctx: ReportContext) -> pd.DataFrame | None:
    """Mean NoMAD construct scores per service at the latest wave: ``service, construct, mean``."""
    from mindthegap.analysis.scoring import score_instrument
    from mindthegap.frameworks.instruments import load_instrument

    wide = survey_wide(ctx.frame("surveys"), "nomad", roster(ctx))
    if wide is None:
        return None
    latest = _latest_wave(ctx, wide)
    wide = wide[wide["wave"] == latest]
    ins = load_instrument("nomad")
    scores = score_instrument(wide, ins, keep=["participant_id", "service"])
    keys = list(ins.construct_items())
    long = scores.melt(id_vars=["service"], value_vars=[k for k in keys if k in scores], var_name="construct")
    return (
        long.dropna()
        .groupby(["service", "construct"], as_index=False)["value"]
        .mean()
        .rename(columns={"value": "mean"})
    )


def implementation(ctx: ReportContext) -> pd.DataFrame | None:
    """Higher or lower implementation per service: its mean NoMAD score over the four constructs, split at the
    median of the services."""
    means = nomad_means(ctx)
    if means is None:
        return None
    per_case = means.groupby("service", as_index=False)["mean"].mean()
    return implementation_levels(per_case, case="service", value="mean")


def _latest_wave(ctx: ReportContext, frame: pd.DataFrame) -> str:
    order = [w.id for w in ctx.study.waves]
    present = [w for w in order if w in set(frame["wave"])] or sorted(set(frame["wave"]))
    return present[-1]


def coproduction_scores(ctx: ReportContext) -> pd.DataFrame | None:
    """Long co-production characteristic scores per person and wave, with team and service."""
    wide = survey_wide(ctx.frame("surveys"), "coproduction", roster(ctx))
    if wide is None:
        return None
    return cp.instrument_scores(wide, by=("team", "service"))


def coproduction_coded(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Co-production segments (``participant_id, characteristic, valence, coder``) and the interviewees."""
    segs = coded(ctx, "coproduction")
    frames = qualitative(ctx)
    if segs is None or frames is None:
        return None
    out = segs.assign(characteristic=segs["code"].map(cp.CODE_NAMES), participant_id=segs["participant"])
    people = interviewed(frames, roster(ctx))
    return out.dropna(subset=["characteristic"]), people


def coded_level_signals(
    ctx: ReportContext, codes: dict[str, list[str]], *, kind: str, key: str, output: str
) -> list[dict]:
    """Evidence-matrix signals from coded interviews, one per row × level: the people at that level whose
    coded segments (CFIR and co-production codes) fall under the row's ``codes``, and the direction of their
    mean valence (each person's mean first). Each row's people are a population of the plan (``kind|key=row``,
    by level), so a level with too few people arrives suppressed."""
    from mindthegap.analysis.evidence_matrix import valence_direction
    from mindthegap.analysis.publication import apply_plan, population_name

    parts = [f for f in (coded(ctx, "cfir2"), coded(ctx, "coproduction")) if f is not None]
    if not parts:
        return []
    segs = pd.concat(parts, ignore_index=True).drop(columns=["level"], errors="ignore")
    segs = segs.merge(
        roster(ctx)[["participant_id", "level"]], left_on="participant", right_on="participant_id"
    )
    rows = []
    for row, wanted in codes.items():
        mine = segs[segs["code"].isin(wanted)]
        if mine.empty:
            continue
        name = ctx.plan.register(
            population_name(kind, **{key: row}),
            mine.drop_duplicates("participant_id")[["participant_id", "level"]],
            dims=("level",),
        )
        for level, g in mine.groupby("level"):
            valence = g.groupby("participant_id")["valence"].mean().mean()
            rows.append({"row": row, "population": name, "level": level, "n": g["participant_id"].nunique(),
                         "valence": float(valence)})  # fmt: skip
    if not rows:
        return []
    table = apply_plan(pd.DataFrame(rows), ctx.plan, {"n": lambda r: population_name(kind, **{key: r["row"]})},
                       by=["row", "level"], keep=["population"], output=output)  # fmt: skip
    return [
        {
            "row": r["row"],
            "level": r["level"],
            "strand": "qualitative",
            "source": "interviews",
            "n": r["n"],
            "suppressed": bool(r["suppressed"]),
            "direction": 0 if r["suppressed"] else valence_direction(r["valence"]),
            "detail": ""
            if r["suppressed"]
            else f"{r['n']:.0f} interviewed, mean valence {r['valence']:+.2f}",
        }
        for r in table.to_dict("records")
    ]


def cfir_framework_constructs() -> list[str]:
    """Every CFIR 2.0 construct and sub-construct of the shipped codebook (its five domains left out)."""
    domains = {d["name"] for d in load_codebook("cfir2")["codes"]}
    return [c for c in _names("cfir2") if c not in domains]


def cfir_constructs(ctx: ReportContext) -> list[str]:
    """The CFIR 2.0 constructs (codebook order) with coded evidence from anyone in the study."""
    segs = coded(ctx, "cfir2")
    if segs is None:
        return []
    present = set(segs["code"])
    return [c for c in _names("cfir2") if c in present]
