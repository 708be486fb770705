from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "sochub.linkage"
    verbose_name = "Imports and record linkage"
