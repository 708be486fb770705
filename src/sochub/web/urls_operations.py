"""Routes of the operations pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
