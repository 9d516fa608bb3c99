"""Section builders, in the order they appear in the report.

Each module exposes ``build(ctx: ReportContext) -> Section | None``. To add a section, write a module here
and add it to :data:`SECTION_BUILDERS`; a builder returns ``None`` when the study has no evidence it uses.
"""

from __future__ import annotations

from collections.abc import Callable

from mindthegap.report.context import ReportContext
from mindthegap.report.document import Section

SectionBuilder = Callable[[ReportContext], Section | None]


def section_builders() -> list[SectionBuilder]:
    # Imported here so that building one section never pays for importing every analysis up front.
    from mindthegap.report.sections import (
        cfir,
        consensus,
        coproduction,
        did_it_help,
        events,
        evidence_matrix,
        joint_displays,
        network,
        organisations,
        overview,
        perspectives,
        pressures,
        qualitative,
        requirements,
        strategies,
        support,
        surveys,
        text,
        values_practice,
    )

    # findings by principle and level first, then the evidence strand by strand, recommendations last
    return [
        overview.build,
        evidence_matrix.build,
        joint_displays.build,
        perspectives.build,
        values_practice.build,
        text.build,
        qualitative.build,
        surveys.build,
        events.build,
        network.build,
        did_it_help.build,
        organisations.build,
        coproduction.build,
        cfir.build,
        support.build,
        consensus.build,
        pressures.build,
        strategies.build,
        requirements.build,
        # further sections are added here in report order
    ]
