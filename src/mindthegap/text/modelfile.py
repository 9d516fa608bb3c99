"""Model files that cannot run code: a zip holding one JSON manifest and NumPy arrays, and nothing else.

Pickle (and joblib, which is pickle) rebuilds arbitrary objects, so opening a crafted model file runs whatever
its author chose. A mindthegap model file is instead a zip archive with exactly these members:

- ``manifest.json`` — a JSON document: format name and version, parameters, vocabulary, labels, thresholds, and
  the name, dtype and shape of every array;
- ``<name>.npy`` — one per array the manifest lists, in NumPy's ``.npy`` format, read with ``allow_pickle=False``.

Reading checks everything before any estimator is rebuilt: the zip's member list exactly (no extra or missing
member), each member's declared size against a limit (before decompressing), the JSON (no duplicate keys, no NaN),
and each array's header — dtype from a short list of plain numeric types, shape as declared — before its data.
The caller then checks the manifest's own schema (:func:`check_object`) and rebuilds the estimator from plain
values. An old joblib/pickle model, or anything else, is refused with a one-line error asking for a retrain.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from mindthegap.errors import InputError, env_int
from mindthegap.files import atomic_write_bytes

__all__ = ["ModelFileError", "check_object", "model_file_bytes", "read_model_file", "write_model_file"]

MANIFEST = "manifest.json"
#: plain numeric dtypes an array may have; object, string, void and structured dtypes are refused
ALLOWED_DTYPES = frozenset({"<f4", "<f8", "<i4", "<i8", "|i1", "|u1"})
#: the largest member (uncompressed) and the largest manifest a model file may hold
MAX_MEMBER_BYTES = env_int("MINDTHEGAP_MAX_MODEL_MEMBER_BYTES", 1 << 30, unit="bytes")
MAX_MANIFEST_BYTES = 256 << 20
_RETRAIN = "retrain the model with `mindthegap autocode train`"


class ModelFileError(InputError):
    """A model file that is not one mindthegap wrote, or not in the form this version reads."""


def _refuse(path: Path | None, why: str) -> ModelFileError:
    return ModelFileError(f"not a usable mindthegap model file: {why}", path=path, hint=_RETRAIN)


def write_model_file(path: str | Path, manifest: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> Path:
    """Write ``manifest`` (JSON-serialisable) and ``arrays`` to ``path`` atomically; returns the path."""
    path = Path(path)
    atomic_write_bytes(path, model_file_bytes(manifest, arrays))
    return path


def model_file_bytes(manifest: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> bytes:
    """The bytes of a model file holding ``manifest`` and ``arrays``.

    The manifest gains an ``arrays`` entry listing each array's dtype and shape, which reading enforces.
    """
    data = dict(manifest)
    data["arrays"] = {}
    for name, arr in arrays.items():
        arr = np.ascontiguousarray(arr)
        if arr.dtype.str not in ALLOWED_DTYPES:
            raise TypeError(f"array {name!r} has dtype {arr.dtype}, which a model file cannot hold")
        data["arrays"][name] = {"dtype": arr.dtype.str, "shape": list(arr.shape)}
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(MANIFEST, json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8"))
        for name, arr in arrays.items():
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(arr), allow_pickle=False)
            zf.writestr(f"{name}.npy", member.getvalue())
    return buf.getvalue()


def _what_it_is(head: bytes) -> str:
    zlib = len(head) >= 2 and head[0] == 0x78 and (head[0] * 256 + head[1]) % 31 == 0
    if head[:1] == b"\x80" or zlib or head[:2] == b"\x1f\x8b" or head[:3] in (b"BZh", b"\xfd7z"):
        return (
            "it is a pickle/joblib file (an old mindthegap model, or someone else's), which is never opened "
            "because loading one can run code"
        )
    return "it is not a zip archive of a JSON manifest and arrays"


def read_model_file(source: str | Path | bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The manifest and arrays of a model file (a path or the file's bytes), after the checks above."""
    path = None if isinstance(source, bytes) else Path(source)
    if path is not None and not path.is_file():
        raise ModelFileError(
            "model file not found", path=path, hint="train one with `mindthegap autocode train`"
        )
    try:
        raw = source if isinstance(source, bytes) else path.read_bytes()
    except OSError as exc:
        raise ModelFileError(f"cannot be read ({exc.strerror})", path=path) from None
    if raw[:4] != b"PK\x03\x04":
        raise _refuse(path, _what_it_is(raw[:4]))
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            return _read_members(zf, path)
    except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, NotImplementedError) as exc:
        raise _refuse(path, f"the archive is damaged ({type(exc).__name__})") from None


def _member_bytes(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, path: Path | None) -> bytes:
    if info.file_size > limit or info.flag_bits & 0x1:  # too big, or encrypted
        raise _refuse(path, f"member {info.filename!r} is larger than a model needs or encrypted")
    with zf.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise _refuse(path, f"member {info.filename!r} is not the size the archive declares")
    return data


def _load_json(data: bytes, path: Path | None) -> dict[str, Any]:
    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs):
            raise ValueError("a key appears twice")
        return out

    def no_constants(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")

    try:
        manifest = json.loads(
            data.decode("utf-8"), object_pairs_hook=no_duplicates, parse_constant=no_constants
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise _refuse(path, f"the manifest is not valid JSON ({exc})") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("arrays"), dict):
        raise _refuse(path, "the manifest does not list its arrays")
    return manifest


def _read_members(zf: zipfile.ZipFile, path: Path | None) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    infos = zf.infolist()
    names = [i.filename for i in infos]
    if len(set(names)) != len(names) or MANIFEST not in names:
        raise _refuse(path, "the archive has no manifest, or a member twice")
    manifest = _load_json(_member_bytes(zf, zf.getinfo(MANIFEST), MAX_MANIFEST_BYTES, path), path)
    declared = manifest["arrays"]
    expected = {MANIFEST, *(f"{name}.npy" for name in declared)}
    if set(names) != expected:
        extra = sorted(set(names) - expected) or sorted(expected - set(names))
        raise _refuse(path, f"unexpected or missing member {extra[0]!r}")
    arrays = {}
    for name, spec in declared.items():
        dtype, shape = _array_spec(name, spec, path)
        data = _member_bytes(zf, zf.getinfo(f"{name}.npy"), MAX_MEMBER_BYTES, path)
        arrays[name] = _read_array(name, data, dtype, shape, path)
    return manifest, arrays


def _array_spec(name: str, spec: Any, path: Path | None) -> tuple[str, tuple[int, ...]]:
    ok = (
        isinstance(spec, dict)
        and set(spec) == {"dtype", "shape"}
        and spec["dtype"] in ALLOWED_DTYPES
        and isinstance(spec["shape"], list)
        and all(type(d) is int and d >= 0 for d in spec["shape"])
    )
    if not ok:
        raise _refuse(path, f"array {name!r} is declared with a type a model file cannot hold")
    return spec["dtype"], tuple(spec["shape"])


def _read_array(name: str, data: bytes, dtype: str, shape: tuple[int, ...], path: Path | None) -> np.ndarray:
    fh = io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            got_shape, fortran, got_dtype = np.lib.format.read_array_header_1_0(fh)
        elif version == (2, 0):
            got_shape, fortran, got_dtype = np.lib.format.read_array_header_2_0(fh)
        else:
            raise ValueError(f"unsupported .npy version {version}")
        if got_dtype.str != dtype or tuple(got_shape) != shape or fortran:
            raise ValueError(f"holds {got_dtype} {tuple(got_shape)}, not the declared {dtype} {shape}")
        fh.seek(0)
        arr = np.lib.format.read_array(fh, allow_pickle=False)
    except ValueError as exc:
        raise _refuse(path, f"array {name!r} {exc}") from None
    if fh.read(1):
        raise _refuse(path, f"array {name!r} has bytes after its data")
    return arr


def check_object(value: Any, schema: Mapping[str, Any], where: str, path: Path | None = None) -> None:
    """Check ``value`` is a dict with exactly ``schema``'s keys, each of the type ``schema`` names.

    A schema value is a type or tuple of types (``int`` excludes ``bool``; ``float`` accepts ``int``), a nested
    schema dict, or a one-element list ``[type]`` for a list of that type (``([type], None)``: such a list or
    None).
    """
    if not isinstance(value, dict):
        raise _refuse(path, f"{where} is not an object")
    if set(value) != set(schema):
        odd = sorted(set(value) ^ set(schema))[0]
        raise _refuse(path, f"{where} has an unexpected or missing entry {odd!r}")
    for key, kind in schema.items():
        _check_value(value[key], kind, f"{where}.{key}", path)


def _check_value(value: Any, kind: Any, where: str, path: Path | None) -> None:
    if isinstance(kind, dict):
        check_object(value, kind, where, path)
    elif isinstance(kind, tuple) and value is None and None in kind:
        return
    elif isinstance(kind, tuple) and any(isinstance(k, list) for k in kind):
        _check_value(value, next(k for k in kind if isinstance(k, list)), where, path)
    elif isinstance(kind, list):
        if not isinstance(value, list):
            raise _refuse(path, f"{where} is not a list")
        for i, item in enumerate(value):
            _check_value(item, kind[0], f"{where}[{i}]", path)
    elif not _is_a(value, kind if isinstance(kind, tuple) else (kind,)):
        raise _refuse(path, f"{where} has the wrong type")


def _is_a(value: Any, kinds: tuple) -> bool:
    for kind in kinds:
        if kind is None and value is None:
            return True
        if kind is bool and type(value) is bool:
            return True
        if kind is int and type(value) is int:
            return True
        if kind is float and type(value) in (int, float):
            return True
        if kind in (str, dict) and type(value) is kind:
            return True
    return False
