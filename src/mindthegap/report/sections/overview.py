"""The study at a glance: who took part, at which level, in which service and wave."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.publication import ROSTER, PublicationPlan, apply_plan
from mindthegap.analysis.suppression import ALL, suppress
from mindthegap.model import Level
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table
from mindthegap.report.sections.labels import label_frame, organisation_word, plural

NOT_APPLICABLE = "not applicable"


def participation_table(
    participants: pd.DataFrame, *, min_n: int, plan: PublicationPlan | None = None
) -> pd.DataFrame:
    """Participants by level and service, with totals, suppressed like every other output (by the study's
    publication plan when given)."""
    data = participants.assign(service=participants["service"].fillna(NOT_APPLICABLE))
    counts = data.groupby(["level", "service"], observed=True).size().rename("n").reset_index()
    by_level = data.groupby("level", observed=True).size().rename("n").reset_index().assign(service=ALL)
    by_service = data.groupby("service", observed=True).size().rename("n").reset_index().assign(level=ALL)
    total = pd.DataFrame({"level": [ALL], "service": [ALL], "n": [len(data)]})
    table = pd.concat([counts, by_level, by_service, total], ignore_index=True)
    order = {lv.value: lv.rank for lv in Level}
    table["_rank"] = table["level"].map(lambda v: order.get(v, 99))
    table = table.sort_values(["_rank", "service"]).drop(columns="_rank").reset_index(drop=True)
    if plan is not None:
        return apply_plan(
            table,
            plan,
            {"n": ROSTER},
            by=["level", "service"],
            missing={"service": NOT_APPLICABLE},
            output="participants by level and service",
        )
    return suppress(table, by=["level", "service"], min_n=min_n)


def build(ctx: ReportContext) -> Section | None:
    participants = ctx.frame("participants")
    study = ctx.study
    section = Section("overview", "About this evaluation")
    section.add(Paragraph(study.description or study.name))
    policies = "; ".join(f"{p.title} ({', '.join(pr.name for pr in p.principles)})" for p in study.policies)
    if policies:
        section.add(Paragraph(f"Policies and the principles examined: {policies}."))
    if participants is None:
        return section
    plan = ctx.plan
    table = participation_table(participants, min_n=ctx.min_n, plan=plan)
    section.add(
        Table(
            caption="Participants by level of the system and service",
            data=label_frame(table, study),
            columns={"level": "Level", "service": "Service", "n": "Participants"},
            formats={"n": "{:.0f}"},
            note=f"Service is 'not applicable' for national, regional and {organisation_word(study)}-wide "
            "informants.",
        )
    )
    section.summary.append(key_finding(participants, plan))
    return section


def key_finding(participants: pd.DataFrame, plan: PublicationPlan) -> str:
    """Who took part, in one line; each number is asked of the plan, so a hidden group's size is not given."""
    frontline = Level.LOCAL_FRONTLINE.value
    total = plan.count(ROSTER, output="key findings")
    staff = plan.count(ROSTER, {"level": frontline}, output="key findings")
    services = participants.loc[participants["level"] == frontline, "service"].nunique()
    who = "no frontline staff" if staff == 0 else f"{staff} frontline staff" if staff else "frontline staff"
    everyone = f"{total} consenting participants" if total is not None else "Consenting participants"
    return (
        f"{everyone} across {plural(participants['level'].nunique(), 'level')} of the system, "
        f"including {who} in {plural(services, 'service')}."
    )
