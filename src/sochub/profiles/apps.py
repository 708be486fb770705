from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "sochub.profiles"
    verbose_name = "SOC local profiles"
