"""Routes of the recovery pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import recovery

urlpatterns: list[URLPattern] = [
    path("recovery/", recovery.recovery_dashboard, name="recovery"),
    path("recovery/seizures/new/", recovery.seizure_new, name="recovery_seizure_new"),
    path("recovery/seizures/<int:seizure_id>/", recovery.seizure_detail, name="recovery_seizure"),
    path("recovery/seizures/<int:seizure_id>/orders/", recovery.seizure_order, name="recovery_seizure_order"),
    path("recovery/seizures/<int:seizure_id>/notices/", recovery.seizure_notice, name="recovery_seizure_notice"),
    path("recovery/seizures/<int:seizure_id>/close/", recovery.seizure_close, name="recovery_seizure_close"),
]
