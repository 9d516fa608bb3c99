from django.apps import AppConfig


class CodingConfig(AppConfig):
    name = "mindthegap.store.coding"
    label = "coding"
    verbose_name = "Coding workspace"
    default_auto_field = "django.db.models.BigAutoField"
