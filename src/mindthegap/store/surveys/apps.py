from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "mindthegap.store.surveys"
    label = "surveys"
    verbose_name = "Survey responses"
    default_auto_field = "django.db.models.BigAutoField"
