"""Routes of the recovery pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import recovery

urlpatterns: list[URLPattern] = [
    path("recovery/", recovery.recovery_dashboard, name="recovery"),
    path("recovery/totals/", recovery.totals, name="recovery_totals"),
    path("recovery/totals.csv", recovery.totals_csv, name="recovery_totals_csv"),
    path("recovery/seizures/new/", recovery.seizure_new, name="recovery_seizure_new"),
    path("recovery/seizures/<int:seizure_id>/", recovery.seizure_detail, name="recovery_seizure"),
    path("recovery/seizures/<int:seizure_id>/orders/", recovery.seizure_order, name="recovery_seizure_order"),
    path("recovery/seizures/<int:seizure_id>/notices/", recovery.seizure_notice, name="recovery_seizure_notice"),
    path("recovery/seizures/<int:seizure_id>/close/", recovery.seizure_close, name="recovery_seizure_close"),
    path("recovery/freezing-orders/new/", recovery.afo_new, name="recovery_afo_new"),
    path("recovery/freezing-orders/<int:order_id>/", recovery.afo_detail, name="recovery_afo"),
    path("recovery/freezing-orders/<int:order_id>/notices/", recovery.afo_notice, name="recovery_afo_notice"),
    path("recovery/freezing-orders/<int:order_id>/end/", recovery.afo_end, name="recovery_afo_end"),
    path("recovery/notices/<int:notice_id>/outcome/", recovery.notice_outcome, name="recovery_notice_outcome"),
    path("recovery/confiscation/new/", recovery.confiscation_new, name="recovery_confiscation_new"),
    path("recovery/confiscation/<int:order_id>/", recovery.confiscation_detail, name="recovery_confiscation"),
    path(
        "recovery/confiscation/<int:order_id>/payments/",
        recovery.confiscation_payment,
        name="recovery_confiscation_payment",
    ),
    path(
        "recovery/confiscation/<int:order_id>/extend/",
        recovery.confiscation_extend,
        name="recovery_confiscation_extend",
    ),
    path(
        "recovery/confiscation/<int:order_id>/default/",
        recovery.confiscation_default,
        name="recovery_confiscation_default",
    ),
    path(
        "recovery/confiscation/<int:order_id>/compliance/",
        recovery.compliance_add,
        name="recovery_compliance_add",
    ),
    path(
        "recovery/confiscation/<int:order_id>/compliance/<int:compliance_id>/review/",
        recovery.compliance_review,
        name="recovery_compliance_review",
    ),
]
