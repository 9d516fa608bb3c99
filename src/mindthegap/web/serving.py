"""What ``mindthegap serve`` does before it hands the app to the WSGI server."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command


def prepare() -> bool:
    """Clear expired sessions (of no use to anyone), start building every study's dashboards in the
    background (the studies changed most recently first), and say whether the app sits behind a TLS proxy."""
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.web.warming import warm_at_start

    call_command("clearsessions")
    warm_at_start(list(StudyRecord.objects.order_by("-created").values_list("slug", flat=True)))
    return bool(settings.HTTPS)
