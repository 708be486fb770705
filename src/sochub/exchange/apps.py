from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "sochub.exchange"
    label = "exchange"
    verbose_name = "Information exchange"
