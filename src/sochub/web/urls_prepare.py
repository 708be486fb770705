"""Routes of the intimidation and surveys pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
