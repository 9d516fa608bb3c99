from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "mindthegap.store.organisations"
    label = "organisations"
    verbose_name = "Organisation data"
    default_auto_field = "django.db.models.BigAutoField"
