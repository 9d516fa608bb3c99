from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "mindthegap.store.audit"
    label = "audit"
    verbose_name = "Audit log"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from mindthegap.store.audit import guard, signals

        signals.connect()
        guard.connect()
