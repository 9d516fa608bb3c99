"""How long identifiers, names and free text may be, checked on import before the database sees them.

The widths match the database columns: PostgreSQL refuses a longer value with an error from deep inside the
driver, while SQLite stores it silently, so the same file must be refused the same way on both. Free text
has no column width; its limit keeps a runaway cell (a whole document pasted into one answer) out of the
study and is configurable with ``MINDTHEGAP_MAX_TEXT_CHARS``.
"""

from __future__ import annotations

from mindthegap.errors import env_int

#: study, policy, principle, service, team, discipline and wave ids, and participant pseudonyms
ID_MAX = 64
#: names of a study, principle, service, team, discipline or wave
NAME_MAX = 200
#: a policy's title and source
TITLE_MAX = 300
#: an answer or attribute value in an imported table ("Strongly agree", a service's name)
LABEL_MAX = 200
#: a column header (survey tools may use a question's whole wording)
HEADER_MAX = 1000
#: free text (a survey's comment box, a description) unless MINDTHEGAP_MAX_TEXT_CHARS says otherwise
DEFAULT_TEXT_MAX = 100_000
#: a study definition file: a few kilobytes in practice; a larger one is almost surely the wrong file
STUDY_FILE_MAX_BYTES = 5_000_000


def text_max() -> int:
    """The longest free text accepted: ``MINDTHEGAP_MAX_TEXT_CHARS`` if set, else 100,000 characters."""
    return env_int("MINDTHEGAP_MAX_TEXT_CHARS", DEFAULT_TEXT_MAX)


def too_long(value: str, limit: int) -> str | None:
    """A short phrase saying how far ``value`` is over ``limit`` characters, or None when it fits."""
    if len(value) <= limit:
        return None
    return f"is {len(value):,} characters long; the most is {limit:,}"
