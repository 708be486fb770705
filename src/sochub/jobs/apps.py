from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "sochub.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
