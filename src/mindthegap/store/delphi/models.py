"""Delphi consensus rounds: statements with their versions, panels by stakeholder group, rounds and ratings.

A statement keeps every wording it has had: an edit between rounds adds a version that applies from the next
round, and each rating points at the version its rater saw, so the old wording is never lost and feedback can
show both. Statements are of one ``kind``: "consensus" (statements about the way forward) or "levers" (how much
a policy lever would move a principle's gap); each round rates statements of its own kind.
"""

from __future__ import annotations

from django.db import models

from mindthegap.model.limits import ID_MAX
from mindthegap.store import withdrawal
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord

KINDS = [("consensus", "Consensus statements"), ("levers", "Policy levers")]


class PanelMember(models.Model):
    """A participant's place on one stakeholder panel (policymakers, practitioners, …) of a study."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="delphi_panel")
    participant = models.ForeignKey(ParticipantRecord, on_delete=models.CASCADE, related_name="delphi_panels")
    group = models.SlugField(max_length=ID_MAX)

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_delphi_panel_member"
        constraints = [
            models.UniqueConstraint(fields=["study", "participant"], name="delphi_one_panel_per_person")
        ]


class Statement(models.Model):
    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="delphi_statements")
    slug = models.SlugField(max_length=ID_MAX)
    kind = models.CharField(max_length=16, choices=KINDS, default="consensus")
    principle = models.CharField(max_length=ID_MAX, blank=True)
    lever = models.CharField(max_length=ID_MAX, blank=True)
    source = models.CharField(max_length=300, blank=True, help_text="Where the statement was drafted from.")

    class Meta:
        db_table = "mtg_delphi_statement"
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="delphi_statement_slug")]


class StatementVersion(models.Model):
    """One wording of a statement, in use from round ``from_round`` until the next version."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    from_round = models.PositiveIntegerField()
    text = models.TextField()

    class Meta:
        db_table = "mtg_delphi_statement_version"
        constraints = [
            models.UniqueConstraint(fields=["statement", "version"], name="delphi_version_number"),
            models.UniqueConstraint(fields=["statement", "from_round"], name="delphi_version_round"),
        ]


class Round(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="delphi_rounds")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=KINDS, default="consensus")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened = models.DateTimeField(auto_now_add=True)
    closed = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mtg_delphi_round"
        constraints = [models.UniqueConstraint(fields=["study", "number"], name="delphi_round_number")]


class Rating(models.Model):
    """One rater's 1–9 rating of one statement in one round, with an optional comment."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="ratings")
    version = models.ForeignKey(StatementVersion, on_delete=models.CASCADE, related_name="ratings")
    participant = models.ForeignKey(
        ParticipantRecord, on_delete=models.CASCADE, related_name="delphi_ratings"
    )
    rating = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Blank: skipped.")
    comment = models.TextField(blank=True)

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_delphi_rating"
        constraints = [
            models.UniqueConstraint(fields=["round", "version", "participant"], name="delphi_one_rating"),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=9),
                name="delphi_rating_1_to_9",
            ),
        ]


class RoundLink(models.Model):
    """A panel member's personal link to one round, and their ratings saved on the way (``answers``).

    Like a survey invitation, the token is kept only as its SHA-256 hash and derived again from the server's
    secret when the mailing list is exported. ``answers`` maps a statement id to ``{"rating": 1–9 or None,
    "comment": text}`` until submission, which writes :class:`Rating` rows and sets ``submitted_at`` in one
    transaction, by an update that only succeeds while it is still empty.
    """

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="links")
    participant = models.ForeignKey(ParticipantRecord, on_delete=models.CASCADE, related_name="delphi_links")
    token_hash = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=32)
    answers = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mtg_delphi_round_link"
        constraints = [
            models.UniqueConstraint(fields=["round", "participant"], name="delphi_one_link_per_round")
        ]
