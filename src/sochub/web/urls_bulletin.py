"""Routes of the partnership bulletin pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import bulletin as b

urlpatterns: list[URLPattern] = [
    path("bulletin/", b.bulletin_home, name="bulletin"),
    path("bulletin/submit/", b.article_submit, name="bulletin_submit"),
    path("bulletin/my-articles/", b.my_submissions, name="bulletin_mine"),
    path("bulletin/editorial/", b.editorial_queue, name="bulletin_queue"),
    path("bulletin/editors/", b.editors, name="bulletin_editors"),
    path("bulletin/articles/<int:article_id>/", b.article_detail, name="bulletin_article"),
    path("bulletin/articles/<int:article_id>/edit/", b.article_edit, name="bulletin_article_edit"),
    path("bulletin/articles/<int:article_id>/review/", b.article_review, name="bulletin_article_review"),
    path("bulletin/articles/<int:article_id>/schedule/", b.article_schedule, name="bulletin_article_schedule"),
    path("bulletin/editions/new/", b.edition_new, name="bulletin_edition_new"),
    path("bulletin/editions/<int:edition_id>/", b.edition_detail, name="bulletin_edition"),
    path("bulletin/editions/<int:edition_id>/edition.pdf", b.edition_pdf, name="bulletin_edition_pdf"),
    path("bulletin/editions/<int:edition_id>/build/", b.edition_build, name="bulletin_edition_build"),
    path("bulletin/editions/<int:edition_id>/publish/", b.edition_publish, name="bulletin_edition_publish"),
    path("bulletin/editions/<int:edition_id>/send/", b.edition_send, name="bulletin_edition_send"),
    path("bulletin/editions/<int:edition_id>/sending/", b.send_progress, name="bulletin_send_progress"),
    path("bulletin/editions/<int:edition_id>/feedback/", b.feedback, name="bulletin_feedback"),
    path("bulletin/editions/<int:edition_id>/feedback/results/", b.feedback_results, name="bulletin_feedback_results"),
    path("bulletin/editions/<int:edition_id>/feedback/results.csv", b.feedback_csv, name="bulletin_feedback_csv"),
    # Public: no sign-in.
    path("bulletin/subscribe/", b.subscribe, name="bulletin_subscribe"),
    path("bulletin/subscribe/check-your-email/", b.subscribe_done, name="bulletin_subscribe_done"),
    path("bulletin/subscribe/confirm/<str:token>/", b.confirm, name="bulletin_confirm"),
    path("bulletin/unsubscribe/<str:token>/", b.unsubscribe, name="bulletin_unsubscribe"),
    path("bulletin/read/<str:token>/<int:edition_id>/", b.read, name="bulletin_read"),
    path("bulletin/read/<str:token>/<int:edition_id>/edition.pdf", b.read_pdf, name="bulletin_read_pdf"),
    path("bulletin/read/<str:token>/<int:edition_id>/feedback/", b.read_feedback, name="bulletin_read_feedback"),
]
