"""``mindthegap backup`` and ``mindthegap restore``: one study to a checksummed file and back."""

from __future__ import annotations

from pathlib import Path

import typer

from mindthegap.cli.console import console, print_json


def backup(
    study: str = typer.Option(..., "--study", help="Study id."),
    out: Path = typer.Option(..., "--out", "-o", help="The backup file to write (.zip)."),
    as_json: bool = typer.Option(False, "--json", help="Print the manifest as JSON."),
) -> None:
    """Write one study's rows (structure, participants, every kind of evidence) to a checksummed zip.

    The zip is versioned. Accounts, access rights and the audit log are not in it: back up the whole database for those.

    Example: [bold]mindthegap backup --study northmoor --out northmoor-2026-05-03.zip[/bold]
    """
    from mindthegap.store.database import open_study

    record = open_study(study)
    from mindthegap.store.backup.archive import backup_study

    manifest = backup_study(record, out)
    if as_json:
        print_json(manifest)
        return
    rows = sum(m["rows"] for m in manifest["models"])
    console.print(f"Backed up {study}: {rows:,} rows to {out}", markup=False)


def restore(
    file: Path = typer.Argument(..., help="A backup written by 'mindthegap backup'."),
    replace: bool = typer.Option(False, "--replace", help="Overwrite a stored study with the same id."),
    as_json: bool = typer.Option(False, "--json", help="Print what was restored as JSON."),
) -> None:
    """Restore a study from its backup, all or nothing.

    A backup from a newer mindthegap, or one whose checksums do not match, is refused before anything is written.

    Example: [bold]mindthegap restore northmoor-2026-05-03.zip[/bold]
    """
    from mindthegap.store.database import open_store

    open_store()
    from mindthegap.store.backup.archive import restore_study

    result = restore_study(file, replace=replace)
    if as_json:
        print_json(result)
        return
    console.print(f"Restored {result['study']}: {sum(result['rows'].values()):,} rows", markup=False)
