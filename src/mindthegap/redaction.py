"""Redaction of personal data in free text, before it is stored or exported.

Finds names from a participant roster, titled names ("Dr Patel", "Nurse Jane"), NHS numbers (10 digits passing the
modulus-11 check), UK phone numbers, email addresses, postcodes, dates of birth and street addresses, and replaces
each with a bracketed type tag such as ``[NAME]``. Every replacement is kept as a :class:`Span` with its original and
new offsets, so codes or quotes located in the redacted text can be mapped back, and counts by type can be reported.
Rules are deliberately conservative about ordinary words (a capitalised "Nurse" alone is not a name) but generous
about anything that looks like an identifier, since a missed NHS number costs more than a redacted date.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "TYPES",
    "Redaction",
    "Redactor",
    "Span",
    "nhs_number_valid",
    "redact",
]

TYPES = ("NAME", "NHS_NUMBER", "PHONE", "EMAIL", "POSTCODE", "DOB", "ADDRESS")


@dataclass(frozen=True)
class Span:
    """One redacted stretch: its type, where it was in the original text and where its tag is in the output."""

    kind: str
    start: int
    end: int
    new_start: int
    new_end: int


@dataclass
class Redaction:
    """The redacted text, the spans replaced and counts by type."""

    text: str
    spans: list[Span] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(s.kind for s in self.spans))

    def to_original(self, offset: int) -> int:
        """Map an offset in the redacted text back to the original text (tags map to the start of what they hid)."""
        shift = 0
        for s in self.spans:
            if offset < s.new_start:
                break
            if offset < s.new_end:
                return s.start
            shift = s.end - s.new_end
        return offset + shift


def nhs_number_valid(digits: str) -> bool:
    """True when a 10-digit string passes the NHS number modulus-11 check."""
    d = [int(c) for c in digits if c.isdigit()]
    if len(d) != 10:
        return False
    total = sum(w * x for w, x in zip(range(10, 1, -1), d[:9], strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == d[9]


_TITLES = r"Dr|Doctor|Mr|Mrs|Ms|Miss|Mx|Prof|Professor|Nurse|Sister|Matron|Nurse\s+Practitioner|Sr|Dr\.|Mr\.|Mrs\.|Ms\."
_NAME_WORD = r"[A-Z][a-z'’-]+(?:-[A-Z][a-z]+)?"
_TITLED = re.compile(rf"\b(?:{_TITLES})\.?\s+(?:{_NAME_WORD}|[A-Z]\.?)(?:\s+{_NAME_WORD})?")
_EMAIL = re.compile(r"\b[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b")
_NHS = re.compile(r"(?<![\d+])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0)(?:\d[\s-]?){8,9}\d(?!\d)"
    r"|(?<!\w)\(0\d{2,4}\)\s?\d{3,4}[\s-]?\d{3,4}(?!\d)"
)
_POSTCODE = re.compile(r"\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)\s?\d[A-Z]{2}\b", re.IGNORECASE)
_MONTHS = (
    r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
    r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?"
)
_DATE = rf"(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{4}})"
_DOB = re.compile(
    rf"\b(?:d\.?o\.?b\.?|date\s+of\s+birth|born(?:\s+on)?|birthday(?:\s+is)?)\s*[:\-]?\s*(?:is\s+)?({_DATE})",
    re.IGNORECASE,
)
_STREET = (
    r"Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Way|Crescent|Court|Place|Terrace|Grove|Gardens|Walk|"
    r"Square|Park|Row|Hill|Mews|View"
)
_ADDRESS = re.compile(rf"\b\d{{1,4}}[A-Za-z]?,?\s+(?:[A-Z][a-z]+\s+){{1,3}}(?:{_STREET})\b\.?")


class Redactor:
    """A reusable redactor; ``roster`` names (full names or single names) are always redacted as ``NAME``."""

    def __init__(self, roster: Iterable[str] = (), *, types: Sequence[str] = TYPES) -> None:
        unknown = set(types) - set(TYPES)
        if unknown:
            from mindthegap.errors import ConfigurationError

            raise ConfigurationError(
                f"unknown redaction type {sorted(unknown)[0]!r}", hint=f"use {', '.join(TYPES)}"
            )
        self.types = tuple(types)
        names = sorted({n.strip() for n in roster if n and n.strip()}, key=len, reverse=True)
        parts = {p for n in names for p in n.split() if len(p) > 2 and p[0].isupper()}
        words = sorted(set(names) | parts, key=len, reverse=True)
        self._roster = (
            re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)
            if words
            else None
        )

    def _candidates(self, text: str) -> list[tuple[int, int, str]]:
        found: list[tuple[int, int, str]] = []
        want = self.types
        if "EMAIL" in want:
            found += [(m.start(), m.end(), "EMAIL") for m in _EMAIL.finditer(text)]
        if "DOB" in want:
            found += [(m.start(1), m.end(1), "DOB") for m in _DOB.finditer(text)]
        if "NHS_NUMBER" in want:
            for m in _NHS.finditer(text):
                if nhs_number_valid("".join(m.groups())):
                    found.append((m.start(), m.end(), "NHS_NUMBER"))
        if "PHONE" in want:
            for m in _PHONE.finditer(text):
                digits = re.sub(r"\D", "", m.group())
                if digits.startswith("44"):
                    digits = "0" + digits[2:].lstrip("0")
                if 10 <= len(digits) <= 11 and digits.startswith("0"):
                    found.append((m.start(), m.end(), "PHONE"))
        if "ADDRESS" in want:
            found += [(m.start(), m.end(), "ADDRESS") for m in _ADDRESS.finditer(text)]
        if "POSTCODE" in want:
            for m in _POSTCODE.finditer(text):
                # lower-case look-alikes ("a1 2bc") are rare in prose; require an upper-case outward letter
                if m.group()[0].isupper():
                    found.append((m.start(), m.end(), "POSTCODE"))
        if "NAME" in want:
            for m in _TITLED.finditer(text):
                found.append((m.start(), m.end(), "NAME"))
            if self._roster is not None:
                found += [(m.start(), m.end(), "NAME") for m in self._roster.finditer(text)]
        return found

    def __call__(self, text: str) -> Redaction:
        """Redact one text."""
        if not text:
            return Redaction(text or "")
        # earliest first, then longest, then the more specific type (an NHS number beats a phone number)
        cands = sorted(self._candidates(text), key=lambda c: (c[0], -(c[1] - c[0]), TYPES.index(c[2])))
        out: list[str] = []
        spans: list[Span] = []
        pos = 0
        new_len = 0
        for start, end, kind in cands:
            if start < pos:  # overlaps a longer or earlier match already taken
                continue
            out.append(text[pos:start])
            new_len += start - pos
            tag = f"[{kind}]"
            spans.append(Span(kind, start, end, new_len, new_len + len(tag)))
            out.append(tag)
            new_len += len(tag)
            pos = end
        out.append(text[pos:])
        return Redaction("".join(out), spans)


def redact(text: str, roster: Iterable[str] = ()) -> Redaction:
    """Redact personal data from one text (see :class:`Redactor` to reuse across many)."""
    return Redactor(roster)(text)
