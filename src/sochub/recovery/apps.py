from django.apps import AppConfig


class RecoveryConfig(AppConfig):
    name = "sochub.recovery"
    verbose_name = "Asset recovery"
