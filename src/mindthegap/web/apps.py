from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "mindthegap.web"
    label = "web"
    verbose_name = "mindthegap web app"
