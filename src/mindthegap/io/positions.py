"""Text positions in exchange files: Unicode code points (the REFI-QDA standard) or UTF-16 code units (NVivo).

The two counts differ only after a character outside the Basic Multilingual Plane (an emoji, a rare CJK
ideograph), which is one code point but two UTF-16 code units; every later position then shifts by one per such
character. NVivo counts UTF-16 code units (it is a .NET program, and .NET strings are UTF-16), so a project whose
``origin`` names NVivo is read that way. For other projects the positions themselves decide: coders select whole
words, so the reading that puts more selection boundaries on word boundaries is the one the tool used. A reading
that puts a boundary outside its text, or between the two halves of a character, is impossible.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

CODEPOINTS = "codepoints"
UTF16 = "utf16"
POSITIONS: tuple[str, ...] = (CODEPOINTS, UTF16)
NVIVO = "nvivo"
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def is_wide(text: str) -> bool:
    """Whether any character needs two UTF-16 code units, i.e. whether the two counts differ at all."""
    return _ASTRAL.search(text) is not None


def utf16_offsets(text: str) -> np.ndarray:
    """The UTF-16 offset of every code-point offset 0…len(text)."""
    widths = np.fromiter((1 + (ord(c) > 0xFFFF) for c in text), dtype=np.int64, count=len(text))
    return np.concatenate([[0], np.cumsum(widths)])


def codepoint_offsets(text: str) -> np.ndarray:
    """The code-point offset of every UTF-16 offset 0…(UTF-16 length); −1 between the halves of a character."""
    wide = utf16_offsets(text)
    mapping = np.full(int(wide[-1]) + 1, -1, dtype=np.int64)
    mapping[wide] = np.arange(len(wide))
    return mapping


def to_utf16(text: str, offsets: Iterable[int]) -> list[int]:
    """Code-point offsets into ``text`` as UTF-16 offsets (for writing a project NVivo reads)."""
    wide = utf16_offsets(text) if is_wide(text) else None
    return [int(o) if wide is None else int(wide[o]) for o in offsets]


def _word(char: str) -> bool:
    return char.isalnum()


def on_word_boundary(text: str, offset: int) -> bool:
    """True at either end of the text and wherever a word character does not continue a word."""
    if offset <= 0 or offset >= len(text):
        return True
    return not (_word(text[offset - 1]) and _word(text[offset]))


@dataclass(frozen=True)
class Reading:
    """How well one reading of the positions fits the texts: boundaries on word boundaries, of all checked."""

    unit: str
    feasible: bool = True
    on_boundary: int = 0
    checked: int = 0


def _score(texts_and_offsets: Iterable[tuple[str, list[int]]], unit: str) -> Reading:
    feasible, on_boundary, checked = True, 0, 0
    for text, offsets in texts_and_offsets:
        mapping = codepoint_offsets(text) if unit == UTF16 else None
        for offset in offsets:
            if mapping is not None:
                offset = int(mapping[offset]) if 0 <= offset < len(mapping) else -1
            if offset < 0 or offset > len(text):
                feasible = False
                continue
            checked += 1
            on_boundary += on_word_boundary(text, offset)
    return Reading(unit, feasible, on_boundary, checked)


def choose_positions(texts_and_offsets: list[tuple[str, list[int]]], origin: str = "") -> tuple[str, str]:
    """Which unit a project's positions count, and why (one phrase for the import notes).

    ``texts_and_offsets`` lists each text source with every selection boundary in it, as written in the file.
    """
    if NVIVO in origin.casefold():
        return UTF16, "the project comes from NVivo, which counts UTF-16 code units"
    telling = [(text, offsets) for text, offsets in texts_and_offsets if offsets and is_wide(text)]
    if not telling:
        return CODEPOINTS, "no source has characters the two counts disagree on"
    points, units = _score(telling, CODEPOINTS), _score(telling, UTF16)
    if points.feasible != units.feasible:
        best = points if points.feasible else units
        return best.unit, "only that reading keeps every selection inside its text and whole characters"
    if units.feasible and units.on_boundary > points.on_boundary:
        return UTF16, (
            f"{units.on_boundary} of {units.checked} selection boundaries fall between words when read as UTF-16 "
            f"code units, {points.on_boundary} when read as characters"
        )
    return CODEPOINTS, "selection boundaries fall between words at least as often when read as characters"
