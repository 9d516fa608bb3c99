"""The demo's implementation support: what the fictional trust and its region offered to put the policy into
practice, who used each support and how helpful they found it (kind ``support_use``).

Reach is drawn per support and level from :data:`REACH` (national guidance reaches leaders far more than the
front line; the toolkit the reverse), helpfulness around a per-support mean, so the report's tables follow
from the data. The comments are the project's own wording.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mindthegap.demo import DemoStudy
from mindthegap.model import Support

SUPPORTS = (
    Support(
        "national-guidance", "National guidance", "guidance", "The national framework and its guidance notes."
    ),
    Support("regional-leads", "Regional implementation leads", "people", "Named leads in the regional team."),
    Support("webinars", "Webinar series", "training", "Six lunchtime webinars on care planning together."),
    Support("toolkit", "Care-planning toolkit", "tools", "Templates, prompts and examples for teams."),
    Support(
        "peer-network", "Peer practice network", "network", "Monthly meetings of practitioners and peers."
    ),
    Support("easy-read", "Easy-read guide", "information", "A short guide for people and carers."),
)
#: support → level → chance that someone at that level asked about it used it
REACH = {
    "national-guidance": {"national": 0.9, "regional": 0.9, "local_strategic": 0.8, "local_frontline": 0.25},
    "regional-leads": {"national": 0.5, "regional": 0.9, "local_strategic": 0.7, "local_frontline": 0.1},
    "webinars": {"national": 0.3, "regional": 0.6, "local_strategic": 0.5, "local_frontline": 0.35},
    "toolkit": {"national": 0.2, "regional": 0.4, "local_strategic": 0.5, "local_frontline": 0.7},
    "peer-network": {"local_frontline": 0.3, "people_and_carers": 0.35},
    "easy-read": {"people_and_carers": 0.45},
}
HELPFULNESS = {
    "national-guidance": 3.2,
    "regional-leads": 3.7,
    "webinars": 2.6,
    "toolkit": 3.9,
    "peer-network": 4.2,
    "easy-read": 3.6,
}
COMMENTS = {
    "national-guidance": [
        "Clear on the why, thin on how to do it with our caseloads.",
        "Useful for the board paper; nobody on the ward has read it.",
    ],
    "regional-leads": [
        "Our lead came to two team meetings and unblocked the template.",
        "Hard to know who the lead was after the reorganisation.",
    ],
    "webinars": [
        "Recorded sessions were easier to fit in than the live ones.",
        "Too much theory, not enough time on real plans.",
    ],
    "toolkit": [
        "The example plans showed us what good looks like.",
        "The prompts helped start the conversation with the person.",
    ],
    "peer-network": [
        "Hearing how another team did it was the most useful hour of the month.",
        "Meeting other carers made me ask for my own copy of the plan.",
    ],
    "easy-read": [
        "It explained what a care plan is in words I could use.",
        "I only got it after my review, it would have helped before.",
    ],
}
ASKED = {"local_frontline": 0.5, "people_and_carers": 0.6}
"""Share of each large group asked about support; everyone at the smaller levels is asked."""


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    """List the supports in the demo's study and add their use (kind ``support_use``)."""
    demo.study.supports = list(SUPPORTS)
    rows = []
    for person in demo.study.participants:
        level = person.level.value
        if rng.random() >= ASKED.get(level, 1.0):
            continue
        for support, reach in REACH.items():
            if level not in reach:
                continue
            used = bool(rng.random() < reach[level])
            helpful, comment = None, ""
            if used and rng.random() < 0.85:
                helpful = int(np.clip(np.rint(rng.normal(HELPFULNESS[support], 0.9)), 1, 5))
            if used and rng.random() < 0.15:
                comment = COMMENTS[support][int(rng.integers(len(COMMENTS[support])))]
            rows.append(
                {
                    "participant_id": person.id,
                    "level": level,
                    "support": support,
                    "used": used,
                    "helpfulness": helpful,
                    "comment": comment,
                }
            )
    frame = pd.DataFrame(rows)
    frame["helpfulness"] = frame["helpfulness"].astype("Int64")
    demo.evidence["support_use"] = frame
