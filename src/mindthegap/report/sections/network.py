"""Report section: who works with whom, at baseline and follow-up — density, the E-I index, brokers and isolates, and a
chart of discipline × service blocks (never one person's position), with the block table behind it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.network_tables import block_edges, network_tables
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.sections.labels import study_labels

MEASURES = {
    "density": "Density",
    "ei_discipline": "E-I index (discipline)",
    "ei_service": "E-I index (service)",
}


def _block_chart(blocks: pd.DataFrame, edges: dict[str, pd.DataFrame], disciplines: list[str], names) -> str:
    """One panel per wave: shown blocks on a circle grouped by discipline, sized by people, coloured by
    discipline and labelled with their service; lines between blocks as wide as the ties between them."""
    waves = list(edges)
    visible = blocks[~blocks["suppressed"].astype(bool)]
    keys = sorted({(d, s) for d, s in zip(visible["discipline"], visible["service"], strict=True)})
    angle = {k: 2 * np.pi * i / max(len(keys), 1) for i, k in enumerate(keys)}
    pos = {k: (np.cos(a), np.sin(a)) for k, a in angle.items()}
    colour = {d: charts.PALETTE[i % len(charts.PALETTE)] for i, d in enumerate(disciplines)}
    with charts.figure(9.0, 4.8) as (fig, _ax):
        fig.delaxes(_ax)
        axes = fig.subplots(1, len(waves), squeeze=False)[0]
        for ax, wave in zip(axes, waves, strict=True):
            shown = blocks[(blocks["wave"] == wave) & ~blocks["suppressed"].astype(bool)]
            top = max(float(edges[wave]["ties"].max()) if len(edges[wave]) else 1.0, 1.0)
            for e in edges[wave].itertuples(index=False):
                (x1, y1), (x2, y2) = pos[e.a], pos[e.b]
                ax.plot(
                    [x1, x2], [y1, y2], color=charts.MUTED, lw=0.3 + 3 * e.ties / top, alpha=0.6, zorder=1
                )
            for b in shown.itertuples(index=False):
                x, y = pos[(b.discipline, b.service)]
                ax.scatter(
                    [x],
                    [y],
                    s=20 + 4 * float(b.people),
                    color=colour[b.discipline],
                    zorder=2,
                    edgecolors="white",
                    linewidths=0.5,
                )
                _label(ax, x, y, names.get(b.service, b.service))
            ax.set_title(names.get(wave, wave))
            ax.set_axis_off()
            ax.set_xlim(-1.9, 1.9)
            ax.set_ylim(-1.45, 1.45)
            ax.set_aspect("equal")
        shown_disciplines = [d for d in disciplines if d in set(visible["discipline"])]
        handles = [
            charts.plt.Line2D([], [], marker="o", ls="", color=colour[d], label=names.get(d, d))
            for d in shown_disciplines
        ]
        fig.legend(handles=handles, loc="outside lower center", ncol=4, fontsize=7, frameon=False)
        return charts.to_svg(fig)


def _label(ax, x: float, y: float, text: str) -> None:
    """A block's service beside its circle, outside the ring, so the chart reads without the table."""
    import textwrap

    ha = "left" if x > 0.2 else "right" if x < -0.2 else "center"
    ax.text(1.16 * x, 1.16 * y, "\n".join(textwrap.wrap(text, 16)), ha=ha, va="center", fontsize=6.5,
            color=charts.INK, zorder=3)  # fmt: skip


def build(ctx: ReportContext) -> Section | None:
    ties, counts = ctx.frame("network_ties"), ctx.frame("network_tie_counts")
    if ties is None and counts is None:
        return None
    labels = study_labels(ctx.study)
    names = {**labels["wave"], **labels["discipline"], **labels["service"]}
    waves = [w.id for w in ctx.study.waves_in_order()]
    section = Section("network", "Who works with whom: the network at baseline and follow-up")
    named = ties is not None and _named(section, ctx, ties, names, waves)
    counted = counts is not None and _counted(section, ctx, counts, names, waves)

    return section if named or counted else None


def _counted(section: Section, ctx: ReportContext, counts: pd.DataFrame, names, waves) -> bool:
    from mindthegap.report.sections.network_counts import add_counted

    return add_counted(section, ctx, counts, names, waves)


def _named(section: Section, ctx: ReportContext, ties: pd.DataFrame, names, waves) -> bool:
    """The network of named colleagues: measures per wave, change, the block chart and the groups table."""
    roster = ctx.roster()
    tables = network_tables(ties, roster, plan=ctx.plan, waves=waves, seed=ctx.seed)
    if tables["waves"].empty:
        return False
    section.add(
        Paragraph(
            "Staff named the colleagues they work with at each wave; a tie is a working relationship named by "
            "either person. Density is the share of all possible ties that exist. The E-I index runs from −1 (every "
            "tie within the same discipline or service) to +1 (every tie across). Brokers are the tenth of people "
            "who most often lie on the shortest paths between others. Change is tested among people who answered "
            "at both waves by permuting, dyad by dyad, which wave each state belongs to."
        )
    )
    per_wave = tables["waves"].assign(wave=lambda d: d["wave"].map(lambda w: names.get(w, w)))
    section.add(
        Table(
            caption="The network at each wave",
            data=per_wave,
            columns={
                "wave": "Wave",
                "people": "People",
                "ties": "Ties",
                "density": "Density",
                "mean_degree": "Mean colleagues",
                "share_cross_discipline": "Ties across disciplines",
                "share_cross_service": "Ties across services",
                "ei_discipline": "E-I (discipline)",
                "ei_service": "E-I (service)",
                "isolates": "Isolates",
            },
            formats={
                "people": "{:.0f}",
                "ties": "{:.0f}",
                "density": "{:.4f}",
                "mean_degree": "{:.1f}",
                "share_cross_discipline": "{:.0%}",
                "share_cross_service": "{:.0%}",
                "ei_discipline": "{:+.2f}",
                "ei_service": "{:+.2f}",
                "isolates": "{:.0f}",
            },
        )
    )
    _change(section, tables["change"], names, waves)
    _blocks(section, tables, ties, roster, ctx, names, waves)
    _groups(section, tables["groups"], names)
    return True


def _groups(section: Section, groups: pd.DataFrame, names) -> None:
    groups = groups.assign(
        wave=lambda d: d["wave"].map(lambda w: names.get(w, w)),
        group=lambda d: d["group"].map(lambda g: names.get(g, g)),
    )
    section.add(
        Table(
            caption="Ties within and across groups, and brokers, by discipline and service",
            data=groups,
            columns={
                "wave": "Wave",
                "attribute": "By",
                "group": "Group",
                "people": "People",
                "internal": "Ties within",
                "external": "Ties across",
                "ei": "E-I index",
                "brokers": "Brokers",
            },
            formats={
                "people": "{:.0f}",
                "internal": "{:.0f}",
                "external": "{:.0f}",
                "ei": "{:+.2f}",
                "brokers": "{:.0f}",
            },
        )
    )


def _change(section: Section, change: pd.DataFrame, names, waves) -> None:
    if change.empty:
        return
    change = change.assign(measure_label=change["measure"].map(MEASURES))
    first, last = names.get(waves[0], waves[0]), names.get(waves[-1], waves[-1])
    section.add(
        Table(
            caption=f"Change between {first} and {last}",
            data=change,
            columns={
                "measure_label": "Measure",
                "people": "People at both waves",
                "baseline": first,
                "follow_up": last,
                "change": "Change",
                "p_value": "Permutation p",
            },
            formats={
                "people": "{:.0f}",
                "baseline": "{:.3f}",
                "follow_up": "{:.3f}",
                "change": "{:+.3f}",
                "p_value": "{:.3f}",
            },
            note=f"{int(change['n_perm'].iloc[0]):,} permutations, seeded.",
        )
    )
    ei = change[change["measure"] == "ei_discipline"]
    if len(ei) and not bool(ei["suppressed"].iloc[0]) and ei["p_value"].iloc[0] < 0.05:
        direction = "more" if ei["change"].iloc[0] > 0 else "fewer"
        before, after = ei["baseline"].iloc[0], ei["follow_up"].iloc[0]
        section.summary.append(
            f"Between the waves, staff named {direction} colleagues across disciplines "
            f"(E-I index {before:+.2f} to {after:+.2f})."
        )


def _blocks(section, tables, ties, roster, ctx, names, waves) -> None:
    blocks = tables["blocks"]
    if blocks.empty:
        return
    present = [w for w in waves if (blocks["wave"] == w).any()]
    edges = {}
    for wave in present:
        shown = blocks[(blocks["wave"] == wave) & ~blocks["suppressed"].astype(bool)]
        edges[wave] = block_edges(
            ties, roster, wave, set(zip(shown["discipline"], shown["service"], strict=True))
        )
    disciplines = sorted(blocks["discipline"].unique())
    labelled = blocks.assign(
        wave=blocks["wave"].map(lambda w: names.get(w, w)),
        discipline=blocks["discipline"].map(lambda d: names.get(d, d)),
        service=blocks["service"].map(lambda s: names.get(s, s)),
    )
    per_block = Table(
        caption="Discipline × service blocks: people, ties within the block and ties to other blocks",
        data=labelled,
        columns={
            "wave": "Wave",
            "discipline": "Discipline",
            "service": "Service",
            "people": "People",
            "ties_within": "Ties within",
            "ties_out": "Ties to other blocks",
        },
        formats={"people": "{:.0f}", "ties_within": "{:.0f}", "ties_out": "{:.0f}"},
        note="Blocks too small to show are left out of the chart and suppressed here.",
    )
    data = Table(
        caption="The block matrix: ties between each pair of blocks shown in the chart (its lines), and within each",
        data=pair_rows(blocks, edges, names),
        columns={
            "wave": "Wave",
            "a_discipline": "Discipline",
            "a_service": "Service",
            "b_discipline": "With discipline",
            "b_service": "With service",
            "ties": "Ties",
        },
        formats={"ties": "{:.0f}"},
        note="Only blocks large enough to show take part; a pair with no tie between them is left out.",
    )
    n_shown = int((~blocks["suppressed"].astype(bool)).sum())
    section.add(
        Figure(
            "Ties between discipline × service blocks, at baseline and follow-up",
            _block_chart(blocks, edges, disciplines, names),
            f"Two network diagrams, one per wave, of {n_shown} discipline-by-service blocks (circles sized by people "
            "and coloured by discipline) joined by lines as thick as the ties between them. No individual is shown.",
            data,
        )
    )
    section.add(per_block)


def pair_rows(blocks: pd.DataFrame, edges: dict[str, pd.DataFrame], names) -> pd.DataFrame:
    """The chart's block matrix in long form: per wave, the ties within each shown block, then between each pair
    of shown blocks with at least one tie (hidden blocks take no part), labelled with names."""
    rows = []
    for wave, pairs in edges.items():
        shown = blocks[(blocks["wave"] == wave) & ~blocks["suppressed"].astype(bool)]
        for b in shown.itertuples():
            rows.append((wave, b.discipline, b.service, b.discipline, b.service, int(b.ties_within)))
        for pair in pairs.itertuples():
            rows.append((wave, *pair.a, *pair.b, int(pair.ties)))
    out = pd.DataFrame(
        rows, columns=["wave", "a_discipline", "a_service", "b_discipline", "b_service", "ties"]
    )
    return out.map(lambda v: names.get(v, v) if isinstance(v, str) else v)
