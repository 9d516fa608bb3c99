"""The methods section, generated from what the study did: instruments, people by level, coders and their
agreement, the suppression rule, and the limitations the evidence itself shows (levels never reached, principles
resting on one strand). Counts of people come from the publication plan, like every other count."""

from __future__ import annotations

from mindthegap.analysis.publication import ROSTER
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section

INSTRUMENTS = {
    "nomad": "NoMAD (normalisation of the new practice; Finch et al. 2018)",
    "coproduction": "the co-production measure (six characteristics; Boyle & Harris 2009)",
    "event_feedback": "event feedback forms",
}


def _instruments(ctx: ReportContext) -> list[str]:
    out = []
    ratings = ctx.frame("values_practice")
    if ratings is not None:
        waves = [w.name.lower() for w in ctx.study.waves_in_order()]
        out.append(f"values–practice ratings of {len(ctx.study.principles)} principles ({', '.join(waves)})")
    surveys = ctx.frame("surveys")
    if surveys is not None:
        out += [INSTRUMENTS.get(i, i) for i in sorted(surveys["instrument"].dropna().unique())]
    if ctx.evidence.get("qualitative") is not None:
        out.append(
            "semi-structured interviews and event notes, coded with NPT, CFIR 2.0 and co-production codebooks"
        )
    if ctx.frame("event_attendance") is not None:
        out.append("event registers and network questions")
    delphi = ctx.evidence.get("delphi")
    if isinstance(delphi, dict) and delphi.get("ratings") is not None and len(delphi["ratings"]):
        out.append(f"a Delphi consensus exercise over {delphi['ratings']['round'].nunique()} rounds")
    orgs = ctx.evidence.get("organisations")
    if isinstance(orgs, dict) and orgs.get("cqc") is not None and len(orgs["cqc"]):
        out.append("published CQC ratings and NHS Staff Survey results for the provider and its peers")
    return out


def _people_by_level(ctx: ReportContext) -> tuple[str, list[str]]:
    parts, never = [], []
    for level in Level:
        n = ctx.plan.count(ROSTER, {"level": level.value}, output="methods: participants by level")
        if n == 0:
            never.append(level.label.lower())
        parts.append(
            f"{level.label.lower()} {'fewer than ' + str(ctx.min_n) + ' (suppressed)' if n is None else n}"
        )
    return "; ".join(parts), never


def _limitations(ctx: ReportContext, sections: list, never: list[str]) -> list[str]:
    from mindthegap.report.sections.evidence_matrix import matrix

    out = []
    if never:
        out.append(f"No one took part at the {', '.join(never)} level, so the report cannot speak for it.")
    table = matrix(ctx)
    if table is not None:
        rows = table["row"].nunique()
        empty = table[table["status"] != "evidence"].groupby("level").size()
        thin = [Level(lv).label.lower() for lv, n in empty.items() if n == rows and lv not in never]
        if thin:
            out.append(
                f"Evidence from the {', '.join(thin)} level was too thin to show for any principle: groups there "
                f"are smaller than {ctx.min_n}, so their views are folded into totals only."
            )
    for s in sections:
        out += [line for line in s.summary if "never reached" in line]
    out.append(
        "Associations between taking part in events and later ratings are associations, not proof of effect; the "
        "gap is self-reported and people who chose to answer may differ from those who did not."
    )
    return out


def methods_section(ctx: ReportContext, sections: list) -> Section:
    """The generated methods section; ``sections`` are the report's built sections (their findings feed it)."""
    section = Section("methods", "How this evaluation was done")
    instruments = _instruments(ctx)
    if instruments:
        section.add(Paragraph("Evidence collected: " + "; ".join(instruments) + "."))
    by_level, never = _people_by_level(ctx)
    section.add(Paragraph(f"Consenting participants by level of the system: {by_level}."))
    coding = [line for s in sections if s.id == "qualitative" for line in s.summary if "agreed" in line]
    if coding:
        section.add(Paragraph("Qualitative coding: " + coding[0]))
    section.add(
        Paragraph(
            f"Privacy: any group of fewer than {ctx.min_n} people is suppressed in every table, chart and sentence, "
            "together with any other group that would let one be worked out by subtraction within or across the "
            "report's outputs (one publication plan for the whole study). People who withdrew are excluded "
            "throughout."
        )
    )
    section.add(Paragraph("Limitations", kind="subhead"))
    for line in _limitations(ctx, sections, never):
        section.add(Paragraph(line))
    return section
