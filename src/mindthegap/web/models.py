"""The web app's own table: the sign-in throttle's counters (see :mod:`mindthegap.web.throttle`)."""

from __future__ import annotations

from django.db import models


class SignInThrottle(models.Model):
    """Sign-in attempts for one username since its last success, and until when it is locked.

    The counter lives in the study database, not in a process's memory, so every waitress thread and every
    process serving the same database sees the same count. ``key`` is a keyed hash of the username as typed
    (case-folded): the table holds no usernames, and nothing a person mistyped into the username box.
    """

    key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveIntegerField(default=0)
    last_attempt = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mtg_sign_in_throttle"
        verbose_name = "sign-in throttle"

    def __str__(self) -> str:
        return (
            f"{self.attempts} attempt(s), locked until {self.locked_until}" if self.locked_until else "open"
        )
