"""A synthetic Delphi for the demo trust: two consensus rounds with five panels, and a lever round.

Panels: policymakers (national and regional informants, with more recruited for the Delphi), managers
(senior leaders and team managers),
practitioners, people who use services and carers. Round 1 rates ten statements on the way forward; between
rounds one statement is reworded (its old wording is kept); in round 2 raters move part of the way towards
their group's round-1 median, as feedback tends to make them. Round 3 asks every panel how much each lever
would move each principle's gap: policymakers expect payment and data to move practice, practitioners and
people who use services do not; practitioners and people who use services expect more of peer support.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.analysis.levers import lever_items, study_levers
from mindthegap.demo import DemoStudy
from mindthegap.demo.trust import _pseudonym
from mindthegap.model import Level, Participant, Role

STATEMENTS = [
    ("shared_goals", "Every team should agree its goals for the policy with the people who use it."),
    ("time_to_reflect", "Frontline teams need protected time each month to review how the policy works."),
    ("publish_gaps", "The trust should publish the gap between policy and practice every quarter."),
    ("peer_roles", "Peer workers should be part of every community team."),
    ("one_conversation", "Policy changes should be discussed with all levels of the system in one room."),
    ("thresholds", "Eligibility thresholds should be reviewed with people who use services each year."),
    ("payment_outcomes", "Payment should follow outcomes that matter to people, not activity."),
    ("data_burden", "Teams should stop collecting data that nobody uses."),
    ("carers_voice", "Carers should be asked for their view at every review of care."),
    ("inspection_focus", "Inspection should look at co-production as closely as at safety."),
]
EDITED = (
    "publish_gaps",
    "The trust should publish, every quarter, the gap between policy and practice by service.",
)

# Round-1 means by statement for each panel (1–9): believable agreement and disagreement.
MEANS = {
    "policymakers": (7.6, 6.4, 8.0, 6.2, 7.4, 6.0, 7.8, 5.2, 7.0, 6.6),
    "managers": (7.4, 6.8, 6.6, 6.8, 7.0, 6.2, 6.0, 7.2, 7.2, 6.4),
    "practitioners": (7.2, 8.0, 4.8, 7.6, 6.8, 7.0, 3.6, 8.2, 7.4, 5.8),
    "service_users": (8.0, 6.6, 6.8, 8.2, 7.8, 7.8, 5.2, 6.0, 7.8, 7.6),
    "carers": (7.8, 6.2, 6.4, 7.4, 7.6, 7.6, 5.0, 5.8, 8.4, 7.2),
}
# Lever round: how much each panel expects a lever to move practice (others sit at 5.8).
LEVER_MEANS = {
    "policymakers": {"payment": 7.9, "data_transparency": 7.8, "inspection": 7.2, "peer_support": 4.8},
    "practitioners": {"payment": 3.4, "data_transparency": 3.2, "training": 7.4, "peer_support": 7.6},
    "service_users": {"payment": 4.0, "data_transparency": 4.4, "peer_support": 7.9, "inspection": 6.6},
    "managers": {"funding": 7.6, "data_transparency": 6.0},
    "carers": {"peer_support": 7.0, "funding": 6.8},
}
SKIP = 0.02  # share of items a rater leaves blank


RECRUITED = (
    (Role.POLICYMAKER, Level.NATIONAL, None, 10),
    (Role.POLICYMAKER, Level.REGIONAL, None, 8),
    (Role.COMMISSIONER, Level.LOCAL_STRATEGIC, None, 6),
    (Role.SENIOR_LEADER, Level.LOCAL_STRATEGIC, "management", 6),
)
"""People recruited to the panels beyond the survey sample, as a Delphi recruits: without them the national,
regional and commissioning groups are too small to publish (and the study's own plan hides them)."""


def recruit(demo: DemoStudy, rng: np.random.Generator) -> None:
    """Add the Delphi-only panel members to the study's participants."""
    used = {p.id for p in demo.study.participants}
    for role, level, discipline, count in RECRUITED:
        for _ in range(count):
            pid = _pseudonym(rng, used)
            demo.study.participants.append(Participant(id=pid, role=role, level=level, discipline=discipline))


PANELS = {
    # panel: ((role, level, how many), …): drawn level by level so that no panel hides a small stratum
    "policymakers": ((Role.POLICYMAKER, Level.NATIONAL, 14), (Role.POLICYMAKER, Level.REGIONAL, 14)),
    "managers": ((Role.SENIOR_LEADER, Level.LOCAL_STRATEGIC, 14), (Role.MANAGER, Level.LOCAL_FRONTLINE, 14)),
    "practitioners": (
        (Role.PRACTITIONER, Level.LOCAL_FRONTLINE, 26),
        (Role.CLINICIAN, Level.LOCAL_FRONTLINE, 14),
    ),
    "service_users": ((Role.SERVICE_USER, Level.PEOPLE_AND_CARERS, 30),),
    "carers": ((Role.CARER, Level.PEOPLE_AND_CARERS, 20),),
}


def panels(demo: DemoStudy, rng: np.random.Generator) -> pd.DataFrame:
    """Five panels drawn from the consenting participants, stratum by stratum."""
    rows = []
    for group, strata in PANELS.items():
        for role, level, size in strata:
            ids = [p.id for p in demo.study.participants if p.role is role and p.level is level and p.consent]
            chosen = rng.choice(ids, size=min(size, len(ids)), replace=False)
            rows += [{"rater_id": str(pid), "group": group} for pid in sorted(chosen)]
    return pd.DataFrame(rows)


def _rate(means: np.ndarray, rng: np.random.Generator, sd: float) -> np.ndarray:
    return np.clip(np.rint(means + rng.normal(0, sd, size=means.shape)), 1, 9)


def _rows(
    panel: pd.DataFrame, items: list[str], scores: np.ndarray, round_: int, kind: str, rng
) -> pd.DataFrame:
    rows = pd.DataFrame(
        {
            "rater_id": np.repeat(panel["rater_id"].to_numpy(), len(items)),
            "group": np.repeat(panel["group"].to_numpy(), len(items)),
            "statement": np.tile(items, len(panel)),
            "round": round_,
            "kind": kind,
            "rating": scores.ravel().astype(float),
            "comment": "",
        }
    )
    rows.loc[rng.random(len(rows)) < SKIP, "rating"] = np.nan
    return rows


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    recruit(demo, rng)
    panel = panels(demo, rng)
    ids = [s for s, _ in STATEMENTS]
    means = np.vstack([MEANS[g] for g in panel["group"]])
    first = _rate(means, rng, 1.5)
    medians = pd.DataFrame(first).groupby(panel["group"].to_numpy()).transform("median").to_numpy()
    second = np.clip(np.rint(0.5 * first + 0.5 * medians + rng.normal(0, 0.6, first.shape)), 1, 9)
    levers = study_levers(demo.study)
    items = lever_items(levers, [(p.id, p.name) for p in demo.study.principles])
    lever_means = np.array(
        [[LEVER_MEANS.get(g, {}).get(lever, 5.8) for lever in items["lever"]] for g in panel["group"]]
    )
    third = _rate(lever_means, rng, 1.3)
    ratings = pd.concat(
        [
            _rows(panel, ids, first, 1, "consensus", rng),
            _rows(panel, ids, second, 2, "consensus", rng),
            _rows(panel, list(items["statement"]), third, 3, "levers", rng),
        ],
        ignore_index=True,
    )
    ratings["version"] = np.where((ratings["statement"] == EDITED[0]) & (ratings["round"] == 2), 2, 1)
    statements = pd.DataFrame(
        [
            {
                "statement": s,
                "kind": "consensus",
                "principle": "",
                "lever": "",
                "source": "demo",
                "version": 1,
                "from_round": 1,
                "text": t,
            }
            for s, t in STATEMENTS
        ]
        + [
            {
                "statement": EDITED[0],
                "kind": "consensus",
                "principle": "",
                "lever": "",
                "source": "demo",
                "version": 2,
                "from_round": 2,
                "text": EDITED[1],
            }
        ]
        + [{**row, "kind": "levers", "version": 1, "from_round": 3} for row in items.to_dict("records")]
    )
    rounds = pd.DataFrame(
        {"round": [1, 2, 3], "kind": ["consensus", "consensus", "levers"], "status": ["closed"] * 3}
    )
    demo.evidence["delphi"] = {
        "panels": panel,
        "statements": statements,
        "rounds": rounds,
        "ratings": ratings,
    }
