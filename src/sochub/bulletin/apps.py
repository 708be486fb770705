from django.apps import AppConfig


class BulletinConfig(AppConfig):
    name = "sochub.bulletin"
    label = "bulletin"
    verbose_name = "Partnership bulletin"
