"""Read qualitative sources: plain text, Word, PDF text layers, WebVTT/SRT transcripts and survey free text.

Every reader returns :class:`~mindthegap.model.qualitative.Source` objects whose ``text`` is what offsets index.
Transcripts become one "Speaker: words" line per cue, so :func:`mindthegap.text.segmentation.speaker_turns`
recovers the speakers; :func:`transcript_turns` also gives each turn's timestamps.

A file with no words in it is refused rather than stored as an empty source, and so is a transcript with a cue
timing the caption library would silently skip (a mistyped timestamp, a cue that ends before it starts): each
with the file and line to correct. Word files and PDFs are checked against the size limits of
:mod:`mindthegap.io.archives` before they are unpacked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from mindthegap.errors import InputError
from mindthegap.io.archives import MB, TOTAL_VARIABLE, ArchiveLimits, check_archive
from mindthegap.model.qualitative import Segment, Source

SUFFIXES = (".txt", ".md", ".docx", ".pdf", ".vtt", ".srt")
# hh:mm:ss.ttt (WebVTT; hours optional) or hh:mm:ss,ttt (SRT), a little lenient on digits as players are
_TIME = r"(?:\d+:)?\d{1,2}:\d{2}[.,]\d{1,3}"
_TIMING = re.compile(rf"^\s*(?P<start>{_TIME})\s*-->\s*(?P<end>{_TIME})(?:\s|$)")
# what a cue timing with a typo looks like: a time first and an arrow of some kind, or any "-->"
_TIMING_LIKE = re.compile(r"^\s*\d+:\d+\S*\s*(?:-+>|=+>|→)|-->")


def _read_txt(path: Path) -> str:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")  # older Windows exports
    return text.replace("\r\n", "\n")


def _read_docx(path: Path) -> str:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    check_archive(path, what="Word document")  # before python-docx unpacks anything into memory
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(
            "is not a readable Word document", path=path, hint="open it in Word and save it again as .docx"
        ) from exc
    except Exception as exc:  # zipfile and lxml errors from a damaged package
        raise InputError("is not a readable Word document (the file is damaged)", path=path) from exc
    return "\n\n".join(p.text for p in document.paragraphs if p.text.strip())


def _read_pdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    limits = ArchiveLimits.from_environment()
    if (size := path.stat().st_size) > limits.max_total:
        raise InputError(
            f"is {size / MB:,.0f} MB, over the {limits.max_total / MB:,.0f} MB allowed for a PDF",
            path=path,
            hint=f"if the file is genuine, raise {TOTAL_VARIABLE} (megabytes)",
        )
    pages, length = [], 0
    try:
        for page in PdfReader(str(path)).pages:
            pages.append(page.extract_text() or "")
            length += len(pages[-1])
            if length > limits.max_member:  # a few pages of compressed text can unpack to gigabytes
                raise InputError(
                    f"its text runs to more than {limits.max_member / MB:,.0f} MB",
                    path=path,
                    hint="if the file is genuine, raise MINDTHEGAP_MAX_MEMBER_MB (megabytes)",
                )
    except (PdfReadError, ValueError, OSError, KeyError) as exc:
        raise InputError("is not a readable PDF", path=path, hint="save it again as PDF") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise InputError(
            "has no text layer (is it a scan?)",
            path=path,
            hint="run it through OCR first, or import a .docx/.txt",
        )
    return text


def _check_timings(path: Path) -> None:
    """Refuse cue timings the caption library would skip or accept wrongly, naming the line."""
    try:
        lines = path.read_bytes().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError as exc:
        raise InputError(f"is not a readable {path.suffix} transcript (not UTF-8 text)", path=path) from exc
    for number, line in enumerate(lines, start=1):
        if not _TIMING_LIKE.search(line):
            continue
        match = _TIMING.match(line)
        if match is None:
            form = (
                "hh:mm:ss,ttt --> hh:mm:ss,ttt"
                if path.suffix.lower() == ".srt"
                else "hh:mm:ss.ttt --> hh:mm:ss.ttt"
            )
            raise InputError(
                f"line {number}: cue timing {line.strip()!r} is not '{form}'",
                path=path,
                hint="correct the timestamp, or export the transcript again",
            )
        if _seconds(match["end"]) < _seconds(match["start"]):
            raise InputError(
                f"line {number}: the cue ends ({match['end']}) before it starts ({match['start']})",
                path=path,
                hint="correct the timestamps, or export the transcript again",
            )


def _captions(path: Path):
    import webvtt
    from webvtt.errors import MalformedFileError

    _check_timings(path)
    try:
        return webvtt.from_srt(str(path)) if path.suffix.lower() == ".srt" else webvtt.read(str(path))
    except (MalformedFileError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"is not a readable {path.suffix} transcript ({exc})", path=path) from exc


def _seconds(stamp: str) -> float:
    # webvtt-py rounds its *_in_seconds to whole seconds; parse "hh:mm:ss.mmm" to keep the milliseconds
    parts = stamp.replace(",", ".").split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


def transcript_turns(path: str | Path, source: str = "") -> tuple[str, list[Segment]]:
    """A transcript's text and one turn per cue, with speaker (from ``<v Name>`` or "Name:") and timestamps.

    Consecutive cues by the same speaker are joined, as Teams and Zoom split long turns into many cues.
    """
    path = Path(path)
    lines: list[tuple[str | None, str, float, float]] = []
    for caption in _captions(path):
        words = " ".join(caption.text.split())
        speaker = getattr(caption, "voice", None)
        if not speaker and ":" in words[:42]:
            head, rest = words.split(":", 1)
            if head and head[0].isupper():
                speaker, words = head.strip(), rest.strip()
        if not words:
            continue
        if lines and lines[-1][0] == speaker:
            prev = lines[-1]
            lines[-1] = (speaker, f"{prev[1]} {words}", prev[2], _seconds(caption.end))
        else:
            lines.append((speaker, words, _seconds(caption.start), _seconds(caption.end)))
    text, turns = "", []
    for speaker, words, begins, ends in lines:
        prefix = f"{speaker}: " if speaker else ""
        start = len(text) + len(prefix)
        text += prefix + words + "\n"
        turns.append(Segment(source, start, start + len(words), words, "speaker_turn", speaker, begins, ends))
    return text, turns


def read_source(path: str | Path, metadata: dict[str, str] | None = None, name: str | None = None) -> Source:
    """Read one file into a Source; ``metadata`` carries participant, level, role, service and wave."""
    path = Path(path)
    if not path.is_file():
        raise InputError("file not found", path=path)
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md"):
        text = _read_txt(path)
    elif suffix == ".docx":
        text = _read_docx(path)
    elif suffix == ".pdf":
        text = _read_pdf(path)
    elif suffix in (".vtt", ".srt"):
        text, _ = transcript_turns(path)
        if not text.strip():
            raise InputError(
                "has no captions with words in them",
                path=path,
                hint="is it complete? export the transcript again",
            )
    else:
        raise InputError(
            f"cannot read {suffix or 'files without a suffix'}", path=path, hint=f"use {', '.join(SUFFIXES)}"
        )
    if not text.strip():
        raise InputError(
            "has no text in it", path=path, hint="check it is the file you meant, or leave it out"
        )
    return Source(
        name=name or path.name, text=text, kind="text", path=str(path), metadata=dict(metadata or {})
    )


def read_sources(paths: list[str | Path], metadata: dict[str, dict[str, str]] | None = None) -> list[Source]:
    """Read several files, all or nothing: the first unreadable file stops the import before anything is kept."""
    metadata = metadata or {}
    return [read_source(p, metadata.get(Path(p).name) or metadata.get(Path(p).stem)) for p in paths]


def survey_sources(
    frame: pd.DataFrame,
    text_column: str,
    id_column: str | None = None,
    metadata_columns: list[str] | None = None,
    source_name: str = "survey",
) -> list[Source]:
    """One Source per non-blank free-text answer, carrying the respondent's metadata columns."""
    wanted = [text_column, *([id_column] if id_column else []), *(metadata_columns or [])]
    if missing := [c for c in wanted if c not in frame.columns]:
        raise InputError(f"no column named {missing[0]!r}", path=source_name, column=missing[0])
    out = []
    for position, row in enumerate(frame.itertuples(index=False), start=2):
        values = dict(zip(frame.columns, row, strict=True))
        text = values[text_column]
        if text is None or (isinstance(text, float) and pd.isna(text)) or not str(text).strip():
            continue
        ident = str(values[id_column]) if id_column else str(position)
        meta = {c: "" if pd.isna(values[c]) else str(values[c]) for c in metadata_columns or []}
        meta["participant"] = meta.get("participant", ident)
        out.append(Source(name=f"{source_name} {ident}", text=str(text), kind="text", metadata=meta))
    return out
