"""``mindthegap qual export``: write a study's (or loose files') coded project as REFI-QDA."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, print_json
from mindthegap.errors import InputError
from mindthegap.store.database import open_study


def _summary(project) -> dict:
    from mindthegap.analysis.coders import MACHINE_PREFIX

    names = {c.coder for c in project.codings if c.coder}
    return {
        "project": project.name,
        "codes": len(project.codebook.codes),
        "sources": len(project.sources),
        "sources_with_text": sum(1 for src in project.sources if src.text and src.text.strip()),
        "codings": len(project.codings),
        "memos": len(project.memos),
        "coders": sorted(n for n in names if not n.startswith(MACHINE_PREFIX)),
        "auto_coder": sorted(n for n in names if n.startswith(MACHINE_PREFIX)),
        "notes": project.notes,
    }


def export(
    sources: list[Path] = typer.Argument(None, help="Source files (.txt, .docx, .pdf, .vtt, .srt)."),
    codings: Path = typer.Option(
        None, "--codings", help="CSV with source (file name), code, start, end and optionally coder."
    ),
    study: str = typer.Option(
        None, "--study", help="Export this stored study's qualitative evidence instead."
    ),
    include_unreviewed: bool = typer.Option(
        False,
        "--include-unreviewed",
        help="With --study: also export machine suggestions nobody has reviewed.",
    ),
    out: Path = typer.Option(..., "--out", "-o", help="The .qdpx file to write."),
    schema: Path = typer.Option(None, "--schema", help="REFI-QDA Project.xsd to validate against first."),
    positions: str = typer.Option(
        "codepoints",
        "--positions",
        help="Count text positions in codepoints (the REFI-QDA standard) or utf16 (the UTF-16 code units NVivo "
        "counts: use it for a project NVivo will open).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Write a REFI-QDA .qdpx project for NVivo, ATLAS.ti, MAXQDA or QualCoder: a stored study, or files.

    Examples: [bold]mindthegap qual export --study northmoor --out northmoor.qdpx[/bold]
    or [bold]mindthegap qual export --study northmoor --positions utf16 --out for-nvivo.qdpx[/bold]
    or [bold]mindthegap qual export interviews/*.txt --codings codings.csv --out study.qdpx[/bold]
    """
    from mindthegap.io.positions import POSITIONS
    from mindthegap.io.refiqda import write_project

    if positions not in POSITIONS:
        raise InputError(
            f"unknown unit for positions {positions!r}", hint=f"choose one of {', '.join(POSITIONS)}"
        )
    if study:
        if sources or codings is not None:
            raise InputError(
                "give either --study or source files, not both",
                hint="--study exports what is stored; files are exported as they are",
            )
        record = open_study(study)  # sets Django up before the store's models are imported
        from mindthegap.store.qualitative.repository import load_project

        project = load_project(record, include_unreviewed=include_unreviewed)
        project.name = study
    else:
        if not sources:
            raise InputError("nothing to export", hint="name source files, or a stored study with --study")
        project = _project_from_files(sources, codings, out)
    write_project(project, out, schema=schema, positions=positions)
    summary = _written(project, out, positions, study)
    if as_json:
        print_json(summary)
        return
    console.print(
        f"wrote {out}: {summary['codes']} codes, {summary['sources']} sources, {summary['codings']} codings, "
        f"{summary['memos']} memos"
    )


def _written(project, out: Path, positions: str, study: str | None) -> dict:
    """The export's summary, recorded in the audit log when it holds a stored study's data."""
    summary = {**_summary(project), "out": str(out), "positions": positions}
    if study:
        from mindthegap.cli.audited import written

        written("qualitative project", study=study, out=out, sources=summary["sources"])
    return summary


def _project_from_files(sources: list[Path], codings: Path | None, out: Path):
    from mindthegap.io.sources import read_sources
    from mindthegap.model.qualitative import Code, Coding, QualitativeProject

    project = QualitativeProject(name=out.stem, sources=read_sources(list(sources)))
    by_name = {src.name: src for src in project.sources}
    if codings is not None:
        table = pd.read_csv(codings, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for column in ("source", "code", "start", "end"):
            if column not in table.columns:
                raise InputError(f"no column named {column!r}", path=codings, column=column)
        for position, row in enumerate(table.to_dict(orient="records"), start=2):
            source = by_name.get(row["source"])
            if source is None:
                raise InputError(
                    f"source {row['source']!r} is not among the files given", path=codings, row=position
                )
            try:
                start, end = int(row["start"]), int(row["end"])
            except ValueError:
                raise InputError("start and end must be whole numbers", path=codings, row=position) from None
            if not 0 <= start < end <= len(source.text or ""):
                raise InputError(
                    f"span {start}–{end} is outside the {len(source.text or '')} characters of {source.name!r}",
                    path=codings,
                    row=position,
                )
            try:
                code = project.codebook.by_name(row["code"])
            except KeyError:
                code = project.codebook.add(Code(name=row["code"]))
            project.codings.append(
                Coding(
                    source=source.guid, code=code.guid, start=start, end=end, coder=row.get("coder") or None
                )
            )
    return project
