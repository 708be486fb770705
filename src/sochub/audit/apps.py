from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sochub.audit"
    label = "audit"
    verbose_name = "Audit log"
