"""Benchmark: many respondents answering a 30-item survey page by page at once, on loopback. Prints JSON.

waitress serves the web app from a separate process; each respondent is a thread with its own cookies that
opens a personal link, consents, answers five pages of six items (a pause between pages, as a person reads) and
submits. Every tenth respondent then submits again (a retried POST) and every twentieth submits its last page
from two tabs at once. Afterwards the database must hold exactly one submission and 30 answers per respondent:
nothing lost, nothing stored twice. Bounded: stops after --deadline seconds whatever happens, and stops the
server it started.

Run (PostgreSQL, as the issue asks; the database is used for a study called ``load`` only):
    MINDTHEGAP_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/mtg_load python benchmarks/survey_load.py
Options: --respondents 300, --think 15 (mean pause between pages, seconds: reading and answering six items),
--ramp 60 (respondents arrive evenly over this many seconds), --threads 8 (waitress), --deadline 900
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ITEMS, PER_PAGE = 30, 6
SECRET = "survey-load-benchmark-secret"


def instrument_file(folder: Path) -> Path:
    """A 30-item instrument: five constructs of six items on a 1–5 scale, so five pages."""
    scale = '  agree5: {min: 1, max: 5, labels: {1: "Not at all", 5: "Completely"}}'
    lines = ["id: load30", "name: Thirty items", "scales:", scale,
             "items:"]  # fmt: skip
    for i in range(ITEMS):
        lines.append(
            f"  - {{id: L{i + 1}, label: Statement {i + 1}, construct: c{i // PER_PAGE}, scale: agree5}}"
        )
    path = folder / "load30.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def set_up(n: int, folder: Path) -> list[str]:
    """The study ``load`` with ``n`` participants and a personal-link survey; the respondents' tokens."""
    from mindthegap.store.database import open_store

    open_store()
    from mindthegap.model import Level, Participant, Role, Service, Study
    from mindthegap.store.collection.responses import invite
    from mindthegap.store.collection.setup import create_survey
    from mindthegap.store.evidence import save_all
    from mindthegap.store.studies.models import StudyRecord
    from mindthegap.store.studies.repository import delete_study

    if StudyRecord.objects.filter(slug="load").exists():
        delete_study("load")
    people = [Participant(f"L-{i:05d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE, service=f"s{i % 3}")
              for i in range(n)]  # fmt: skip
    save_all(Study("load", "Load test", services=[Service(f"s{k}", f"Service {k}") for k in range(3)],
                   participants=people), {})  # fmt: skip
    survey = create_survey(StudyRecord.objects.get(slug="load"), slug="load", consent_text="Load test.",
                           instrument=str(instrument_file(folder)))  # fmt: skip
    return [token for _, token in invite(survey)]


def start_server(port: int, threads: int) -> subprocess.Popen:
    code = ("import waitress; from mindthegap.web.wsgi import application; "
            f"waitress.serve(application, host='127.0.0.1', port={port}, threads={threads}, "
            "connection_limit=2000, backlog=2048, _quiet=True)")  # fmt: skip
    server = subprocess.Popen([sys.executable, "-c", code], env=os.environ.copy())
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("the server did not start")


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process has used so far (Linux; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Respondent:
    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.csrf = ""
        self.requests = 0

    def fetch(self, path: str, form: dict | None = None) -> tuple[str, float]:
        """GET, or POST ``form`` with the CSRF token and follow the redirect; the page and the time it took."""
        data = None
        if form is not None:
            data = urllib.parse.urlencode({**form, "csrfmiddlewaretoken": self.csrf}).encode()
        started = time.perf_counter()
        with self.opener.open(self.base + path, data=data, timeout=60) as response:
            html = response.read().decode()
            self.requests += 1 + (form is not None and response.geturl() != self.base + path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        self.csrf = found.group(1) if found else self.csrf
        return html, time.perf_counter() - started


def respond(
    base: str, token: str, index: int, think: float, times: list, errors: list, counts: list, start_at: float
) -> None:
    rng = random.Random(index)
    person = Respondent(base)
    link = f"/respond/{token}/"
    time.sleep(max(0.0, start_at - time.perf_counter()))
    try:
        _, t = person.fetch(link)
        times.append(t)
        time.sleep(rng.expovariate(1 / think) if think else 0)
        html, t = person.fetch(link, {"consent": "yes"})
        times.append(t)
        for page in range(1, ITEMS // PER_PAGE + 1):
            answers = {f"q{(page - 1) * PER_PAGE + k + 1}": str(rng.randint(1, 5)) for k in range(PER_PAGE)}
            last = page == ITEMS // PER_PAGE
            time.sleep(rng.expovariate(1 / think) if think else 0)
            form = {**answers, "action": "submit" if last else "next"}
            if last and index % 20 == 0:  # two tabs submit at the same moment
                other = threading.Thread(target=person.fetch, args=(f"{link}{page}/", form))
                other.start()
            html, t = person.fetch(f"{link}{page}/", form)
            times.append(t)
            if last and index % 20 == 0:
                other.join()
        if "Your answers have been sent" not in html and "already been sent" not in html:
            errors.append(f"respondent {index}: no thank-you page")
        if index % 10 == 0:  # a retried POST after submitting
            again, _ = person.fetch(f"{link}{ITEMS // PER_PAGE}/", form)
            if "already been sent" not in again:
                errors.append(f"respondent {index}: a repeated submission was not recognised")
    except (urllib.error.URLError, OSError) as exc:
        errors.append(f"respondent {index}: {type(exc).__name__}")
    counts.append(person.requests)


def check(n: int) -> dict:
    from mindthegap.store.collection.models import ResponseSession
    from mindthegap.store.surveys.models import SurveyAnswer

    answers = SurveyAnswer.all_objects.filter(instrument__study__slug="load")
    per_person = answers.values("participant").distinct().count()
    return {"submitted_sessions": ResponseSession.objects.filter(survey__study__slug="load",
                                                                submitted_at__isnull=False).count(),
            "answers_stored": answers.count(), "answers_expected": n * ITEMS, "respondents_with_answers": per_person,
            "lost": n * ITEMS - answers.count() if answers.count() < n * ITEMS else 0,
            "duplicated": max(0, answers.count() - n * ITEMS)}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--think", type=float, default=15.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument(
        "--ramp", type=float, default=60, help="respondents arrive evenly over this many seconds"
    )
    parser.add_argument("--deadline", type=float, default=900)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    os.environ["MINDTHEGAP_SECRET_KEY"] = SECRET
    os.environ.setdefault("MINDTHEGAP_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/mtg_load")
    with tempfile.TemporaryDirectory() as folder:
        tokens = set_up(args.respondents, Path(folder))
        server = start_server(args.port, args.threads)
        try:
            times: list[float] = []
            errors: list[str] = []
            counts: list[int] = []
            base = f"http://127.0.0.1:{args.port}"
            urllib.request.urlopen(f"{base}/accounts/login/", timeout=60).read()  # warm: imports, templates
            cpu_before = server_cpu(server.pid)
            started = time.perf_counter()
            workers = [threading.Thread(target=respond, daemon=True,
                                        args=(base, tok, i, args.think, times, errors, counts,
                                              started + args.ramp * i / len(tokens)))
                       for i, tok in enumerate(tokens)]  # fmt: skip
            for w in workers:
                w.start()
            for w in workers:
                w.join(max(0.0, args.deadline - (time.perf_counter() - started)))
            wall = time.perf_counter() - started
            unfinished = sum(w.is_alive() for w in workers)
            cpu = server_cpu(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
    ordered = sorted(times)
    result = {
        "respondents": args.respondents, "items": ITEMS, "pages": ITEMS // PER_PAGE, "mean_think_seconds": args.think,
        "ramp_seconds": args.ramp, "server_cpu_ms_per_request": round(1000 * cpu / max(1, sum(counts)), 1),
        "waitress_threads": args.threads, "database": os.environ["MINDTHEGAP_DATABASE_URL"].split(":", 1)[0],
        "wall_seconds": round(wall, 1), "requests": sum(counts), "requests_per_second": round(sum(counts) / wall, 1),
        "page_seconds_p50": round(ordered[len(ordered) // 2], 3) if ordered else None,
        "page_seconds_p95": round(ordered[int(len(ordered) * 0.95)], 3) if ordered else None,
        "page_seconds_max": round(ordered[-1], 3) if ordered else None,
        "unfinished_respondents": unfinished, "errors": errors[:10], "error_count": len(errors),
        **check(args.respondents),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
    }  # fmt: skip
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
