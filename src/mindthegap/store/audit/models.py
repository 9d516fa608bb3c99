"""The audit log's one table. Rows are only ever added (see :class:`AuditEvent`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mindthegap.store.audit.actions import Action


class AppendOnlyError(Exception):
    """An attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One action: who (account or "anonymous"), what, on which study and object, when and from where.

    No foreign keys: the event outlives the study, the account and the object it names (deleting a study is
    itself an event). ``detail`` holds counts, ids and settings, never personal data (participants' answers,
    free text, names); :func:`mindthegap.store.audit.log.record` refuses the obvious keys.
    """

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150, help_text='Username, "anonymous", or the command line\'s user.')
    user_id = models.BigIntegerField(null=True, blank=True)
    channel = models.CharField(max_length=8, default="web")  # web or cli
    action = models.CharField(max_length=32, choices=Action.choices, db_index=True)
    study = models.CharField(max_length=64, blank=True, db_index=True)
    object_kind = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        db_table = "mtg_audit_event"
        ordering = ["-at", "-id"]
        verbose_name = "audit event"
        # a study's newest events first: its page, and its data version (mindthegap.web.dashboard_cache)
        indexes = [models.Index(fields=["study", "-id"], name="mtg_audit_study_newest")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor} {self.action} {self.study}".strip()

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnlyError("audit events cannot be changed")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")
