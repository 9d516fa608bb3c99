"""Report section: intercoder agreement (unit stated), code frequencies by level, framework matrix, theme map."""

from __future__ import annotations

import pandas as pd

from mindthegap.report.context import ReportContext
from mindthegap.report.document import Figure, Paragraph, Section, Table

LEVEL_ORDER = ["national", "regional", "local_strategic", "local_frontline", "people_and_carers"]


def _frames(evidence) -> dict[str, pd.DataFrame] | None:
    """Sources and codings as frames, whether the evidence is a project (demo) or the store's frames; None when
    there are no sources (sources without codings are kept, to be reported as stored but not coded)."""
    if evidence is None:
        return None
    if isinstance(evidence, dict):
        if not len(evidence.get("sources", ())):
            return None
        codings = evidence.get("codings")
        if codings is None or not len(codings):
            codings = pd.DataFrame(
                columns=["source", "code", "start", "end", "coder", "status", "confidence"]
            )
        return {**evidence, "codings": codings}
    names = {guid: code.name for guid, code in evidence.codebook.codes.items()}
    sources = pd.DataFrame(
        [
            {
                "source": s.guid,
                "name": s.name,
                "kind": s.kind,
                **{k: s.metadata.get(k, "") for k in ("participant", "level", "role", "service", "wave")},
                "text": s.text,
            }
            for s in evidence.sources
        ]
    )
    codings = pd.DataFrame(
        [
            {
                "source": c.source,
                "code": names.get(c.code, c.code),
                "start": c.start,
                "end": c.end,
                "coder": c.coder or "",
                "status": c.status,
                "confidence": c.confidence,
            }
            for c in evidence.codings
        ]
    )
    if not len(sources):
        return None
    if not len(codings):
        codings = pd.DataFrame(columns=["source", "code", "start", "end", "coder", "status", "confidence"])
    return {"sources": sources, "codings": codings}


def _not_coded(sources: pd.DataFrame, codings: pd.DataFrame) -> str:
    """A sentence on the sources stored but not yet coded (no accepted coding), or ""."""
    from mindthegap.analysis.coders import accepted

    coded = set(accepted(codings)["source"]) if len(codings) else set()
    waiting = int((~sources["source"].isin(coded)).sum())
    if not waiting:
        return ""
    verb = "is" if waiting == 1 else "are"
    return (
        f"{_count(waiting, 'source')} {verb} stored, not coded: "
        f"{'it is' if waiting == 1 else 'they are'} left out of what follows until coded (in a qualitative "
        "package, brought back with 'mindthegap qual import', or by accepting the auto-coder's suggestions)."
    )


def _theme_map_figure(cooc: pd.DataFrame) -> Figure:
    import networkx as nx

    from mindthegap.analysis.coding import theme_map
    from mindthegap.report.charts import figure, to_svg

    graph = theme_map(cooc)
    with figure(6.5, 4.5) as (fig, ax):
        if graph.number_of_nodes():
            pos = nx.spring_layout(graph, seed=1, weight="weight")
            widths = [1 + 6 * d["weight"] for _, _, d in graph.edges(data=True)]
            nx.draw_networkx_edges(graph, pos, ax=ax, width=widths, edge_color="#6B6B6B")
            sizes = [200 + 8 * graph.nodes[n].get("codings", 1) for n in graph.nodes]
            nx.draw_networkx_nodes(graph, pos, ax=ax, node_size=sizes, node_color="#1F5FA8")
            # each name just above its node (not under it), and room at the edges so no name is cut off
            ys = [y for _, y in pos.values()]
            lift = 0.1 * ((max(ys) - min(ys)) or 1)
            above = {n: (x, y + lift) for n, (x, y) in pos.items()}
            nx.draw_networkx_labels(
                graph, above, ax=ax, font_size=8, font_color="#1A1A1A", verticalalignment="bottom"
            )
            ax.margins(x=0.25, y=0.15)
        ax.set_axis_off()
        ax.set_title("Theme map: codes that occur together")
        svg = to_svg(fig)
    table = Table(
        caption="Code pairs behind the theme map",
        data=cooc,
        columns={"code_a": "Code", "code_b": "With", "n12": "Together", "c_coefficient": "c-coefficient"},
        formats={"c_coefficient": "{:.2f}"},
    )
    return Figure(
        title="Theme map",
        svg=svg,
        alt="Network of codes: each line joins two codes applied to overlapping passages, thicker where they "
        "occur together more often (c-coefficient).",
        table=table,
    )


def _level_label(value: str) -> str:
    from mindthegap.model import Level

    try:
        return Level(value).label
    except ValueError:
        return value


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _who_coded(coders: pd.DataFrame, double: int) -> str:
    """One sentence on which coders count, in words a reader of the report can check."""
    people = coders[coders["kind"] == "person"]
    words = [_count(len(people), "coder")]
    if double:
        words.append(f"{_count(double, 'source')} coded by two or more of them")
    elif len(people) >= 2:
        words.append("no source coded by more than one of them, so their agreement cannot be measured")
    if len(machine := coders[coders["kind"] == "machine"]):
        words.append(
            f"{_count(int(machine['codings'].sum()), 'accepted auto-coder suggestion')}, counted as evidence of "
            "what people raised but never as a coder"
        )
    if len(agreed := coders[coders["kind"] == "agreed"]):
        words.append(
            f"an agreed version for {_count(int(agreed['sources'].sum()), 'source')}, used for those"
        )
    if len(unnamed := coders[coders["kind"] == "unattributed"]):
        words.append(
            f"{_count(int(unnamed['codings'].sum()), 'coding')} without a coder name, counted as evidence but "
            "not as a coder"
        )
    return "; ".join(words) + "."


def sentence_units(sources: pd.DataFrame, wanted: set) -> pd.DataFrame:
    """The sentences (``source``, ``start``, ``end``) of the ``wanted`` sources: units for intercoder agreement."""
    from mindthegap.text.segmentation import sentences

    rows = [
        (seg.source, seg.start, seg.end)
        for source, text in zip(sources["source"], sources["text"], strict=True)
        if source in wanted and isinstance(text, str)
        for seg in sentences(text, source)
    ]
    return pd.DataFrame(rows, columns=["source", "start", "end"])


def _agreement_blocks(section: Section, codings: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Agreement between people (sentences of double-coded sources), then people against the auto-coder."""
    _intercoder_block(section, codings, sources)
    _machine_agreement_block(section, codings, sources)


def _intercoder_block(section: Section, codings: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Agreement between people per code, over the sentences of the sources two or more people coded."""
    from mindthegap.analysis.coders import double_coded, intercoder_agreement

    double = double_coded(codings)
    if len(double):
        units = sentence_units(sources, set(double["source"]))
        agreement = intercoder_agreement(codings, units, unit="sentence")
        section.add(
            Table(
                caption=f"Intercoder agreement per code (unit of analysis: sentence, in the "
                f"{_count(len(double), 'source')} coded by two or more people)",
                data=agreement,
                columns={
                    "code": "Code",
                    "unit": "Unit",
                    "coders": "Coders",
                    "units": "Sentences",
                    "percent_agreement": "Agreement",
                    "cohen_kappa": "Cohen's κ",
                    "krippendorff_alpha": "Krippendorff's α",
                },
                formats={
                    "percent_agreement": "{:.0%}",
                    "cohen_kappa": "{:.2f}",
                    "krippendorff_alpha": "{:.2f}",
                },
                note="Each code is judged present or absent in every sentence of a source by each person who "
                "coded that source; a coder who did not code a source is missing there, not in disagreement. "
                "The auto-coder, agreed versions and codings without a coder name are not coders. α ≥ 0.80 is "
                "usually taken as reliable, 0.667–0.80 as tentative (Krippendorff 2004).",
            )
        )
        overall = agreement.iloc[0]["krippendorff_alpha"]
        section.summary.append(
            f"Coders agreed with Krippendorff's α = {overall:.2f} (unit of analysis: sentence, "
            f"{_count(len(double), 'double-coded source')})."
        )


def _machine_agreement_block(section: Section, codings: pd.DataFrame, sources: pd.DataFrame) -> None:
    """Agreement between people and the auto-coder per code, reported apart from agreement between people."""
    from mindthegap.analysis.coders import machine_agreement

    versus = machine_agreement(codings, sources)
    if len(versus):
        section.add(
            Table(
                caption="Agreement between people and the auto-coder per code (unit of analysis: source)",
                data=versus,
                columns={
                    **({"machine": "Auto-coder"} if versus["machine"].nunique() > 1 else {}),
                    "code": "Code",
                    "unit": "Unit",
                    "units": "Sources",
                    "suggested": "Suggested",
                    "accepted": "Accepted",
                    "rejected": "Rejected",
                    "percent_agreement": "Agreement",
                    "cohen_kappa": "Cohen's κ",
                },
                formats={"percent_agreement": "{:.0%}", "cohen_kappa": "{:.2f}"},
                note="People's coding of each source (or its agreed version) against every suggestion the "
                "auto-coder made there, whatever a reviewer decided. Reported apart from agreement between "
                "people: the auto-coder is never counted as a coder.",
            )
        )


def _frequency_table(codings: pd.DataFrame, sources: pd.DataFrame, min_n: int, plan=None) -> Table:
    """How many people at each level raised each code, levels in the order of the system, totals last."""
    from mindthegap.analysis.coding import code_frequencies
    from mindthegap.analysis.suppression import ALL

    freq = code_frequencies(codings, sources, by="level", min_n=min_n, plan=plan)
    present = set(freq["level"])
    order = [lv for lv in LEVEL_ORDER if lv in present]
    order += sorted(present - set(order) - {ALL}) + ([ALL] if ALL in present else [])
    freq["level"] = pd.Categorical(freq["level"], order)
    freq = freq.sort_values(["level", "code"])
    freq["level"] = freq["level"].astype(str).map(_level_label)
    return Table(
        caption="How many participants at each level raised each code",
        data=freq,
        columns={
            "level": "Level",
            "code": "Code",
            "n": "Participants",
            "participants": "Raised it",
            "proportion": "Share",
        },
        formats={"proportion": "{:.0%}", "n": "{:.0f}", "participants": "{:.0f}"},
        note=(
            f"A code raised by fewer than {min_n} people at a level is not shown, nor is any cell that would let "
            "one be worked out from this or another table. Event notes are not counted as people. A person "
            "counts as raising "
            "a code when any coder coded it in their words (or the agreed version did)."
        ),
    )


def build(ctx: ReportContext) -> Section | None:
    from mindthegap.analysis.coders import accepted, coder_summary, double_coded, prevalence_codings
    from mindthegap.analysis.coding import cooccurrence, framework_matrix

    frames = _frames(ctx.evidence.get("qualitative"))
    if frames is None:
        return None
    sources, codings = frames["sources"], frames["codings"]
    section = Section("qualitative", "What people told us: interviews and event notes")
    waiting = _not_coded(sources, codings)
    if not len(accepted(codings)):
        section.add(
            Paragraph(f"{_count(len(sources), 'qualitative source')} stored; none coded yet. {waiting}")
        )
        section.summary.append(f"{_count(len(sources), 'qualitative source')} stored, not coded yet.")
        return section
    coders = coder_summary(codings)
    evidence = prevalence_codings(codings)
    given = len(accepted(codings))
    counted = f" ({len(evidence):,} once a passage coded alike by several coders counts once)"
    section.add(
        Paragraph(
            f"{_count(len(sources), 'qualitative source')} with {_count(given, 'accepted coding')}"
            + (counted if len(evidence) != given else "")
            + "; "
            + _who_coded(coders, len(double_coded(codings)))
            + (f" {waiting}" if waiting else "")
        )
    )
    _agreement_blocks(section, codings, sources)
    # what people raised: the union of everyone's accepted codings (or the agreed version), counted once
    codings = evidence
    section.add(_frequency_table(codings, sources, ctx.min_n, ctx.plan))
    matrix = framework_matrix(codings, sources, case="level", min_n=ctx.min_n, plan=ctx.plan)
    matrix["level"] = matrix["level"].astype(str).map(_level_label)
    section.add(
        Table(
            caption="Framework matrix: levels × themes, with an illustrative quote",
            data=matrix,
            columns={
                "level": "Level",
                "theme": "Theme",
                "people": "People",
                "count": "Codings",
                "quote": "Quote",
            },
            formats={"people": "{:.0f}", "count": "{:.0f}", "quote": "{}"},
            verbatim=("quote",),
            note=f"A cell drawn from fewer than {ctx.min_n} people is suppressed, quote included, so that no "
            "speaker in a small group can be recognised.",
        )
    )
    cooc = cooccurrence(codings)
    if len(cooc):
        section.add(_theme_map_figure(cooc))
    return section
