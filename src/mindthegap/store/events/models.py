"""Events of a programme where people from different disciplines, services and levels meet; who registered and
came; what they said about it; the discussion notes; who works with whom at each wave; and the headcounts that
reach is measured against.

Rows that hold a person's evidence use the consent-filtering managers of :mod:`mindthegap.store.withdrawal`,
so a withdrawn participant's attendance, feedback and ties (named by them or naming them) never leave the store.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from mindthegap.model.limits import ID_MAX, TITLE_MAX
from mindthegap.store import withdrawal
from mindthegap.store.qualitative.models import SourceRecord
from mindthegap.store.studies.models import ParticipantRecord, StudyRecord


class Event(models.Model):
    """One event: when, how it was held, what it was about, who facilitated (roles) and which levels were
    meant to be in the room (the levels actually present come from attendance)."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="events")
    slug = models.SlugField(max_length=ID_MAX)
    date = models.DateField()
    format = models.CharField(max_length=16, default="in_person")
    topic = models.CharField(max_length=TITLE_MAX)
    principles = models.JSONField(default=list, blank=True)
    services = models.JSONField(default=list, blank=True)
    facilitators = models.JSONField(default=list, blank=True)
    levels = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "mtg_event"
        ordering = ["study", "date", "slug"]
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="event_slug_unique_in_study")]


class Attendance(models.Model):
    """A participant registered for an event, and whether they came."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="attendance")
    participant = models.ForeignKey(
        ParticipantRecord, on_delete=models.CASCADE, related_name="event_attendance"
    )
    registered = models.BooleanField(default=True)
    attended = models.BooleanField(default=True)

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_event_attendance"
        constraints = [
            models.UniqueConstraint(fields=["event", "participant"], name="attendance_once_per_event")
        ]


class EventFeedback(models.Model):
    """One answer to the shipped event-feedback instrument, about one event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="feedback")
    participant = models.ForeignKey(
        ParticipantRecord, on_delete=models.CASCADE, related_name="event_feedback"
    )
    item = models.CharField(max_length=ID_MAX)
    code = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_event_feedback"
        constraints = [
            models.UniqueConstraint(fields=["event", "participant", "item"], name="event_feedback_once")
        ]


class EventNote(models.Model):
    """Discussion notes of an event, kept as a qualitative source so they can be coded like any other text."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notes")
    source = models.OneToOneField(SourceRecord, on_delete=models.CASCADE, related_name="event_note")

    class Meta:
        db_table = "mtg_event_note"


class TiesOfConsenting(withdrawal.ConsentedManager):
    """A tie leaves the store only when the person who named it and the person named both consent."""

    def condition(self) -> Q:
        return Q(participant__consent=True) & (Q(alter__isnull=True) | Q(alter__consent=True))


class NetworkTie(models.Model):
    """At one wave, ``participant`` named ``alter`` as someone they work with; a row with no alter records
    that the participant answered and named no one (an isolate, not a missing answer)."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="network_ties")
    wave = models.CharField(max_length=ID_MAX)
    participant = models.ForeignKey(ParticipantRecord, on_delete=models.CASCADE, related_name="ties_named")
    alter = models.ForeignKey(
        ParticipantRecord, null=True, blank=True, on_delete=models.CASCADE, related_name="ties_received"
    )

    objects = TiesOfConsenting()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_network_tie"
        constraints = [
            models.UniqueConstraint(
                fields=["study", "wave", "participant", "alter"], name="network_tie_once"
            ),
            models.CheckConstraint(condition=~Q(participant=models.F("alter")), name="network_no_self_tie"),
        ]


class Headcount(models.Model):
    """How many people a group has in all (staff in post, people on a caseload), not only participants."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="headcounts")
    dimension = models.CharField(max_length=16)
    group = models.CharField(max_length=ID_MAX)
    headcount = models.PositiveIntegerField()

    class Meta:
        db_table = "mtg_headcount"
        constraints = [models.UniqueConstraint(fields=["study", "dimension", "group"], name="headcount_once")]


class NetworkTieCount(models.Model):
    """At one wave, ``participant`` said they work with ``count`` colleagues in one discipline × service block
    (where names are not collected)."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="network_tie_counts")
    wave = models.CharField(max_length=ID_MAX)
    participant = models.ForeignKey(ParticipantRecord, on_delete=models.CASCADE, related_name="tie_counts")
    discipline = models.CharField(max_length=ID_MAX)
    service = models.CharField(max_length=ID_MAX)
    count = models.PositiveIntegerField()

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_network_tie_count"
        constraints = [
            models.UniqueConstraint(
                fields=["study", "wave", "participant", "discipline", "service"],
                name="network_tie_count_once",
            )
        ]
