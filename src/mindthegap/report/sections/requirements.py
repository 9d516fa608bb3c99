"""Report section: the requirements framework — the conditions a successful implementation programme needs,
each rated met / partly met / not met / no evidence against the study's evidence at each level of the system.

The requirements are rows of the evidence matrix. Their signals, each through the publication plan: NoMAD
construct means per level (survey), what interviewees said in the linked CFIR constructs and co-production
characteristics (interviews), and the reach and helpfulness of the linked implementation supports.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.evidence_matrix import LEVELS, evidence_matrix
from mindthegap.analysis.publication import apply_plan, population_name
from mindthegap.analysis.requirements import rate_requirements
from mindthegap.analysis.support import support_direction
from mindthegap.analysis.suppression import ALL
from mindthegap.frameworks.requirements import load_requirements
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.sections import support as sp
from mindthegap.report.sections import synthesis_inputs as si

NOMAD_GOOD, NOMAD_POOR = 4.0, 3.0
"""A NoMAD construct mean (1 strongly disagree … 5 strongly agree) at or above this is +1, at or below −1."""
SOURCES = {"survey": "NoMAD survey", "qualitative": "interviews", "support": "support survey"}


def requirements(ctx: ReportContext) -> pd.DataFrame:
    """The study's requirements (``ctx.evidence["requirements"]``, from ``--requirements FILE``) or the shipped."""
    own = ctx.evidence.get("requirements")
    return own if isinstance(own, pd.DataFrame) and len(own) else load_requirements()


def nomad_by_level(ctx: ReportContext) -> pd.DataFrame | None:
    """Mean NoMAD construct score per level at the latest wave, with ``n`` through the plan."""
    from mindthegap.analysis.coded_evidence import survey_wide
    from mindthegap.analysis.scoring import score_instrument
    from mindthegap.frameworks.instruments import load_instrument

    wide = survey_wide(ctx.frame("surveys"), "nomad", si.roster(ctx))
    if wide is None or "level" not in wide:
        return None
    wide = wide[wide["wave"] == si._latest_wave(ctx, wide)]
    ins = load_instrument("nomad")
    scores = score_instrument(wide, ins, keep=["participant_id", "level"])
    rows = []
    for construct in [c for c in ins.construct_items() if c in scores]:
        part = scores[["participant_id", "level", construct]].dropna()
        name = ctx.plan.register(
            population_name("requirements_nomad", construct=construct),
            part[["participant_id", "level"]],
            dims=("level",),
        )
        for level, g in part.groupby("level"):
            rows.append(
                {
                    "construct": construct,
                    "population": name,
                    "level": level,
                    "n": len(g),
                    "mean": float(g[construct].mean()),
                }
            )
    if not rows:
        return None
    table = pd.DataFrame(rows)
    return apply_plan(
        table,
        ctx.plan,
        {"n": lambda r: population_name("requirements_nomad", construct=r["construct"])},
        by=["construct", "level"],
        keep=["population"],
        output="requirements: NoMAD",
    )


def _nomad_signals(ctx: ReportContext, reqs: pd.DataFrame) -> list[dict]:
    table = nomad_by_level(ctx)
    if table is None:
        return []
    out = []
    for req in reqs.itertuples(index=False):
        for r in table[table["construct"].isin(req.nomad)].to_dict("records"):
            hidden = bool(r["suppressed"])
            direction = (
                0 if hidden else 1 if r["mean"] >= NOMAD_GOOD else -1 if r["mean"] <= NOMAD_POOR else 0
            )
            out.append(
                {
                    "row": req.requirement,
                    "level": r["level"],
                    "strand": "survey",
                    "source": SOURCES["survey"],
                    "n": r["n"],
                    "direction": direction,
                    "suppressed": hidden,
                    "detail": "" if hidden else f"NoMAD {r['construct'].replace('_', ' ')} {r['mean']:.2f}",
                }
            )
    return out


def _coded_signals(ctx: ReportContext, reqs: pd.DataFrame) -> list[dict]:
    codes = {req.requirement: [*req.cfir, *req.coproduction] for req in reqs.itertuples(index=False)}
    return si.coded_level_signals(
        ctx, codes, kind="requirements_coded", key="requirement", output="requirements: coded evidence"
    )


def _support_signals(ctx: ReportContext, reqs: pd.DataFrame) -> list[dict]:
    reach = sp.reach(ctx)
    if reach is None:
        return []
    kinds = {s.id: s.kind for s in ctx.study.supports}
    names = {s.id: s.name for s in ctx.study.supports}
    reach = reach[reach["level"] != ALL]
    out = []
    for req in reqs.itertuples(index=False):
        wanted = set(req.support)
        for r in reach.to_dict("records"):
            if not ({"*", r["support"], kinds.get(r["support"], "")} & wanted):
                continue
            hidden = bool(r["suppressed"])
            out.append(
                {
                    "row": req.requirement,
                    "level": r["level"],
                    "strand": "support",
                    "source": SOURCES["support"],
                    "n": r["asked"],
                    "suppressed": hidden,
                    "direction": 0 if hidden else support_direction(r["share"], r["helpfulness"]),
                    "detail": ""
                    if hidden
                    else f"{names.get(r['support'], r['support'])} used by {r['share']:.0%}",
                }
            )
    return out


def rated(ctx: ReportContext) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """(the requirements × levels evidence matrix, the ratings), or None without any linked evidence."""
    cache = ctx.__dict__.setdefault("_synthesis_cache", {})
    if "requirements" not in cache:
        reqs = requirements(ctx)
        signals = pd.DataFrame(
            [*_nomad_signals(ctx, reqs), *_coded_signals(ctx, reqs), *_support_signals(ctx, reqs)]
        )
        if signals.empty:
            cache["requirements"] = None
        else:
            matrix = evidence_matrix(signals, rows=list(reqs["requirement"]), levels=LEVELS, min_n=ctx.min_n)
            cache["requirements"] = (matrix, rate_requirements(matrix))
    return cache["requirements"]


def _levels(text: str) -> str:
    return ", ".join(Level(v).label.lower() for v in text.split(", ") if v) or "—"


def _heat_map(matrix: pd.DataFrame, reqs: pd.DataFrame) -> Figure:
    """Requirements × levels as a heat map, with every cell's reading and amount as its table."""
    from mindthegap.report.sections.evidence_matrix import grid_figure, with_readings

    shown = with_readings(matrix, reqs["name"].to_dict())
    return grid_figure(
        shown,
        row_heading="Requirement",
        row_noun="requirements of an implementation programme",
        title="What each level's evidence says about each requirement",
        chart_title="Requirements of the programme: what each level's evidence says",
        caption_of_table="The requirements × levels matrix: each cell's reading, amount and agreement",
        note="People: the largest group behind any one strand of the cell (strands often ask the same people, "
        "so they are not added).",
    )


def build(ctx: ReportContext) -> Section | None:
    result = rated(ctx)
    if result is None:
        return None
    matrix, ratings = result
    reqs = requirements(ctx).set_index("requirement")
    section = Section("requirements", "The requirements framework: what the programme needs, and has")
    section.add(
        Paragraph(
            "An implementation programme needs certain conditions to succeed. The framework below states them in "
            "the project's own words, drawing on Normalisation Process Theory (May & Finch 2009) and the updated "
            "CFIR (Damschroder et al. 2022), and rates each against this study's evidence at every level of the "
            "system: NoMAD survey scores, what people said in interviews, and the reach and helpfulness of the "
            "implementation support. A requirement is met when no level points to a shortfall and at least one "
            "points to good practice with moderate or strong evidence; the full rules are in docs/methods.md "
            "('Requirements framework'). A level with no evidence is a gap in the evidence, never a pass."
        )
    )
    shown = ratings.assign(
        name=ratings["row"].map(reqs["name"]),
        basis=ratings["row"].map(reqs["basis"]),
        **{c: ratings[c].map(_levels) for c in ("positive", "shortfall", "no_evidence")},
    )
    section.add(
        Table(
            "Requirements rated against the evidence",
            shown,
            {
                "name": "Requirement",
                "rating": "Rating",
                "positive": "Good practice at",
                "shortfall": "Shortfall at",
                "no_evidence": "No evidence at",
                "basis": "Drawn from",
            },
            note="Each rating follows from the cells of the requirements × levels heat map below.",
        )
    )
    section.add(_heat_map(matrix, reqs))
    counts = ratings["rating"].value_counts()
    section.summary.append(
        "Requirements framework: "
        + ", ".join(f"{int(counts.get(r, 0))} {r}" for r in ("met", "partly met", "not met", "no evidence"))
        + f" of {len(ratings)} conditions for implementation."
    )
    return section
