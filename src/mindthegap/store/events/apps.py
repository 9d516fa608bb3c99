from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "mindthegap.store.events"
    label = "events"
    verbose_name = "Events programme and networks"
    default_auto_field = "django.db.models.BigAutoField"
