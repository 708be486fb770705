"""Routes of the suspicious activity reports pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import suspicious_activity as views

urlpatterns: list[URLPattern] = [
    path("suspicious-activity/", views.report_list, name="suspicious_activity"),
    path("suspicious-activity/new/", views.report_new, name="suspicious_activity_new"),
    path("suspicious-activity/deadlines/", views.deadlines, name="suspicious_activity_deadlines"),
    path("suspicious-activity/counts/", views.counts, name="suspicious_activity_counts"),
    path("suspicious-activity/counts.csv", views.counts_csv, name="suspicious_activity_counts_csv"),
    path("suspicious-activity/<int:report_id>/", views.report_detail, name="suspicious_activity_report"),
    path("suspicious-activity/<int:report_id>/decision/", views.report_decision, name="suspicious_activity_decision"),
    path(
        "suspicious-activity/<int:report_id>/extension/", views.report_extension, name="suspicious_activity_extension"
    ),
    path("suspicious-activity/<int:report_id>/subjects/", views.report_subject, name="suspicious_activity_subject"),
    path("suspicious-activity/<int:report_id>/access/", views.report_access_add, name="suspicious_activity_access"),
    path(
        "suspicious-activity/<int:report_id>/access/<int:access_id>/remove/",
        views.report_access_remove,
        name="suspicious_activity_access_remove",
    ),
]
