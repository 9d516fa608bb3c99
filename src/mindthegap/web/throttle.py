"""The sign-in throttle: a few attempts per username, then a lock that doubles with every further failure.

Each attempt is *claimed* before its password is checked, in a transaction that first takes the write lock
on the username's row (PostgreSQL locks the row, SQLite the database). Claims therefore queue one after
another across threads and processes, and however many guesses arrive at once, no more than
``SIGN_IN_ATTEMPTS`` passwords are checked before the lock falls. While locked, attempts are refused without
checking the password and without extending the lock, so nobody can keep another person out for longer
than the back-off they themselves earned. A success clears the row; a quiet day forgets old failures.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from mindthegap.web.models import SignInThrottle

LONGEST_LOCK = dt.timedelta(days=1)
FORGET_AFTER = dt.timedelta(days=1)


@dataclass(frozen=True)
class Verdict:
    """Whether an attempt may go ahead; when not, how long until the next one may."""

    allowed: bool
    wait: dt.timedelta = dt.timedelta(0)

    @property
    def wait_text(self) -> str:
        """The wait in words, rounded up to whole minutes ("1 minute", "2 hours 5 minutes")."""
        minutes = max(1, -(-int(self.wait.total_seconds()) // 60))
        hours, minutes = divmod(minutes, 60)
        parts = [f"{hours} hour{'s' * (hours != 1)}"] if hours else []
        if minutes or not hours:
            parts.append(f"{minutes} minute{'s' * (minutes != 1)}")
        return " ".join(parts)


def _key(username: str) -> str:
    text = " ".join(str(username).split()).casefold()
    return hmac.new(settings.SECRET_KEY.encode(), text.encode(), hashlib.sha256).hexdigest()


def lock_length(attempts: int) -> dt.timedelta:
    """How long a username is locked after ``attempts`` attempts without success (none below the limit)."""
    extra = attempts - settings.SIGN_IN_ATTEMPTS
    if extra < 0:
        return dt.timedelta(0)
    minutes = settings.LOCKOUT_MINUTES * 2 ** min(extra, 20)  # 2**20 minutes is far past the cap anyway
    return min(dt.timedelta(minutes=minutes), LONGEST_LOCK)


def claim(username: str, *, now: dt.datetime | None = None) -> Verdict:
    """Count an attempt for ``username`` before its password is checked, or refuse it while locked."""
    now = now or timezone.now()
    key = _key(username)
    with transaction.atomic():
        row = _row_for_update(key, now)
        if row.locked_until is not None and row.locked_until > now:
            return Verdict(False, row.locked_until - now)
        attempts = 1 if row.last_attempt < now - FORGET_AFTER else row.attempts + 1
        length = lock_length(attempts)
        SignInThrottle.objects.filter(pk=row.pk).update(
            attempts=attempts, last_attempt=now, locked_until=now + length if length else None
        )
    _forget_stale(now)
    return Verdict(True)


def status(username: str, *, now: dt.datetime | None = None) -> Verdict:
    """Whether ``username`` may try now, without counting anything."""
    now = now or timezone.now()
    row = SignInThrottle.objects.filter(key=_key(username)).first()
    if row is not None and row.locked_until is not None and row.locked_until > now:
        return Verdict(False, row.locked_until - now)
    return Verdict(True)


def succeeded(username: str) -> None:
    """A correct password: forget the username's failures."""
    SignInThrottle.objects.filter(key=_key(username)).delete()


def unlock(username: str) -> bool:
    """Lift a lock by hand (``mindthegap user unlock``); True if there was anything to clear."""
    deleted, _ = SignInThrottle.objects.filter(key=_key(username)).delete()
    return bool(deleted)


def _row_for_update(key: str, now: dt.datetime) -> SignInThrottle:
    # Write first, read second: an UPDATE takes the write lock at once (SQLite then waits for other writers
    # instead of failing a read-to-write upgrade), and PostgreSQL holds the row lock to the end.
    if not SignInThrottle.objects.filter(key=key).update(attempts=F("attempts")):
        try:
            with transaction.atomic():
                return SignInThrottle.objects.create(key=key, attempts=0, last_attempt=now)
        except IntegrityError:  # another request created it between our UPDATE and INSERT
            pass
    return SignInThrottle.objects.select_for_update().get(key=key)


def _forget_stale(now: dt.datetime) -> None:
    """Drop rows nobody has tried for a day and that hold no lock, so the table stays small."""
    SignInThrottle.objects.filter(last_attempt__lt=now - FORGET_AFTER).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lt=now)
    ).delete()
