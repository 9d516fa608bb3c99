"""Times as the store keeps them: aware datetimes in the study's time zone (Django's ``TIME_ZONE``)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from mindthegap.errors import InputError


def parse_when(value: str | None, option: str) -> dt.datetime | None:
    """A date (2026-05-03, from midnight local time) or an ISO 8601 time given as ``option``, as an aware datetime."""
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise InputError(
            f"{option} {value!r} is not a date", hint="write it as 2026-05-03 or 2026-05-03T14:30"
        ) from None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def local_text(moment: dt.datetime) -> str:
    """``moment`` in local time as 2026-05-03 14:30:00."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")
