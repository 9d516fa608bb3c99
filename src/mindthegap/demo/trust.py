"""The fictional trust behind the demo: Northmoor Health and Care NHS Foundation Trust.

A mental-health and learning-disability trust with six services, eight disciplines, about 530 staff, service
users and carers, local strategic leaders, and a few regional and national informants. Sizes are chosen so
that most groups are comfortably large while a few (e.g. psychology in forensic services) fall below the
small-number threshold, as they do in real trusts.
"""

from __future__ import annotations

import numpy as np

from mindthegap.model import (
    Discipline,
    Level,
    Participant,
    Policy,
    Principle,
    Role,
    Service,
    Study,
    Team,
    Wave,
)

STUDY_ID = "northmoor"

SERVICES = {
    "adult_community": "Working-age adults: community",
    "adult_inpatient": "Working-age adults: inpatient",
    "older_people": "Older people",
    "children_young_people": "Children and young people",
    "learning_disability": "Learning disability",
    "forensic": "Forensic",
}

TEAMS = {
    "adult_community": ["North community team", "South community team", "Crisis and home treatment"],
    "adult_inpatient": ["Willow ward", "Rowan ward"],
    "older_people": ["Memory service", "Older adults community team"],
    "children_young_people": ["CAMHS east", "CAMHS west"],
    "learning_disability": ["Community LD team", "Intensive support team"],
    "forensic": ["Medium secure unit", "Forensic outreach"],
}

DISCIPLINES = {
    "nursing": "Nursing",
    "psychiatry": "Psychiatry",
    "psychology": "Psychology",
    "occupational_therapy": "Occupational therapy",
    "social_work": "Social work",
    "support_work": "Support workers",
    "peer_support": "Peer support workers",
    "management": "Managers",
}

# staff per service, and the share of each discipline within a service
STAFF = {
    "adult_community": 150,
    "adult_inpatient": 110,
    "older_people": 90,
    "children_young_people": 70,
    "learning_disability": 60,
    "forensic": 50,
}
DISCIPLINE_MIX = {
    #                      nurs  psyc  psyl   OT    SW   supp  peer  mgmt
    "adult_community": (0.32, 0.08, 0.09, 0.09, 0.17, 0.11, 0.07, 0.07),
    "adult_inpatient": (0.42, 0.07, 0.04, 0.07, 0.03, 0.30, 0.03, 0.04),
    "older_people": (0.38, 0.08, 0.07, 0.12, 0.08, 0.20, 0.02, 0.05),
    "children_young_people": (0.25, 0.08, 0.25, 0.08, 0.15, 0.09, 0.04, 0.06),
    "learning_disability": (0.33, 0.05, 0.10, 0.10, 0.10, 0.25, 0.02, 0.05),
    "forensic": (0.40, 0.08, 0.06, 0.06, 0.08, 0.25, 0.02, 0.05),
}

SERVICE_USERS = {"adult_community": 40, "adult_inpatient": 18, "older_people": 14, "learning_disability": 16}
CARERS = {"adult_community": 14, "older_people": 16, "children_young_people": 14, "learning_disability": 12}
LOCAL_STRATEGIC = 16
REGIONAL = 8
NATIONAL = 6

POLICIES = (
    Policy(
        id="community_mh_framework",
        title="Community mental health framework",
        source="National policy for integrated community mental health care",
        levers=("guidance", "targets", "funding tied to transformation plans"),
        principles=(
            Principle(
                "user_centred", "User-centred practice", "Care is planned around what matters to the person."
            ),
            Principle("safe", "Safe practice", "People are protected from avoidable harm and abuse."),
            Principle(
                "effective", "Effective practice", "Care achieves good outcomes and follows the evidence."
            ),
            Principle(
                "co_production",
                "Co-production",
                "People who use services and carers share power in designing and delivering care.",
            ),
        ),
    ),
    Policy(
        id="care_act_wellbeing",
        title="Care Act 2014: the wellbeing duty",
        source="Care Act 2014, section 1",
        levers=("statutory duty", "statutory guidance", "inspection"),
        principles=(
            Principle("wellbeing", "Promoting wellbeing", "Every decision considers the person's wellbeing."),
            Principle("prevention", "Prevention", "Needs are prevented or delayed rather than met late."),
        ),
    ),
)

WAVES = (Wave("baseline", "Baseline (spring)", 0), Wave("follow_up", "Follow-up (autumn)", 1))


def _pseudonym(rng: np.random.Generator, used: set[str]) -> str:
    while True:
        code = "NM-" + "".join(rng.choice(list("ABCDEFGHJKLMNPQRSTUVWXYZ23456789"), 6))
        if code not in used:
            used.add(code)
            return code


# the role a member of staff holds, by discipline; every other discipline is a practitioner
_STAFF_ROLES = {
    "management": Role.MANAGER,
    "support_work": Role.SUPPORT_WORKER,
    "peer_support": Role.PEER_WORKER,
    "psychiatry": Role.CLINICIAN,
    "psychology": Role.CLINICIAN,
}


def _staff(
    rng: np.random.Generator, used: set[str], teams_by_service: dict[str, list[str]]
) -> list[Participant]:
    """Frontline staff, service by service: disciplines drawn from the service's mix, then each one's team."""
    people: list[Participant] = []
    disc_ids = list(DISCIPLINES)
    for sid, count in STAFF.items():
        mix = np.array(DISCIPLINE_MIX[sid])
        chosen = rng.choice(len(disc_ids), size=count, p=mix / mix.sum())
        for d in chosen:
            did = disc_ids[d]
            role = _STAFF_ROLES.get(did, Role.PRACTITIONER)
            people.append(
                Participant(
                    id=_pseudonym(rng, used),
                    role=role,
                    level=Level.LOCAL_FRONTLINE,
                    discipline=did,
                    service=sid,
                    team=str(rng.choice(teams_by_service[sid])),
                    consent=bool(rng.random() > 0.01),
                )
            )
    return people


def _people_and_carers(rng: np.random.Generator, used: set[str]) -> list[Participant]:
    """Service users, then carers, service by service."""
    people: list[Participant] = []
    for groups, role in ((SERVICE_USERS, Role.SERVICE_USER), (CARERS, Role.CARER)):
        for sid, count in groups.items():
            people.extend(
                Participant(id=_pseudonym(rng, used), role=role, level=Level.PEOPLE_AND_CARERS, service=sid)
                for _ in range(count)
            )
    return people


def _leaders_and_policymakers(rng: np.random.Generator, used: set[str]) -> list[Participant]:
    """Local commissioners and senior leaders in turn, then regional and national policymakers."""
    people: list[Participant] = []
    for i in range(LOCAL_STRATEGIC):
        role = (Role.COMMISSIONER, Role.SENIOR_LEADER)[i % 2]
        people.append(
            Participant(
                id=_pseudonym(rng, used),
                role=role,
                level=Level.LOCAL_STRATEGIC,
                discipline="management" if role is Role.SENIOR_LEADER else None,
            )
        )
    people.extend(
        Participant(id=_pseudonym(rng, used), role=Role.POLICYMAKER, level=Level.REGIONAL)
        for _ in range(REGIONAL)
    )
    people.extend(
        Participant(id=_pseudonym(rng, used), role=Role.POLICYMAKER, level=Level.NATIONAL)
        for _ in range(NATIONAL)
    )
    return people


def build_trust(rng: np.random.Generator) -> Study:
    """The demo study's structure and participants (deterministic for a given generator state)."""
    services = [Service(sid, name) for sid, name in SERVICES.items()]
    teams = [
        Team(f"{sid}_{i + 1}", name, sid) for sid, names in TEAMS.items() for i, name in enumerate(names)
    ]
    teams_by_service = {sid: [t.id for t in teams if t.service_id == sid] for sid in SERVICES}
    disciplines = [Discipline(did, name) for did, name in DISCIPLINES.items()]
    used: set[str] = set()
    # the order matters: every group draws its pseudonyms (and staff their disciplines and teams) from one stream
    people = _staff(rng, used, teams_by_service)
    people += _people_and_carers(rng, used)
    people += _leaders_and_policymakers(rng, used)
    study = Study(
        id=STUDY_ID,
        name="Northmoor Health and Care NHS Foundation Trust: closing the gap (demo)",
        description=(
            "A synthetic evaluation of an implementation programme in a fictional mental-health and "
            "learning-disability trust. All people and data are invented."
        ),
        policies=list(POLICIES),
        services=services,
        teams=teams,
        disciplines=disciplines,
        waves=list(WAVES),
        participants=people,
    )
    study.validate()
    return study
