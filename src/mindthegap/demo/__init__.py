"""A deterministic synthetic study of a fictional mental-health and learning-disability trust.

``build_demo_study(seed)`` runs the generators in :data:`GENERATORS` in order. Each generator takes the
:class:`DemoStudy` built so far and a NumPy random generator, and adds its evidence to ``demo.evidence``
under a kind name that the store and the report know (e.g. ``"values_practice"``). To extend the demo with
a new kind of evidence, write a module with a ``generate(demo, rng)`` function and add it to the list.
Every generator draws from its own child stream of the seed, so adding one never changes the others' data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mindthegap.defaults import DEFAULT_SEED
from mindthegap.model import Study


@dataclass
class DemoStudy:
    study: Study
    seed: int
    evidence: dict[str, Any] = field(default_factory=dict)


Generator = Callable[[DemoStudy, np.random.Generator], None]


def generators() -> list[tuple[str, Generator]]:
    """(name, generator) pairs in the order they run; the name keys the generator's random stream."""
    from mindthegap.demo import (
        comments,
        delphi,
        events,
        organisations,
        qualitative,
        supports,
        surveys,
        synthesis,
        values_practice,
    )

    return [
        ("values_practice", values_practice.generate),
        ("comments", comments.generate),
        ("qualitative", qualitative.generate),
        ("surveys", surveys.generate),
        ("events", events.generate),
        ("organisations", organisations.generate),
        ("synthesis", synthesis.generate),  # codes the interviews again: CFIR, co-production, valence
        ("delphi", delphi.generate),
        ("supports", supports.generate),  # implementation support offered, its use and helpfulness
        # further evidence generators are added here
    ]


def build_demo_study(seed: int = DEFAULT_SEED) -> DemoStudy:
    from mindthegap.demo.trust import build_trust

    study = build_trust(np.random.default_rng([seed, 0]))
    demo = DemoStudy(study=study, seed=seed)
    for i, (_, generate) in enumerate(generators(), start=1):
        generate(demo, np.random.default_rng([seed, i]))
    return demo
