"""The domain in plain Python: no Django, no I/O. See docs/ARCHITECTURE.md for the data model."""

from mindthegap.model.levels import Level
from mindthegap.model.study import (
    Discipline,
    Participant,
    Policy,
    Principle,
    Role,
    Service,
    Study,
    Support,
    Team,
    Wave,
)

__all__ = [
    "Discipline",
    "Level",
    "Participant",
    "Policy",
    "Principle",
    "Role",
    "Service",
    "Study",
    "Support",
    "Team",
    "Wave",
]
