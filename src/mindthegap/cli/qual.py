"""``mindthegap qual import|codebook|export`` and ``mindthegap agreement``: qualitative evidence on the command line."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, print_json
from mindthegap.cli.qual_export import _summary
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
    given = {"participant": participant, "level": level, "role": role, "service": service, "wave": wave}
    metadata = _source_metadata(given, kind)
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
    _print_import(summary, study, as_json)


def _source_metadata(given: dict, kind: str) -> dict:
    """The source attributes given on the command line (the level and kind checked), without the blank ones."""
    from mindthegap.model import Level

    level = given.get("level")
    if level and level not in {lv.value for lv in Level}:
        raise InputError(
            f"unknown level {level!r}", hint=f"choose one of {', '.join(lv.value for lv in Level)}"
        )
    if kind not in SOURCE_KINDS:
        raise InputError(f"unknown source kind {kind!r}", hint=f"choose one of {', '.join(SOURCE_KINDS)}")
    return {k: v for k, v in given.items() if v}


def _print_import(summary: dict, study: str | None, as_json: bool) -> None:
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


def _register() -> None:
    """The sub-commands kept in their own modules (each under 250 lines)."""
    from mindthegap.cli.qual_agreement import coders
    from mindthegap.cli.qual_codes import code_app
    from mindthegap.cli.qual_export import export

    app.command("export")(export)
    app.command("coders")(coders)
    app.add_typer(code_app, name="code")


_register()
