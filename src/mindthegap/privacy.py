"""Privacy settings shared by every layer: the small-number threshold and free-text redaction.

The NHS Staff Survey does not publish a group with fewer than 11 responses; mindthegap follows that
default everywhere (tables, charts, dashboards, exports). A study may raise or lower it; nothing below 1
makes sense, and 1 switches suppression off, which the command line only allows on explicit request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mindthegap.errors import ConfigurationError

DEFAULT_MIN_N = 11
SUPPRESSED_LABEL = "suppressed (fewer than {min_n})"


def default_min_n() -> int:
    """The threshold in force: ``MINDTHEGAP_MIN_N`` if set, else 11."""
    raw = os.environ.get("MINDTHEGAP_MIN_N")
    if raw is None or raw == "":
        return DEFAULT_MIN_N
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(
            f"MINDTHEGAP_MIN_N={raw!r} is not a whole number", hint="set it to e.g. 11, or unset it"
        ) from None
    return validate_min_n(value, source="MINDTHEGAP_MIN_N")


def validate_min_n(value: int, *, source: str = "min_n") -> int:
    if value < 1:
        raise ConfigurationError(f"{source} must be 1 or more (got {value})", hint="the usual value is 11")
    return value


@dataclass(frozen=True)
class PrivacySettings:
    """What a study asks for: the suppression threshold and whether free text is redacted."""

    min_n: int = DEFAULT_MIN_N
    redact_free_text: bool = True

    def __post_init__(self) -> None:
        validate_min_n(self.min_n)
