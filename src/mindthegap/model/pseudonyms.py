"""Pseudonymous participant ids: refuse ids that carry personal data or do not fit the store.

A participant id is meant to be a code such as ``RV-0001``. Study teams sometimes key a sheet by e-mail
address, phone number or name instead; stored, those would travel into every export. The detectors are the
ones that redact free text (:mod:`mindthegap.redaction`, which imports nothing else of ours), applied to
the id alone, plus a rule for ids that are plain words separated by spaces, which is how names are written.
A postcode counts only when written with its space: random codes such as ``NM-RS28BE`` often have a
postcode's shape without one.
"""

from __future__ import annotations

import re

from mindthegap.errors import quoted
from mindthegap.model.limits import ID_MAX, too_long
from mindthegap.redaction import Redactor

_DETECTOR = Redactor(types=("EMAIL", "NHS_NUMBER", "PHONE", "POSTCODE", "DOB", "ADDRESS", "NAME"))
_WHAT = {
    "EMAIL": "an e-mail address",
    "NHS_NUMBER": "an NHS number",
    "PHONE": "a phone number",
    "POSTCODE": "a postcode",
    "DOB": "a date of birth",
    "ADDRESS": "a street address",
    "NAME": "a person's name",
}
# Two or more words of letters separated by spaces ("Jane Smith", "mary o'neill"): a name, not a code.
_WORD = r"[^\W\d_]+(?:['’.-][^\W\d_]+)*"  # letters, perhaps joined by an apostrophe, dot or hyphen
_WORDS_ONLY = re.compile(rf"^{_WORD}(?:\s+{_WORD})+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

PSEUDONYM_HINT = (
    "use a pseudonym such as 'P-0001' and keep the key linking pseudonyms to people outside mindthegap"
)


def pseudonym_problem(value: str) -> str | None:
    """Why ``value`` cannot be a participant's pseudonym (a phrase that never repeats it), or None if it can."""
    if not value or not value.strip():
        return "is empty"
    if value != value.strip() or _CONTROL.search(value):
        return "has spaces at its ends or a line break inside"
    long = too_long(value, ID_MAX)
    if long:
        return long
    for span in _DETECTOR(value).spans:
        # random codes often look like a postcode written without its space ("NM-RS28BE"); people write the space
        if span.kind == "POSTCODE" and not any(c.isspace() for c in value[span.start : span.end]):
            continue
        return f"looks like {_WHAT[span.kind]}, not a pseudonym"
    if _WORDS_ONLY.match(value):
        return f"looks like {_WHAT['NAME']}, not a pseudonym"
    return None


def check_pseudonym(value: str, what: str = "participant id") -> str:
    """Return ``value`` if it can be a pseudonym; raise ``ValueError`` saying why not.

    The message quotes at most the first few characters of an id that is too long, and never an id that
    looks like personal data, since error lines are copied into e-mails and tickets.
    """
    problem = pseudonym_problem(value)
    if problem is None:
        return value
    if problem.startswith("looks like"):
        raise ValueError(f"a {what} {problem}")
    raise ValueError(f"{what} {quoted(value, limit=20)} {problem}")
