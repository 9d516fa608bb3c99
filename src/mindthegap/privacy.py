"""Privacy settings shared by every layer: the small-number threshold, the protection width and redaction.

The NHS Staff Survey does not publish a group with fewer than 11 responses; mindthegap follows that
default everywhere (tables, charts, dashboards, exports). A study may raise or lower it; nothing below 1
makes sense, and 1 switches suppression off, which the command line only allows on explicit request.

A hidden group is protected only if a reader cannot work its size out from what is published: the range of
sizes consistent with every published count must span at least the *protection width* (default 5 people;
``MINDTHEGAP_PROTECTION_WIDTH`` changes it). See docs/privacy.md for why 5.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from mindthegap.errors import ConfigurationError

DEFAULT_MIN_N = 11
DEFAULT_PROTECTION_WIDTH = 5


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


def default_protection_width() -> int:
    """The protection width in force: ``MINDTHEGAP_PROTECTION_WIDTH`` if set, else 5 people."""
    raw = os.environ.get("MINDTHEGAP_PROTECTION_WIDTH")
    if raw is None or raw == "":
        return DEFAULT_PROTECTION_WIDTH
    try:
        value = int(raw)
    except ValueError:
        raise ConfigurationError(
            f"MINDTHEGAP_PROTECTION_WIDTH={raw!r} is not a whole number", hint="set it to e.g. 5, or unset it"
        ) from None
    if value < 0:
        raise ConfigurationError(
            f"MINDTHEGAP_PROTECTION_WIDTH must be 0 or more (got {value})", hint="the usual value is 5"
        )
    return value


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
