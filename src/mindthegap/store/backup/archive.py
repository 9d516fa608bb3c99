"""A study's backup: one zip holding a manifest and, per model, the study's rows as JSON lines.

``manifest.json`` names the archive format and its version, the mindthegap version and database schema
(latest migration per app) that wrote it, and for each model its file, row count and SHA-256. Restoring
checks all of that before it writes anything, refuses an archive from a newer format or schema and any file
whose checksum differs, then inserts every row in one transaction with new ids (so a study can be restored
beside others, or into another database), keeping the links between rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

from mindthegap import __version__
from mindthegap.errors import InputError, StoreError
from mindthegap.files import atomic_path, ensure_writable_dir
from mindthegap.store.audit import log as audit
from mindthegap.store.backup import rows as r
from mindthegap.store.studies.models import StudyRecord

FORMAT = "mindthegap-study-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 2000


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds (it cuts them to milliseconds, as JavaScript)."""

    def default(self, o):
        if isinstance(o, dt.datetime | dt.time):
            return o.isoformat()
        return super().default(o)


def backup_study(record: StudyRecord, out: Path) -> dict:
    """Write ``record``'s rows to the zip ``out`` (atomically); returns the manifest."""
    out = Path(out)
    ensure_writable_dir(out.parent if str(out.parent) else Path("."))
    models_ = r.insertion_order(list(r.study_lookups()))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "mindthegap": __version__,
        "study": record.slug,
        "schema": _schema(),
        "models": [],
    }
    with atomic_path(out) as tmp, transaction.atomic(), zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for model in models_:
            name = f"data/{r.label(model)}.jsonl"
            digest, count = hashlib.sha256(), 0
            with zf.open(name, "w", force_zip64=True) as fh:
                for obj in serializers.serialize("python", r.rows_of(model, record).iterator(CHUNK)):
                    line = (json.dumps(obj, cls=_Encoder, ensure_ascii=False) + "\n").encode()
                    fh.write(line)
                    digest.update(line)
                    count += 1
            manifest["models"].append(
                {"model": r.label(model), "file": name, "rows": count, "sha256": digest.hexdigest()}
            )
        zf.writestr(MANIFEST, json.dumps(manifest, indent=2))
    audit.record(audit.Action.BACKED_UP, study=record, rows=sum(m["rows"] for m in manifest["models"]))
    return manifest


def _schema() -> dict[str, str]:
    from django.db import connection
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in sorted(MigrationRecorder(connection).applied_migrations()):
        latest[app] = max(latest.get(app, ""), name)
    return {app: name for app, name in latest.items() if app in _our_labels()}


def _our_labels() -> set[str]:
    from django.apps import apps

    return {cfg.label for cfg in apps.get_app_configs() if cfg.name.startswith("mindthegap.")}


def read_manifest(path: Path) -> dict:
    """The archive's manifest, after checking the archive is one of ours and not from a newer version."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", path=path, hint="name a backup made by 'mindthegap backup'")
    try:
        with zipfile.ZipFile(path) as zf:
            manifest = json.loads(zf.read(MANIFEST))
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise InputError("is not a mindthegap study backup", path=path) from None
    if manifest.get("format") != FORMAT:
        raise InputError("is not a mindthegap study backup", path=path)
    version = manifest.get("format_version")
    if not isinstance(version, int) or version > FORMAT_VERSION:
        raise InputError(
            f"was written in backup format {version}, newer than this mindthegap reads ({FORMAT_VERSION})",
            path=path,
            hint="upgrade mindthegap before restoring it",
        )
    _check_schema(manifest, path)
    return manifest


def _check_schema(manifest: dict, path: Path) -> None:
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    known = MigrationLoader(connection, ignore_no_migrations=True).disk_migrations
    for app, name in manifest.get("schema", {}).items():
        if (app, name) not in known:
            raise InputError(
                f"was written by a newer mindthegap (its database had migration {app}.{name})",
                path=path,
                hint="upgrade mindthegap before restoring it",
            )


def restore_study(path: Path, *, replace: bool = False) -> dict:
    """Restore a backup in one transaction; returns the study id and rows restored per model."""
    from mindthegap.store.backup.restore import insert_rows

    path = Path(path)
    manifest = read_manifest(path)
    slug = manifest["study"]
    by_label = {r.label(m): m for m in r.study_lookups()}
    unknown = [m["model"] for m in manifest["models"] if m["model"] not in by_label]
    if unknown:
        raise InputError(f"holds rows of {unknown[0]}, which this mindthegap does not know", path=path)
    with zipfile.ZipFile(path) as zf, transaction.atomic():
        if StudyRecord.objects.filter(slug=slug).exists():
            if not replace:
                raise StoreError(
                    f"a study with id {slug!r} already exists",
                    hint="delete it first, or restore with --replace to overwrite it",
                )
            from mindthegap.store.studies.repository import delete_study

            delete_study(slug)
        counts = insert_rows(zf, manifest, by_label, path)
        audit.record(
            audit.Action.RESTORED, study=slug, rows=sum(counts.values()), written_by=manifest["mindthegap"]
        )
    return {"study": slug, "rows": counts}
