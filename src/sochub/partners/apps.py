from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_reference(sender: AppConfig, **kwargs: object) -> None:
    from .reference import install_gain_reference

    install_gain_reference()


class PartnersConfig(AppConfig):
    name = "sochub.partners"
    label = "partners"
    verbose_name = "Partners (GAIN network)"

    def ready(self) -> None:
        post_migrate.connect(_install_reference, sender=self)
