"""Routes of the intimidation and surveys pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import prepare

urlpatterns: list[URLPattern] = [
    # Intimidation of victims, witnesses and communities
    path("intimidation/", prepare.intimidation_list, name="intimidation"),
    path("intimidation/new/", prepare.intimidation_new, name="intimidation_new"),
    path("intimidation/reviews/", prepare.intimidation_reviews, name="intimidation_reviews"),
    path("intimidation/ocg/<int:ocg_id>/", prepare.intimidation_ocg, name="intimidation_ocg"),
    path("intimidation/<int:case_id>/", prepare.intimidation_detail, name="intimidation_detail"),
    path("intimidation/<int:case_id>/plan/", prepare.intimidation_plan, name="intimidation_plan"),
    path("intimidation/<int:case_id>/measures/", prepare.intimidation_measure, name="intimidation_measure"),
    path("intimidation/<int:case_id>/reviews/", prepare.intimidation_review, name="intimidation_review"),
    path("intimidation/<int:case_id>/share/", prepare.intimidation_share, name="intimidation_share"),
    path(
        "intimidation/<int:case_id>/shares/<int:share_id>/revoke/",
        prepare.intimidation_share_revoke,
        name="intimidation_share_revoke",
    ),
    path("intimidation/<int:case_id>/close/", prepare.intimidation_close, name="intimidation_close"),
    # Partner surveys
    path("surveys/", prepare.survey_list, name="surveys"),
    path("surveys/new/", prepare.survey_new, name="survey_new"),
    path("surveys/<int:survey_id>/", prepare.survey_detail, name="survey_detail"),
    path("surveys/<int:survey_id>/questions/", prepare.survey_question_add, name="survey_question_add"),
    path(
        "surveys/<int:survey_id>/questions/<int:question_id>/remove/",
        prepare.survey_question_remove,
        name="survey_question_remove",
    ),
    path("surveys/<int:survey_id>/status/", prepare.survey_status, name="survey_status"),
    path("surveys/<int:survey_id>/answer/", prepare.survey_answer, name="survey_answer"),
    path("surveys/<int:survey_id>/results/", prepare.survey_results, name="survey_results"),
    path("surveys/<int:survey_id>/responses.csv", prepare.survey_csv, name="survey_csv"),
]
