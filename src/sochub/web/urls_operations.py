"""Routes of the operations pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import disruptions

urlpatterns: list[URLPattern] = [
    path("disruptions/", disruptions.disruption_list, name="disruptions"),
    path("disruptions/new/", disruptions.disruption_new, name="disruption_new"),
    path("disruptions/<int:disruption_id>/", disruptions.disruption_detail, name="disruption_detail"),
    path("disruptions/<int:disruption_id>/validate/", disruptions.disruption_validate, name="disruption_validate"),
]
