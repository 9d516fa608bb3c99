"""Demo survey answers: NoMAD and co-production at both waves, event feedback at follow-up.

Scores vary by service and discipline and improve a little between waves, so the report has real differences
to show; a few answers are "not relevant" (missing) and some people do not answer again at follow-up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.frameworks.instruments import load_instrument
from mindthegap.model import Level

SERVICE_SHIFT = {
    "adult_community": 0.25,
    "adult_inpatient": -0.2,
    "older_people": 0.1,
    "children_young_people": 0.0,
    "learning_disability": 0.15,
    "forensic": -0.35,
}
DISCIPLINE_SHIFT = {"peer_support": 0.3, "management": 0.2, "psychiatry": -0.15, "support_work": -0.1}
CONSTRUCT_BASE = {
    "coherence": 3.7,
    "cognitive_participation": 3.9,
    "collective_action": 3.2,
    "reflexive_monitoring": 3.4,
}
EVENT_COMMENTS = (
    "Hearing from people who use the service changed how I see our discharge letters.",
    "Good to meet the community team; we rarely talk.",
    "More time for the small-group discussion next time, please.",
    "I will take the care-planning idea back to my ward meeting.",
)


def _answers(rng, people, instrument, base, wave, shift, drift) -> list[dict]:
    rows = []
    constructs = instrument.construct_items()
    for p in people:
        person = rng.normal(0, 0.45)
        for construct, items in constructs.items():
            latent = base.get(construct, 3.4) + shift(p) + person + drift + rng.normal(0, 0.25)
            for item_id in items:
                if rng.random() < 0.04:  # "not relevant" or skipped: missing, never a score
                    continue
                item = instrument.item(item_id)
                value = int(np.clip(np.rint(latent + rng.normal(0, 0.7)), 1, 5))
                rows.append(
                    {
                        "instrument": instrument.id,
                        "participant_id": p.id,
                        "wave": wave,
                        "item": item_id,
                        "code": float(6 - value if item.reverse else value),
                    }
                )
    return rows


def generate(demo, rng: np.random.Generator) -> None:
    """Add evidence kind ``surveys`` (long: instrument, participant_id, wave, item, code, text) to the demo."""
    study = demo.study
    waves = [w.id for w in study.waves] or ["baseline"]
    staff = [p for p in study.participants if p.level == Level.LOCAL_FRONTLINE and p.consent]
    people = [p for p in study.participants if p.level == Level.PEOPLE_AND_CARERS and p.consent]
    nomad, cop, event = (load_instrument(i) for i in ("nomad", "coproduction", "event_feedback"))

    def shift(p) -> float:
        return SERVICE_SHIFT.get(p.service or "", 0.0) + DISCIPLINE_SHIFT.get(p.discipline or "", 0.0)

    rows: list[dict] = []
    for w, wave in enumerate(waves):
        # most people answer again at follow-up; some leave or do not reply
        respond = staff if w == 0 else [p for p in staff if rng.random() < 0.8]
        rows += _answers(rng, respond, nomad, CONSTRUCT_BASE, wave, shift, 0.2 * w)
        for p in respond:
            for k, item_id in enumerate(("A1", "A2", "A3")):
                rows.append(
                    {
                        "instrument": "nomad",
                        "participant_id": p.id,
                        "wave": wave,
                        "item": item_id,
                        "code": float(np.clip(np.rint(rng.normal(6 + w - k * 0.5 + 2 * shift(p), 2)), 0, 10)),
                    }
                )
        cop_people = staff + people if w == 0 else [p for p in staff + people if rng.random() < 0.75]
        rows += _answers(rng, cop_people, cop, {}, wave, lambda p: shift(p) - 0.4, 0.15 * w)
    attendees = [p for p in staff + people if rng.random() < 0.35]
    for p in attendees:
        rows += _answers(rng, [p], event, {"experience": 4.1, "intention": 3.7}, waves[-1], shift, 0.0)
        if rng.random() < 0.3:
            rows.append(
                {
                    "instrument": "event_feedback",
                    "participant_id": p.id,
                    "wave": waves[-1],
                    "item": "EF5",
                    "text": EVENT_COMMENTS[int(rng.integers(len(EVENT_COMMENTS)))],
                }
            )
    frame = pd.DataFrame(rows, columns=["instrument", "participant_id", "wave", "item", "code", "text"])
    demo.evidence["surveys"] = frame
