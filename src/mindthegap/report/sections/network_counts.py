"""The network section's part for teams that do not collect names: each respondent counted the colleagues they
work with in each discipline × service block (``network_tie_counts``). Measures on blocks (share across
disciplines and services, the E-I index) per wave, and the block chart with the block matrix as its table;
every count of respondents goes through the publication plan, and a block the plan hides shows no ties, in
the chart or the table (not even which blocks its people named)."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.network_blocks import block_matrix, block_measures
from mindthegap.analysis.publication import ROSTER, PublicationPlan
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table

PERCENT = "{:.0%}"


def add_counted(section: Section, ctx: ReportContext, counts: pd.DataFrame, names, waves) -> bool:
    """Add the counts part to ``section``; False when no respondent on the roster answered."""
    roster = ctx.roster()
    matrix = block_matrix(counts, roster, min_n=ctx.min_n, plan=ctx.plan)
    if matrix.empty:
        return False
    measures = block_measures(counts, roster, min_n=ctx.min_n, plan=ctx.plan)
    section.add(
        Paragraph(
            "Where names are not collected, staff said how many colleagues (in the study or not) they work with "
            "in each discipline and service. These counts give the same picture on blocks instead of people: the "
            "share of the colleagues counted who are in another discipline or service, and the E-I index on "
            f"those counts. A block of fewer than {ctx.min_n} respondents is not shown, nor the ties its people "
            "counted."
        )
    )
    section.add(_measures_table(measures, names))
    section.add(_figure(matrix, names, waves, visible_blocks(ctx.plan, matrix)))
    _summary(section, measures, names, waves)
    return True


def _measures_table(measures: pd.DataFrame, names) -> Table:
    shown = measures.assign(
        wave=measures["wave"].map(lambda w: names.get(w, w)),
        group=measures["group"].map(lambda g: names.get(g, g)),
        attribute=measures["attribute"].map({"All": "All", "discipline": "Discipline", "service": "Service"}),
    )
    return Table(
        caption="Colleagues counted across disciplines and services, by the respondents' group",
        data=shown,
        columns={
            "wave": "Wave",
            "attribute": "By",
            "group": "Group",
            "respondents": "Respondents",
            "ties": "Colleagues counted",
            "share_across_discipline": "In another discipline",
            "share_across_service": "In another service",
            "ei_discipline": "E-I (discipline)",
            "ei_service": "E-I (service)",
        },
        formats={
            "respondents": "{:.0f}",
            "ties": "{:.0f}",
            "share_across_discipline": PERCENT,
            "share_across_service": PERCENT,
            "ei_discipline": "{:+.2f}",
            "ei_service": "{:+.2f}",
        },
    )


def chart_inputs(matrix: pd.DataFrame, waves: list[str]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The block chart's inputs from the block matrix: respondents' blocks per wave (``people`` = respondents,
    hidden ones ``suppressed``) and, per wave, the ties between two shown blocks counted either way."""
    blocks = (
        matrix.groupby(["wave", "from_discipline", "from_service"], sort=True)
        .agg(people=("respondents", "first"), suppressed=("suppressed", "first"))
        .reset_index()
        .rename(columns={"from_discipline": "discipline", "from_service": "service"})
    )
    edges = {}
    for wave in [w for w in waves if (blocks["wave"] == w).any()]:
        shown = blocks[(blocks["wave"] == wave) & ~blocks["suppressed"].astype(bool)]
        keys = set(zip(shown["discipline"], shown["service"], strict=True))
        sums: dict[tuple, int] = {}
        part = matrix[(matrix["wave"] == wave) & ~matrix["suppressed"].astype(bool)]
        for r in part.itertuples(index=False):
            a, b = (r.from_discipline, r.from_service), (r.to_discipline, r.to_service)
            if a != b and a in keys and b in keys:
                pair = tuple(sorted((a, b)))
                sums[pair] = sums.get(pair, 0) + int(r.ties)
        edges[wave] = pd.DataFrame(
            [{"a": a, "b": b, "ties": n} for (a, b), n in sorted(sums.items())], columns=["a", "b", "ties"]
        )
    return blocks, edges


OTHER = "Small blocks, together"


def visible_blocks(plan: PublicationPlan, matrix: pd.DataFrame) -> set[tuple]:
    """The discipline × service blocks the plan shows among the study's participants."""
    blocks = set(zip(matrix["to_discipline"], matrix["to_service"], strict=True))
    blocks |= set(zip(matrix["from_discipline"], matrix["from_service"], strict=True))
    return {
        (d, s)
        for d, s in blocks
        if plan.count(ROSTER, {"discipline": d, "service": s}, output="network count blocks") is not None
    }


def matrix_table(matrix: pd.DataFrame, names, visible: set[tuple]) -> pd.DataFrame:
    """The block matrix for the table. A shown block's colleagues are listed by named block where the plan shows
    that block among the participants (``visible``), and pooled in one row otherwise, so no tie points at a
    block small enough to single someone out; a hidden block has one row with nothing but its name and wave, so
    not even which blocks its people counted is shown."""
    hidden = matrix["suppressed"].astype(bool)
    shown = matrix[~hidden].copy()
    named = list(zip(shown["to_discipline"], shown["to_service"], strict=True))
    small = [k not in visible for k in named]
    shown.loc[small, "to_discipline"], shown.loc[small, "to_service"] = OTHER, ""
    shown["ties"] = shown["ties"].astype(int)
    by = ["wave", "from_discipline", "from_service", "to_discipline", "to_service"]
    shown = shown.groupby(by, sort=False, as_index=False).agg(
        respondents=("respondents", "first"), ties=("ties", "sum"), suppressed=("suppressed", "first")
    )
    withheld = matrix[hidden].drop_duplicates(["wave", "from_discipline", "from_service"])
    withheld = withheld.assign(to_discipline=None, to_service=None, respondents=None, ties=None)
    out = pd.concat([shown, withheld], ignore_index=True)
    out["pooled"] = out["to_discipline"] == OTHER
    out = out.sort_values(["wave", "suppressed", "from_discipline", "from_service", "pooled"], kind="stable")
    for col in ("wave", "from_discipline", "from_service", "to_discipline", "to_service"):
        out[col] = out[col].map(lambda v: names.get(v, v) if isinstance(v, str) else "")
    return out.drop(columns="pooled").reset_index(drop=True)


def _figure(matrix: pd.DataFrame, names, waves: list[str], visible: set[tuple]) -> Figure:
    from mindthegap.report.sections.network import _block_chart

    blocks, edges = chart_inputs(matrix, waves)
    disciplines = sorted(blocks["discipline"].unique())
    n_shown = int((~blocks["suppressed"].astype(bool)).sum())
    data = Table(
        caption="The block matrix: colleagues counted from each respondents' block in each named block",
        data=matrix_table(matrix, names, visible),
        columns={
            "wave": "Wave",
            "from_discipline": "Respondents' discipline",
            "from_service": "Respondents' service",
            "to_discipline": "Colleagues' discipline",
            "to_service": "Colleagues' service",
            "respondents": "Respondents",
            "ties": "Colleagues counted",
        },
        formats={"respondents": "{:.0f}", "ties": "{:.0f}"},
        note=f"Blocks too small to show are listed without their counts and left out of the chart; colleagues "
        f"counted in blocks too small to show are pooled as '{OTHER.lower()}'.",
    )
    return Figure(
        "Colleagues counted between discipline × service blocks, at baseline and follow-up",
        _block_chart(blocks, edges, disciplines, names),
        f"Two network diagrams, one per wave, of {n_shown} discipline-by-service blocks of respondents (circles "
        "sized by respondents and coloured by discipline) joined by lines as thick as the colleagues counted "
        "between them either way. No individual is shown.",
        data,
    )


def _summary(section: Section, measures: pd.DataFrame, names, waves: list[str]) -> None:
    everyone = measures[(measures["attribute"] == "All") & ~measures["suppressed"].astype(bool)]
    shares = everyone.set_index("wave")["share_across_discipline"].dropna()
    present = [w for w in waves if w in shares.index]
    if len(present) < 2:
        return
    first, last = present[0], present[-1]
    section.summary.append(
        f"Counting colleagues by discipline and service, {shares[first]:.0%} of those staff work with were in "
        f"another discipline at {names.get(first, first).lower()} and {shares[last]:.0%} at "
        f"{names.get(last, last).lower()}."
    )
