from django.apps import AppConfig


class PrepareConfig(AppConfig):
    name = "sochub.prepare"
    label = "prepare"
    verbose_name = "Intimidation and surveys"
