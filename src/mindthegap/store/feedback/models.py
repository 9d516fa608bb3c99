"""Free-text comments (redacted before storage when the study asks) and trained auto-coder records."""

from __future__ import annotations

from django.db import models

from mindthegap.store import withdrawal
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord


class Comment(models.Model):
    """One free-text comment, from a known (pseudonymous) participant or anonymous, e.g. an FFT answer."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="comments")
    participant = models.ForeignKey(
        ParticipantRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    external_id = models.CharField(
        max_length=128, blank=True, help_text="The comment's id in its source file."
    )
    level = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=32, blank=True)
    service = models.CharField(max_length=64, blank=True)
    wave = models.CharField(max_length=64, blank=True)
    text = models.TextField()
    redactions = models.PositiveIntegerField(default=0, help_text="Pieces of personal data removed.")

    objects = withdrawal.OfConsentingOrNoParticipant()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_comment"
        indexes = [models.Index(fields=["study", "level"], name="comment_study_level")]


class AutoCoderRecord(models.Model):
    """A trained auto-coder file and what it was trained on, so suggestions can be traced to a model."""

    study = models.ForeignKey(
        StudyRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="coders"
    )
    name = models.CharField(max_length=200)
    path = models.CharField(max_length=1024)
    codebook = models.CharField(max_length=64, help_text="Fingerprint of the code list it was trained on.")
    labels = models.JSONField(default=list)
    versions = models.JSONField(default=dict)
    metrics = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "mtg_autocoder"
