from django.apps import AppConfig


class IntelConfig(AppConfig):
    name = "sochub.intel"
    label = "intel"
    verbose_name = "Intelligence picture"
