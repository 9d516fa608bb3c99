"""Providers, their CQC ratings and their Staff Survey result distributions, kept per study.

These are published facts about organisations, not people's evidence: no participant is linked and no
withdrawal filter applies. A study marks one provider as its own (``home``), the one its report places
against the others.
"""

from __future__ import annotations

from django.db import models

from mindthegap.store.studies.models import StudyRecord


class OrganisationRecord(models.Model):
    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="organisations")
    provider_id = models.CharField(max_length=64, help_text="ODS code or CQC provider id.")
    name = models.CharField(max_length=300, blank=True)
    org_type = models.CharField(max_length=100, blank=True, help_text="e.g. Mental Health; peers share it.")
    region = models.CharField(max_length=100, blank=True)
    home = models.BooleanField(default=False, help_text="The study's own provider.")

    class Meta:
        db_table = "mtg_organisation"
        constraints = [models.UniqueConstraint(fields=["study", "provider_id"], name="organisation_unique")]


class CqcRating(models.Model):
    organisation = models.ForeignKey(OrganisationRecord, on_delete=models.CASCADE, related_name="ratings")
    service = models.CharField(max_length=200, help_text="Core service or population group; Overall.")
    key_question = models.CharField(max_length=20)
    score = models.PositiveSmallIntegerField(help_text="0 Inadequate … 3 Outstanding.")
    date = models.DateField()

    class Meta:
        db_table = "mtg_cqc_rating"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service", "key_question", "date"], name="cqc_rating_unique"
            )
        ]


class StaffSurveyResult(models.Model):
    organisation = models.ForeignKey(
        OrganisationRecord, on_delete=models.CASCADE, related_name="staff_survey"
    )
    year = models.PositiveSmallIntegerField()
    item = models.CharField(max_length=32)
    response = models.CharField(max_length=8, help_text="SD, D, NAND, A or SA.")
    percent = models.FloatField()
    n = models.PositiveIntegerField(help_text="Staff answering the item.")

    class Meta:
        db_table = "mtg_staff_survey_result"
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "item", "response"], name="staff_survey_unique"
            )
        ]
