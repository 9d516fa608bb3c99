"""Synthetic free-text comments from every level of the demo trust, with planted personal data.

National, regional and local strategic informants talk about data, payment and access standards; frontline
practitioners about eligibility thresholds, funding and peer support; people who use services and carers about
being listened to, waiting and continuity. Some sentences speak to the policy principles (co-production,
wellbeing, safety…), while prevention is barely mentioned, so the alignment section has a principle to flag.
About one comment in twelve carries invented personal data (a titled name, phone number, NHS number, email or
postcode); the demo redacts it before storing, as a study with redaction switched on would.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.demo import DemoStudy
from mindthegap.model import Level
from mindthegap.redaction import Redactor

POLICY = [
    "We need better data on outcomes before the next payment round",
    "The access standards give us a clear line of sight on waiting times",
    "Data flows between providers are still too patchy to commission well",
    "Payment by outcomes would reward services that keep people well",
    "Access standards for community teams should be published quarterly",
    "The national data set does not yet capture co-production with people and carers",
    "Commissioners want assurance data that care is safe and effective",
    "Integrated payment models are meant to support wellbeing across the system",
]
PRACTICE = [
    "The eligibility thresholds keep rising so we turn referrals away",
    "Funding for the team was cut again this year",
    "Peer support workers make a real difference on the ward",
    "Eligibility thresholds mean referrals deteriorate before we can see them",
    "Short-term funding makes it hard to retain good staff",
    "Peer support is the first thing to go when funding is tight",
    "Caseloads are too high to plan care around what matters to the person",
    "We try to make the ward safe but staffing is thin on nights",
    "Staffing gaps put patients at risk of avoidable harm",
    "Co-production gets talked about but there is no time or funding for it",
]
PEOPLE = [
    "I never felt listened to by the team",
    "Waiting months for an appointment made everything worse",
    "I saw a different worker every time, there was no continuity",
    "The nurse really listened and it helped my wellbeing",
    "My son waited weeks and nobody called back",
    "Continuity matters, telling my story over and over is exhausting",
    "When staff listened, I felt safe for the first time",
    "I felt safe and protected from harm on the ward",
    "As a carer I was not involved in decisions about her care",
    "I was not asked what matters to me",
]
PLANTED = [
    "Dr Patel was kind",
    "please call me on 07700 900{n:03d}",
    "my NHS number is 943 476 5919",
    "email me at carer{n}@example.org",
    "we live near NE1 4LP",
    "Nurse Jane helped",
]
BY_LEVEL = {
    Level.NATIONAL: POLICY,
    Level.REGIONAL: POLICY,
    Level.LOCAL_STRATEGIC: POLICY,
    Level.LOCAL_FRONTLINE: PRACTICE,
    Level.PEOPLE_AND_CARERS: PEOPLE,
}
SHARE_COMMENTING = {
    Level.NATIONAL: 1.0,
    Level.REGIONAL: 1.0,
    Level.LOCAL_STRATEGIC: 1.0,
    Level.LOCAL_FRONTLINE: 0.35,
    Level.PEOPLE_AND_CARERS: 0.9,
}


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    """Add a ``comments`` frame: participant_id, level, role, service, wave, text (redacted), redactions."""
    study = demo.study
    redactor = Redactor()
    waves = [w.id for w in study.waves] or [None]
    rows = []
    n_planted = 0
    for person in study.participants:
        level = Level(person.level)
        if rng.random() > SHARE_COMMENTING.get(level, 0.5):
            continue
        pool = BY_LEVEL.get(level, PEOPLE)
        for wave in waves:
            k = int(rng.integers(1, 3))
            sentences = [str(s) for s in rng.choice(pool, size=k, replace=False)]
            if rng.random() < 1 / 12:
                sentences.append(str(rng.choice(PLANTED)).format(n=n_planted % 1000))
                n_planted += 1
            raw = ". ".join(sentences) + "."
            result = redactor(raw)
            rows.append(
                {
                    "participant_id": person.id,
                    "level": level.value,
                    "role": str(person.role.value) if hasattr(person.role, "value") else str(person.role),
                    "service": person.service,
                    "wave": wave,
                    "text": result.text,
                    "redactions": len(result.spans),
                }
            )
    demo.evidence["comments"] = pd.DataFrame(
        rows, columns=["participant_id", "level", "role", "service", "wave", "text", "redactions"]
    )
