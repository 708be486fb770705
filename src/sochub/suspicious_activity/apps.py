from django.apps import AppConfig


class SuspiciousActivityConfig(AppConfig):
    name = "sochub.suspicious_activity"
    label = "suspicious_activity"
    verbose_name = "Suspicious activity reports"
