from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mindthegap.web"
    label = "web"
    verbose_name = "mindthegap web app"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from mindthegap.store.audit.models import AuditEvent
        from mindthegap.web.warming import on_audit_event

        # a change made in the web app rebuilds the study's dashboards in the background (web/warming.py)
        post_save.connect(on_audit_event, sender=AuditEvent, dispatch_uid="mindthegap-warm-dashboards")
