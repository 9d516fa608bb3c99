"""ORM models for a study's structure and the values–practice ratings.

They mirror :mod:`mindthegap.model` (the plain domain); :mod:`.repository` converts between the two, so
analyses never see Django objects.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from mindthegap.model import Level, Role
from mindthegap.model.limits import ID_MAX, NAME_MAX, TITLE_MAX  # the importers check the same widths
from mindthegap.store import withdrawal

LEVEL_CHOICES = [(lv.value, lv.label) for lv in Level]
ROLE_CHOICES = [(r.value, r.label) for r in Role]


class StudyRecord(models.Model):
    slug = models.SlugField(max_length=ID_MAX, unique=True)
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField(blank=True)
    min_n = models.PositiveIntegerField(default=11, help_text="Groups smaller than this are suppressed.")
    redact_free_text = models.BooleanField(default=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "mtg_study"
        verbose_name = "study"

    def __str__(self) -> str:
        return self.name


class StudyAccess(models.Model):
    """Who may see or change a study in the web app. Nobody sees a study without a row here."""

    class Role(models.TextChoices):
        VIEWER = "viewer", "Viewer (reports and dashboards)"
        ANALYST = "analyst", "Analyst (import, code, analyse)"
        OWNER = "owner", "Owner (also manages access)"

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="access")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="study_access")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        db_table = "mtg_study_access"
        constraints = [models.UniqueConstraint(fields=["study", "user"], name="one_access_row_per_user")]


class PolicyRecord(models.Model):
    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="policies")
    slug = models.SlugField(max_length=ID_MAX)
    title = models.CharField(max_length=TITLE_MAX)
    source = models.CharField(max_length=TITLE_MAX, blank=True)
    levers = models.JSONField(default=list, blank=True)

    class Meta:
        db_table = "mtg_policy"
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="policy_slug_unique_in_study")]


class PrincipleRecord(models.Model):
    policy = models.ForeignKey(PolicyRecord, on_delete=models.CASCADE, related_name="principles")
    slug = models.SlugField(max_length=ID_MAX)
    name = models.CharField(max_length=NAME_MAX)
    description = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "mtg_principle"
        ordering = ["policy", "position"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "slug"], name="principle_slug_unique_in_policy")
        ]


class ServiceRecord(models.Model):
    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="services")
    slug = models.SlugField(max_length=ID_MAX)
    name = models.CharField(max_length=NAME_MAX)

    class Meta:
        db_table = "mtg_service"
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="service_slug_unique_in_study")]


class TeamRecord(models.Model):
    service = models.ForeignKey(ServiceRecord, on_delete=models.CASCADE, related_name="teams")
    slug = models.SlugField(max_length=ID_MAX)
    name = models.CharField(max_length=NAME_MAX)

    class Meta:
        db_table = "mtg_team"
        constraints = [
            models.UniqueConstraint(fields=["service", "slug"], name="team_slug_unique_in_service")
        ]


class DisciplineRecord(models.Model):
    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="disciplines")
    slug = models.SlugField(max_length=ID_MAX)
    name = models.CharField(max_length=NAME_MAX)

    class Meta:
        db_table = "mtg_discipline"
        constraints = [
            models.UniqueConstraint(fields=["study", "slug"], name="discipline_slug_unique_in_study")
        ]


class WaveRecord(models.Model):
    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="waves")
    slug = models.SlugField(max_length=ID_MAX)
    name = models.CharField(max_length=NAME_MAX)
    order = models.IntegerField(default=0)

    class Meta:
        db_table = "mtg_wave"
        ordering = ["study", "order"]
        constraints = [models.UniqueConstraint(fields=["study", "slug"], name="wave_slug_unique_in_study")]


class ParticipantRecord(models.Model):
    """A participant known only by a pseudonymous id; no names or contact details are stored."""

    study = models.ForeignKey(StudyRecord, on_delete=models.CASCADE, related_name="participants")
    pseudonym = models.CharField(max_length=ID_MAX)
    role = models.CharField(max_length=32, choices=ROLE_CHOICES)
    level = models.CharField(max_length=32, choices=LEVEL_CHOICES)
    discipline = models.ForeignKey(DisciplineRecord, null=True, blank=True, on_delete=models.PROTECT)
    service = models.ForeignKey(ServiceRecord, null=True, blank=True, on_delete=models.PROTECT)
    team = models.ForeignKey(TeamRecord, null=True, blank=True, on_delete=models.PROTECT)
    consent = models.BooleanField(default=True)

    # consenting people only, in every query; all_objects for the few writes that must see everyone
    objects = withdrawal.ConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_participant"
        constraints = [
            models.UniqueConstraint(fields=["study", "pseudonym"], name="pseudonym_unique_in_study")
        ]


class ValuesPracticeRating(models.Model):
    """How much one participant values a principle and how well they see it practised, in one wave (1–5)."""

    participant = models.ForeignKey(ParticipantRecord, on_delete=models.CASCADE, related_name="vp_ratings")
    wave = models.ForeignKey(WaveRecord, on_delete=models.CASCADE)
    principle = models.ForeignKey(PrincipleRecord, on_delete=models.CASCADE)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    practice = models.PositiveSmallIntegerField(null=True, blank=True)

    objects = withdrawal.OfConsentingParticipants()
    all_objects = models.Manager()

    class Meta:
        db_table = "mtg_vp_rating"
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "wave", "principle"], name="one_vp_rating_per_principle_and_wave"
            ),
            models.CheckConstraint(
                condition=models.Q(value__isnull=True) | models.Q(value__gte=1, value__lte=5),
                name="vp_value_1_5",
            ),
            models.CheckConstraint(
                condition=models.Q(practice__isnull=True) | models.Q(practice__gte=1, practice__lte=5),
                name="vp_practice_1_5",
            ),
        ]
