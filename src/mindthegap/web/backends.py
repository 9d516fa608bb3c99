"""Authentication through Django's own user model, behind the sign-in throttle.

Every way of signing in (the sign-in page, the admin's, any later one) calls ``authenticate``, so putting
the throttle here covers them all.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from mindthegap.web import throttle


class ThrottledModelBackend(ModelBackend):
    """Django's ``ModelBackend``, claiming each attempt from the throttle before the password is checked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        if not throttle.claim(username).allowed:
            from mindthegap.store.audit.signals import throttled

            throttled(request, username)
            raise PermissionDenied  # stops every backend; Django reports a failed sign-in
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            throttle.succeeded(username)
        return user
