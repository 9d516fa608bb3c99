from django.apps import AppConfig


class CollectionConfig(AppConfig):
    name = "mindthegap.store.collection"
    label = "collection"
    verbose_name = "Collecting survey answers on the web"
    default_auto_field = "django.db.models.BigAutoField"
