"""Django settings for mindthegap's store and web app.

The database comes from ``MINDTHEGAP_DATABASE_URL`` (any URL dj-database-url understands, e.g.
``postgresql://user@host:5432/name`` or ``sqlite:///path/study.sqlite3``); without it, a SQLite file
``mindthegap.sqlite3`` in the current folder. The command line sets the variable from ``--db`` before Django
starts. Tests run against whichever database the variable names, so CI runs the suite on both engines.
"""

from __future__ import annotations

import os
from pathlib import Path

from mindthegap.store.urls import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent

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
    "mindthegap.web",
    "mindthegap.store.studies",
    "mindthegap.store.feedback",
    "mindthegap.store.qualitative",
    "mindthegap.store.surveys",
    # further evidence apps are added here
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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
                "mindthegap.web.context_processors.report_css",
            ]
        },
    }
]

ROOT_URLCONF = "mindthegap.web.urls"
WSGI_APPLICATION = "mindthegap.web.wsgi.application"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "study-list"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

DATABASES = {"default": database_settings(os.environ.get("MINDTHEGAP_DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "Europe/London"
LANGUAGE_CODE = "en-gb"
STATIC_URL = "static/"

# Personal data never goes to logs: only warnings from Django itself, no SQL, no request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
