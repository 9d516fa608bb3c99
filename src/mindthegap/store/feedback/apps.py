from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "mindthegap.store.feedback"
    label = "feedback"
    verbose_name = "Free-text feedback"
    default_auto_field = "django.db.models.BigAutoField"
