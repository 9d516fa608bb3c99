"""``mindthegap report STUDY --out DIR``: the evaluation report of a stored study as report.html, report.pdf
and the board paper summary.pdf (or one of them with ``--format``)."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, progress
from mindthegap.defaults import DEFAULT_N_BOOT, DEFAULT_SEED
from mindthegap.errors import InputError
from mindthegap.privacy import DEFAULT_MIN_N


def report(
    study_id: str = typer.Argument(..., help="Study id."),
    out: Path = typer.Option(Path("report"), "--out", "-o", help="Folder to write the report into."),
    fmt: str = typer.Option(
        "all", "--format", "-f", help="all (report.html, report.pdf, summary.pdf), html, pdf or summary."
    ),
    min_n: int = typer.Option(
        None, "--min-n", min=1, help="Suppression threshold (default: the study's own)."
    ),
    n_boot: int = typer.Option(DEFAULT_N_BOOT, "--n-boot", min=100, help="Bootstrap resamples."),
    seed: int = typer.Option(DEFAULT_SEED, help="Random seed: the same seed gives the same report."),
    audience: str = typer.Option(
        "full", "--audience", help="full (quotes included, for the study team) or aggregate (numbers only)."
    ),
    requirements: Path = typer.Option(
        None, "--requirements", help="Your own requirements framework (YAML), in place of the shipped one."
    ),
) -> None:
    """Write a stored study's evaluation report for the people who must act on it.

    Example: [bold]mindthegap report northmoor --out board/ --format summary[/bold]
    """
    from mindthegap.files import ensure_writable_dir
    from mindthegap.report.builder import FORMATS
    from mindthegap.report.context import AUDIENCES

    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", hint=f"choose one of {', '.join(FORMATS)}")
    if audience not in AUDIENCES:
        raise InputError(f"unknown audience {audience!r}", hint=f"choose one of {', '.join(AUDIENCES)}")
    reqs = None
    if requirements is not None:
        from mindthegap.frameworks.requirements import load_requirements

        reqs = load_requirements(requirements)  # checked before anything is read or written
    out = ensure_writable_dir(out)
    from mindthegap.store import database

    database.open_store()
    from mindthegap.report.builder import write_report_files
    from mindthegap.report.context import ReportContext
    from mindthegap.store.evidence import load_all

    with progress() as bar:
        task = bar.add_task("Reading the study", total=None)
        study, evidence = load_all(study_id)
        if reqs is not None:
            evidence["requirements"] = reqs
        threshold = min_n or study.privacy.min_n or DEFAULT_MIN_N
        ctx = ReportContext(
            study=study, evidence=evidence, min_n=threshold, seed=seed, n_boot=n_boot, audience=audience
        )
        bar.update(task, description="Analysing and writing the report")
        written = write_report_files(ctx, out, fmt=fmt)
    from mindthegap.cli.audited import written as record_written

    for path in written:
        record_written("report", study=study_id, out=path, action="downloaded", audience=audience)
    for path in written:
        console.print(f"Wrote [bold]{path.resolve()}[/bold]")
