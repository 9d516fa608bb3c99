"""Inserting a backup's rows with new ids, model by model, keeping every link between them."""

from __future__ import annotations

import contextlib
import hashlib
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.core import serializers

from mindthegap.errors import InputError
from mindthegap.store.backup import rows as r

BATCH = 2000


def _verified_lines(zf: zipfile.ZipFile, entry: dict, path: Path) -> list[bytes]:
    try:
        data = zf.read(entry["file"])
    except KeyError:
        raise InputError(f"is missing {entry['file']}", path=path, hint="the backup is incomplete") from None
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise InputError(
            f"{entry['file']} does not match its checksum: the backup is damaged or was changed",
            path=path,
            hint="restore from another copy; nothing was written",
        )
    lines = data.splitlines(keepends=True)
    if len(lines) != entry["rows"]:
        raise InputError(
            f"{entry['file']} holds {len(lines)} rows, the manifest says {entry['rows']}", path=path
        )
    return lines


def insert_rows(zf: zipfile.ZipFile, manifest: dict, by_label: dict, path: Path) -> dict[str, int]:
    """Insert every model's rows in dependency order; old ids are mapped to new ones as rows go in."""
    entries = {e["model"]: e for e in manifest["models"]}
    chosen = [by_label[label] for label in entries]
    lines = {label: _verified_lines(zf, entry, path) for label, entry in entries.items()}  # check all first
    included = set(chosen)
    new_ids: dict[type, dict] = {}
    counts: dict[str, int] = {}
    for model in r.insertion_order(chosen):
        label = r.label(model)
        objects = [json.loads(line) for line in lines[label]]
        new_ids[model] = _insert(model, objects, included, new_ids)
        counts[label] = len(objects)
    return counts


@contextlib.contextmanager
def _keeping_timestamps(model) -> Iterator[None]:
    """Insert the backed-up creation times rather than now. Changes the model's fields for the moment of the
    insert: restores run from the command line, never inside the web server's threads."""
    fields = [f for f in model._meta.concrete_fields if getattr(f, "auto_now_add", False)]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def _insert(model, objects: list[dict], included: set, new_ids: dict) -> dict:
    links = r.study_foreign_keys(model, included)
    own = r.self_references(model)
    outside = [f for f in r.foreign_keys(model) if f.related_model not in included and f.null]
    made, later, olds = [], [], []
    for found in serializers.deserialize("python", objects, ignorenonexistent=True):
        obj = found.object
        olds.append(obj.pk)
        for field in links:
            value = getattr(obj, field.attname)
            if value is not None:
                setattr(obj, field.attname, new_ids[field.related_model][value])
        later.append({f.attname: getattr(obj, f.attname) for f in own})
        for field in [*own, *outside]:  # ids of rows not restored with the study (e.g. accounts) are dropped
            setattr(obj, field.attname, None)
        obj.pk = None
        made.append(obj)
    with _keeping_timestamps(model):
        created = model._base_manager.bulk_create(made, batch_size=BATCH)
    mapping = {old: obj.pk for old, obj in zip(olds, created, strict=True)}
    for obj, refs in zip(created, later, strict=True):
        changed = {attname: mapping.get(old) for attname, old in refs.items() if old is not None}
        if changed:
            model._base_manager.filter(pk=obj.pk).update(**changed)
    return mapping
