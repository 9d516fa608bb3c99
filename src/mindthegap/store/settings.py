"""Django settings for mindthegap's store and web app.

The database comes from ``MINDTHEGAP_DATABASE_URL`` (any URL dj-database-url understands, e.g.
``postgresql://user@host:5432/name`` or ``sqlite:///path/study.sqlite3``); without it, a SQLite file
``mindthegap.sqlite3`` in the current folder. The command line sets the variable from ``--db`` before Django
starts. Tests run against whichever database the variable names, so CI runs the suite on both engines.

The web app's security settings (see docs/security.md) also come from the environment:
``MINDTHEGAP_HTTPS=1`` when served behind a TLS proxy (Secure cookies, HSTS, redirect to https),
``MINDTHEGAP_SESSION_MINUTES`` (sign-out after that long without activity, default 30),
``MINDTHEGAP_SIGN_IN_ATTEMPTS`` and ``MINDTHEGAP_LOCKOUT_MINUTES`` (the sign-in throttle).
"""

from __future__ import annotations

import base64
import hashlib
import os
from pathlib import Path

from mindthegap.errors import ConfigurationError, env_int
from mindthegap.store.database_url import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def _env_flag(name: str) -> bool:
    raw = os.environ.get(name, "").strip().lower()
    if raw in ("", "0", "false", "no", "off"):
        return False
    if raw in ("1", "true", "yes", "on"):
        return True
    raise ConfigurationError(f"{name}={raw!r} is neither 1 nor 0", hint="set it to 1 (on) or 0 (off)")


SECRET_KEY = os.environ.get("MINDTHEGAP_SECRET_KEY", "insecure-development-key-set-MINDTHEGAP_SECRET_KEY")
DEBUG = os.environ.get("MINDTHEGAP_DEBUG", "") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("MINDTHEGAP_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "csp",
    "mindthegap.web",
    "mindthegap.store.studies",
    "mindthegap.store.feedback",
    "mindthegap.store.qualitative",
    "mindthegap.store.surveys",
    "mindthegap.store.audit",
    "mindthegap.store.collection",
    "mindthegap.store.events",
    "mindthegap.store.organisations",
    "mindthegap.store.synthesis",
    "mindthegap.store.delphi",
    "mindthegap.store.coding",
    # further evidence apps are added here
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # after authentication: knows who is asking; records refused requests (mindthegap.store.audit)
    "mindthegap.store.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

ROOT_URLCONF = "mindthegap.web.urls"
WSGI_APPLICATION = "mindthegap.web.wsgi.application"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "study-list"
LOGOUT_REDIRECT_URL = "login"
# a request refused for a missing or wrong CSRF token goes into the audit log, then gets Django's 403
CSRF_FAILURE_VIEW = "mindthegap.store.audit.middleware.csrf_failure"

# Sessions end after MINDTHEGAP_SESSION_MINUTES without a request (each request starts the clock again) and
# when the browser closes.
SESSION_COOKIE_AGE = 60 * env_int("MINDTHEGAP_SESSION_MINUTES", 30)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Lax: cookies are not sent with cross-site POSTs (a second guard besides CSRF tokens), yet a link to a
# dashboard from an e-mail still opens signed in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# Behind a TLS-terminating proxy (which must set X-Forwarded-Proto): cookies only over https, browsers told to
# use https for a year, and plain http redirected.
HTTPS = _env_flag("MINDTHEGAP_HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None

# Sign-in throttle (mindthegap.web.throttle): after this many attempts without success the username is locked
# for MINDTHEGAP_LOCKOUT_MINUTES, doubling with every further failure, up to a day.
AUTHENTICATION_BACKENDS = ["mindthegap.web.backends.ThrottledModelBackend"]
SIGN_IN_ATTEMPTS = env_int("MINDTHEGAP_SIGN_IN_ATTEMPTS", 5)
LOCKOUT_MINUTES = env_int("MINDTHEGAP_LOCKOUT_MINUTES", 5)

# Open survey links: how many respondents' sessions one address may start per survey and hour (a ward's
# computers often share one address, so the default is generous; it stops a script, not a team).
COLLECT_OPEN_STARTS_PER_HOUR = env_int("MINDTHEGAP_OPEN_STARTS_PER_HOUR", 200)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "mindthegap.web.passwords.VarietyValidator"},
]

# No inline script anywhere. The one inline style element is the rule matplotlib writes into every chart's
# SVG, allowed by its hash; the charts' style attributes need 'unsafe-inline' for attributes only
# (style-src-attr), which cannot load anything or run script.
MATPLOTLIB_SVG_STYLE = "*{stroke-linejoin: round; stroke-linecap: butt}"
_CHART_STYLE_HASH = (
    "'sha256-" + base64.b64encode(hashlib.sha256(MATPLOTLIB_SVG_STYLE.encode()).digest()).decode() + "'"
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", _CHART_STYLE_HASH],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

DATABASES = {"default": database_settings(os.environ.get("MINDTHEGAP_DATABASE_URL"))}

# Computed dashboards (mindthegap.web.dashboard_cache), keyed by each study's data version: in the process's
# memory by default; with MINDTHEGAP_CACHE_DIR in files there, shared by every process serving the database.
_CACHE_DIR = os.environ.get("MINDTHEGAP_CACHE_DIR", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": _CACHE_DIR}
        if _CACHE_DIR
        # a dashboard is a few megabytes of HTML and SVG: keep the memory cache to a few dozen
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "mindthegap",
            "OPTIONS": {"MAX_ENTRIES": 40},
        }
    )
}
# After a change made in the web app, the study's dashboards are rebuilt in a background thread of the server
# (mindthegap.web.warming); MINDTHEGAP_WARM_DASHBOARDS=0 turns this off. Off by default while pytest runs
# (it sets PYTEST_VERSION): a thread outliving a test would touch the next test's database. Tests of warming
# turn it on with a settings override.
WARM_DASHBOARDS = (
    _env_flag("MINDTHEGAP_WARM_DASHBOARDS")
    if os.environ.get("MINDTHEGAP_WARM_DASHBOARDS", "").strip()
    else "PYTEST_VERSION" not in os.environ
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
STATIC_URL = "static/"
# The report's stylesheet is shared with the downloadable report; the web app's own files live in web/static.
STATICFILES_DIRS = [("report", BASE_DIR / "report" / "static")]
# WhiteNoise serves static files from the installed package (no collectstatic step: mindthegap is installed
# with pip and run with one command), for waitress and any other WSGI server.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False

# Personal data never goes to logs: only warnings from Django itself, no SQL, no request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
