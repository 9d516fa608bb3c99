"""Response tracking: how many of those invited have answered, by service, discipline and level.

Counts come through the study's publication plan like every other output: the invited are a population drawn
from the roster, those who answered a population drawn from the invited, so a reader cannot subtract one
table (or the report) from another to find a small group. Headcounts are the people invited by personal link;
an open link has no list of whom it reached, so its table gives counts only.
"""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.cube import MISSING
from mindthegap.analysis.publication import ROSTER, PublicationPlan, apply_plan, population_name
from mindthegap.analysis.suppression import ALL
from mindthegap.store.collection.models import Invitation, ResponseSession, Survey

DIMENSIONS = ("service", "discipline", "level")
NOT_RECORDED = "not recorded"


def populations(survey: Survey, plan: PublicationPlan) -> tuple[str | None, str]:
    """Register the survey's invited (personal links) and respondents with ``plan``; their names."""
    roster = plan.roster.index if plan.roster is not None else pd.Index([])
    invited_name = None
    if survey.mode == Survey.Mode.PERSONAL:
        invited = Invitation.objects.filter(survey=survey, revoked=False).values_list(
            "participant__pseudonym", flat=True
        )
        invited_name = plan.register(
            population_name("invited", survey=survey.slug), [p for p in invited if p in roster]
        )
    answered = ResponseSession.objects.filter(survey=survey, submitted_at__isnull=False).values_list(
        "participant__pseudonym", flat=True
    )
    answered_name = plan.register(
        population_name("responded", survey=survey.slug),
        [p for p in answered if p is not None and p in roster],
        parent=invited_name or ROSTER,
    )
    return invited_name, answered_name


def response_rates(survey: Survey, plan: PublicationPlan, dimension: str) -> pd.DataFrame:
    """Columns ``dimension``, ``invited`` (personal links only), ``responded``, ``rate`` (0–1); a row per
    group and a total row marked :data:`~mindthegap.analysis.suppression.ALL`; hidden rows blanked."""
    if dimension not in DIMENSIONS:
        raise KeyError(dimension)
    invited_name, answered_name = populations(survey, plan)
    counts = {}
    for column, name in (("invited", invited_name), ("responded", answered_name)):
        if name is None:
            continue
        ids = plan.ledger.populations[name]  # finest counts of the population by the study's dimensions
        groups_of = ids[dimension].replace(MISSING, NOT_RECORDED)
        by_group = ids.assign(**{dimension: groups_of}).groupby(dimension)["n"].sum()
        counts[column] = (by_group, name)
    groups = sorted(set().union(*(set(c[0].index) for c in counts.values())))
    table = pd.DataFrame({dimension: [*groups, ALL]})
    for column, (by_group, _) in counts.items():
        table[column] = [*(int(by_group.get(g, 0)) for g in groups), int(by_group.sum())]
    if "invited" in table:
        table = table[(table["invited"] > 0) | (table[dimension] == ALL)].reset_index(drop=True)
        table["rate"] = table["responded"] / table["invited"].where(table["invited"] > 0)
    else:
        table = table[(table["responded"] > 0) | (table[dimension] == ALL)].reset_index(drop=True)
    return apply_plan(
        table, plan, {column: name for column, (_, name) in counts.items()}, by=[dimension],
        missing={dimension: NOT_RECORDED}, output=f"response rates of survey {survey.slug} by {dimension}",
    )  # fmt: skip


def study_plan(survey: Survey) -> PublicationPlan:
    """The study's plan: its consenting participants as the roster, its threshold."""
    from mindthegap.store.studies.repository import participants_frame

    record = survey.study
    return PublicationPlan(participants_frame(record), min_n=record.min_n)
