from django.apps import AppConfig


class DelphiConfig(AppConfig):
    name = "mindthegap.store.delphi"
    label = "delphi"
    verbose_name = "Delphi consensus rounds"
    default_auto_field = "django.db.models.BigAutoField"
