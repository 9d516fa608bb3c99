"""What ``mindthegap serve`` does before it hands the app to the WSGI server."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command


def prepare() -> bool:
    """Clear expired sessions (of no use to anyone) and say whether the app sits behind a TLS proxy."""
    call_command("clearsessions")
    return bool(settings.HTTPS)
