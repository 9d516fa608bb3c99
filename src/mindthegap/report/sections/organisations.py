"""Organisation data: the study's own provider against its peers, CQC ratings and Staff Survey results."""

from __future__ import annotations

import pandas as pd

from mindthegap.analysis.benchmark import compare_ratings, compare_staff_survey
from mindthegap.report.context import ReportContext
from mindthegap.report.document import Paragraph, Section, Table


def _data(ctx: ReportContext) -> dict | None:
    data = ctx.evidence.get("organisations")
    if not isinstance(data, dict) or not data.get("home"):
        return None
    cqc = data.get("cqc")
    return data if cqc is not None and len(cqc) else None


def build(ctx: ReportContext) -> Section | None:
    data = _data(ctx)
    if data is None:
        return None
    home, providers = data["home"], data.get("providers")
    ratings = compare_ratings(data["cqc"], home, providers=providers)
    if ratings.empty:
        return None
    names = (
        providers.set_index("provider_id")["provider_name"] if providers is not None else pd.Series(dtype=str)
    )
    name = names.get(home) or home
    section = Section("organisations", "Organisation data: inspection and staff survey against peers")
    peers = int(ratings["peers_rated"].max()) - 1
    section.add(
        Paragraph(
            f"{name} is placed against {peers} peer providers of the same type, each with its latest CQC rating "
            "for a core service and key question. Rank 1 is the best; ties share a place. The percentile counts "
            "peers rated lower plus half of those rated the same. Ratings are published judgements about "
            "organisations, not counts of people, so none is suppressed."
        )
    )
    overall = ratings[ratings["service"] == "Overall"]
    section.add(
        Table(
            "CQC ratings against peers: the provider overall", overall, _columns(), {"percentile": "{:.0f}"}
        )
    )
    services = ratings[(ratings["service"] != "Overall") & (ratings["key_question"] == "Overall")]
    if len(services):
        section.add(
            Table(
                "CQC overall rating by core service against peers",
                services,
                _columns(),
                {"percentile": "{:.0f}"},
            )
        )
    weak = ratings[ratings["score"] <= 1]
    if len(weak):
        worst = weak.sort_values("percentile").iloc[0]
        section.summary.append(
            f"Inspection: {len(weak)} of {len(ratings)} CQC ratings are below Good; the lowest against peers is "
            f"{worst.key_question} in {worst.service} ({worst.rating}, rank {worst['rank']} of {worst.peers_rated})."
        )
    _staff(ctx, data, section)
    return section


def _staff(ctx: ReportContext, data: dict, section: Section) -> None:
    home, providers = data["home"], data.get("providers")
    survey = data.get("staff_survey")
    if survey is not None and len(survey):
        staff = compare_staff_survey(survey, home, providers=providers, min_n=ctx.min_n)
        if len(staff):
            section.add(
                Table(
                    f"Staff Survey {staff['year'].iloc[0]}: % agree or strongly agree, against peers",
                    staff,
                    {
                        "item": "Item",
                        "positive": "% positive",
                        "peer_median": "Peer median",
                        "rank": "Rank",
                        "peers": "Of",
                        "percentile": "Percentile",
                    },
                    {"positive": "{:.0f}", "peer_median": "{:.0f}", "percentile": "{:.0f}"},
                    note=f"Results from fewer than {ctx.min_n} staff are not used, as in the NHS Staff Survey.",
                )
            )


def _columns() -> dict[str, str]:
    return {
        "service": "Core service",
        "key_question": "Key question",
        "rating": "Rating",
        "date": "Date",
        "rank": "Rank",
        "peers_rated": "Of",
        "percentile": "Percentile",
    }
