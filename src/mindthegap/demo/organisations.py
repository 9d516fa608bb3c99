"""Demo organisation data: CQC ratings and Staff Survey results for Northmoor and fourteen fictional peers.

Northmoor's ratings follow the same pattern as its survey scores (forensic and inpatient services weaker,
community services stronger), so the report can ask whether the inspection echoes what staff said. Provider
ids begin "DEMO-" so they can never be mistaken for real ODS codes.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from mindthegap.demo import DemoStudy
from mindthegap.model.organisations import KEY_QUESTIONS, RATING_NAMES, RESPONSES

HOME = "DEMO-NMR"
CORE_SERVICES = {
    "adult_community": "Community-based mental health services for adults of working age",
    "adult_inpatient": "Acute wards for adults of working age and psychiatric intensive care units",
    "older_people": "Wards for older people with mental health problems",
    "children_young_people": "Specialist community mental health services for children and young people",
    "learning_disability": "Wards for people with learning disabilities or autism",
    "forensic": "Forensic inpatient/secure wards",
}
HOME_SHIFT = {
    "adult_community": 0.4,
    "adult_inpatient": -0.5,
    "older_people": 0.1,
    "children_young_people": 0.0,
    "learning_disability": 0.2,
    "forensic": -0.8,
}
ITEMS = ("7a", "7b", "7c", "7d", "7e", "7f", "7g", "8a", "8b", "8c", "8d")


def _score(rng: np.random.Generator, level: float) -> int:
    return int(np.clip(np.rint(level + rng.normal(0, 0.45)), 0, 3))


def _ratings(rng: np.random.Generator, provider: str, quality: float, shifts: dict[str, float]) -> list[dict]:
    rows = []
    when = date(2025, 3, 1) + pd.Timedelta(days=int(rng.integers(0, 600)))
    for service, name in {"Overall": "Overall", **CORE_SERVICES}.items():
        if service != "Overall" and rng.random() < 0.1 and provider != HOME:
            continue  # not every trust runs every service
        base = 1.8 + quality + shifts.get(service, 0.0)
        for kq in KEY_QUESTIONS:
            bonus = 0.3 if kq == "Caring" else -0.25 if kq == "Safe" else 0.0
            score = _score(rng, base + bonus)
            rows.append(
                {"provider_id": provider, "service": name, "key_question": kq, "score": score, "date": when}
            )
    return rows


def _survey(rng: np.random.Generator, provider: str, quality: float) -> list[dict]:
    rows = []
    n = int(rng.integers(400, 2000))
    for item in ITEMS:
        senior = item.startswith("8")
        centre = 3.6 + quality - (0.5 if senior else 0.0) + rng.normal(0, 0.1)
        weights = np.exp(-0.9 * (np.arange(1, 6) - centre) ** 2)
        share = rng.dirichlet(weights / weights.sum() * 200)
        for response, pct in zip(RESPONSES, share, strict=True):
            rows.append(
                {
                    "provider_id": provider,
                    "year": 2025,
                    "item": item,
                    "response": response,
                    "percent": round(100 * pct, 1),
                    "n": n,
                }
            )
    return rows


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    """Add evidence kind ``organisations``: providers, CQC ratings, Staff Survey results, and the home provider."""
    providers = [
        {
            "provider_id": HOME,
            "provider_name": demo.study.name.split(":")[0],
            "org_type": "Mental Health",
            "region": "North",
        }
    ]
    ratings = _ratings(rng, HOME, 0.0, {**HOME_SHIFT, "Overall": -0.1})
    survey = _survey(rng, HOME, -0.05)
    for i in range(1, 15):
        peer = f"DEMO-P{i:02d}"
        quality = float(rng.normal(0.1, 0.35))
        providers.append(
            {
                "provider_id": peer,
                "provider_name": f"Peer trust {i:02d} (fictional)",
                "org_type": "Mental Health",
                "region": "North" if i % 2 else "Midlands",
            }
        )
        ratings += _ratings(rng, peer, quality, {})
        survey += _survey(rng, peer, quality)
    cqc = pd.DataFrame(ratings)
    cqc["rating"] = cqc["score"].map(RATING_NAMES)
    names = pd.DataFrame(providers)
    cqc = cqc.merge(names, on="provider_id", how="left")
    demo.evidence["organisations"] = {
        "providers": names,
        "cqc": cqc,
        "staff_survey": pd.DataFrame(survey),
        "home": HOME,
    }
