from django.apps import AppConfig


class ProtectConfig(AppConfig):
    name = "sochub.protect"
    verbose_name = "Protect: self-assessment and local alerts"
