"""``mindthegap qual import|codebook|export`` and ``mindthegap agreement``: qualitative evidence on the command line."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError
from mindthegap.store.database import open_study

app = typer.Typer(
    help=(
        "Qualitative evidence: bring in and take out coded projects (REFI-QDA, as NVivo, ATLAS.ti, MAXQDA and "
        "QualCoder write them) and use the shipped codebooks.\n\n"
        "Example: [bold]mindthegap qual import project.qdpx --json[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)


# How spreadsheets and statistics packages mark a value nobody coded: blank, R's NA, SPSS's ".", and the "*"
# of Krippendorff's own tables. Compared without regard to case.
MISSING_MARKS = ("NA", "N/A", "NaN", "*", ".")
# Values that look like missing-value marks but may be real categories: they are kept, with a warning.
LOOK_MISSING = ("-", "--", "?", "missing", "none", "null", "n/k", "unknown", "-9", "-99", "99", "999")


def _mark_missing(
    data: pd.DataFrame, marks: list[str]
) -> tuple[pd.DataFrame, dict[str, int], dict[str, int]]:
    """Cells matching a missing-value mark become missing; returns the data, the marks found (with counts) and
    values that look like marks but were kept as categories."""
    folded = {m.casefold() for m in marks}
    cells = data.stack()
    keys = cells.str.casefold()
    found = cells[keys.isin(folded)].value_counts().to_dict()
    kept = cells[keys.isin({v.casefold() for v in LOOK_MISSING} - folded)].value_counts().to_dict()
    return data.mask(data.apply(lambda col: col.str.casefold().isin(folded))), found, kept


def _read_reliability(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError("file not found", path=path, hint="check the path to the CSV file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot read as CSV ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})",
            path=path,
            hint="save the sheet as CSV (UTF-8): unit id first, then one column per coder",
        ) from exc
    if frame.shape[1] < 3:
        raise InputError(
            f"found {frame.shape[1]} column(s); need a unit id column and at least two coder columns",
            path=path,
            hint="header row: unit, then one coder name per column",
        )
    unit = frame.columns[0]
    if frame[unit].duplicated().any():
        dup = frame.loc[frame[unit].duplicated(), unit].iloc[0]
        row = int(frame.index[frame[unit].duplicated()][0]) + 2
        raise InputError(f"unit id {dup!r} appears more than once", path=path, row=row, column=unit)
    data = frame.set_index(unit)
    data = data.apply(lambda col: col.str.strip()).replace("", None)
    return data


def agreement(
    file: Path = typer.Argument(
        ..., help="CSV: unit id in the first column, one column per coder, blank = missing."
    ),
    level: str = typer.Option("nominal", "--level", "-l", help="nominal, ordinal, interval or ratio."),
    unit: str = typer.Option("segment", "--unit", help="What a row is: segment, sentence or character."),
    missing: list[str] = typer.Option(
        None,
        "--missing",
        help=f"A value that means 'not coded' (repeatable), besides blank and {', '.join(MISSING_MARKS)}.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Intercoder agreement: Krippendorff's alpha, percent agreement and (two coders) Cohen's kappa.

    Blank cells and NA, N/A, NaN, * and . count as not coded; add others with --missing.

    Example: [bold]mindthegap agreement coding.csv --level ordinal --missing -9 --json[/bold]
    """
    from mindthegap.analysis.agreement import LEVELS, agreement_table
    from mindthegap.cli.console import err_console

    if level not in LEVELS:
        raise InputError(f"unknown level {level!r}", hint=f"choose one of {', '.join(LEVELS)}")
    data, found, kept = _mark_missing(_read_reliability(file), [*MISSING_MARKS, *(missing or [])])
    if found:
        shown = ", ".join(f"{k!r} ×{n}" for k, n in found.items())
        err_console.print(f"note: {file}: treated as not coded: {shown}")
    if kept:
        shown = ", ".join(f"{k!r} ×{n}" for k, n in kept.items())
        err_console.print(
            f"warning: {file}: {shown} counted as categories; if they mean 'not coded', add --missing VALUE"
        )
    try:
        table = agreement_table(data, level, unit)  # type: ignore[arg-type]
    except InputError as exc:
        raise InputError(exc.message, path=file, hint=exc.hint) from exc
    record = frame_records(table)[0]
    record.pop("code", None)
    record["file"] = str(file)
    record["not_coded"] = found
    if as_json:
        print_json(record)
        return
    alpha = record["krippendorff_alpha"]
    console.print(
        f"Krippendorff's alpha ({level}, unit: {unit}) = "
        f"{'n/a' if alpha is None else f'{alpha:.3f}'} "
        f"over {record['pairable_units']} pairable units and {record['coders']} coders"
    )
    pa = record["percent_agreement"]
    console.print(f"Percent agreement = {'n/a' if pa is None else f'{pa:.1%}'}")
    if record["cohen_kappa"] is not None:
        console.print(f"Cohen's kappa = {record['cohen_kappa']:.3f}")


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


PROJECT_SUFFIXES = (".qdpx", ".qde")
SOURCE_KINDS = ("text", "event_notes")


@app.command("import")
def import_project(
    files: list[Path] = typer.Argument(
        ..., help="One .qdpx project (or bare .qde), or source files: .txt, .docx, .pdf, .vtt, .srt."
    ),
    schema: Path = typer.Option(None, "--schema", help="REFI-QDA Project.xsd to validate against."),
    study: str = typer.Option(None, "--study", help="Store in this study (all or nothing)."),
    participant: str = typer.Option(
        None, "--participant", help="Pseudonymous participant id of the sources."
    ),
    level: str = typer.Option(None, "--level", help="Level of the system, e.g. local_frontline."),
    role: str = typer.Option(None, "--role", help="Participant's role, e.g. practitioner."),
    service: str = typer.Option(None, "--service", help="Service or client group, e.g. older_people."),
    wave: str = typer.Option(None, "--wave", help="Wave of data collection, e.g. baseline."),
    kind: str = typer.Option(
        "text",
        "--kind",
        help="text (one person's words) or event_notes (a group's notes: counted as no one).",
    ),
    roster: Path = typer.Option(
        None, "--roster", help="Text file of names to redact (one a line), beside the usual identifiers."
    ),
    positions: str = typer.Option(
        "auto",
        "--positions",
        help="How a project counts text positions: auto (from the tool that wrote it: NVivo counts UTF-16 code "
        "units; otherwise where selections fall), codepoints (the REFI-QDA standard) or utf16.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Read a REFI-QDA project, or transcripts and documents, and report what they hold; store with --study.

    Source files are redacted before they are stored when the study asks for it (the default).

    Examples: [bold]mindthegap qual import interviews.qdpx --schema Project.xsd --study northmoor[/bold]
    or [bold]mindthegap qual import int04.vtt int05.docx --study northmoor --level local_frontline[/bold]
    """
    projects = [f for f in files if f.suffix.lower() in PROJECT_SUFFIXES]
    if projects and len(files) > 1:
        raise InputError(
            "import one REFI-QDA project at a time, and source files separately", path=projects[0]
        )
    metadata = {
        k: v
        for k, v in {
            "participant": participant,
            "level": level,
            "role": role,
            "service": service,
            "wave": wave,
        }.items()
        if v
    }
    from mindthegap.model import Level

    if level and level not in {lv.value for lv in Level}:
        raise InputError(
            f"unknown level {level!r}", hint=f"choose one of {', '.join(lv.value for lv in Level)}"
        )
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r}", hint=f"choose one of {', '.join(SOURCE_KINDS)}")
    if projects:
        if metadata or roster is not None or kind != "text":
            raise InputError(
                "--participant, --level, --role, --service, --wave, --kind and --roster apply to source files",
                path=projects[0],
                hint="a REFI-QDA project carries its own sources",
            )
        summary = _import_qdpx(projects[0], schema, study, positions)
    else:
        if positions != "auto":
            raise InputError("--positions applies to a REFI-QDA project", path=files[0])
        summary = _import_sources(files, metadata, roster, study, kind)
    if as_json:
        print_json(summary)
        return
    console.print(
        f"{summary['project']}: {summary['codes']} codes, {summary['sources']} sources "
        f"({summary['sources_with_text']} with text), {summary['codings']} codings, {summary['memos']} memos"
    )
    for note in summary["notes"]:
        console.print(f"note: {note}")
    if summary.get("redacted"):
        hidden = ", ".join(f"{n} {kind}" for kind, n in sorted(summary["redacted"].items()))
        console.print(f"redacted before storing: {hidden}")
    if study:
        console.print(f"stored in study {study}")


def _import_qdpx(file: Path, schema: Path | None, study: str | None, positions: str = "auto") -> dict:
    from mindthegap.io.refiqda import read_project

    project = read_project(file, schema=schema, positions=positions)
    summary = _summary(project)
    if study:
        record = open_study(study)
        from mindthegap.store.qualitative.repository import save_project

        summary["stored_codings"] = save_project(record, project)
        summary["study"] = study
    return summary


def _import_sources(
    files: list[Path], metadata: dict, roster: Path | None, study: str | None, kind: str = "text"
) -> dict:
    from mindthegap.io.sources import read_sources
    from mindthegap.model.qualitative import QualitativeProject

    names: list[str] = []
    if roster is not None:
        if not roster.is_file():
            raise InputError("file not found", path=roster, hint="a text file with one name a line")
        names = [line.strip() for line in roster.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    sources = read_sources(list(files))  # every file is read before anything is stored
    for source in sources:
        source.metadata.update(metadata)
        source.kind = kind
    summary = _summary(QualitativeProject(name=f"{len(sources)} source file(s)", sources=sources))
    if study:
        record = open_study(study)
        from mindthegap.store.qualitative.repository import add_sources

        summary["redacted"] = add_sources(record, sources, roster=names)
        summary["study"] = study
    return summary


@app.command("codebook")
def codebook(
    name: str = typer.Argument(..., help="npt, cfir2, coproduction or cqc."),
    out: Path = typer.Option(None, "--out", "-o", help="Write a REFI-QDA .qdc codebook here."),
    as_json: bool = typer.Option(False, "--json", help="Print the codebook tree as JSON."),
) -> None:
    """Show a shipped codebook, or write it as a .qdc file to load into your QDA tool.

    Example: [bold]mindthegap qual codebook npt --out npt.qdc[/bold]
    """
    from mindthegap.frameworks.codebooks import CODEBOOKS, load_codebook
    from mindthegap.io.refiqda import write_codebook
    from mindthegap.model.qualitative import Codebook

    if name not in CODEBOOKS:
        raise InputError(f"unknown codebook {name!r}", hint=f"choose one of {', '.join(CODEBOOKS)}")
    tree = load_codebook(name)
    if out is not None:
        write_codebook(Codebook.from_tree(tree), out)
        console.print(f"wrote {out}")
    elif as_json:
        print_json(tree)
    else:
        book = Codebook.from_tree(tree)
        for code in book.codes.values():
            depth = book.path(code.guid).count(" > ")
            console.print(f"{'  ' * depth}{code.name} — {code.description}")


@app.command("export")
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
    summary = {**_summary(project), "out": str(out), "positions": positions}
    if as_json:
        print_json(summary)
        return
    console.print(
        f"wrote {out}: {summary['codes']} codes, {summary['sources']} sources, {summary['codings']} codings, "
        f"{summary['memos']} memos"
    )


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


@app.command("coders")
def coders(
    study: str = typer.Option(..., "--study", help="The stored study whose coding to examine."),
    as_json: bool = typer.Option(False, "--json", help="Print machine-readable JSON."),
) -> None:
    """Which coders count, which sources two or more people coded, and how far people (and the auto-coder) agree.

    Agreement between people is measured on the sentences of sources two or more people coded; the auto-coder is
    compared with people per source and never counted as a coder (see docs/methods.md, "Which coders count").

    Example: [bold]mindthegap qual coders --study northmoor --json[/bold]
    """
    record = open_study(study)
    from mindthegap.analysis.coders import (
        coder_summary,
        double_coded,
        intercoder_agreement,
        machine_agreement,
    )
    from mindthegap.report.sections.qualitative import sentence_units
    from mindthegap.store.qualitative.repository import codings_frame, sources_frame

    codings, sources = codings_frame(record), sources_frame(record)
    double = double_coded(codings)
    people = intercoder_agreement(codings, sentence_units(sources, set(double["source"])), unit="sentence")
    versus = machine_agreement(codings, sources)
    report = {
        "study": study,
        "coders": frame_records(coder_summary(codings)),
        "double_coded_sources": len(double),
        "agreement": frame_records(people),
        "auto_coder_agreement": frame_records(versus),
    }
    if as_json:
        print_json(report)
        return
    for row in report["coders"]:
        counts = "counts as a coder" if row["counts_as_coder"] else "not a coder"
        console.print(
            f"{row['coder'] or '(no name)'}: {row['role']}, {counts}; {row['codings']} accepted coding(s) in "
            f"{row['sources']} source(s)"
        )
    if not len(people):
        console.print(
            "No source was coded by two or more people: there is no agreement between people to report."
        )
    for row in report["agreement"]:
        alpha = row["krippendorff_alpha"]
        console.print(
            f"{row['code']}: Krippendorff's alpha {'n/a' if alpha is None else f'{alpha:.2f}'} over "
            f"{row['units']} sentences of {row['sources']} double-coded source(s), {row['coders']} coders"
        )
    for row in report["auto_coder_agreement"]:
        kappa = row["cohen_kappa"]
        console.print(
            f"{row['machine']} vs people, {row['code']}: Cohen's kappa {'n/a' if kappa is None else f'{kappa:.2f}'} "
            f"over {row['units']} sources; {row['accepted']} accepted, {row['rejected']} rejected"
        )


code_app = typer.Typer(
    help=(
        "Edit a stored study's codebook: rename, move, merge and split codes. Every edit is kept in the code "
        "history and no coding is lost: a merge moves codings onto the code they were merged into.\n\n"
        "Example: [bold]mindthegap qual code merge 'Making sense' --into 'Sense-making' --study northmoor[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)
app.add_typer(code_app, name="code")

STUDY = typer.Option(..., "--study", help="The stored study whose codebook to edit.")
JSON = typer.Option(False, "--json", help="Print machine-readable JSON.")


def _codebook(study: str):
    record = open_study(study)  # before the store's models are imported
    from mindthegap.store.qualitative import repository

    return record, repository


def _done(as_json: bool, record, repository, message: str, **extra) -> None:
    if as_json:
        print_json({"message": message, **extra, "codes": frame_records(repository.codebook_frame(record))})
    else:
        console.print(message)


@code_app.command("list")
def code_list(study: str = STUDY, as_json: bool = JSON) -> None:
    """List the codebook with each code's number of codings.

    Example: [bold]mindthegap qual code list --study northmoor[/bold]
    """
    record, repository = _codebook(study)
    table = repository.codebook_frame(record)
    if as_json:
        print_json(frame_records(table))
        return
    for row in table.itertuples(index=False):
        console.print(f"{row.path} ({row.codings} codings)")


@code_app.command("rename")
def code_rename(
    code: str = typer.Argument(..., help="The code: its name, full path (A > B) or guid."),
    name: str = typer.Argument(..., help="Its new name."),
    study: str = STUDY,
    as_json: bool = JSON,
) -> None:
    """Rename a code; its codings stay with it.

    Example: [bold]mindthegap qual code rename 'Sense making' 'Sense-making' --study northmoor[/bold]
    """
    record, repository = _codebook(study)
    found = repository.find_code(record, code)
    old = found.name
    repository.rename_code(record, found.guid, name)
    _done(as_json, record, repository, f"renamed {old!r} to {name!r}")


@code_app.command("move")
def code_move(
    code: str = typer.Argument(..., help="The code: its name, full path (A > B) or guid."),
    under: str = typer.Option(None, "--under", help="The code to move it under."),
    top: bool = typer.Option(False, "--top", help="Move it to the top level instead."),
    study: str = STUDY,
    as_json: bool = JSON,
) -> None:
    """Move a code (with its sub-codes and codings) under another code, or to the top level.

    Example: [bold]mindthegap qual code move 'Huddles' --under 'Collective action' --study northmoor[/bold]
    """
    if bool(under) == top:
        raise InputError("say where to: give --under CODE or --top")
    record, repository = _codebook(study)
    found = repository.find_code(record, code)
    parent = repository.find_code(record, under) if under else None
    repository.move_code(record, found.guid, parent.guid if parent else None)
    where = f"under {parent.name!r}" if parent else "to the top level"
    _done(as_json, record, repository, f"moved {found.name!r} {where}")


@code_app.command("merge")
def code_merge(
    codes: list[str] = typer.Argument(..., help="The codes to merge away (name, full path or guid)."),
    into: str = typer.Option(..., "--into", help="The code they become."),
    study: str = STUDY,
    as_json: bool = JSON,
) -> None:
    """Merge codes into another: their codings, sub-codes and memos move onto it.

    Example: [bold]mindthegap qual code merge 'Making sense' --into 'Sense-making' --study northmoor[/bold]
    """
    record, repository = _codebook(study)
    target = repository.find_code(record, into)
    found = [repository.find_code(record, c) for c in codes]
    if any(f.pk == target.pk for f in found):
        raise InputError(f"cannot merge {target.name!r} into itself")
    moved = repository.merge_codes(record, [f.guid for f in found], into=target.guid)
    names = ", ".join(repr(f.name) for f in found)
    _done(
        as_json,
        record,
        repository,
        f"merged {names} into {target.name!r}; {moved} codings moved",
        moved=moved,
    )


@code_app.command("split")
def code_split(
    code: str = typer.Argument(..., help="The code to split (name, full path or guid)."),
    names: list[str] = typer.Argument(..., help="Names of the new codes to create under it."),
    study: str = STUDY,
    as_json: bool = JSON,
) -> None:
    """Split a code: new codes appear under it, and its codings stay on it until someone recodes them.

    Example: [bold]mindthegap qual code split 'Workload' 'Staffing' 'Paperwork' --study northmoor[/bold]
    """
    record, repository = _codebook(study)
    found = repository.find_code(record, code)
    made = repository.split_code(record, found.guid, names)
    _done(as_json, record, repository, f"split {found.name!r} into {', '.join(c.name for c in made)}")


@code_app.command("history")
def code_history(study: str = STUDY, as_json: bool = JSON) -> None:
    """Show every edit made to the codebook, oldest first.

    Example: [bold]mindthegap qual code history --study northmoor --json[/bold]
    """
    record, repository = _codebook(study)
    table = repository.code_history(record)
    if as_json:
        print_json(frame_records(table))
        return
    for row in table.itertuples(index=False):
        details = ", ".join(f"{k}={v}" for k, v in row.details.items())
        console.print(f"{row.at:%Y-%m-%d %H:%M} {row.action} {row.name!r} {details}")
