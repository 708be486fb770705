from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "sochub.web"
    label = "web"
    verbose_name = "Web interface"
