"""CFIR 2.0 ratings per case, and the implementation support a study lists with its use and helpfulness.

CFIR 2.0 ratings per case: the rating the rules propose from coded evidence, and the analyst's decision.

A rating is −2 … +2, or missing (``None``: CFIR's "X", no evidence). The proposal is refreshed whenever the
coded evidence is; an analyst's confirmation or change is kept with its reason, who made it and when, and is
never overwritten by a new proposal (the row then shows that the proposal has moved since).
"""

from __future__ import annotations

from django.db import models

from mindthegap.model.limits import ID_MAX, NAME_MAX
from mindthegap.store import withdrawal
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord


class CfirRating(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed by the rules, not yet reviewed"
        CONFIRMED = "confirmed", "Confirmed by an analyst"
        CHANGED = "changed", "Changed by an analyst"

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="cfir_ratings")
    case = models.CharField(max_length=200, help_text="The service, team or site rated.")
    construct = models.CharField(max_length=200)
    proposed = models.SmallIntegerField(null=True, blank=True, help_text="−2 … +2; empty is X (missing).")
    rule = models.CharField(max_length=300, blank=True, help_text="Which rule gave the proposal.")
    evidence = models.JSONField(default=dict, blank=True, help_text="Counts behind the proposal.")
    rating = models.SmallIntegerField(null=True, blank=True, help_text="The rating in force.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PROPOSED)
    reason = models.TextField(blank=True, help_text="Why the analyst confirmed or changed it.")
    analyst = models.CharField(max_length=150, blank=True)
    decided = models.DateTimeField(null=True, blank=True)
    proposed_at_decision = models.SmallIntegerField(null=True, blank=True)
    history = models.JSONField(default=list, blank=True, help_text="Earlier decisions, oldest first.")

    class Meta:
        db_table = "mtg_cfir_rating"
        constraints = [
            models.UniqueConstraint(fields=["study", "case", "construct"], name="cfir_rating_unique")
        ]


class SupportRecord(models.Model):
    """Support offered to implement the study's policy, as the study file lists it."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="supports")
    slug = models.SlugField(max_length=ID_MAX)
    name = models.CharField(max_length=NAME_MAX)
    kind = models.CharField(max_length=NAME_MAX, blank=True)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "mtg_support"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="support_unique")]


class SupportUse(models.Model):
    """Whether someone (a participant, or an unnamed respondent at a level) used a support, and how helpful
    they found it (1 not at all … 5 very). Withdrawn participants' rows are left out by the default manager."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="support_uses")
    support = models.ForeignKey(SupportRecord, on_delete=models.CASCADE, related_name="uses")
    participant = models.ForeignKey(
        ParticipantRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="support_uses"
    )
    respondent = models.CharField(
        max_length=ID_MAX, blank=True, help_text="Row key for an unnamed respondent (file and row)."
    )
    level = models.CharField(max_length=32)
    used = models.BooleanField()
    helpfulness = models.SmallIntegerField(null=True, blank=True, help_text="1 … 5; empty when not rated.")
    comment = models.TextField(blank=True)

    objects = withdrawal.OfConsentingOrNoParticipant()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_support_use"
        indexes = [models.Index(fields=["study", "level"], name="support_use_study_level")]
