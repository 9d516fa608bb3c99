"""The demo's interviews coded a second time, with CFIR 2.0 constructs, co-production characteristics and valence.

Real evaluations code the same transcripts with several frameworks. Here each sentence the interview generator
can draw has a fixed reading (:data:`READINGS`): the CFIR construct and co-production characteristic it speaks to
and whether it helps (Facilitator) or hinders (Barrier). Coder A codes every reading; Coder B codes the
co-production readings again and misses some, so the coder agreement per characteristic is good but not
perfect. Which sentences a service's interviewees said is drawn by the interview generator, so the CFIR ratings,
the co-production index and the recommendations all follow from the demo's data.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np

from mindthegap.demo import DemoStudy
from mindthegap.frameworks.codebooks import load_codebook
from mindthegap.model.qualitative import Codebook, Coding

F, B, N = 1, -1, 0  # facilitator, barrier, neutral
#: sentence → (valence, CFIR constructs, co-production characteristics)
READINGS: dict[str, tuple[int, tuple[str, ...], tuple[str, ...]]] = {
    "It is about care plans written with people rather than for them, and the board signed up to that.": (
        F,
        ("High-level Leaders",),
        ("Blurring distinctions",),
    ),
    "For us it links the national framework to what commissioners actually buy.": (
        F,
        ("Policies & Laws",),
        (),
    ),
    "It is meant to make the principle of user-centred care visible in every record.": (
        F,
        ("Mission Alignment",),
        (),
    ),
    "The medical director championed it early, which gave it legitimacy.": (F, ("High-level Leaders",), ()),
    "We asked each service to nominate a lead, and most did within a month.": (
        F,
        ("Implementation Leads",),
        (),
    ),
    "Honestly some directors saw it as another initiative and held back.": (B, ("Relative Priority",), ()),
    "We funded training days but not backfill, so teams struggled to release staff.": (
        B,
        ("Available Resources",),
        (),
    ),
    "The electronic record was changed so the plan sits on the front screen.": (
        F,
        ("Information Technology Infrastructure",),
        (),
    ),
    "It depends on teams having the time, and that is the thing we cannot buy quickly.": (
        B,
        ("Available Resources",),
        (),
    ),
    "We audit a sample of plans every quarter and report it to the quality committee.": (
        F,
        ("Reflecting & Evaluating",),
        (),
    ),
    "The dashboards tell us plans exist, not whether people felt involved.": (
        B,
        ("Reflecting & Evaluating",),
        (),
    ),
    "We changed the audit after feedback from the carers' forum.": (
        F,
        ("Adapting",),
        ("Mutuality and reciprocity",),
    ),
    "To me it means sitting down with the person and writing it in their words.": (
        F,
        ("Recipient-Centeredness",),
        ("People as assets",),
    ),
    "At first we thought it was just a new form, it took a while to see the point.": (
        B,
        ("Innovation Design",),
        (),
    ),
    "It is what good practice always was, but now it is written down.": (F, ("Compatibility",), ()),
    "Our team lead got us all in a room and we agreed to try it on every new referral.": (
        F,
        ("Mid-level Leaders", "Teaming"),
        (),
    ),
    "The peer workers were the ones who really pushed it on the ward.": (
        F,
        ("Opinion Leaders",),
        ("Peer support networks",),
    ),
    "Nights never bought into it, they say they have no time.": (B, ("Engaging",), ()),
    "With caseloads this high there is barely time for the plan, let alone doing it together.": (
        B,
        ("Available Resources",),
        ("Facilitating not delivering",),
    ),
    "The OT and the social worker share the plan now, which never happened before.": (
        F,
        ("Relational Connections",),
        (),
    ),
    "Agency staff do not know the system so the plans drift when we are short.": (
        B,
        ("Work Infrastructure",),
        (),
    ),
    "We talk about a plan in supervision when something has gone wrong.": (
        N,
        ("Reflecting & Evaluating",),
        (),
    ),
    "Nobody has told us whether the audits found anything.": (B, ("Communications",), ()),
    "We changed the template ourselves because the first one was too long.": (F, ("Adapting",), ()),
    "I did not know I had a care plan until my daughter asked for a copy.": (
        B,
        ("Engaging Innovation Recipients",),
        ("People as assets",),
    ),
    "The plan is supposed to be mine, that is what they told me.": (N, ("Recipient-Centeredness",), ()),
    "It made sense once someone explained it was about what matters to me.": (
        F,
        ("Engaging Innovation Recipients",),
        ("Building on existing capabilities",),
    ),
    "The peer worker sat with me and we wrote it together, that was the first time.": (
        F,
        ("Engaging Innovation Recipients",),
        ("Peer support networks", "Blurring distinctions"),
    ),
    "As a carer I was invited to one meeting and then never again.": (
        B,
        ("Engaging Innovation Recipients",),
        ("Mutuality and reciprocity",),
    ),
    "I was asked what I wanted, but I do not think anyone read it.": (
        B,
        ("Recipient-Centeredness",),
        ("Blurring distinctions",),
    ),
    "Every new worker asks me the same questions, so the plan does not travel.": (
        B,
        ("Communications", "Information Technology Infrastructure"),
        (),
    ),
    "When the nurse had time it worked, when she left it stopped.": (B, ("Available Resources",), ()),
    "The crisis team had a copy and that helped on a bad night.": (
        F,
        ("Information Technology Infrastructure",),
        (),
    ),
    "Nobody has ever asked me whether the plan helped.": (
        B,
        ("Reflecting & Evaluating",),
        ("Mutuality and reciprocity",),
    ),
    "We had a review after six months and changed what was not working.": (
        F,
        ("Reflecting & Evaluating",),
        ("Facilitating not delivering",),
    ),
    "I filled in a feedback form but never heard back.": (
        B,
        ("Communications",),
        ("Mutuality and reciprocity",),
    ),
}
VALENCE_TREE = {
    "id": "valence",
    "name": "Valence",
    "citation": "",
    "colour": "#7F7F7F",
    "codes": [
        {
            "name": "Valence",
            "description": "Whether a passage helps or hinders implementation.",
            "children": [
                {"name": "Facilitator", "description": "The passage describes something that helps."},
                {"name": "Barrier", "description": "The passage describes something that hinders."},
            ],
        }
    ],
}


def _guid(key: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mindthegap-demo/synthesis/{key}")).upper()


def _book(tree: dict) -> dict[str, str]:
    """Add a framework's codes to nothing yet: returns name → guid, with stable guids."""
    book = Codebook.from_tree(tree)
    mapping = {guid: _guid(book.path(guid)) for guid in book.codes}
    for code in book.codes.values():
        code.guid, code.parent = mapping[code.guid], mapping.get(code.parent) if code.parent else None
    return {c.name: c for c in book.codes.values()}


def generate(demo: DemoStudy, rng: np.random.Generator) -> None:
    """Add CFIR, co-production and valence codings to the demo's interviews (kind ``qualitative``)."""
    project = demo.evidence.get("qualitative")
    if project is None:
        return
    codes = {}
    for tree in (load_codebook("cfir2"), load_codebook("coproduction"), VALENCE_TREE):
        for name, code in _book(tree).items():
            project.codebook.codes[code.guid] = code
            codes[name] = code.guid
    when = datetime(2026, 6, 15, tzinfo=UTC)
    serial = iter(range(10**9))
    for source in project.sources:
        if source.kind == "event_notes" or not source.text:
            continue
        for sentence, (valence, constructs, characteristics) in READINGS.items():
            start = source.text.find(sentence)
            if start < 0:
                continue
            end = start + len(sentence)
            coders = [("Coder A", (*constructs, *characteristics))]
            if characteristics and rng.random() < 0.85:
                coders.append(("Coder B", characteristics))
            for coder, names in coders:
                marks = [*names, *(("Facilitator",) if valence > 0 else ("Barrier",) if valence < 0 else ())]
                for name in marks:
                    project.codings.append(
                        Coding(
                            source.guid,
                            codes[name],
                            start,
                            end,
                            coder,
                            created=when,
                            guid=_guid(next(serial)),
                        )
                    )
