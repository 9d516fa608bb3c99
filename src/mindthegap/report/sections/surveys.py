"""Report section: NoMAD construct scores by service (radar), differences from the rest of the trust (forest
plot) and the reliability of every construct, each chart with the table behind it."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd

from mindthegap.analysis.comparison import hedges_g, paired_change
from mindthegap.analysis.publication import PublicationPlan, apply_plan, population_name
from mindthegap.analysis.reliability import reliability
from mindthegap.analysis.scoring import instrument_item_scales, score_instrument
from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.sections.labels import organisation_word, study_labels


def _wide(answers: pd.DataFrame, instrument: str) -> pd.DataFrame:
    part = answers[(answers["instrument"] == instrument) & answers["code"].notna()]
    wide = part.pivot_table(index=["participant_id", "wave"], columns="item", values="code", aggfunc="first")
    return wide.reset_index().rename_axis(columns=None)


def _radar(means: pd.DataFrame, constructs: dict[str, str]) -> str:
    keys = list(constructs)
    angles = np.linspace(0, 2 * np.pi, len(keys), endpoint=False).tolist()
    with charts.figure(6.5, 6.0) as (fig, _ax):
        fig.delaxes(_ax)
        ax = fig.add_subplot(projection="polar")
        for i, (_, row) in enumerate(means.iterrows()):
            values = [row[k] for k in keys]
            ax.plot(
                [*angles, angles[0]],
                [*values, values[0]],
                color=charts.PALETTE[i % len(charts.PALETTE)],
                marker=charts.MARKERS[i % len(charts.MARKERS)],
                lw=1.5,
                label=row["group"],
            )
        # construct names on two short lines, pushed clear of the circle, so none reaches the figure's edge
        ax.set_xticks(angles, [textwrap.fill(constructs[k], 14) for k in keys], fontsize=8)
        ax.tick_params(axis="x", pad=10)
        ax.set_ylim(1, 5)
        ax.set_yticks([1, 2, 3, 4, 5], ["1", "2", "3", "4", "5"], fontsize=7, color=charts.MUTED)
        ax.set_rlabel_position(22.5)
        ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2, frameon=False)
        return charts.to_svg(fig)


def _forest(effects: pd.DataFrame, organisation: str = "organisation") -> str:
    shown = effects[~effects["suppressed"].astype(bool)].reset_index(drop=True)
    return charts.interval_chart(
        [f"{r.group} · {r.construct_label}" for r in shown.itertuples()],
        shown["hedges_g"], shown["g_ci_low"], shown["g_ci_high"], base=1.2,
        xlabel=f"Hedges' g: this service compared with the rest of the {organisation} (95% CI)",
    )  # fmt: skip


def _change_chart(table: pd.DataFrame, before: str, after: str) -> str:
    shown = table[~table["suppressed"].astype(bool)].reset_index(drop=True)
    change = shown["mean_change"].astype(float)
    return charts.interval_chart(
        shown["construct_label"], change, shown["ci_low"].astype(float).fillna(change),
        shown["ci_high"].astype(float).fillna(change), row_height=0.35, large=True,
        xlabel=f"Mean change in score, {before} to {after} (same people; 95% CI)",
    )  # fmt: skip


def _prepost(
    scores: pd.DataFrame,
    labels: dict[str, str],
    waves: list[str],
    names: dict,
    plan: PublicationPlan,
    ins: str,
):
    """Paired change per construct between the first and last wave, for people who answered both."""
    if len(waves) < 2:
        return None
    before, after = waves[0], waves[-1]
    table = _paired_changes(scores, labels, before, after, plan, ins)
    if table is None:
        return None
    first, last = names.get(before, before), names.get(after, after)
    data = _prepost_table(table, first, last)
    shown = table[~table["suppressed"].astype(bool)]
    if shown.empty:
        return [
            Paragraph(
                f"The change in NoMAD scores between the {first} and {last} waves is suppressed: too few people "
                "answered in both."
            ),
            data,
        ]
    top = shown.loc[shown["mean_change"].astype(float).abs().idxmax()]
    return [
        Figure(
            title=f"Change in NoMAD scores, {first} to {last}",
            svg=_change_chart(table, first, last),
            alt=(
                f"Dot plot of the mean paired change, with 95% CIs, in {len(shown)} NoMAD constructs between the "
                f"{first} and {last} waves for {int(shown['n'].max())} people who answered both. Largest change: "
                f"{top['construct_label']} ({top['mean_change']:+.2f})."
            ),
            table=data,
            caption="Positive values: the way of working feels more normal at the later wave.",
        )
    ]


def _paired_changes(
    scores: pd.DataFrame, labels: dict[str, str], before: str, after: str, plan: PublicationPlan, ins: str
) -> pd.DataFrame | None:
    """One row of paired change per scored construct, with the p-value as shown; ``None`` if none is scored."""
    parts = []
    for key, label in labels.items():
        if key not in scores.columns:
            continue
        change = paired_change(
            scores, key, id_col="participant_id", wave_col="wave", baseline=before, follow_up=after,
            min_n=plan.min_n, plan=plan,
            population=population_name("survey_pairs", instrument=ins, before=before, after=after, construct=key),
        )  # fmt: skip
        change.insert(0, "construct_label", label)
        parts.append(change)
    if not parts:
        return None
    table = pd.concat(parts, ignore_index=True)
    # readers of a board report should see "< 0.001", not a p-value rounded to 0.000
    table["p_shown"] = table["p_wilcoxon"].map(
        lambda p: "" if pd.isna(p) else ("< 0.001" if p < 0.001 else f"{p:.3f}")
    )
    return table


def _prepost_table(table: pd.DataFrame, first: str, last: str) -> Table:
    """The paired-change table, headed with the names of the two waves."""
    return Table(
        caption=f"Paired change in NoMAD construct scores, {first} to {last}",
        data=table,
        columns={
            "construct_label": "Construct",
            "n": "n (both waves)",
            "mean_baseline": first,
            "mean_follow_up": last,
            "mean_change": "Change",
            "ci_low": "95% CI low",
            "ci_high": "95% CI high",
            "p_shown": "p (Wilcoxon)",
            "d_z": "d_z",
        },
        formats={
            "n": "{:.0f}",
            **{
                c: "{:.2f}"
                for c in ("mean_baseline", "mean_follow_up", "mean_change", "ci_low", "ci_high", "d_z")
            },
        },
        note="Only people who answered in both waves are counted; the CI is from the paired t distribution.",
    )


def _alpha_chart(table: pd.DataFrame) -> str:
    shown = table[~table["suppressed"].astype(bool)].reset_index(drop=True)
    alpha = shown["alpha"].astype(float)
    return charts.interval_chart(
        [f"{r.group} · {r.construct}" for r in shown.itertuples()], alpha,
        shown["alpha_ci_low"].astype(float).fillna(alpha), shown["alpha_ci_high"].astype(float).fillna(alpha),
        reference=0.7, colour=charts.PALETTE[1], xlabel="Cronbach's alpha (95% Feldt CI); dashed line at 0.7",
    )  # fmt: skip


STATS = ("alpha", "alpha_ci_low", "alpha_ci_high", "omega")
RELIABILITY_COLUMNS = {
    "construct": "Construct",
    "k": "Items",
    "n": "n",
    "alpha": "Alpha",
    "alpha_ci_low": "95% CI low",
    "alpha_ci_high": "95% CI high",
    "omega": "Omega",
    "note": "Note",
}
RELIABILITY_FORMATS = {"k": "{:.0f}", "n": "{:.0f}", **dict.fromkeys(STATS, "{:.2f}")}


def _group_reliability(first: pd.DataFrame, nomad, plan: PublicationPlan, wave: str, names: dict):
    """Alpha per NoMAD construct within each service, suppressed by the plan (each construct's complete cases
    in the wave are a population, as for ``survey reliability --study``)."""
    constructs = {c: cols for c, cols in nomad.construct_items().items() if len(cols) >= 2
                  and all(i in first.columns for i in cols)}  # fmt: skip
    if not constructs or first["service"].isna().all():
        return None
    table = reliability(
        first, constructs, reverse=nomad.reverse_items, item_scales=instrument_item_scales(nomad),
        by=["service"], min_n=plan.min_n, plan=plan,
        population=lambda row: population_name(
            "survey_complete", instrument=nomad.id, wave=wave, construct=row["construct"]
        ),
    )  # fmt: skip
    # people without a service are in no row here (their count is public only through the study's totals)
    table = table[table["service"].notna()].reset_index(drop=True)
    table.insert(0, "group", table["service"].map(lambda v: names.get(v, v)))
    table["construct"] = table["construct"].map(lambda c: nomad.constructs.get(c, c))
    shown = table[~table["suppressed"].astype(bool)].dropna(subset=["alpha"])
    data_table = Table(
        caption="Reliability of each NoMAD construct by service (Cronbach's alpha, Feldt 95% CI; omega)",
        data=table,
        columns={"group": "Service", **RELIABILITY_COLUMNS},
        formats=RELIABILITY_FORMATS,
        note="n counts people who answered every item of the construct; services with fewer are suppressed.",
    )
    if shown.empty:
        return [data_table]
    low = shown.loc[shown["alpha"].astype(float).idxmin()]
    return [
        Figure(
            title="Reliability of the NoMAD constructs within each service",
            svg=_alpha_chart(table),
            alt=(
                f"Dot plot of Cronbach's alpha with 95% CIs for {len(shown)} service and construct pairs. "
                f"Lowest: {low['group']}, {low['construct']} (alpha = {low['alpha']:.2f})."
            ),
            table=data_table,
            caption="A construct that holds together in the organisation as a whole may not within a single "
            "service.",
        )
    ]


def _waves_in_order(ctx: ReportContext, wide: pd.DataFrame) -> list[str]:
    """The waves present in ``wide``, in the study's order (unknown waves last, by name)."""
    order = [x.id for x in ctx.study.waves_in_order()]
    return sorted(
        wide["wave"].dropna().unique(), key=lambda w: (order.index(w) if w in order else len(order), w)
    )


def build(ctx: ReportContext) -> Section | None:
    answers = ctx.consenting_frame("surveys")
    if answers is None:
        return None
    stored = ctx.evidence.get("survey_instruments") or {}  # as the study stored them, users' own included
    used = set(answers["instrument"])
    if "nomad" in used:
        section = Section("surveys", "Normalisation and co-production surveys")
        wave = _nomad_part(ctx, answers, stored.get("nomad") or load_instrument("nomad"), section)
    else:
        section = Section("surveys", "Survey instruments")
        wave = None
    rel_parts = _instrument_reliabilities(ctx, answers, stored, used, wave)
    if rel_parts and "nomad" not in used:
        section.add(
            Paragraph(
                "How well each survey construct holds together: Cronbach's alpha and McDonald's omega for the "
                "items of each construct, in the first wave that answered the instrument. Groups of fewer than "
                f"{ctx.min_n} respondents are not shown."
            )
        )
    if rel_parts:
        section.add(_reliability_table(rel_parts, used))
    return section if section.blocks else None


def _instrument_reliabilities(
    ctx: ReportContext, answers: pd.DataFrame, stored: dict, used: set[str], wave: str | None
) -> list[pd.DataFrame]:
    """Reliability of each construct of every instrument answered, in ``wave`` (the NoMAD figures' wave) where
    the instrument was answered in it, otherwise in its own first wave; instruments that cannot load are
    skipped."""
    rel_parts = []
    for ident in sorted(used):
        try:
            ins = stored.get(ident) or load_instrument(ident)
        except InstrumentFileError:
            continue
        w = _wide(answers, ident)
        if wave is None or wave not in set(w["wave"]):
            own = _waves_in_order(ctx, w)
            w = w[w["wave"] == own[0]] if own else w
        else:
            w = w[w["wave"] == wave]
        constructs = {c: cols for c, cols in ins.construct_items().items() if len(cols) >= 2
                      and all(i in w.columns for i in cols)}  # fmt: skip
        if not constructs:
            continue
        at = w["wave"].dropna().iloc[0] if w["wave"].notna().any() else None
        rel = reliability(
            w, constructs, reverse=ins.reverse_items, item_scales=instrument_item_scales(ins), by=(),
            min_n=ctx.min_n, plan=ctx.plan,
            population=lambda row, ins=ins, at=at: population_name(
                "survey_complete", instrument=ins.id, wave=at, construct=row["construct"]
            ),
        )  # fmt: skip
        rel.insert(0, "instrument", ins.name)
        rel["construct"] = rel["construct"].map(lambda c, ins=ins: ins.constructs.get(c, c))
        rel_parts.append(rel)
    return rel_parts


def _reliability_table(rel_parts: list[pd.DataFrame], used: set[str]) -> Table:
    """All instruments' reliabilities in one table, with notes on the instruments' published record."""
    notes = []
    if "nomad" in used:
        notes.append("Published NoMAD alphas (n = 831): 0.71, 0.81, 0.78 and 0.65.")
    if "coproduction" in used:
        notes.append("The co-production measure is new and untested.")
    notes.append("Two-item constructs give only a rough guide.")
    return Table(
        caption="Reliability of each construct (Cronbach's alpha with Feldt 95% CI; McDonald's omega)",
        data=pd.concat(rel_parts, ignore_index=True),
        columns={"instrument": "Instrument", **RELIABILITY_COLUMNS},
        formats=RELIABILITY_FORMATS,
        note=" ".join(notes),
    )


def _nomad_part(ctx: ReportContext, answers: pd.DataFrame, nomad, section: Section) -> str:
    """NoMAD by service: radar, differences from the rest, pre/post and reliability by group; returns the wave
    the figures are for. Every table asks the study's publication plan what it may show."""
    plan = ctx.plan
    names = study_labels(ctx.study)["service"]
    wide = _wide(answers, "nomad")
    waves = _waves_in_order(ctx, wide)
    wave = waves[0]
    first = wide[wide["wave"] == wave].copy()
    first = first.join(plan.roster, on="participant_id")
    scores = score_instrument(first, nomad, keep=["participant_id", "service"])
    all_scores = score_instrument(wide, nomad, keep=["participant_id", "wave"])
    labels = nomad.constructs
    keys = list(labels)
    means = _construct_means(scores, keys, plan, nomad.id, wave)
    means.insert(0, "group", means["service"].map(lambda v: names.get(v, v)))
    shown = means[~means["suppressed"].astype(bool)]
    section.add(
        Paragraph(
            "NoMAD (Finch et al. 2018) asks staff how far a new way of working has become part of everyday work, "
            "on four constructs from Normalization Process Theory. Scores are means of answered items on 1–5 "
            "(higher is more normalised; 'disrupts working relationships' is reverse-scored; 'not relevant' answers "
            f"are left out). Figures are for the {wave.replace('_', ' ')} wave."
        )
    )
    best = _add_radar(section, means, shown, labels)
    effects_df = _effects(scores, list(shown["service"]), labels, plan, nomad.id, wave)
    if effects_df is not None and (~effects_df["suppressed"].astype(bool)).any():
        effects_df.insert(0, "group", effects_df["service"].map(lambda v: names.get(v, v)))
        section.add(_effects_figure(effects_df, organisation_word(ctx.study)))
    wave_names = {w.id: w.name for w in ctx.study.waves}
    for block in _prepost(all_scores, labels, waves, wave_names, plan, nomad.id) or []:
        section.add(block)
    for block in _group_reliability(first, nomad, plan, wave, names) or []:
        section.add(block)
    if not shown.empty:
        section.summary.append(
            f"NoMAD: {best.idxmin()} scores lowest across the four normalisation constructs ({best.min():.2f} of 5)."
        )
    return wave


def _add_radar(
    section: Section, means: pd.DataFrame, shown: pd.DataFrame, labels: dict[str, str]
) -> pd.Series | None:
    """The radar of construct means for the services shown; returns each shown service's mean over the
    constructs (``None`` when every service is suppressed, and then nothing is added)."""
    keys = list(labels)
    table = Table(
        caption="NoMAD construct means by service",
        data=means,
        columns={"group": "Service", "n": "n", **{k: labels[k] for k in keys}},
        formats={"n": "{:.0f}", **{k: "{:.2f}" for k in keys}},
    )
    if shown.empty:
        return None
    best = shown.set_index("group")[keys].mean(axis=1)
    section.add(
        Figure(
            title="NoMAD constructs by service",
            svg=_radar(shown, labels),
            alt=(
                f"Radar chart of the four NoMAD construct means for {len(shown)} services. Highest overall: "
                f"{best.idxmax()} ({best.max():.2f}); lowest: {best.idxmin()} ({best.min():.2f})."
            ),
            table=table,
        )
    )
    return best


def _effects_figure(effects_df: pd.DataFrame, organisation: str) -> Figure:
    """Forest plot (with its table) of how each service differs from the rest of the organisation."""
    top = effects_df.dropna(subset=["hedges_g"]).sort_values("hedges_g").iloc[0]
    return Figure(
        title=f"How each service differs from the rest of the {organisation}",
        svg=_forest(effects_df, organisation),
        alt=(
            f"Forest plot of Hedges' g with 95% CIs for each service and construct against all other "
            f"staff. Lowest: {top['group']}, {top['construct_label']} (g = {top['hedges_g']:.2f})."
        ),
        table=Table(
            caption=f"Differences from the rest of the {organisation} (Hedges' g)",
            data=effects_df,
            columns={
                "group": "Service",
                "construct_label": "Construct",
                "n": "n",
                "n_rest": "n (rest)",
                "hedges_g": "g",
                "g_ci_low": "95% CI low",
                "g_ci_high": "95% CI high",
            },
            formats={
                "n": "{:.0f}",
                "n_rest": "{:.0f}",
                "hedges_g": "{:.2f}",
                "g_ci_low": "{:.2f}",
                "g_ci_high": "{:.2f}",
            },
        ),
        caption="Negative values: the service scores lower than everyone else.",
    )


def _construct_means(scores: pd.DataFrame, keys: list[str], plan: PublicationPlan, ins: str, wave: str):
    """Mean of each construct per service, over people with every construct scored (a population)."""
    complete = scores[scores[keys].notna().all(axis=1)]
    name = plan.register(
        population_name("survey_scored_all", instrument=ins, wave=wave), complete[["participant_id"]]
    )
    rows = [
        {"service": service, "n": len(part), **part[keys].mean().to_dict()}
        for service, part in complete.dropna(subset=["service"]).groupby("service", sort=True)
    ]
    table = pd.DataFrame(rows, columns=["service", "n", *keys])
    return apply_plan(table, plan, {"n": name}, by=["service"], output="NoMAD construct means by service")


def _effects(scores, services, labels, plan: PublicationPlan, ins: str, wave: str) -> pd.DataFrame | None:
    """Hedges' g of each shown service against everyone else, per construct; "n (rest)" is the population
    minus the service, so it is published only where the service is."""
    rows = []
    for k in labels:
        scored = scores[scores[k].notna()]
        plan.register(
            population_name("survey_scored", instrument=ins, wave=wave, construct=k),
            scored[["participant_id"]],
        )
        for service in services:
            inside = scored["service"] == service
            x, y = scored.loc[inside, k].to_numpy(), scored.loc[~inside, k].to_numpy()
            g, lo, hi = hedges_g(x, y) if len(x) >= 2 and len(y) >= 2 else (np.nan,) * 3
            rows.append(
                {"service": service, "construct": k, "construct_label": labels[k], "n": len(x), "n_rest": len(y),
                 "hedges_g": g, "g_ci_low": lo, "g_ci_high": hi}
            )  # fmt: skip
    if not rows:
        return None
    return apply_plan(
        pd.DataFrame(rows),
        plan,
        {
            "n": lambda row: population_name(
                "survey_scored", instrument=ins, wave=wave, construct=row["construct"]
            )
        },
        by=["service", "construct"],
        keep=["construct_label"],
        complements={"n_rest": "n"},
        output="differences from the rest of the trust",
    )
