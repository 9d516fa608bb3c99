"""Instruments a study used (with their structure frozen at import) and one row per answered item."""

from __future__ import annotations

from django.db import models

from mindthegap.store import withdrawal
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord


class InstrumentRecord(models.Model):
    """An instrument as used by one study; ``structure`` keeps constructs and reversed items so later edits to
    the shipped YAML never change how stored answers are scored."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="instruments")
    instrument_id = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    structure = models.JSONField(default=dict)

    class Meta:
        db_table = "mtg_survey_instrument"
        constraints = [
            models.UniqueConstraint(fields=["study", "instrument_id"], name="survey_instrument_once")
        ]


class SurveyAnswer(models.Model):
    """One item answered by one participant (pseudonym) in one wave: a code, or text for free-text items."""

    instrument = models.ForeignKey(InstrumentRecord, on_delete=models.CASCADE, related_name="answers")
    participant = models.ForeignKey(
        ParticipantRecord, on_delete=models.CASCADE, related_name="survey_answers"
    )
    wave = models.CharField(max_length=64, blank=True)
    item = models.CharField(max_length=64)
    code = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_survey_answer"
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "participant", "wave", "item"], name="survey_answer_once"
            )
        ]
        indexes = [models.Index(fields=["instrument", "item"], name="survey_answer_item")]
