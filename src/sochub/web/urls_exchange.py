"""Routes of the information-exchange pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import exchange

urlpatterns: list[URLPattern] = [
    path("exchange/", exchange.exchange_list, name="exchange"),
    path("exchange/new/", exchange.exchange_new, name="exchange_new"),
    path("exchange/regions/", exchange.exchange_regions, name="exchange_regions"),
    path("exchange/known/", exchange.exchange_known, name="exchange_known"),
    path("exchange/known/hits/", exchange.exchange_known_hits, name="exchange_known_hits"),
    path("exchange/<int:request_id>/", exchange.exchange_request, name="exchange_request"),
    path("exchange/<int:request_id>/submit/", exchange.exchange_submit, name="exchange_submit"),
    path("exchange/<int:request_id>/approve/", exchange.exchange_approve, name="exchange_approve"),
    path("exchange/<int:request_id>/broker/", exchange.exchange_broker, name="exchange_broker"),
    path("exchange/<int:request_id>/answer/", exchange.exchange_answer, name="exchange_answer"),
    path("exchange/<int:request_id>/refuse/", exchange.exchange_refuse, name="exchange_refuse"),
    path("exchange/<int:request_id>/withdraw/", exchange.exchange_withdraw, name="exchange_withdraw"),
]
