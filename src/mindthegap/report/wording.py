"""Words that fit the study: what its organisation is called (a council study never says "trust").

The kind is taken, in order, from the evidence key ``organisation_kind`` (a study may set it), the study's name
and description ("… County Council", "… NHS Foundation Trust"), and the type of the provider the study marks
as its own in its organisation data (an NHS provider type means a trust, a local authority a council). When
nothing says, the report writes "organisation".
"""

from __future__ import annotations

import re

from mindthegap.report.context import ReportContext

KINDS = {
    "council": ("council", "local authority", "borough", "county"),
    "trust": ("trust", "nhs", "mental health", "community", "acute", "ambulance"),
    "integrated care board": ("integrated care board", "icb"),
    "practice": ("practice", "primary care network"),
}


STRICT = {"council": ("council", "local authority"), "trust": ("trust", "nhs")}
"""Words that name the kind in a study's own name or description (broad ones like "community" do not)."""


def _match(text: str, kinds: dict[str, tuple[str, ...]] = KINDS) -> str | None:
    text = text.casefold()
    for kind, words in kinds.items():
        if any(re.search(rf"\b{re.escape(w)}\b", text) for w in words):
            return kind
    return None


def organisation_kind(ctx: ReportContext) -> str:
    given = ctx.evidence.get("organisation_kind")
    if isinstance(given, str) and given.strip():
        return given.strip().casefold()
    for text in (ctx.study.name, ctx.study.description):
        kind = _match(text or "", STRICT)
        if kind:
            return kind
    orgs = ctx.evidence.get("organisations")
    if isinstance(orgs, dict) and orgs.get("home") and orgs.get("providers") is not None:
        providers = orgs["providers"]
        own = providers[providers["provider_id"] == orgs["home"]]
        if len(own):
            kind = _match(str(own.iloc[0].get("org_type", "")))
            if kind:
                return kind
    return "organisation"
