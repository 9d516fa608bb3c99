"""Turning a database URL or path into Django ``DATABASES`` settings, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import dj_database_url

from mindthegap.errors import ConfigurationError

DEFAULT_SQLITE = "mindthegap.sqlite3"
_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
_SUPPORTED = {"django.db.backends.sqlite3", "django.db.backends.postgresql"}


def normalise_database_url(value: str | None) -> str:
    """Accept a URL, or a plain path to a SQLite file or to a folder (which then holds ``mindthegap.sqlite3``)."""
    if not value:
        return f"sqlite:///{Path(DEFAULT_SQLITE).resolve()}"
    if "://" in value:
        return value
    path = Path(value).expanduser()
    if path.is_dir() or value.endswith(("/", "\\")):
        path = path / DEFAULT_SQLITE
    return f"sqlite:///{path.resolve()}"


def database_settings(value: str | None) -> dict:
    url = normalise_database_url(value)
    scheme = url.split("://", 1)[0].lower()
    if scheme not in _SCHEMES:
        raise ConfigurationError(
            f"database URL {redact_url(url)!r} names an engine mindthegap does not support ({scheme})",
            hint="use SQLite (a file path) or PostgreSQL (postgresql://…)",
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=0)
    except Exception as exc:  # dj-database-url raises several types for malformed URLs
        raise ConfigurationError(
            f"database URL {redact_url(url)!r} is not valid ({exc})",
            hint="use e.g. postgresql://user@localhost:5432/mindthegap or a path to a .sqlite3 file",
        ) from None
    if config.get("ENGINE") not in _SUPPORTED:
        raise ConfigurationError(
            f"database URL {redact_url(url)!r} names an engine mindthegap does not support",
            hint="use SQLite (a file path) or PostgreSQL (postgresql://…)",
        )
    if config["ENGINE"].endswith("postgresql"):
        # waitress serves from a fixed pool of threads, so keeping each thread's connection open costs at most
        # one connection per thread and saves a connection set-up on every request (survey pages under load)
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"].endswith("sqlite3"):
        config.setdefault("OPTIONS", {})
        # Wait rather than fail when the web app and a command write at once.
        config["OPTIONS"].setdefault("timeout", 20)
        config["TEST"] = {"NAME": None}  # in-memory test database
    return config


def redact_url(url: str) -> str:
    """Hide a password in a URL before it is printed."""
    if "://" not in url or "@" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
