from django.apps import AppConfig


class QualitativeConfig(AppConfig):
    name = "mindthegap.store.qualitative"
    label = "qualitative"
    verbose_name = "Qualitative evidence"
    default_auto_field = "django.db.models.BigAutoField"
