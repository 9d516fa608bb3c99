"""Accounts that resist guessing, and the web app's security headers, cookies, sessions and static files."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.utils import timezone
from tests.conftest import run_cli

from mindthegap.web import throttle
from mindthegap.web.models import SignInThrottle

PASSWORD = "a-long-passphrase-9"


@pytest.fixture
def person(db):
    return get_user_model().objects.create_user("qi.lead", password=PASSWORD)


def sign_in(client, password: str, username: str = "qi.lead"):
    return client.post("/accounts/login/", {"username": username, "password": password})


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


# --- the sign-in throttle --------------------------------------------------------------------------------


def test_200_wrong_passwords_then_the_right_one_is_refused(client, person):
    """The right password after 200 wrong ones was accepted; now the username is locked, with HTTP 429."""
    for _ in range(200):
        sign_in(client, "not the password")
    response = sign_in(client, PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert "Try again in 5 minutes" in response.content.decode()
    # when the lock has run out, the right password works and the failures are forgotten
    SignInThrottle.objects.update(locked_until=timezone.now() - dt.timedelta(seconds=1))
    response = sign_in(client, PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert not SignInThrottle.objects.exists()


def test_the_lock_says_so_from_the_attempt_that_sets_it(client, person):
    for _ in range(4):
        assert "did not match" in sign_in(client, "wrong").content.decode()
    fifth = sign_in(client, "wrong")
    assert fifth.status_code == 429 and "locked" in fifth.content.decode()


def test_the_admin_sign_in_is_throttled_too(client, person):
    person.is_staff = True
    person.save()
    for _ in range(6):
        client.post("/admin/login/", {"username": "qi.lead", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "qi.lead", "password": PASSWORD})
    assert not signed_in(client) and "Try again in" in response.content.decode()


def test_the_lock_doubles_with_each_further_failure_and_never_grows_while_refused(db, settings):
    """Back-off: 5 attempts, then 5, 10, 20 … minutes, capped at a day; refused attempts change nothing."""
    settings.SIGN_IN_ATTEMPTS, settings.LOCKOUT_MINUTES = 5, 5
    t = timezone.now()
    assert all(throttle.claim("qi.lead", now=t).allowed for _ in range(5))
    for minutes in (5, 10, 20, 40):
        refused = throttle.claim("qi.lead", now=t + dt.timedelta(seconds=30))
        assert not refused.allowed and refused.wait == dt.timedelta(minutes=minutes, seconds=-30)
        assert not throttle.claim("qi.lead", now=t + dt.timedelta(minutes=minutes, seconds=-1)).allowed
        t += dt.timedelta(minutes=minutes)
        assert throttle.claim("qi.lead", now=t).allowed  # one more try once the lock has run out
    assert throttle.lock_length(5 + 30) == dt.timedelta(days=1)
    # other usernames are unaffected, and letters' case does not make a new username
    assert throttle.claim("someone.else", now=t).allowed
    assert not throttle.claim("QI.Lead", now=t + dt.timedelta(seconds=1)).allowed


def test_a_quiet_day_forgets_old_failures_and_the_table_holds_no_usernames(db, settings):
    settings.SIGN_IN_ATTEMPTS = 5
    t = timezone.now()
    for _ in range(3):
        throttle.claim("qi.lead", now=t)
    later = t + dt.timedelta(days=1, minutes=1)
    for _ in range(4):
        assert throttle.claim("qi.lead", now=later).allowed
    assert SignInThrottle.objects.get().attempts == 4
    assert "qi" not in json.dumps(list(SignInThrottle.objects.values_list("key", flat=True)))


def test_a_guessing_bot_cannot_lock_someone_out_for_longer_than_earned(db, settings):
    """Attempts while locked are refused without being counted, so they do not extend the lock."""
    settings.SIGN_IN_ATTEMPTS, settings.LOCKOUT_MINUTES = 5, 5
    t = timezone.now()
    for _ in range(5):
        throttle.claim("qi.lead", now=t)
    for second in range(1, 200):
        throttle.claim("qi.lead", now=t + dt.timedelta(seconds=second))
    assert throttle.claim("qi.lead", now=t + dt.timedelta(minutes=5)).allowed


THREADED_CLAIMS = """
import json, os, sys, threading
from mindthegap.store.database import open_store
open_store(sys.argv[1])
from django.db import connections
from mindthegap.web import throttle
name, threads, each = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
allowed = []
def guess():
    try:
        allowed.extend(throttle.claim(name).allowed for _ in range(each))
    finally:
        connections.close_all()
workers = [threading.Thread(target=guess) for _ in range(threads)]
[w.start() for w in workers]
[w.join() for w in workers]
from mindthegap.web.models import SignInThrottle
row = SignInThrottle.objects.get(key=throttle._key(name))
print(json.dumps({"allowed": sum(allowed), "claims": len(allowed), "attempts": row.attempts}))
"""


def _claims(db_url: str, name: str, threads: int, each: int, **env) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", THREADED_CLAIMS, db_url, name, str(threads), str(each)],
        capture_output=True,
        text=True,
        env={**os.environ, "MINDTHEGAP_SECRET_KEY": "test-secret-for-the-throttle", **env},
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture
def database_url(tmp_path) -> str:
    """A real database file (or the PostgreSQL database the suite runs on) shared by several processes."""
    return os.environ.get("MINDTHEGAP_DATABASE_URL") or str(tmp_path / "shared.sqlite3")


def test_the_lock_holds_across_threads_and_processes(database_url):
    """Eight threads guessing at once get exactly five password checks between them; a second process, and
    the command line, see the same lock, because the counter lives in the database."""
    name = f"guess-{time.time_ns()}"
    first = _claims(database_url, name, threads=8, each=5)
    assert first == {"allowed": 5, "claims": 40, "attempts": 5}
    second = _claims(database_url, name, threads=2, each=3)
    assert second["allowed"] == 0 and second["attempts"] == 5
    env = {"MINDTHEGAP_SECRET_KEY": "test-secret-for-the-throttle"}
    # a process of its own: the throttle's keys are derived from the secret key read as the process starts
    unlocked = run_cli("--db", database_url, "user", "unlock", name, env=env, fresh_process=True)
    assert unlocked.returncode == 0 and f"Unlocked {name}" in unlocked.stdout, unlocked.stderr
    assert _claims(database_url, name, threads=1, each=1)["allowed"] == 1


def test_no_attempt_is_lost_when_threads_write_at_once(database_url):
    name = f"count-{time.time_ns()}"
    counted = _claims(database_url, name, threads=8, each=6, MINDTHEGAP_SIGN_IN_ATTEMPTS="1000")
    assert counted == {"allowed": 48, "claims": 48, "attempts": 48}


# --- passwords ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password", ["alphaalpha", "5839201746", "abcabcabcabc", "aaaaaaaaaab", "qi.leadqi.lead", "password123"]
)
def test_weak_passwords_are_refused(db, password):
    with pytest.raises(ValidationError):
        validate_password(password, get_user_model()(username="qi.lead"))


@pytest.mark.parametrize("password", [PASSWORD, "correct horse battery staple", "Tr0ub4dor&3x!"])
def test_good_passwords_are_accepted(db, password):
    validate_password(password, get_user_model()(username="qi.lead"))


def test_the_command_line_applies_the_same_validators(tmp_path):
    db = str(tmp_path / "study.sqlite3")
    for password, reason in (("alphaalpha", "repeats"), ("5839201746", "entirely numeric")):
        result = run_cli("--db", db, "user", "add", "weak", "--password-stdin", input=password + "\n")
        assert result.returncode == 2 and "Traceback" not in result.stderr
        assert result.stderr.startswith("error: password refused") and reason in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


# --- headers, cookies and sessions ---------------------------------------------------------------------------


def _policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_content_security_policy_forbids_inline_script(client, person):
    policy = _policy(client.get("/accounts/login/"))
    assert policy["script-src"] == ["'self'"] and policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy["style-src"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


# The pages themselves (the dashboard's charts carry the only styles, each hashed in this policy) are checked in
# tests/test_web.py, which builds the demo's dashboard once for its module.


def test_session_cookie_flags_and_expiry_after_inactivity(client, person, settings):
    response = sign_in(client, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["samesite"] == "Lax" and cookie["httponly"] and not cookie["secure"]
    assert cookie["max-age"] == ""  # gone when the browser closes
    session = Session.objects.get()
    assert abs((session.expire_date - timezone.now()) - dt.timedelta(minutes=30)) < dt.timedelta(minutes=1)
    # activity starts the clock again …
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=2))
    assert client.get("/").status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + dt.timedelta(minutes=29)
    # … and 30 minutes without any ends the session
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


SETTINGS_PROBE = """
import json
from django.conf import settings
from mindthegap.store.database import open_store
open_store()
print(json.dumps({k: getattr(settings, k) for k in ("SESSION_COOKIE_AGE", "SESSION_COOKIE_SECURE",
      "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER",
      "SIGN_IN_ATTEMPTS", "LOCKOUT_MINUTES")}))
"""


def test_settings_come_from_the_environment(tmp_path):
    env = {
        **os.environ,
        "MINDTHEGAP_DATABASE_URL": str(tmp_path / "s.sqlite3"),
        "MINDTHEGAP_HTTPS": "1",
        "MINDTHEGAP_SESSION_MINUTES": "5",
        "MINDTHEGAP_SIGN_IN_ATTEMPTS": "3",
        "MINDTHEGAP_LOCKOUT_MINUTES": "2",
    }
    result = subprocess.run([sys.executable, "-c", SETTINGS_PROBE], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "SESSION_COOKIE_AGE": 300,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
        "SIGN_IN_ATTEMPTS": 3,
        "LOCKOUT_MINUTES": 2,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        (
            "MINDTHEGAP_SESSION_MINUTES",
            "half an hour",
            "MINDTHEGAP_SESSION_MINUTES='half an hour' is not a whole",
        ),
        ("MINDTHEGAP_HTTPS", "maybe", "MINDTHEGAP_HTTPS='maybe' is neither 1 nor 0"),
    ],
)
def test_a_bad_setting_is_one_line(tmp_path, name, value, message):
    # settings are read as a process starts: a fresh one, as a user's would be
    result = run_cli(
        "--db", str(tmp_path / "s.sqlite3"), "study", "list", env={name: value}, fresh_process=True
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {message}")


# --- the real server: static files and HTTPS behind a proxy ------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


@pytest.fixture
def server(tmp_path):
    """Start ``mindthegap serve`` (waitress) on a free local port; stop it afterwards."""
    started = []

    def start(**env) -> int:
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "mindthegap.cli.main", "--db", str(tmp_path / "web.sqlite3"), "serve",
             "--port", str(port)],
            env={**os.environ, "MINDTHEGAP_SECRET_KEY": "test-secret", "HOME": str(tmp_path), **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        started.append(process)
        for _ in range(240):  # at most two minutes for migrations and start-up
            if process.poll() is not None:
                pytest.fail(process.stderr.read().decode())
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.5)
        pytest.fail("mindthegap serve did not start")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=30)


def test_serve_delivers_admin_and_app_static_files(server):
    """Django's admin stylesheets were 404 under waitress; WhiteNoise now serves every static file."""
    port = server()
    for path in ("/static/admin/css/base.css", "/static/report/report.css", "/static/web/mindthegap.css"):
        status, headers, body = _get(port, path)
        assert status == 200 and headers["content-type"].startswith("text/css") and body, path
    status, headers, _ = _get(port, "/accounts/login/")
    assert status == 200 and "script-src 'self'" in headers["content-security-policy"]
    assert "strict-transport-security" not in headers


def test_serve_behind_a_tls_proxy(server):
    port = server(MINDTHEGAP_HTTPS="1")
    status, headers, _ = _get(port, "/accounts/login/")
    assert status == 301 and headers["location"].startswith("https://")
    status, headers, _ = _get(port, "/accounts/login/", {"X-Forwarded-Proto": "https"})
    assert status == 200
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert re.search(r"csrftoken=[^;]+;.*Secure", headers["set-cookie"])
    assert "SameSite=Lax" in headers["set-cookie"]


def test_static_files_are_in_the_package():
    """The stylesheets ship inside the package (pyproject's package-data), so pip installs carry them."""
    import mindthegap

    root = Path(mindthegap.__file__).parent
    assert (root / "report" / "static" / "report.css").is_file()
    assert (root / "web" / "static" / "web" / "mindthegap.css").is_file()
