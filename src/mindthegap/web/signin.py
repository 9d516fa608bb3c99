"""The sign-in page and the admin's: Django's forms, saying so plainly when a username is locked."""

from __future__ import annotations

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from mindthegap.web import throttle

LOCKED = (
    "Too many sign-in attempts for this username, so it is locked for now. Try again in %(wait)s, "
    "or ask an administrator to unlock it."
)


class LockoutMessage:
    """Mixed into an authentication form: a failed sign-in on a locked username says how long to wait."""

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            username = self.cleaned_data.get("username")
            verdict = throttle.status(username) if username else None
            if verdict is not None and not verdict.allowed:
                raise ValidationError(LOCKED, code="locked", params={"wait": verdict.wait_text}) from None
            raise


class SignInForm(LockoutMessage, AuthenticationForm):
    error_messages = {  # noqa: RUF012 - Django reads this class attribute
        **AuthenticationForm.error_messages,
        "invalid_login": "Your username and password did not match. Please try again.",
    }


class AdminSignInForm(LockoutMessage, AdminAuthenticationForm):
    pass


class SignInView(LoginView):
    """Django's sign-in view; a locked username gets HTTP 429 (Too Many Requests) with the form."""

    form_class = SignInForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, "locked"):
            response.status_code = 429
        return response
