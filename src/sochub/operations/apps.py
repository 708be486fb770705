from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "sochub.operations"
    verbose_name = "Partnership operations"
