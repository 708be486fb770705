from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "sochub.risk"
    verbose_name = "Risk prioritisation (MoRiLE-style)"
