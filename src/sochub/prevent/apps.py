from django.apps import AppConfig


class PreventConfig(AppConfig):
    name = "sochub.prevent"
    label = "prevent"
    verbose_name = "Prevent programmes"
