"""Report section: NoMAD construct scores by service (radar), differences from the rest of the trust (forest
plot) and the reliability of every construct, each chart with the table behind it."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.comparison import hedges_g
from mindthegap.analysis.reliability import reliability
from mindthegap.analysis.scoring import score_instrument
from mindthegap.analysis.suppression import suppress
from mindthegap.frameworks.instruments import InstrumentFileError, load_instrument
from mindthegap.report import charts
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table
from mindthegap.report.sections.labels import study_labels


def _wide(answers: pd.DataFrame, instrument: str) -> pd.DataFrame:
    part = answers[(answers["instrument"] == instrument) & answers["code"].notna()]
    wide = part.pivot_table(index=["participant_id", "wave"], columns="item", values="code", aggfunc="first")
    return wide.reset_index().rename_axis(columns=None)


def _radar(means: pd.DataFrame, constructs: dict[str, str]) -> str:
    keys = list(constructs)
    angles = np.linspace(0, 2 * np.pi, len(keys), endpoint=False).tolist()
    with charts.figure(6.5, 5.0) as (fig, _ax):
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
        ax.set_xticks(angles, [constructs[k] for k in keys], fontsize=8)
        ax.set_ylim(1, 5)
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.08, 1.05), frameon=False)
        return charts.to_svg(fig)


def _forest(effects: pd.DataFrame) -> str:
    shown = effects[~effects["suppressed"].astype(bool)].reset_index(drop=True)
    with charts.figure(7.0, 1.2 + 0.22 * len(shown)) as (fig, ax):
        y = np.arange(len(shown))[::-1]
        g = shown["hedges_g"].astype(float).to_numpy()
        err = np.vstack([g - shown["g_ci_low"].astype(float), shown["g_ci_high"].astype(float) - g])
        ax.errorbar(g, y, xerr=err, fmt="o", color=charts.PALETTE[0], ms=4, capsize=2)
        ax.axvline(0, color=charts.MUTED, lw=1, ls="--")
        ax.set_yticks(y, [f"{r.group} · {r.construct_label}" for r in shown.itertuples()], fontsize=7)
        ax.set_xlabel("Hedges' g: this service compared with the rest of the trust (95% CI)")
        return charts.to_svg(fig)


def build(ctx: ReportContext) -> Section | None:
    answers = ctx.frame("surveys")
    if answers is None or "nomad" not in set(answers["instrument"]):
        return None
    section = Section("surveys", "Normalisation and co-production surveys")
    nomad = load_instrument("nomad")
    services = {p.id: p.service for p in ctx.study.participants}
    names = study_labels(ctx.study)["service"]
    wide = _wide(answers, "nomad")
    wave = sorted(wide["wave"].dropna().unique(), key=lambda w: [x.id for x in ctx.study.waves].index(w)
                  if w in [x.id for x in ctx.study.waves] else 99)[0]  # fmt: skip
    first = wide[wide["wave"] == wave].copy()
    first["group"] = first["participant_id"].map(services).map(lambda s: names.get(s, s))
    scores = score_instrument(first, nomad, keep=["participant_id", "group"])
    labels = nomad.constructs
    keys = list(labels)
    rows = []
    for group, part in scores.dropna(subset=["group"]).groupby("group", sort=True):
        rows.append(
            {"group": group, "n": int(part[keys].notna().all(axis=1).sum()), **part[keys].mean().to_dict()}
        )
    means = suppress(pd.DataFrame(rows), n_col="n", by=["group"], min_n=ctx.min_n)
    shown = means[~means["suppressed"].astype(bool)]
    section.add(
        Paragraph(
            "NoMAD (Finch et al. 2018) asks staff how far a new way of working has become part of everyday work, "
            "on four constructs from Normalization Process Theory. Scores are means of answered items on 1–5 "
            "(higher is more normalised; 'disrupts working relationships' is reverse-scored; 'not relevant' answers "
            f"are left out). Figures are for the {wave.replace('_', ' ')} wave."
        )
    )
    table = Table(
        caption="NoMAD construct means by service",
        data=means,
        columns={"group": "Service", "n": "n", **{k: labels[k] for k in keys}},
        formats={"n": "{:.0f}", **{k: "{:.2f}" for k in keys}},
    )
    if not shown.empty:
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
    effects = []
    for group in shown["group"]:
        inside = scores["group"] == group
        for k in keys:
            x, y = scores.loc[inside, k].dropna().to_numpy(), scores.loc[~inside, k].dropna().to_numpy()
            g, lo, hi = hedges_g(x, y) if len(x) >= 2 and len(y) >= 2 else (np.nan,) * 3
            effects.append(
                {"group": group, "construct_label": labels[k], "n": len(x), "n_rest": len(y),
                 "hedges_g": g, "g_ci_low": lo, "g_ci_high": hi}
            )  # fmt: skip
    if effects:
        effects_df = suppress(pd.DataFrame(effects), n_col="n", by=["group", "construct_label"], min_n=ctx.min_n,
                              keep=["n_rest"])  # fmt: skip
        if (~effects_df["suppressed"].astype(bool)).any():
            top = effects_df.dropna(subset=["hedges_g"]).sort_values("hedges_g").iloc[0]
            section.add(
                Figure(
                    title="How each service differs from the rest of the trust",
                    svg=_forest(effects_df),
                    alt=(
                        f"Forest plot of Hedges' g with 95% CIs for each service and construct against all other "
                        f"staff. Lowest: {top['group']}, {top['construct_label']} (g = {top['hedges_g']:.2f})."
                    ),
                    table=Table(
                        caption="Differences from the rest of the trust (Hedges' g)",
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
            )
    rel_parts = []
    for ident in sorted(answers["instrument"].unique()):
        try:
            ins = load_instrument(ident)
        except InstrumentFileError:
            continue
        w = _wide(answers, ident)
        w = w[w["wave"] == wave] if wave in set(w["wave"]) else w
        constructs = {c: cols for c, cols in ins.construct_items().items() if len(cols) >= 2
                      and all(i in w.columns for i in cols)}  # fmt: skip
        if not constructs:
            continue
        rel = reliability(w, constructs, reverse=ins.reverse_items, by=(), min_n=ctx.min_n)
        rel.insert(0, "instrument", ins.name)
        rel["construct"] = rel["construct"].map(lambda c, ins=ins: ins.constructs.get(c, c))
        rel_parts.append(rel)
    if rel_parts:
        section.add(
            Table(
                caption="Reliability of each construct (Cronbach's alpha with Feldt 95% CI; McDonald's omega)",
                data=pd.concat(rel_parts, ignore_index=True),
                columns={
                    "instrument": "Instrument",
                    "construct": "Construct",
                    "k": "Items",
                    "n": "n",
                    "alpha": "Alpha",
                    "alpha_ci_low": "95% CI low",
                    "alpha_ci_high": "95% CI high",
                    "omega": "Omega",
                },
                formats={
                    "k": "{:.0f}",
                    "n": "{:.0f}",
                    "alpha": "{:.2f}",
                    "alpha_ci_low": "{:.2f}",
                    "alpha_ci_high": "{:.2f}",
                    "omega": "{:.2f}",
                },
                note="Published NoMAD alphas (n = 831): 0.71, 0.81, 0.78 and 0.65. The co-production measure is new "
                "and untested; two-item constructs give only a rough guide.",
            )
        )
    if not shown.empty:
        section.summary.append(
            f"NoMAD: {best.idxmin()} scores lowest across the four normalisation constructs ({best.min():.2f} of 5)."
        )
    return section
