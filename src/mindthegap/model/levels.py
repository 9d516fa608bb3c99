"""The five levels of the health and social-care system that evidence comes from."""

from __future__ import annotations

from enum import StrEnum


class Level(StrEnum):
    """Where in the system a participant or a piece of evidence sits.

    The order runs from policy towards practice: national bodies, regional teams, local strategic leaders
    (commissioners, boards, senior managers), local frontline staff, and people who use services and carers.
    """

    NATIONAL = "national"
    REGIONAL = "regional"
    LOCAL_STRATEGIC = "local_strategic"
    LOCAL_FRONTLINE = "local_frontline"
    PEOPLE_AND_CARERS = "people_and_carers"

    @property
    def label(self) -> str:
        return _LABELS[self]

    @property
    def rank(self) -> int:
        """0 for national … 4 for people who use services and carers; for sorting tables and charts."""
        return list(Level).index(self)

    @classmethod
    def parse(cls, text: str) -> Level:
        """Accept the stored value, the label, or common spellings ("frontline", "service users")."""
        key = " ".join(str(text).strip().lower().replace("-", " ").replace("_", " ").split())
        for level in cls:
            if key in (level.value.replace("_", " "), level.label.lower()):
                return level
        if key in _ALIASES:
            return _ALIASES[key]
        raise ValueError(f"unknown level {text!r}; expected one of: {', '.join(lv.label for lv in cls)}")


_LABELS = {
    Level.NATIONAL: "National",
    Level.REGIONAL: "Regional",
    Level.LOCAL_STRATEGIC: "Local strategic",
    Level.LOCAL_FRONTLINE: "Local frontline",
    Level.PEOPLE_AND_CARERS: "People who use services and carers",
}

_ALIASES = {
    "frontline": Level.LOCAL_FRONTLINE,
    "strategic": Level.LOCAL_STRATEGIC,
    "service users": Level.PEOPLE_AND_CARERS,
    "service users and carers": Level.PEOPLE_AND_CARERS,
    "people who use services": Level.PEOPLE_AND_CARERS,
    "carers": Level.PEOPLE_AND_CARERS,
    "experts by experience": Level.PEOPLE_AND_CARERS,
}
