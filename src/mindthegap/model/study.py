"""Study, policy and organisation: the plain dataclasses every other layer shares.

Identifiers are short slugs chosen by the study team (``"adult_community"``, ``"user_centred"``); participants
carry pseudonymous ids only — names and contact details never enter the model.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from mindthegap.errors import quoted
from mindthegap.model.levels import Level
from mindthegap.model.limits import ID_MAX, NAME_MAX, TITLE_MAX, text_max, too_long
from mindthegap.model.pseudonyms import check_pseudonym
from mindthegap.privacy import PrivacySettings

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


def check_slug(value: str, what: str) -> str:
    """Identifiers are short lower-case slugs so they survive CSV headers, URLs, file names and the database."""
    if isinstance(value, str) and len(value) > ID_MAX:
        raise ValueError(f"{what} id {quoted(value, limit=20)} {too_long(value, ID_MAX)}")
    if not isinstance(value, str) or not _SLUG.match(value):
        raise ValueError(
            f"{what} id {value!r} must be lower-case letters, digits, '_' or '-' (e.g. 'adult_community')"
        )
    return value


def check_length(value: str, limit: int, what: str) -> str:
    """Return ``value`` if it has at most ``limit`` characters; raise ``ValueError`` naming ``what`` if not."""
    problem = too_long(value, limit)
    if problem:
        raise ValueError(f"{what} {problem}")
    return value


class Role(StrEnum):
    """What a participant does, in the broad groups evaluations report by."""

    POLICYMAKER = "policymaker"
    COMMISSIONER = "commissioner"
    SENIOR_LEADER = "senior_leader"
    MANAGER = "manager"
    CLINICIAN = "clinician"
    PRACTITIONER = "practitioner"
    SUPPORT_WORKER = "support_worker"
    PEER_WORKER = "peer_worker"
    SERVICE_USER = "service_user"
    CARER = "carer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Principle:
    """One thing a policy says good care looks like (e.g. user-centred practice)."""

    id: str
    name: str
    description: str = ""

    def __post_init__(self) -> None:
        check_slug(self.id, "principle")


@dataclass(frozen=True)
class Support:
    """Something offered to help implement a policy: national guidance, a regional lead, webinars, a toolkit,
    a peer network …  ``kind`` is free text that groups supports in the report (e.g. "guidance")."""

    id: str
    name: str
    kind: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        check_slug(self.id, "support")


@dataclass(frozen=True)
class Policy:
    """A policy and its principles, with the levers available to push it into practice."""

    id: str
    title: str
    principles: tuple[Principle, ...]
    source: str = ""
    levers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        check_slug(self.id, "policy")
        ids = [p.id for p in self.principles]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise ValueError(
                f"policy {self.id!r} lists principle ids more than once: {', '.join(duplicates)}"
            )


@dataclass(frozen=True)
class Service:
    """A service or client group (e.g. working-age adults, community)."""

    id: str
    name: str

    def __post_init__(self) -> None:
        check_slug(self.id, "service")


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    service_id: str

    def __post_init__(self) -> None:
        check_slug(self.id, "team")


@dataclass(frozen=True)
class Discipline:
    """A professional group (nursing, psychiatry, …) or a non-staff group such as service users."""

    id: str
    name: str

    def __post_init__(self) -> None:
        check_slug(self.id, "discipline")


@dataclass(frozen=True)
class Wave:
    """A round of data collection, ordered (baseline = 0, follow-up = 1, …)."""

    id: str
    name: str
    order: int

    def __post_init__(self) -> None:
        check_slug(self.id, "wave")


@dataclass(frozen=True)
class Participant:
    """A person who gave evidence, known only by a pseudonymous id.

    ``service``, ``team`` and ``discipline`` are ids from the study's structure, or ``None`` where they do not
    apply (a national informant has no team). ``consent`` False means the person's data are kept out of every
    analysis and output.
    """

    id: str
    role: Role
    level: Level
    discipline: str | None = None
    service: str | None = None
    team: str | None = None
    consent: bool = True


@dataclass
class Study:
    """An evaluation: the policies it examines, the organisation it looks at and the people who took part."""

    id: str
    name: str
    policies: list[Policy] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    disciplines: list[Discipline] = field(default_factory=list)
    waves: list[Wave] = field(default_factory=list)
    participants: list[Participant] = field(default_factory=list)
    privacy: PrivacySettings = field(default_factory=PrivacySettings)
    description: str = ""
    supports: list[Support] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_slug(self.id, "study")

    @property
    def principles(self) -> list[Principle]:
        return [p for policy in self.policies for p in policy.principles]

    def waves_in_order(self) -> list[Wave]:
        """The study's waves in collection order (baseline first); equal orders by id, so the order is stable."""
        return sorted(self.waves, key=lambda w: (w.order, w.id))

    def validate(self) -> None:
        """Check that every reference points at something the study defines; raise ``ValueError`` if not."""
        _unique(self.services, "service")
        _unique(self.teams, "team")
        _unique(self.disciplines, "discipline")
        _unique(self.waves, "wave")
        _unique(self.participants, "participant")
        _unique(self.policies, "policy")
        _unique(self.principles, "principle")
        _unique(self.supports, "support")
        self._check_lengths()
        for p in self.participants:
            check_pseudonym(p.id)
        services = {s.id for s in self.services}
        teams = {t.id: t for t in self.teams}
        disciplines = {d.id for d in self.disciplines}
        for team in self.teams:
            if team.service_id not in services:
                raise ValueError(f"team {team.id!r} names unknown service {team.service_id!r}")
        for p in self.participants:
            if p.service is not None and p.service not in services:
                raise ValueError(f"participant {p.id!r} names unknown service {p.service!r}")
            if p.discipline is not None and p.discipline not in disciplines:
                raise ValueError(f"participant {p.id!r} names unknown discipline {p.discipline!r}")
            if p.team is not None:
                if p.team not in teams:
                    raise ValueError(f"participant {p.id!r} names unknown team {p.team!r}")
                if p.service is not None and teams[p.team].service_id != p.service:
                    raise ValueError(f"participant {p.id!r}: team {p.team!r} is not in service {p.service!r}")

    def _check_lengths(self) -> None:
        """Names, titles and descriptions must fit the store (a longer name is refused, not cut)."""
        check_length(self.name, NAME_MAX, f"study {self.id!r} name")
        check_length(self.description, text_max(), f"study {self.id!r} description")
        for policy in self.policies:
            check_length(policy.title, TITLE_MAX, f"policy {policy.id!r} title")
            check_length(policy.source, TITLE_MAX, f"policy {policy.id!r} source")
            for lever in policy.levers:
                check_length(lever, NAME_MAX, f"a lever of policy {policy.id!r}")
        for principle in self.principles:
            check_length(principle.name, NAME_MAX, f"principle {principle.id!r} name")
            check_length(principle.description, text_max(), f"principle {principle.id!r} description")
        for support in self.supports:
            check_length(support.name, NAME_MAX, f"support {support.id!r} name")
            check_length(support.kind, NAME_MAX, f"support {support.id!r} kind")
            check_length(support.description, text_max(), f"support {support.id!r} description")
        for group, what in (
            (self.services, "service"),
            (self.teams, "team"),
            (self.disciplines, "discipline"),
            (self.waves, "wave"),
        ):
            for item in group:
                check_length(item.name, NAME_MAX, f"{what} {item.id!r} name")  # type: ignore[attr-defined]


def _unique(items: Iterable[object], what: str) -> None:
    seen: set[str] = set()
    for item in items:
        key = item.id  # type: ignore[attr-defined]
        if key in seen:
            raise ValueError(f"{what} id {key!r} appears more than once")
        seen.add(key)
