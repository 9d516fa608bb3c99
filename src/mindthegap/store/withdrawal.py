"""Withdrawn consent, enforced where rows leave the database.

Every model that holds a person's evidence declares :class:`ConsentedManager` as its default manager
(``objects``), so every query a loader, export, command or view writes leaves out the rows of participants whose
consent is "no". Forgetting the rule therefore needs a deliberate choice: the unfiltered manager ``all_objects``,
used only where the whole store must be seen — checking for clashes before a write, re-pointing codings in a
code merge, changing consent and erasing a person. Django serves related-object access and cascading deletes
through the plain base manager, so deleting a study or a participant still reaches every row.

Rows linked to no one (event notes, anonymous comments, sources naming a pseudonym the study does not know)
stay: nobody's consent governs them.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Exists, OuterRef, Q


class ConsentedManager(models.Manager):
    """The default manager of an evidence model: rows of consenting people, and rows linked to no one.

    Each model has its own subclass saying how its rows reach a participant (related managers subclass the
    default manager's class, so the rule is a method, not a constructor argument).
    """

    def condition(self) -> Q | Exists:
        raise NotImplementedError

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().filter(self.condition())


def _withdrawn(study: str, pseudonym: str) -> Exists:
    """Whether the participant named by the outer row's ``pseudonym`` field, in its ``study``, has withdrawn."""
    from mindthegap.store.studies.models import ParticipantRecord

    return Exists(
        ParticipantRecord.all_objects.filter(
            study=OuterRef(study), pseudonym=OuterRef(pseudonym), consent=False
        )
    )


class ConsentingParticipants(ConsentedManager):
    def condition(self) -> Q:
        return Q(consent=True)


class OfConsentingParticipants(ConsentedManager):
    """Rows that always belong to a participant: values–practice ratings, survey answers."""

    def condition(self) -> Q:
        return Q(participant__consent=True)


class OfConsentingOrNoParticipant(ConsentedManager):
    """Rows that may be anonymous: comments."""

    def condition(self) -> Q:
        return Q(participant__isnull=True) | Q(participant__consent=True)


class SourcesNotWithdrawn(ConsentedManager):
    """Qualitative sources carry the participant's pseudonym as text, matched within the source's study."""

    def condition(self) -> Exists:
        return ~_withdrawn("study", "participant")


class CodingsNotWithdrawn(ConsentedManager):
    def condition(self) -> Exists:
        return ~_withdrawn("source__study", "source__participant")


class MemosNotWithdrawn(ConsentedManager):
    """A memo on a withdrawn person's source, or on a coding of it, may quote them: it leaves with them."""

    def condition(self) -> Q:
        from mindthegap.store.qualitative.models import CodingRecord, SourceRecord

        on_source = SourceRecord.all_objects.filter(study=OuterRef("study"), guid=OuterRef("target")).filter(
            _withdrawn("study", "participant")
        )
        on_coding = CodingRecord.all_objects.filter(
            source__study=OuterRef("study"), guid=OuterRef("target")
        ).filter(_withdrawn("source__study", "source__participant"))
        return ~Exists(on_source) & ~Exists(on_coding)
