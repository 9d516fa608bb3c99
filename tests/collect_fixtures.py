"""A small study for the web-collection tests: 40 staff in two services and two disciplines, one wave."""

from __future__ import annotations

import re

from mindthegap.model import Discipline, Level, Participant, Policy, Principle, Role, Service, Study, Wave

CONSENT = "We ask how the new way of working is going. Your answers are kept with a code, not your name."


def small_study(slug: str = "pilot", n: int = 40) -> Study:
    people = [
        Participant(f"P-{i:03d}", Role.PRACTITIONER, Level.LOCAL_FRONTLINE,
                    discipline="nursing" if i % 2 else "ot", service="adult" if i < n * 3 // 4 else "older")
        for i in range(n)
    ]  # fmt: skip
    return Study(
        id=slug,
        name=f"Pilot study {slug}",
        policies=[Policy("p", "Policy", (Principle("safe", "Safe care"), Principle("kind", "Kind care")))],
        services=[Service("adult", "Working-age adults"), Service("older", "Older people")],
        disciplines=[Discipline("nursing", "Nursing"), Discipline("ot", "Occupational therapy")],
        waves=[Wave("w1", "Baseline", 0), Wave("w2", "Follow-up", 1)],
        participants=people,
    )


def token_of(link: str) -> str:
    return re.search(r"/respond/([^/]+)/", link).group(1)


def nomad_answers(n_items: int = 23, choice: str = "4") -> dict[str, str]:
    """A POST body answering every NoMAD item on every page (fields absent from a page are ignored)."""
    return {f"q{i}": ("7" if i <= 3 else choice) for i in range(1, n_items + 1)}
