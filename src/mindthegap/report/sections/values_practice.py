"""Report section: the values–practice gap by principle, service, discipline and level, and its change."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.gap import importance_performance, values_practice_gap, wave_change
from mindthegap.analysis.suppression import ALL
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import P_VALUE, Figure, Paragraph, Section, Table
from mindthegap.report.sections.labels import label_frame, organisation_word

GAP_FORMATS = {
    "n": "{:.0f}",
    "mean_value": "{:.2f}",
    "mean_practice": "{:.2f}",
    "gap": "{:.2f}",
    "gap_ci_low": "{:.2f}",
    "gap_ci_high": "{:.2f}",
}
GAP_HEADINGS = {
    "n": "n",
    "mean_value": "Value (mean)",
    "mean_practice": "Practice (mean)",
    "gap": "Gap",
    "gap_ci_low": "95% CI low",
    "gap_ci_high": "95% CI high",
}


def _gap_table(caption: str, table: pd.DataFrame, dims: dict[str, str], note: str = "") -> Table:
    return Table(
        caption=caption, data=table, columns={**dims, **GAP_HEADINGS}, formats=GAP_FORMATS, note=note
    )


def quadrant_figure(quadrant: pd.DataFrame, labelled: pd.DataFrame, wave_name: str) -> Figure:
    svg = _quadrant_svg(quadrant, labelled, wave_name)
    worst = labelled.sort_values("gap", ascending=False).iloc[0]
    concentrate = labelled.loc[labelled["quadrant"] == "Concentrate here", "principle"].tolist()
    alt = (
        f"Scatter plot of {len(labelled)} principles by performance (x) and importance (y). "
        f"{worst['principle']} has the widest gap ({worst['gap']:.2f}). "
        + (f"In the 'concentrate here' quadrant: {', '.join(concentrate)}." if concentrate else "")
    )
    table = Table(
        caption="Importance–performance data",
        data=labelled,
        columns={
            "principle": "Principle",
            "n": "n",
            "importance": "Importance",
            "performance": "Performance",
            "gap": "Gap",
            "quadrant": "Quadrant",
        },
        formats={"n": "{:.0f}", "importance": "{:.2f}", "performance": "{:.2f}", "gap": "{:.2f}"},
    )
    return Figure(
        title="Importance–performance quadrant",
        svg=svg,
        alt=alt,
        table=table,
        caption="Dashed lines mark the mean importance and performance across principles (Martilla & James 1977).",
    )


def _quadrant_svg(quadrant: pd.DataFrame, labelled: pd.DataFrame, wave_name: str) -> str:
    """The importance–performance scatter, cut at the mean of each axis, with the four quadrants named."""
    with charts.figure(7.5, 5.0) as (fig, ax):
        ax.axvline(quadrant.attrs["performance_cut"], color=charts.MUTED, lw=1, ls="--")
        ax.axhline(quadrant.attrs["importance_cut"], color=charts.MUTED, lw=1, ls="--")
        for i, (_, row) in enumerate(labelled.iterrows()):
            # colour and shape both differ, so the legend reads without colour vision
            ax.scatter(
                row["performance"],
                row["importance"],
                s=70,
                color=charts.PALETTE[i % len(charts.PALETTE)],
                marker=charts.MARKERS[i % len(charts.MARKERS)],
                zorder=3,
                label=row["principle"],
            )
        lo = min(quadrant["performance"].min(), quadrant["importance"].min()) - 0.3
        ax.set_xlim(max(1, lo), 5)
        ax.set_ylim(max(1, lo), 5)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        ax.set_xlabel("Performance: how well it is practised (mean, 1–5)")
        ax.set_ylabel("Importance: how much it is valued (mean, 1–5)")
        ax.set_title(f"Importance and performance, {wave_name}")
        for (x, y, ha, va), text in zip(
            [
                (0.02, 0.98, "left", "top"),
                (0.98, 0.98, "right", "top"),
                (0.02, 0.02, "left", "bottom"),
                (0.98, 0.02, "right", "bottom"),
            ],
            ["Concentrate here", "Keep up the good work", "Low priority", "Possible overkill"],
            strict=True,
        ):
            ax.text(x, y, text, transform=ax.transAxes, ha=ha, va=va, fontsize=8, color=charts.MUTED)
        svg = charts.to_svg(fig)
    return svg


def _change_finding(best: pd.Series) -> str:
    """The principle whose gap narrowed most, in words without a double negative ("narrowed by 0.37 points")."""
    change, pairs = float(best["change"]), f"{int(best['n_pairs'])} people who answered both waves"
    if change < 0:
        return f"The gap narrowed most for {best['principle']}: by {-change:.2f} points among {pairs}."
    if change == 0:
        return f"No gap narrowed; {best['principle']}'s stayed the same among {pairs}."
    return f"No gap narrowed; {best['principle']}'s widened least: by {change:.2f} points among {pairs}."


def gap_dot_figure(table: pd.DataFrame, labelled: pd.DataFrame, wave_name: str) -> Figure | None:
    """Gap with 95% CI for each service (rows) and principle (colours); suppressed groups are absent.

    ``None`` when every service-level group is suppressed: a chart of nothing would only confuse.
    """
    shown = labelled[(~table["suppressed"].astype(bool)) & (table["service"] != ALL)].copy()
    if shown.empty:
        return None
    services = list(dict.fromkeys(shown["service"]))
    principles = list(dict.fromkeys(shown["principle"]))
    height = 1.6 + 0.45 * len(services) * max(1, len(principles)) / 3
    with charts.figure(7.5, min(10, height)) as (fig, ax):
        step = 0.8 / max(1, len(principles))
        for j, principle in enumerate(principles):
            sub = shown[shown["principle"] == principle]
            y = np.array([services.index(s) for s in sub["service"]]) - 0.4 + step * (j + 0.5)
            gap = sub["gap"].astype(float).to_numpy()
            err = np.vstack([gap - sub["gap_ci_low"].astype(float), sub["gap_ci_high"].astype(float) - gap])
            ax.errorbar(
                gap,
                y,
                xerr=err,
                fmt=charts.MARKERS[j % len(charts.MARKERS)],
                ms=4,
                capsize=2,
                lw=1,
                color=charts.PALETTE[j % len(charts.PALETTE)],
                label=principle,
            )
        ax.axvline(0, color=charts.MUTED, lw=1)
        ax.set_yticks(range(len(services)), services)
        ax.invert_yaxis()
        ax.set_xlabel("Gap: value − practice (mean, with 95% studentised bootstrap CI)")
        ax.set_title(f"Gap by service and principle, {wave_name}")
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
        svg = charts.to_svg(fig)
    widest = shown.sort_values("gap", ascending=False).iloc[0]
    alt = (
        f"Dot plot of the values–practice gap with confidence intervals for {len(services)} services and "
        f"{len(principles)} principles. The widest gap is {widest['principle']} in {widest['service']} "
        f"({float(widest['gap']):.2f})."
    )
    return Figure(
        title="Gap by service and principle",
        svg=svg,
        alt=alt,
        table=_gap_table(
            "Gap by service and principle (chart data)",
            shown,
            {"service": "Service", "principle": "Principle"},
        ),
        caption="Points further right mean practice falls further short of what staff value.",
    )


def build(ctx: ReportContext) -> Section | None:
    ratings = ctx.consenting_frame("values_practice")
    if ratings is None:
        return None
    study = ctx.study
    waves = [w.id for w in study.waves_in_order() if w.id in set(ratings["wave"])]
    latest = waves[-1]
    wave_names = {w.id: w.name for w in study.waves}
    section = Section("values-practice", "Values and practice: the gap by principle")
    section.add(
        Paragraph(
            "Each participant rated every principle twice on a 1–5 scale: how much they value it and how well it is "
            "practised where they work. The gap is value minus practice: the larger it is, the further practice "
            "falls short of what people value. Intervals are 95% studentised bootstrap intervals "
            f"({ctx.n_boot:,} resamples of people, seeded): each person's ratings are resampled together, and "
            "the interval allows for the extra uncertainty of small groups."
        )
    )
    kw = {"n_boot": ctx.n_boot, "seed": ctx.seed, "min_n": ctx.min_n, "plan": ctx.plan}

    latest_service, labelled = _add_service_gap(section, ctx, ratings, latest, wave_names[latest], kw)
    overall = latest_service[latest_service["service"] == ALL].reset_index(drop=True)
    quadrant = importance_performance(overall)
    if not quadrant.empty:
        section.add(quadrant_figure(quadrant, label_frame(quadrant, study), wave_names[latest]))
    _add_gap_by_discipline_and_level(section, ctx, ratings, latest, wave_names[latest], kw)
    if len(waves) >= 2:
        _add_wave_change(section, ctx, ratings, waves, wave_names)
    _add_widest_gap_summary(section, latest_service, labelled, wave_names[latest])
    return section


def _add_service_gap(
    section: Section,
    ctx: ReportContext,
    ratings: pd.DataFrame,
    latest: str,
    wave_name: str,
    kw: dict,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Gap by principle and service at the latest wave, as table and dot chart; returns the table raw and labelled."""
    study = ctx.study
    by_service = values_practice_gap(ratings, ["principle", "service", "wave"], **kw)
    latest_service = by_service[by_service["wave"] == latest].drop(columns="wave").reset_index(drop=True)
    labelled = label_frame(latest_service, study)
    section.add(
        _gap_table(
            f"Gap by principle and service, {wave_name}",
            labelled,
            {"principle": "Principle", "service": "Service"},
            note="'All' rows include participants without a service (national, regional and "
            f"{organisation_word(study)}-wide informants). "
            f"Suppressed cells are groups of fewer than {ctx.min_n} people, or groups that would let one be "
            "worked out from this or another table.",
        )
    )
    dots = gap_dot_figure(latest_service, labelled, wave_name)
    if dots is not None:
        section.add(dots)
    else:
        section.add(
            Paragraph(
                "Every service is suppressed at this threshold, so there is no chart by service.", kind="note"
            )
        )
    return latest_service, labelled


def _add_gap_by_discipline_and_level(
    section: Section, ctx: ReportContext, ratings: pd.DataFrame, latest: str, wave_name: str, kw: dict
) -> None:
    """One gap table per discipline and per level of the system, at the latest wave."""
    for dim, heading in (("discipline", "Discipline"), ("level", "Level of the system")):
        table = values_practice_gap(ratings, ["principle", dim, "wave"], **kw)
        table = table[table["wave"] == latest].drop(columns="wave").reset_index(drop=True)
        section.add(
            _gap_table(
                f"Gap by principle and {heading.lower()}, {wave_name}",
                label_frame(table, ctx.study),
                {"principle": "Principle", dim: heading},
            )
        )


def _add_wave_change(
    section: Section, ctx: ReportContext, ratings: pd.DataFrame, waves: list[str], wave_names: dict[str, str]
) -> None:
    """Change in the gap from the first to the latest wave among people who answered both, and its headline."""
    study, latest = ctx.study, waves[-1]
    change = wave_change(
        ratings,
        ["principle", "service"],
        baseline=waves[0],
        follow_up=latest,
        min_n=ctx.min_n,
        margins=True,
        plan=ctx.plan,
    )
    section.add(
        Table(
            caption=f"Change in the gap from {wave_names[waves[0]]} to {wave_names[latest]} "
            "(participants who answered both)",
            data=label_frame(change, study),
            columns={
                "principle": "Principle",
                "service": "Service",
                "n_pairs": "Pairs",
                "gap_baseline": "Gap before",
                "gap_follow_up": "Gap after",
                "change": "Change",
                "change_ci_low": "95% CI low",
                "change_ci_high": "95% CI high",
                "p_t": "p (paired t)",
                "p_wilcoxon": "p (Wilcoxon)",
                "cohen_dz": "d_z",
            },
            formats={
                "n_pairs": "{:.0f}",
                "gap_baseline": "{:.2f}",
                "gap_follow_up": "{:.2f}",
                "change": "{:+.2f}",
                "change_ci_low": "{:+.2f}",
                "change_ci_high": "{:+.2f}",
                "p_t": P_VALUE,
                "p_wilcoxon": P_VALUE,
                "cohen_dz": "{:+.2f}",
            },
            note="A negative change means the gap narrowed. p-values are not adjusted for multiple comparisons.",
        )
    )
    shown = change[~change["suppressed"].astype(bool) & (change["service"] == ALL)]
    if not shown.empty:
        best = label_frame(shown, study).sort_values("change").iloc[0]
        section.summary.append(_change_finding(best))


def _add_widest_gap_summary(
    section: Section, latest_service: pd.DataFrame, labelled: pd.DataFrame, wave_name: str
) -> None:
    """Lead the summary with the widest unsuppressed service gap; close it with the count of suppressed cells."""
    shown = labelled[~latest_service["suppressed"].astype(bool) & (latest_service["service"] != ALL)]
    if not shown.empty:
        worst = shown.sort_values("gap", ascending=False).iloc[0]
        section.summary.insert(
            0,
            (
                f"The widest gap at {wave_name.lower()} is {worst['principle']} in {worst['service']}: "
                f"{float(worst['gap']):.2f} points (95% CI {float(worst['gap_ci_low']):.2f} to "
                f"{float(worst['gap_ci_high']):.2f})."
            ),
        )
    hidden = int(latest_service["suppressed"].sum())
    if hidden:
        section.summary.append(f"{hidden} principle × service cells are suppressed to protect small groups.")
