"""A password validator for what Django's own miss: passwords with too little variety.

Django's validators refuse short, common, all-digit and username-like passwords, but accept "alphaalpha"
(a word typed twice) or "aaaaaaaaaa1". Such passwords fall early to any guesser that tries repetitions.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class VarietyValidator:
    """Refuse a password made of one short piece repeated, or of fewer than ``min_distinct`` characters."""

    def __init__(self, min_distinct: int = 6) -> None:
        self.min_distinct = min_distinct

    def validate(self, password: str, user=None) -> None:
        if _is_repetition(password.casefold()):
            raise ValidationError(
                "This password repeats the same few characters over and over.", code="password_repetitive"
            )
        if len(set(password.casefold())) < self.min_distinct:
            raise ValidationError(
                f"This password uses fewer than {self.min_distinct} different characters.",
                code="password_too_little_variety",
                params={"min_distinct": self.min_distinct},
            )

    def get_help_text(self) -> str:
        return (
            f"Your password must use at least {self.min_distinct} different characters and must not repeat "
            "a short piece over and over."
        )


def _is_repetition(text: str) -> bool:
    """True when ``text`` is a shorter string repeated, e.g. "alphaalpha" or "abcabcabc"."""
    return len(text) > 1 and text in (text + text)[1:-1]
