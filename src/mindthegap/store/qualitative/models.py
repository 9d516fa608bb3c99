"""Sources, codes (with an edit history), codings and memos for a study.

Codings point at codes by foreign key with ``RESTRICT``: a code with codings cannot be deleted on its own, only merged,
and merging re-points its codings first, so no coding is ever lost.
"""

from __future__ import annotations

from django.db import models

from mindthegap.store import withdrawal
from mindthegap.store.studies.models import StudyRecord


class SourceRecord(models.Model):
    """A transcript, document, event note or free-text answer, with who it came from."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="qual_sources")
    guid = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    kind = models.CharField(max_length=16, default="text")
    text = models.TextField(null=True, blank=True)
    participant = models.CharField(max_length=128, blank=True)
    level = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=32, blank=True)
    service = models.CharField(max_length=64, blank=True)
    wave = models.CharField(max_length=64, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    objects = withdrawal.SourcesNotWithdrawn()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_qual_source"
        constraints = [models.UniqueConstraint(fields=["study", "guid"], name="qual_source_unique_guid")]


class CodeRecord(models.Model):
    """A code in the study's codebook; ``framework`` says which shipped codebook it came from, if any."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="qual_codes")
    guid = models.CharField(max_length=64)
    name = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    colour = models.CharField(max_length=16, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    framework = models.CharField(max_length=32, blank=True)
    active = models.BooleanField(default=True, help_text="False once merged into another code.")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "mtg_qual_code"
        constraints = [models.UniqueConstraint(fields=["study", "guid"], name="qual_code_unique_guid")]


class CodeEvent(models.Model):
    """One edit to the codebook: add, rename, move, merge or split."""

    code = models.ForeignKey(CodeRecord, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=16)
    details = models.JSONField(default=dict)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "mtg_qual_code_event"
        ordering = ["id"]


class CodingRecord(models.Model):
    """A coder applying a code to a span; machine suggestions are ``unreviewed`` with a confidence."""

    STATUSES = [("accepted", "accepted"), ("unreviewed", "unreviewed"), ("rejected", "rejected")]

    source = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="codings")
    code = models.ForeignKey(CodeRecord, on_delete=models.RESTRICT, related_name="codings")
    guid = models.CharField(max_length=64)
    start = models.PositiveIntegerField(null=True, blank=True, help_text="Code-point offset, inclusive.")
    end = models.PositiveIntegerField(null=True, blank=True, help_text="Code-point offset, exclusive.")
    coder = models.CharField(max_length=128, blank=True)
    status = models.CharField(max_length=16, choices=STATUSES, default="accepted")
    confidence = models.FloatField(null=True, blank=True)
    created = models.DateTimeField(null=True, blank=True)
    region = models.JSONField(
        null=True, blank=True, help_text="Where on a picture, PDF page or recording (REFI-QDA attributes)."
    )
    reviewer = models.CharField(
        max_length=150, blank=True, help_text="Who accepted or rejected a machine suggestion."
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = withdrawal.CodingsNotWithdrawn()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_qual_coding"
        indexes = [models.Index(fields=["source", "code"], name="qual_coding_source_code")]


class MemoRecord(models.Model):
    """A note on the project, a source, a code or a coding (``target`` holds that object's guid)."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="qual_memos")
    target = models.CharField(max_length=64, blank=True)
    author = models.CharField(max_length=128, blank=True)
    text = models.TextField()

    objects = withdrawal.MemosNotWithdrawn()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_qual_memo"
