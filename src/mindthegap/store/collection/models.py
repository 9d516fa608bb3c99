"""A survey put to respondents on the web, its personal invitations and each respondent's session.

No names or contact details are stored: a personal invitation points at a pseudonymous participant, and its
token is kept only as a hash (the link itself is derived from the server's secret when the mailing list is
exported). An open link's respondents are anonymous until they submit, when a pseudonymous participant is
made for them.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from mindthegap.model import Level, Role
from mindthegap.store.studies.models import (
    LEVEL_CHOICES,
    ROLE_CHOICES,
    DisciplineRecord,
    ParticipantRecord,
    ServiceRecord,
    StudyRecord,
    WaveRecord,
)
from mindthegap.store.surveys.models import InstrumentRecord


class Survey(models.Model):
    """One instrument put to respondents in one wave of a study, between an opening and a closing time."""

    class Mode(models.TextChoices):
        OPEN = "open", "Open link (anonymous)"
        PERSONAL = "personal", "Personal links (one per participant)"

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="surveys")
    slug = models.SlugField(max_length=64)
    title = models.CharField(max_length=200)
    # everything a survey points at belongs to its study: deleting the study (or its wave) deletes the survey
    instrument = models.ForeignKey(InstrumentRecord, on_delete=models.CASCADE, related_name="surveys")
    wave = models.ForeignKey(WaveRecord, null=True, blank=True, on_delete=models.CASCADE)
    mode = models.CharField(max_length=16, choices=Mode.choices, default=Mode.PERSONAL)
    consent_text = models.TextField(help_text="Written by the study; shown before the first question.")
    opens_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField(null=True, blank=True)
    # an open link's key: long and random, so the link cannot be guessed from the study or survey name
    public_key = models.CharField(max_length=64, unique=True)
    # who an open link's respondents are, for grouping their answers (they give nothing about themselves)
    open_role = models.CharField(max_length=32, choices=ROLE_CHOICES, default=Role.OTHER.value)
    open_level = models.CharField(max_length=32, choices=LEVEL_CHOICES, default=Level.LOCAL_FRONTLINE.value)
    open_service = models.ForeignKey(ServiceRecord, null=True, blank=True, on_delete=models.SET_NULL)
    open_discipline = models.ForeignKey(DisciplineRecord, null=True, blank=True, on_delete=models.SET_NULL)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "mtg_collect_survey"
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="survey_slug_unique_in_study")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now and (self.closes_at is None or now < self.closes_at)


class Invitation(models.Model):
    """A personal link for one participant to one survey; ``token_hash`` is SHA-256 of the link's token."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    participant = models.ForeignKey(ParticipantRecord, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    nonce = models.CharField(max_length=32)
    created = models.DateTimeField(auto_now_add=True)
    revoked = models.BooleanField(default=False)

    class Meta:
        db_table = "mtg_collect_invitation"
        constraints = [
            models.UniqueConstraint(fields=["survey", "participant"], name="one_invitation_per_participant")
        ]


class ResponseSession(models.Model):
    """One respondent's way through a survey: answers saved page by page, then submitted once.

    ``key`` identifies an open link's respondent (held in a signed cookie); a personal link's session is
    found by its invitation. ``submitted_at`` is set in the same transaction that writes the answers, by an
    update that only succeeds while it is still empty, so a retried POST or a second tab cannot store twice.
    """

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sessions")
    key = models.CharField(max_length=64, unique=True)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="session"
    )
    # a participant answers each wave's survey in a session of its own, so several sessions may name them
    participant = models.ForeignKey(
        ParticipantRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="web_sessions"
    )
    answers = models.JSONField(default=dict, blank=True)
    page = models.PositiveIntegerField(default=0, help_text="The furthest page reached (0 = consent).")
    easy_read = models.BooleanField(default=False)
    client = models.CharField(max_length=64, blank=True, help_text="Keyed hash of the address (rate limit).")
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "mtg_collect_session"
        indexes = [models.Index(fields=["survey", "client", "started_at"], name="collect_session_client")]
