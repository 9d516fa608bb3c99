"""Demo events programme: 14 events over a year, who registered and came, feedback, notes, who works with whom
at both waves, and headcounts.

Believable variation: peer support workers and social workers come often, nurses now and then, support workers
rarely, and psychiatrists never (their clinics clash with every date). Three whole-system events bring national,
regional and local strategic people into the room with frontline staff and people who use services; several
are frontline only. At follow-up, people who came name more colleagues from other disciplines, the more events
the more so; everyone else's network barely moves.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from mindthegap.io import events_files as ef
from mindthegap.model import Level

PROPENSITY = {  # chance a frontline member of the discipline comes to an event they are invited to
    "peer_support": 0.45,
    "social_work": 0.32,
    "occupational_therapy": 0.22,
    "psychology": 0.18,
    "management": 0.2,
    "nursing": 0.12,
    "support_work": 0.04,
    "psychiatry": 0.0,
}
TOPICS = (
    "Care planning that starts with what matters to the person",
    "Safe discharge from inpatient wards",
    "Co-producing the community offer",
    "Carers as partners in care",
    "Using outcome measures in team meetings",
    "Preventing crises: what works locally",
    "Wellbeing duty in practice",
    "Learning from complaints and compliments",
)
WHOLE_SYSTEM = {2, 7, 12}  # events with every level of the system invited
FRONTLINE_ONLY = {0, 4, 9, 13}
FACILITATORS = ("peer worker", "social worker", "service user trainer", "team lead", "carer lead")
NOTES = (
    "Groups compared how care plans are written on the wards and in the community. Several said the template "
    "leaves no room for what the person wants; a peer worker offered to pilot a shorter version.",
    "People who use services described waiting for a call back after discharge. Ward and community staff "
    "agreed to try a named contact for the first week.",
    "Commissioners heard that eligibility thresholds push people between teams. Frontline staff asked for "
    "one shared plan that follows the person.",
    "Carers said they are often told too little to help. Teams agreed to ask at the first meeting what a "
    "carer may be told, and to record it.",
)


def _events(study, rng) -> pd.DataFrame:
    principles = [p.id for p in study.principles]
    services = [s.id for s in study.services]
    start = dt.date(2026, 1, 20)
    rows = []
    for i in range(14):
        date = start + dt.timedelta(days=int(i * 26 + rng.integers(0, 6)))
        levels = (
            [lv.value for lv in Level]
            if i in WHOLE_SYSTEM
            else [Level.LOCAL_FRONTLINE.value]
            if i in FRONTLINE_ONLY
            else [Level.LOCAL_FRONTLINE.value, Level.PEOPLE_AND_CARERS.value]
        )
        rows.append(
            {"event_id": f"ev{i + 1:02d}", "date": date, "format": ("in_person", "online", "hybrid")[i % 3],
             "topic": TOPICS[i % len(TOPICS)], "principles": list(rng.choice(principles, 2, replace=False)),
             "services": [] if i in WHOLE_SYSTEM else list(rng.choice(services, 2, replace=False)),
             "facilitators": list(rng.choice(FACILITATORS, 2, replace=False)), "levels": levels}
        )  # fmt: skip
    return pd.DataFrame(rows, columns=ef.EVENT_COLUMNS)


def _chance(p, event: dict, i: int) -> float:
    if p.level == Level.LOCAL_FRONTLINE:
        base = PROPENSITY.get(p.discipline or "", 0.1)
        return base * (1.3 if not event["services"] or p.service in event["services"] else 0.5)
    if i in FRONTLINE_ONLY:
        return 0.0
    if p.level == Level.PEOPLE_AND_CARERS:
        return 0.18
    return 0.35 if i in WHOLE_SYSTEM else 0.0


def _attendance(study, events: pd.DataFrame, rng) -> pd.DataFrame:
    rows = []
    for i, event in enumerate(events.to_dict(orient="records")):
        for p in study.participants:
            chance = _chance(p, event, i)
            if chance and rng.random() < chance:
                came = rng.random() < 0.85  # some who register do not come
                rows.append({"event_id": event["event_id"], "participant_id": p.id, "registered": True,
                             "attended": came})  # fmt: skip
    return pd.DataFrame(rows, columns=ef.ATTENDANCE_COLUMNS)


def _feedback(attendance: pd.DataFrame, rng) -> pd.DataFrame:
    rows = []
    came = attendance[attendance["attended"]]
    for event, person in came[["event_id", "participant_id"]].itertuples(index=False):
        if rng.random() > 0.55:
            continue
        valued = rng.normal(4.1, 0.7)
        for k, item in enumerate(("EF1", "EF2", "EF3", "EF4")):
            code = float(np.clip(np.rint(valued - 0.2 * k + rng.normal(0, 0.5)), 1, 5))
            rows.append(
                {"event_id": event, "participant_id": person, "item": item, "code": code, "text": None}
            )
    return pd.DataFrame(rows, columns=ef.FEEDBACK_COLUMNS)


def _ties(study, dose: dict[str, int], rng) -> pd.DataFrame:
    """Each staff member names colleagues, mostly from their own team and discipline; at follow-up, people who
    came to events add colleagues from other disciplines."""
    staff = [p for p in study.participants if p.level == Level.LOCAL_FRONTLINE]
    ids = np.array([p.id for p in staff])
    team = np.array([p.team for p in staff])
    disc = np.array([p.discipline for p in staff])
    serv = np.array([p.service for p in staff])
    rows = []
    for w, wave in enumerate(study.waves[:2]):
        for p in staff:
            if rng.random() > (0.85 if w == 0 else 0.75):
                continue  # did not answer this wave
            same_team = np.flatnonzero((team == p.team) & (ids != p.id))
            same_service = np.flatnonzero((serv == p.service) & (ids != p.id))
            other = np.flatnonzero((disc != p.discipline) & (ids != p.id))
            named = set(rng.choice(same_team, min(len(same_team), rng.poisson(3)), replace=False))
            named |= set(rng.choice(same_service, min(len(same_service), rng.poisson(1)), replace=False))
            extra = rng.poisson(0.3 + (0.8 * min(dose.get(p.id, 0), 4) if w == 1 else 0.0))
            named |= set(rng.choice(other, min(len(other), extra), replace=False))
            if not named:
                rows.append({"wave": wave.id, "participant_id": p.id, "alter_id": None})
            rows += [{"wave": wave.id, "participant_id": p.id, "alter_id": ids[j]} for j in sorted(named)]
    return pd.DataFrame(rows, columns=ef.TIE_COLUMNS)


def _headcounts(study) -> pd.DataFrame:
    """Staff in post by discipline: more than took part (not everyone joins a study)."""
    counts: dict[str, int] = {}
    for p in study.participants:
        if p.level == Level.LOCAL_FRONTLINE and p.discipline:
            counts[p.discipline] = counts.get(p.discipline, 0) + 1
    rows = [
        {"dimension": "discipline", "group": d, "headcount": round(n * 1.6)}
        for d, n in sorted(counts.items())
    ]
    return pd.DataFrame(rows, columns=ef.HEADCOUNT_COLUMNS)


def _tie_counts(study, ties: pd.DataFrame, rng) -> pd.DataFrame:
    """The network question for teams that do not collect names, asked of staff at both waves: how many
    colleagues (in the study or not) they work with in each discipline × service block. A count starts from the
    colleagues the person named and adds some from outside the study, mostly in their own block."""
    people = {p.id: p for p in study.participants}
    rows = []
    for (wave, ego), part in ties.groupby(["wave", "participant_id"], sort=True):
        if rng.random() > 0.95:
            continue  # did not answer the counts question
        me = people[ego]
        counts: dict[tuple, int] = {}
        for alter in part["alter_id"].dropna():
            key = (people[alter].discipline, people[alter].service)
            counts[key] = counts.get(key, 0) + 1
        own = (me.discipline, me.service)
        counts[own] = counts.get(own, 0) + int(rng.poisson(2))
        rows += [{"wave": wave, "participant_id": ego, "discipline": d, "service": s, "count": n}
                 for (d, s), n in sorted(counts.items()) if d and s and n]  # fmt: skip
    return pd.DataFrame(rows, columns=["wave", "participant_id", "discipline", "service", "count"])


def generate(demo, rng: np.random.Generator) -> None:
    """Add ``events``, ``event_attendance``, ``event_feedback``, ``event_notes``, ``network_ties``,
    ``network_tie_counts`` and ``headcounts`` to the demo."""
    study = demo.study
    events = _events(study, rng)
    attendance = _attendance(study, events, rng)
    came = attendance[attendance["attended"]]
    dose = came.groupby("participant_id").size().to_dict()
    noted = events["event_id"].iloc[[1, 2, 7, 11]].tolist()
    demo.evidence["events"] = events
    demo.evidence["event_attendance"] = attendance
    demo.evidence["event_feedback"] = _feedback(attendance, rng)
    demo.evidence["event_notes"] = pd.DataFrame(
        {"event_id": noted, "name": [f"Event notes: {e}" for e in noted], "text": list(NOTES)}
    )
    demo.evidence["network_ties"] = _ties(study, dose, rng)
    demo.evidence["headcounts"] = _headcounts(study)
    demo.evidence["network_tie_counts"] = _tie_counts(study, demo.evidence["network_ties"], rng)
