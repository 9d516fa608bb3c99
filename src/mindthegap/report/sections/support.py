"""Report section: implementation support — which of the supports the study lists reached which level of the
system, how helpful those who used them found them, and what they said (comments for audiences that may read
people's words). Every count passes through the study's publication plan: each support's people are one
population grouped by level and by whether they used it, so a share is shown only where both its counts are.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.publication import apply_plan, population_name
from mindthegap.analysis.support import support_reach
from mindthegap.analysis.suppression import ALL
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table

MAX_COMMENTS = 2  # per support: enough to hear the voice, not a transcript


def _cache(ctx: ReportContext) -> dict:
    return ctx.__dict__.setdefault("_synthesis_cache", {})


def uses(ctx: ReportContext) -> pd.DataFrame | None:
    """Support use of consenting participants and unnamed respondents, with a ``person`` key for each."""
    frame = ctx.frame("support_use")
    if frame is None:
        return None
    named = frame["participant_id"].notna() & (frame["participant_id"].astype(str).str.len() > 0)
    people = ctx.consenting(frame[named])
    anon = frame[~named].assign(participant_id=[f"respondent-{i}" for i in range(int((~named).sum()))])
    out = pd.concat([people, anon], ignore_index=True)
    out = out.assign(person=out["participant_id"], used=out["used"].astype(bool))
    return out if len(out) else None


def reach(ctx: ReportContext) -> pd.DataFrame | None:
    """:func:`~mindthegap.analysis.support.support_reach` through the plan: ``asked``, ``used``, ``share`` and
    ``helpfulness`` are blank where a group may not be shown (cached for the requirements section)."""
    cache = _cache(ctx)
    if "support_reach" not in cache:
        cache["support_reach"] = _reach(ctx)
    return cache["support_reach"]


def _population(support: str) -> str:
    return population_name("support_use", support=support)


def _reach(ctx: ReportContext) -> pd.DataFrame | None:
    frame = uses(ctx)
    if frame is None:
        return None
    plan = ctx.plan
    for support, part in frame.groupby("support", sort=False):
        people = part.assign(used=part["used"].map({True: "yes", False: "no"}))
        plan.register(
            _population(support), people[["participant_id", "level", "used"]], dims=("level", "used")
        )
    table = support_reach(frame.drop(columns="participant_id"), min_n=ctx.min_n)
    counts = pd.concat(
        [
            table[["support", "level", "asked"]].rename(columns={"asked": "n"}).assign(used=ALL),
            table[["support", "level", "used"]].rename(columns={"used": "n"}).assign(used="yes"),
        ],
        ignore_index=True,
    )
    shown = apply_plan(
        counts,
        plan,
        {"n": lambda r: _population(r["support"])},
        by=["support", "level", "used"],
        output="implementation support",
    )
    asked = shown[shown["used"] == ALL].set_index(["support", "level"])["n"]
    used = shown[shown["used"] == "yes"].set_index(["support", "level"])["n"]
    key = pd.MultiIndex.from_frame(table[["support", "level"]])
    out = table.assign(asked=asked.reindex(key).to_numpy(), used=used.reindex(key).to_numpy())
    hidden = out["asked"].isna() | out["used"].isna()
    out.loc[hidden, ["share", "helpfulness"]] = float("nan")
    out["suppressed"] = hidden
    return out.drop(columns="rated")


def _cell(row: pd.Series | None) -> str:
    if row is None:
        return "not asked"
    if row["suppressed"]:
        return "too few to show"
    return f"{row['share']:.0%} of {row['asked']:.0f}"


def build(ctx: ReportContext) -> Section | None:
    table = reach(ctx)
    if table is None or table.empty:
        return None
    names = {s.id: s.name for s in ctx.study.supports}
    levels = [lv for lv in Level if lv.value in set(table["level"])]
    section = Section("implementation-support", "Implementation support: what reached whom, and did it help")
    section.add(
        Paragraph(
            f"The study lists {len(names)} supports offered to put the policy into practice. People at each level "
            "were asked whether they used each one and, if so, how helpful it was (1 not at all … 5 very). A cell "
            f"gives the share of those asked who used the support; groups of fewer than {ctx.min_n} people, and "
            "any group that would let a reader work one out, are not shown."
        )
    )
    by_cell = {(r["support"], r["level"]): r for _, r in table.iterrows()}
    wide = []
    for support in dict.fromkeys(table["support"]):
        total = by_cell[(support, ALL)]
        wide.append(
            {
                "support": names.get(support, support),
                **{lv.value: _cell(by_cell.get((support, lv.value))) for lv in levels},
                "all": _cell(total),
                "helpfulness": total["helpfulness"],
            }
        )
    wide = pd.DataFrame(wide)
    section.add(
        Table(
            "Share of those asked who used each support, by level",
            wide,
            {
                "support": "Support",
                **{lv.value: lv.label for lv in levels},
                "all": "All levels",
                "helpfulness": "Mean helpfulness (1–5)",
            },
            {"helpfulness": "{:.1f}"},
            note="Mean helpfulness of those who used the support and rated it, shown where at least "
            f"{ctx.min_n} rated it.",
        )
    )
    _comments(ctx, table, names, section)
    _summary(table, names, section)
    return section


def _comments(ctx: ReportContext, table: pd.DataFrame, names: dict, section: Section) -> None:
    frame = uses(ctx)
    said = frame[frame["comment"].fillna("").astype(str).str.len() > 0]
    shown = table[~table["suppressed"] & (table["level"] != ALL)][["support", "level"]]
    said = said.merge(shown, on=["support", "level"])
    if said.empty:
        return
    said = said.drop_duplicates(["support", "comment"])
    picks = said.groupby("support", sort=False).head(MAX_COMMENTS)
    picks = picks.assign(
        support_name=picks["support"].map(lambda s: names.get(s, s)),
        level_label=picks["level"].map(lambda v: Level(v).label),
    )
    section.add(
        Table(
            "What people said of the supports they used",
            picks,
            {"support_name": "Support", "level_label": "Level", "comment": "Comment"},
            verbatim=("comment",),
            note=f"Up to {MAX_COMMENTS} comments per support, from levels whose figures may be shown.",
        )
    )


def _summary(table: pd.DataFrame, names: dict, section: Section) -> None:
    levels = table[(table["level"] != ALL) & ~table["suppressed"]]
    if levels.empty:
        return
    best = levels.loc[levels["share"].idxmax()]
    worst = levels.loc[levels["share"].idxmin()]
    section.summary.append(
        f"Implementation support: {names.get(best['support'], best['support'])} reached the most people "
        f"({best['share']:.0%} of those asked at the {Level(best['level']).label.lower()} level); "
        f"{names.get(worst['support'], worst['support'])} the fewest ({worst['share']:.0%} at the "
        f"{Level(worst['level']).label.lower()} level)."
    )
