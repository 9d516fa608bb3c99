"""The synthesis analyses for a stored study, for the command line: one call each, tidy frames out.

Each builds the study's report context (consenting participants, the study's own threshold and publication
plan) and asks the same functions the report sections use, so the command line and the report agree.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError
from mindthegap.report.context import ReportContext


def study_context(study_id: str) -> ReportContext:
    """The stored study as the report sees it (the store must be open)."""
    from mindthegap.privacy import DEFAULT_MIN_N
    from mindthegap.store.evidence import load_all

    study, evidence = load_all(study_id)
    return ReportContext(study=study, evidence=evidence, min_n=study.privacy.min_n or DEFAULT_MIN_N)


def propose_cfir(study_id: str, *, case: str = "service") -> int:
    """Propose CFIR ratings per case from the study's coded evidence and store them (analysts' decisions are
    kept); returns the ratings stored."""
    from mindthegap.report.sections.synthesis_inputs import propose_cfir as proposals
    from mindthegap.store.studies.repository import get_record
    from mindthegap.store.synthesis.repository import save_proposals

    out = proposals(study_context(study_id), case=case)
    if out is None or out.empty:
        raise InputError(
            f"study {study_id!r} has no interviews coded with CFIR 2.0 constructs for a {case}",
            hint="code transcripts with the cfir2 codebook and Facilitator/Barrier codes first",
        )
    return save_proposals(get_record(study_id), out)


def coproduction(study_id: str) -> dict[str, pd.DataFrame]:
    """The co-production index by team (latest wave), its change, and the characteristics absent, suppressed
    by the study's publication plan."""
    from mindthegap.report.sections import coproduction as section
    from mindthegap.report.sections import synthesis_inputs as si

    ctx = study_context(study_id)
    scores = si.coproduction_scores(ctx)
    if scores is None:
        raise InputError(f"study {study_id!r} has no answers to the co-production measure")
    index = section._instrument_table(ctx, scores, si._latest_wave(ctx, scores))
    change = section._change_table(ctx, scores)
    from mindthegap.analysis.coproduction import absent_characteristics

    absent = absent_characteristics(index.dropna(subset=["absent"]), None)
    return {
        "index": index,
        "change": change if change is not None else pd.DataFrame(),
        "absent": absent[absent["status"] != "present"],
    }


def recommendations(
    study_id: str, *, mapping: Path | None = None, extra: Path | None = None, top: int = 5
) -> pd.DataFrame:
    """Ranked strategies per service with the barriers that triggered them (the mapping shipped, or yours),
    adding the barriers an analyst names in ``extra`` (pressures, themes, …)."""
    from mindthegap.analysis.strategies import rank_strategies
    from mindthegap.frameworks.strategies import eric_strategies, load_mapping
    from mindthegap.report.sections.strategies import study_barriers

    links = load_mapping(mapping)
    barriers = study_barriers(study_context(study_id))
    if extra is not None:
        barriers = pd.concat([barriers, read_barriers(extra)], ignore_index=True)
    return rank_strategies(barriers, links, eric_strategies(), top=top)


def read_barriers(path: Path) -> pd.DataFrame:
    """Barriers an analyst names: ``case, framework, barrier, severity`` (1 or 2) and optionally ``evidence``."""
    from mindthegap.analysis.strategies import BARRIER_COLUMNS
    from mindthegap.frameworks.strategies import FRAMEWORKS
    from mindthegap.io.tables import read_table

    frame = read_table(path)
    for col in ("case", "framework", "barrier", "severity"):
        if col not in frame.columns:
            raise InputError(f"a barriers file needs a column {col!r}", path=path, column=col)
    if "evidence" not in frame.columns:
        frame["evidence"] = "named by the analyst"
    for i, row in enumerate(frame.to_dict(orient="records")):
        if row["framework"] not in FRAMEWORKS:
            raise InputError(
                f"{row['framework']!r} is not one of {', '.join(FRAMEWORKS)}",
                path=path,
                row=i + 2,
                column="framework",
            )
        if row["severity"] not in (1, 2):
            raise InputError(f"{row['severity']!r} is not 1 or 2", path=path, row=i + 2, column="severity")
    return frame[BARRIER_COLUMNS]


def requirements_rated(study_id: str, *, requirements: Path | None = None) -> pd.DataFrame:
    """The requirements framework (shipped, or ``requirements``) rated against the study's evidence: one row
    per requirement with its rating, the rule that gave it and the levels behind it."""
    from mindthegap.frameworks.requirements import load_requirements
    from mindthegap.report.sections.requirements import rated

    ctx = study_context(study_id)
    reqs = load_requirements(requirements)
    ctx.evidence["requirements"] = reqs
    result = rated(ctx)
    if result is None:
        raise InputError(
            f"study {study_id!r} has no evidence the requirements link to",
            hint="the framework is rated from NoMAD answers, CFIR or co-production codes, and support use",
        )
    ratings = result[1]
    return ratings.assign(name=ratings["row"].map(reqs.set_index("requirement")["name"])).rename(
        columns={"row": "requirement"}
    )
