"""Routes of the prevent programmes pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import prevent as v

urlpatterns: list[URLPattern] = [
    path("prevent/", v.prevent_list, name="prevent"),
    path("prevent/new/", v.prevent_programme_new, name="prevent_programme_new"),
    path("prevent/retention/", v.prevent_retention, name="prevent_retention"),
    path("prevent/<int:programme_id>/", v.prevent_programme, name="prevent_programme"),
    path("prevent/<int:programme_id>/members/", v.prevent_member_set, name="prevent_member_set"),
    path("prevent/<int:programme_id>/status/", v.prevent_programme_status, name="prevent_programme_status"),
    path("prevent/<int:programme_id>/refer/", v.prevent_referral_new, name="prevent_referral_new"),
    path("prevent/<int:programme_id>/sessions/new/", v.prevent_session_new, name="prevent_session_new"),
    path("prevent/<int:programme_id>/report/", v.prevent_report, name="prevent_report"),
    path("prevent/<int:programme_id>/report.csv", v.prevent_report_csv, name="prevent_report_csv"),
    path("prevent/sessions/<int:session_id>/", v.prevent_session, name="prevent_session"),
    path("prevent/young-people/<int:young_person_id>/", v.prevent_young_person, name="prevent_young_person"),
    path("prevent/young-people/<int:young_person_id>/decide/", v.prevent_decide, name="prevent_decide"),
    path("prevent/young-people/<int:young_person_id>/consent/", v.prevent_consent, name="prevent_consent"),
    path("prevent/young-people/<int:young_person_id>/phase/", v.prevent_phase_complete, name="prevent_phase_complete"),
    path("prevent/young-people/<int:young_person_id>/leave/", v.prevent_leave, name="prevent_leave"),
    path("prevent/young-people/<int:young_person_id>/outcomes/", v.prevent_outcome_new, name="prevent_outcome_new"),
    path("prevent/young-people/<int:young_person_id>/reoffending/", v.prevent_reoffending, name="prevent_reoffending"),
    path(
        "prevent/young-people/<int:young_person_id>/retention/",
        v.prevent_retention_decide,
        name="prevent_retention_decide",
    ),
]
