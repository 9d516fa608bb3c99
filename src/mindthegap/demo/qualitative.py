"""Synthetic key-informant interviews and event notes, coded with NPT by two coders who sometimes disagree.

Each interviewee answers four questions (one per NPT construct) in words that suit their level: strategic and
national informants talk about plans and assurance, frontline staff about workload and teamwork, people who use
services and carers about being involved. Coder "Coder A" codes each answer with the construct it speaks to;
"Coder B" agrees most of the time, sometimes picks a neighbouring construct and occasionally misses a passage,
so agreement is fair to good rather than perfect (alpha about 0.6–0.85 per code), as in real double coding.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np

from mindthegap.demo import DemoStudy
from mindthegap.frameworks.codebooks import load_codebook
from mindthegap.model import Level
from mindthegap.model.qualitative import Codebook, Coding, QualitativeProject, Source

QUESTIONS = {
    "Coherence": "What do you understand the new care-planning approach to be for?",
    "Cognitive participation": "Who got involved in making it happen, and why?",
    "Collective action": "How does it fit into the day-to-day work?",
    "Reflexive monitoring": "How do you know whether it is working?",
}
STRATEGIC = {
    "Coherence": [
        "It is about care plans written with people rather than for them, and the board signed up to that.",
        "For us it links the national framework to what commissioners actually buy.",
        "It is meant to make the principle of user-centred care visible in every record.",
    ],
    "Cognitive participation": [
        "The medical director championed it early, which gave it legitimacy.",
        "We asked each service to nominate a lead, and most did within a month.",
        "Honestly some directors saw it as another initiative and held back.",
    ],
    "Collective action": [
        "We funded training days but not backfill, so teams struggled to release staff.",
        "The electronic record was changed so the plan sits on the front screen.",
        "It depends on teams having the time, and that is the thing we cannot buy quickly.",
    ],
    "Reflexive monitoring": [
        "We audit a sample of plans every quarter and report it to the quality committee.",
        "The dashboards tell us plans exist, not whether people felt involved.",
        "We changed the audit after feedback from the carers' forum.",
    ],
}
FRONTLINE = {
    "Coherence": [
        "To me it means sitting down with the person and writing it in their words.",
        "At first we thought it was just a new form, it took a while to see the point.",
        "It is what good practice always was, but now it is written down.",
    ],
    "Cognitive participation": [
        "Our team lead got us all in a room and we agreed to try it on every new referral.",
        "The peer workers were the ones who really pushed it on the ward.",
        "Nights never bought into it, they say they have no time.",
    ],
    "Collective action": [
        "With caseloads this high there is barely time for the plan, let alone doing it together.",
        "The OT and the social worker share the plan now, which never happened before.",
        "Agency staff do not know the system so the plans drift when we are short.",
    ],
    "Reflexive monitoring": [
        "We talk about a plan in supervision when something has gone wrong.",
        "Nobody has told us whether the audits found anything.",
        "We changed the template ourselves because the first one was too long.",
    ],
}
PEOPLE = {
    "Coherence": [
        "I did not know I had a care plan until my daughter asked for a copy.",
        "The plan is supposed to be mine, that is what they told me.",
        "It made sense once someone explained it was about what matters to me.",
    ],
    "Cognitive participation": [
        "The peer worker sat with me and we wrote it together, that was the first time.",
        "As a carer I was invited to one meeting and then never again.",
        "I was asked what I wanted, but I do not think anyone read it.",
    ],
    "Collective action": [
        "Every new worker asks me the same questions, so the plan does not travel.",
        "When the nurse had time it worked, when she left it stopped.",
        "The crisis team had a copy and that helped on a bad night.",
    ],
    "Reflexive monitoring": [
        "Nobody has ever asked me whether the plan helped.",
        "We had a review after six months and changed what was not working.",
        "I filled in a feedback form but never heard back.",
    ],
}
POOLS = {
    Level.NATIONAL: STRATEGIC,
    Level.REGIONAL: STRATEGIC,
    Level.LOCAL_STRATEGIC: STRATEGIC,
    Level.LOCAL_FRONTLINE: FRONTLINE,
    Level.PEOPLE_AND_CARERS: PEOPLE,
}
SPEAKER = {
    Level.NATIONAL: "Policy lead",
    Level.REGIONAL: "Regional lead",
    Level.LOCAL_STRATEGIC: "Director",
    Level.LOCAL_FRONTLINE: "Practitioner",
    Level.PEOPLE_AND_CARERS: "Participant",
}
INTERVIEWS = {
    Level.NATIONAL: 3,
    Level.REGIONAL: 4,
    Level.LOCAL_STRATEGIC: 12,
    Level.LOCAL_FRONTLINE: 20,
    Level.PEOPLE_AND_CARERS: 14,
}
EVENTS = [
    "Learning event notes: teams described the care-planning template as too long. Peer workers said "
    "they were the ones who made plans personal.\n\nCarers asked to be invited to reviews, not just the first "
    "meeting. Managers said backfill for training was the main barrier.",
    "Co-production workshop notes: people who use services asked for plans in plain English. "
    "Staff agreed to trial a shorter version for three months and report back at the next event.",
]
NEIGHBOUR = {
    "Coherence": "Cognitive participation",
    "Cognitive participation": "Collective action",
    "Collective action": "Reflexive monitoring",
    "Reflexive monitoring": "Collective action",
}


def _guid(key: object) -> str:
    # the demo must be the same on every run, so identifiers derive from names rather than uuid4
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mindthegap-demo/{key}")).upper()


def _stable(book: Codebook) -> Codebook:
    mapping = {guid: _guid(book.path(guid)) for guid in book.codes}
    for code in book.codes.values():
        code.guid, code.parent = mapping[code.guid], mapping.get(code.parent) if code.parent else None
    book.codes = {code.guid: code for code in book.codes.values()}
    return book


def _interview(rng: np.random.Generator, level: Level) -> tuple[str, list[tuple[str, int, int]]]:
    """Transcript text and (construct, start, end) spans of each answer."""
    pool = POOLS[level]
    text, spans = "", []
    for construct, question in QUESTIONS.items():
        text += f"Interviewer: {question}\n"
        answer = " ".join(
            str(s) for s in rng.choice(pool[construct], size=int(rng.integers(1, 3)), replace=False)
        )
        prefix = f"{SPEAKER[level]}: "
        start = len(text) + len(prefix)
        text += prefix + answer + "\n\n"
        spans.append((construct, start, start + len(answer)))
    return text, spans


def _spread(people: list, wanted: int) -> list:
    """``wanted`` people taken in turn from each service (in the roster's order), so that every service has
    interviewees and case-level syntheses (CFIR ratings per service) have more than one case."""
    by_service: dict[str, list] = {}
    for person in people:
        by_service.setdefault(person.service or "", []).append(person)
    queues = list(by_service.values())
    chosen: list = []
    while len(chosen) < wanted and any(queues):
        for queue in queues:
            if queue and len(chosen) < wanted:
                chosen.append(queue.pop(0))
    return chosen


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    """Add a ``qualitative`` project: interviews across levels, two event notes, NPT codings by two coders."""
    book = _stable(Codebook.from_tree(load_codebook("npt")))
    serial = iter(range(10**9))
    constructs = {c.name: c.guid for c in book.children(None)}
    people = {lvl: [p for p in demo.study.participants if Level(p.level) == lvl] for lvl in INTERVIEWS}
    sources, codings = [], []
    when = datetime(2026, 6, 1, tzinfo=UTC)

    def code(source: Source, construct: str, start: int, end: int, coder: str) -> None:
        codings.append(
            Coding(
                source.guid, constructs[construct], start, end, coder, created=when, guid=_guid(next(serial))
            )
        )

    for level, wanted in INTERVIEWS.items():
        chosen = _spread(people[level], wanted)
        for number in range(wanted):
            person = chosen[number] if number < len(chosen) else None
            text, spans = _interview(rng, level)
            meta = {
                "participant": person.id if person else f"{level.value}-{number + 1:02d}",
                "level": level.value,
                "role": str(getattr(person.role, "value", person.role)) if person else "",
                "service": (person.service or "") if person else "",
                "wave": demo.study.waves[0].id if demo.study.waves else "",
            }
            name = f"Interview {level.value} {number + 1:02d}"
            source = Source(name=name, text=text, metadata=meta, guid=_guid(name))
            sources.append(source)
            for construct, start, end in spans:
                code(source, construct, start, end, "Coder A")
                for coder, share in (("Coder A", 0.25), ("Coder B", 0.2)):
                    if rng.random() < share:  # a passage often speaks to two constructs at once
                        code(source, NEIGHBOUR[construct], start, end, coder)
                draw = rng.random()
                if draw < 0.82:
                    chosen_code = construct
                elif draw < 0.95:
                    chosen_code = NEIGHBOUR[construct]
                else:
                    continue  # coder B missed this passage
                code(source, chosen_code, start, end, "Coder B")
    for number, note in enumerate(EVENTS, start=1):
        # notes of a group discussion: no one participant, so they add no one to the level's head count
        meta = {"participant": "", "level": "local_frontline", "role": "", "service": "", "wave": ""}
        name = f"Event notes {number}"
        sources.append(Source(name=name, text=note, kind="event_notes", metadata=meta, guid=_guid(name)))
    demo.evidence["qualitative"] = QualitativeProject(
        name="Care-planning interviews", codebook=book, sources=sources, codings=codings
    )
