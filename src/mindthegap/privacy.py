"""Privacy settings shared by every layer: the small-number threshold, the protection width and redaction.

The NHS Staff Survey does not publish a group with fewer than 11 responses; mindthegap follows that
default everywhere (tables, charts, dashboards, exports). A study may raise or lower it; nothing below 1
makes sense, and 1 switches suppression off, which the command line only allows on explicit request.

A hidden group is protected only if a reader cannot work its size out from what is published: the range of
sizes consistent with every published count must span at least the *protection width* (default 5 people;
``MINDTHEGAP_PROTECTION_WIDTH`` changes it). See docs/privacy.md for why 5.
"""

from __future__ import annotations

from dataclasses import dataclass

from mindthegap.errors import ConfigurationError, env_int

DEFAULT_MIN_N = 11
DEFAULT_PROTECTION_WIDTH = 5


def default_min_n() -> int:
    """The threshold in force: ``MINDTHEGAP_MIN_N`` if set, else 11."""
    return env_int("MINDTHEGAP_MIN_N", DEFAULT_MIN_N)


def default_protection_width() -> int:
    """The protection width in force: ``MINDTHEGAP_PROTECTION_WIDTH`` if set, else 5 people."""
    return env_int("MINDTHEGAP_PROTECTION_WIDTH", DEFAULT_PROTECTION_WIDTH, minimum=0)


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
