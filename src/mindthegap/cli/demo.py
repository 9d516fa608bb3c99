"""``mindthegap demo``: build the synthetic Northmoor study, store it, analyse it and write its report."""

from __future__ import annotations

import os
import time
from pathlib import Path

import typer
from rich.table import Table as RichTable

from mindthegap.cli.console import console, progress
from mindthegap.defaults import DEFAULT_N_BOOT
from mindthegap.demo import DEFAULT_SEED
from mindthegap.privacy import DEFAULT_MIN_N


def demo(
    out: Path = typer.Option(
        Path("mindthegap-demo"),
        "--out",
        "-o",
        help="Folder for report.html (and the study database, unless --db).",
    ),
    seed: int = typer.Option(
        DEFAULT_SEED, help="Random seed: the same seed gives the same study and report."
    ),
    min_n: int = typer.Option(
        DEFAULT_MIN_N, "--min-n", min=1, help="Suppress groups with fewer people than this."
    ),
    n_boot: int = typer.Option(
        DEFAULT_N_BOOT, "--n-boot", min=100, help="Bootstrap resamples for confidence intervals."
    ),
    pdf: bool = typer.Option(True, "--pdf/--no-pdf", help="Also write report.pdf (A4, for board papers)."),
) -> None:
    """Build a synthetic trust's study, store it, analyse it and write a self-contained report.html.

    The study is a fictional mental-health and learning-disability trust: about 530 staff in six services,
    people who use services, carers, and regional and national informants, at baseline and follow-up.

    Example: [bold]mindthegap demo --out ~/northmoor[/bold]
    """
    from mindthegap.demo import build_demo_study
    from mindthegap.files import ensure_writable_dir
    from mindthegap.report.builder import write_evaluation_report
    from mindthegap.report.context import ReportContext
    from mindthegap.store.database import open_store

    started = time.perf_counter()
    out = ensure_writable_dir(out)
    db = os.environ.get("MINDTHEGAP_DATABASE_URL") or str(out / "demo.sqlite3")
    with progress() as bar:
        task = bar.add_task("Generating the demo study", total=4)
        demo_study = build_demo_study(seed)
        demo_study.study.privacy = type(demo_study.study.privacy)(min_n=min_n)
        bar.update(task, advance=1, description="Storing it in the study database")
        where = open_store(db)
        from mindthegap.store.evidence import load_all, save_all

        save_all(demo_study.study, demo_study.evidence, replace=True)
        bar.update(task, advance=1, description="Reading it back and analysing")
        study, evidence = load_all(demo_study.study.id)
        ctx = ReportContext(study=study, evidence=evidence, min_n=min_n, seed=seed, n_boot=n_boot)
        bar.update(task, advance=1, description="Writing the report")
        path, sections = write_evaluation_report(ctx, out / "report.html", pdf=pdf)
        bar.update(task, advance=1)
    _print_summary(ctx, sections)
    console.print(f"Study database: {where}")
    console.print(f"Report: [bold]{path.resolve()}[/bold]")
    if pdf:
        console.print(f"PDF: {path.with_suffix('.pdf').resolve()}")
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")


def _print_summary(ctx, sections) -> None:
    from mindthegap.analysis.gap import values_practice_gap
    from mindthegap.report.sections.labels import label_frame

    ratings = ctx.frame("values_practice")
    participants = ctx.frame("participants")
    console.print(
        f"[bold]{ctx.study.name}[/bold]: {len(participants) if participants is not None else 0} participants, "
        f"{len(ctx.study.services)} services, {len(ctx.study.disciplines)} disciplines, {len(ctx.study.waves)} waves."
    )
    if ratings is not None:
        latest = ctx.study.waves_in_order()[-1].id
        gap = values_practice_gap(
            ratings[ratings["wave"] == latest],
            ["principle"],
            n_boot=ctx.n_boot,
            seed=ctx.seed,
            min_n=ctx.min_n,
            plan=ctx.plan,  # the same decisions as the report it summarises
        )
        gap = label_frame(gap, ctx.study)
        table = RichTable(title=f"Values–practice gap, all participants ({latest.replace('_', '-')})")
        for heading in ("Principle", "n", "Value", "Practice", "Gap", "95% CI"):
            table.add_column(heading, justify="left" if heading == "Principle" else "right")
        for _, row in gap.sort_values("gap", ascending=False).iterrows():
            if row["suppressed"]:
                table.add_row(row["principle"], "suppressed", "", "", "", "")
                continue
            table.add_row(
                row["principle"],
                f"{row['n']:.0f}",
                f"{row['mean_value']:.2f}",
                f"{row['mean_practice']:.2f}",
                f"{row['gap']:.2f}",
                f"{row['gap_ci_low']:.2f} to {row['gap_ci_high']:.2f}",
            )
        console.print(table)
    for section in sections:
        for line in section.summary:
            console.print(f"• {line}")
