"""What the qualitative store lacks for coding in the browser.

* :class:`CodingState` — one counter per source and coder, raised by every change to that coder's codings on that
  source. A change names the version it was made against; a stale version is refused (optimistic locking), so
  two tabs, or two people resolving an agreed version together, never overwrite each other unseen.
* :class:`DoubleCoding` and :class:`Assignment` — a sample of sources given to two or more coders, blind to one
  another until every coder of a source has finished.
* :class:`AgreedVersion` — the record that the coders of a source settled their differences, and when.
* :class:`CodeGuidance` — inclusion and exclusion rules shown beside a code while coding.
"""

from __future__ import annotations

from django.db import models

from mindthegap.store.qualitative.models import CodeRecord, SourceRecord
from mindthegap.store.studies.models import StudyRecord


class CodingState(models.Model):
    source = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    coder = models.CharField(max_length=150)
    version = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "mtg_coding_state"
        constraints = [models.UniqueConstraint(fields=["source", "coder"], name="coding_state_unique")]


class DoubleCoding(models.Model):
    """A round of double coding; ``independent`` keeps each source's agreement as it stood when the last coder
    finished, before any discussion, because that is the figure a methods section reports."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="double_codings")
    name = models.CharField(max_length=200)
    created_by = models.CharField(max_length=150)
    created = models.DateTimeField(auto_now_add=True)
    independent = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "mtg_coding_double"
        ordering = ["id"]


class Assignment(models.Model):
    round = models.ForeignKey(DoubleCoding, on_delete=models.CASCADE, related_name="assignments")
    source = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    coder = models.CharField(max_length=150)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mtg_coding_assignment"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "source", "coder"], name="coding_assignment_unique")
        ]


class AgreedVersion(models.Model):
    round = models.ForeignKey(DoubleCoding, on_delete=models.CASCADE, related_name="agreed")
    source = models.ForeignKey(SourceRecord, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.CharField(max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)
    codings = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "mtg_coding_agreed"
        constraints = [models.UniqueConstraint(fields=["round", "source"], name="coding_agreed_unique")]


class CodeGuidance(models.Model):
    code = models.OneToOneField(CodeRecord, on_delete=models.CASCADE, related_name="guidance")
    inclusion = models.TextField(blank=True)
    exclusion = models.TextField(blank=True)

    class Meta:
        db_table = "mtg_coding_guidance"
