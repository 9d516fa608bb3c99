"""Synthetic values–practice ratings for the demo trust, with believable structure.

Everyone values the principles highly; practice varies. Working-age adult community services show the
widest gaps (caseload pressure), co-production is the least practised principle everywhere, managers and
senior leaders see practice more kindly than frontline staff, and people who use services and carers see it
least kindly. Between baseline and follow-up, practice improves modestly where the programme ran events.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.demo import DemoStudy
from mindthegap.model import Level, Role

VALUE_MEAN = {
    "user_centred": 4.6,
    "safe": 4.7,
    "effective": 4.5,
    "co_production": 4.2,
    "wellbeing": 4.4,
    "prevention": 4.1,
}
PRACTICE_MEAN = {
    "user_centred": 3.4,
    "safe": 3.7,
    "effective": 3.5,
    "co_production": 2.7,
    "wellbeing": 3.2,
    "prevention": 2.9,
}
SERVICE_SHIFT = {
    "adult_community": -0.85,
    "adult_inpatient": -0.2,
    "older_people": 0.1,
    "children_young_people": -0.1,
    "learning_disability": 0.2,
    "forensic": -0.3,
    None: 0.0,
}
ROLE_SHIFT = {
    Role.MANAGER: 0.35,
    Role.SENIOR_LEADER: 0.5,
    Role.COMMISSIONER: 0.2,
    Role.POLICYMAKER: 0.0,
    Role.SERVICE_USER: -0.45,
    Role.CARER: -0.35,
    Role.PEER_WORKER: -0.2,
}
# the programme's events ran in these services between waves
IMPROVEMENT = {"adult_community": 0.3, "learning_disability": 0.3, "forensic": 0.2}
RESPONSE_RATE = {"baseline": 0.9, "follow_up": 0.78}


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    study = demo.study
    principles = [p.id for p in study.principles]
    rows = []
    for person in study.participants:
        person_value = rng.normal(0, 0.3)
        person_practice = rng.normal(0, 0.45)
        shift = SERVICE_SHIFT.get(person.service, 0.0) + ROLE_SHIFT.get(person.role, 0.0)
        if person.level in (Level.NATIONAL, Level.REGIONAL):
            shift -= 0.3  # those who see across the system report more variation and shortfall
        for wave in study.waves:
            if rng.random() > RESPONSE_RATE.get(wave.id, 0.8):
                continue
            lift = IMPROVEMENT.get(person.service, 0.05) if wave.order > 0 else 0.0
            for pid in principles:
                value = VALUE_MEAN[pid] + person_value + rng.normal(0, 0.45)
                practice_lift = lift * (1.4 if pid == "co_production" else 1.0)
                practice = PRACTICE_MEAN[pid] + shift + person_practice + practice_lift + rng.normal(0, 0.6)
                skipped = rng.random() < 0.02  # a few items left blank
                rows.append(
                    (
                        person.id,
                        wave.id,
                        pid,
                        np.nan if skipped else float(np.clip(np.rint(value), 1, 5)),
                        float(np.clip(np.rint(practice), 1, 5)),
                    )
                )
    demo.evidence["values_practice"] = pd.DataFrame(
        rows, columns=["participant_id", "wave", "principle", "value", "practice"]
    )
