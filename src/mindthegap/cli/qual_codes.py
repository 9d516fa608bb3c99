"""``mindthegap qual code …``: edit a stored study's codebook (rename, move, merge, split) and read its history."""

from __future__ import annotations

import typer

from mindthegap.cli.console import console, frame_records, print_json
from mindthegap.errors import InputError
from mindthegap.store.database import open_study

code_app = typer.Typer(
    help=(
        "Edit a stored study's codebook: rename, move, merge and split codes. Every edit is kept in the code "
        "history and no coding is lost: a merge moves codings onto the code they were merged into.\n\n"
        "Example: [bold]mindthegap qual code merge 'Making sense' --into 'Sense-making' --study northmoor[/bold]"
    ),
    rich_markup_mode="rich",
    no_args_is_help=True,
)

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


def _show(table, as_json: bool, line) -> None:
    """The table as JSON records, or one printed line per row."""
    if as_json:
        print_json(frame_records(table))
        return
    for row in table.itertuples(index=False):
        console.print(line(row))


@code_app.command("list")
def code_list(study: str = STUDY, as_json: bool = JSON) -> None:
    """List the codebook with each code's number of codings.

    Example: [bold]mindthegap qual code list --study northmoor[/bold]
    """
    record, repository = _codebook(study)
    _show(repository.codebook_frame(record), as_json, lambda row: f"{row.path} ({row.codings} codings)")


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

    def line(row) -> str:
        details = ", ".join(f"{k}={v}" for k, v in row.details.items())
        return f"{row.at:%Y-%m-%d %H:%M} {row.action} {row.name!r} {details}"

    _show(repository.code_history(record), as_json, line)
