"""Split a source's text into speaker turns, paragraphs or sentences with stable code-point offsets.

Every segment records ``start``/``end`` into the original string, so ``text[start:end]`` is exactly the
segment (after trimming surrounding whitespace): codings made on segments can always be traced back.
"""

from __future__ import annotations

import re

from mindthegap.model.qualitative import Segment

# "Name:" or "NAME (role):" at the start of a line opens a speaker turn in typed transcripts
_SPEAKER = re.compile(r"^[ \t]*(?P<speaker>[A-Z][\w .'’()-]{0,40}?)[ \t]*:[ \t]+", re.MULTILINE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n+|\r\n[ \t]*\r\n(?:\r\n)*")
# a sentence ends at . ! ? (or …) plus closing quotes/brackets, followed by space and a capital, digit or quote
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {"dr", "mr", "mrs", "ms", "prof", "e.g", "i.e", "etc", "vs", "st", "no", "approx", "cf"}


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _segment(
    source: str, text: str, start: int, end: int, kind: str, speaker: str | None = None
) -> Segment | None:
    start, end = _trimmed(text, start, end)
    if start >= end:
        return None
    return Segment(source=source, start=start, end=end, text=text[start:end], kind=kind, speaker=speaker)


def paragraphs(text: str, source: str = "") -> list[Segment]:
    """Paragraphs separated by blank lines (single line breaks stay inside a paragraph)."""
    out, start = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        if seg := _segment(source, text, start, match.start(), "paragraph"):
            out.append(seg)
        start = match.end()
    if seg := _segment(source, text, start, len(text), "paragraph"):
        out.append(seg)
    return out


def sentences(text: str, source: str = "") -> list[Segment]:
    """Sentences, not splitting after common abbreviations (Dr., e.g.) or inside paragraphs' line wraps."""
    out: list[Segment] = []
    for para in paragraphs(text, source):
        start = para.start
        for match in _SENTENCE_END.finditer(text, para.start, para.end):
            before = text[start : match.start()].rstrip("\"'”’)]")
            word = re.split(r"\s", before)[-1].rstrip(".").lower() if before else ""
            if word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha()):
                continue  # "Dr. Shah" or an initial: not a sentence end
            if seg := _segment(source, text, start, match.start(), "sentence"):
                out.append(seg)
            start = match.end()
        if seg := _segment(source, text, start, para.end, "sentence"):
            out.append(seg)
    return out


def speaker_turns(text: str, source: str = "") -> list[Segment]:
    """Turns opened by "Name:" at the start of a line; text before the first label is an unattributed turn.

    A turn's offsets cover what was said, not the label, so coding a turn never codes the speaker's name.
    """
    matches = list(_SPEAKER.finditer(text))
    out: list[Segment] = []
    if not matches:
        seg = _segment(source, text, 0, len(text), "speaker_turn")
        return [seg] if seg else []
    if seg := _segment(source, text, 0, matches[0].start(), "speaker_turn"):
        out.append(seg)
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        end = following.start() if following else len(text)
        if seg := _segment(source, text, match.end(), end, "speaker_turn", match.group("speaker").strip()):
            out.append(seg)
    return out


SEGMENTERS = {"speaker_turn": speaker_turns, "paragraph": paragraphs, "sentence": sentences}


def segment(text: str, by: str = "paragraph", source: str = "") -> list[Segment]:
    """Segment by ``speaker_turn``, ``paragraph`` or ``sentence``."""
    try:
        return SEGMENTERS[by](text, source)
    except KeyError:
        raise ValueError(f"unknown segmentation {by!r}; choose one of {', '.join(SEGMENTERS)}") from None
