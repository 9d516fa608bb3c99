"""The first administrator, created in the browser when the database has no account yet.

The page exists only while there is no account at all. It answers a browser on the server itself (a request
from a loopback address that did not come through a proxy; never behind the TLS proxy), or anyone holding the
one-time token that ``mindthegap serve`` prints when it starts on a database without accounts; everyone else
gets 404. Once the administrator exists, the page is gone for good. ``mindthegap user add NAME --admin`` does
the same from the command line.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.forms import BaseUserCreationForm
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

_token = {"digest": None}
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def needs_first_run() -> bool:
    return not get_user_model().objects.exists()


def issue_token() -> str:
    """A new one-time token (only its hash is kept, in this process); the previous one stops working."""
    token = secrets.token_urlsafe(32)
    _token["digest"] = hashlib.sha256(token.encode()).hexdigest()
    return token


def _token_ok(given: str) -> bool:
    digest = _token["digest"]
    if not digest or not given:
        return False
    return hmac.compare_digest(hashlib.sha256(given.encode()).hexdigest(), digest)


def is_local(request: HttpRequest) -> bool:
    """A request from this machine that no proxy forwarded (through a proxy, every request looks local).
    Behind the TLS proxy (``MINDTHEGAP_HTTPS``) nothing counts as local: the token is the way in."""
    if settings.HTTPS or any(request.META.get(h) for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


class FirstAdministratorForm(BaseUserCreationForm):
    token = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta(BaseUserCreationForm.Meta):
        model = get_user_model()
        fields = ("username",)


@require_http_methods(["GET", "POST"])
def first_run(request: HttpRequest) -> HttpResponse:
    token = request.POST.get("token") or request.GET.get("token") or ""
    if not needs_first_run() or not (is_local(request) or _token_ok(token)):
        raise Http404("No such page")
    form = FirstAdministratorForm(request.POST or None, initial={"token": token})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            if not needs_first_run():  # someone else was quicker
                raise Http404("No such page")
            user = form.save(commit=False)
            user.is_staff = user.is_superuser = True
            user.save()
        _token["digest"] = None
        login(request, user, backend="mindthegap.web.backends.ThrottledModelBackend")
        return redirect("study-list")
    return render(request, "web/first_run.html", {"form": form})
