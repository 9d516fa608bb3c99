"""The store's newer tables in Django's admin, to read only.

Web collection (surveys, invitations, respondents' sessions), events and networks, organisations, the
synthesis, Delphi panels and browser coding are changed through the app and the command line, whose functions
write the audit log and so move the study's data version (web/dashboard_cache.py). An edit in the admin would
do neither, so here every one of these tables can be read and none changed, added or deleted.

Who reads what: superusers read everything but secrets; staff given a model's view permission read it without
personal fields (participants, answers, free text, comments). Secrets — invitation and link token hashes, their
nonces, a respondent's session key and hashed address — are never shown: they are credentials, not data.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.db import models

#: credentials: never shown, not even to superusers
SECRETS = frozenset({"token_hash", "nonce", "key", "client"})
#: personal data: read by superusers only
PERSONAL = frozenset(
    {"participant", "respondent", "alter", "answers", "text", "comment", "source", "pseudonym", "rater"}
)
#: the store's apps shown here (the older ones keep their own pages in the app: studies, surveys, coding)
APPS = ("collection", "events", "organisations", "synthesis", "delphi", "coding")
LISTED = 6  # columns on a table's list page


class ReadOnlyAdmin(admin.ModelAdmin):
    """A table to read: no adding, changing or deleting; secrets hidden; personal fields for superusers."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def _hidden(self, request) -> frozenset[str]:
        return SECRETS if request.user.is_superuser else SECRETS | PERSONAL

    def get_fields(self, request, obj=None):
        hidden = self._hidden(request)
        return [f.name for f in self.model._meta.concrete_fields if f.name not in hidden and f.name != "id"]

    def get_list_display(self, request):
        hidden = self._hidden(request)
        shown = [
            f.name
            for f in self.model._meta.concrete_fields
            if f.name not in hidden and not isinstance(f, models.JSONField | models.TextField)
        ]
        return shown[:LISTED] or ["__str__"]

    def get_list_filter(self, request):
        return [f for f in ("study",) if f in {x.name for x in self.model._meta.concrete_fields}]


def register_store_tables(site: admin.AdminSite = admin.site) -> list[str]:
    """Register every table of :data:`APPS` not registered yet as :class:`ReadOnlyAdmin`; their names."""
    done = []
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if not site.is_registered(model):
                site.register(model, ReadOnlyAdmin)
                done.append(f"{label}.{model.__name__}")
    return done
