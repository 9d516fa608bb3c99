"""A source's text as the workspace shows it: one block per line, with its speaker and timestamp picked out.

Each line keeps its code-point offset into the stored text, and its displayed text is exactly the stored
characters, so a selection inside the page maps back onto the store without loss. Lines are also the units
of analysis for agreement in double coding (in a transcript, a line is a speaker turn).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

# "[00:01:23] " or "(01:23) " then "Name:" or "NAME (role):" at the start of a line
_TIME = re.compile(r"^[ \t]*[\[(]?\d{1,2}:\d{2}(?::\d{2})?[\])]?[ \t]+")
_SPEAKER = re.compile(r"^[A-Z][\w .'’()-]{0,40}?:(?=[ \t])")


@dataclass(frozen=True)
class Line:
    start: int
    end: int
    time: str
    speaker: str
    rest: str

    @property
    def text(self) -> str:
        return self.time + self.speaker + self.rest


def lines(text: str | None) -> list[Line]:
    """Non-blank lines of ``text`` with offsets in code points (``text[start:end]`` is the line)."""
    out: list[Line] = []
    offset = 0
    for raw in (text or "").split("\n"):
        start, end = offset, offset + len(raw)
        offset = end + 1
        body = raw[:-1] if raw.endswith("\r") else raw
        if not body.strip():
            continue
        time = m.group(0) if (m := _TIME.match(body)) else ""
        rest = body[len(time) :]
        speaker = m.group(0) if (m := _SPEAKER.match(rest)) else ""
        out.append(Line(start, start + len(body), time, speaker, rest[len(speaker) :]))
    return out


def units(source: str, text: str | None) -> pd.DataFrame:
    """The lines as units of analysis (``source``, ``start``, ``end``) for intercoder agreement."""
    rows = [(source, line.start, line.end) for line in lines(text)]
    return pd.DataFrame(rows, columns=["source", "start", "end"])
