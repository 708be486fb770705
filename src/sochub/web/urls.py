from django.urls import path

from sochub.web.views import charts

from .views import audit, auth, intel, linkage, partners, risk, risk_assessments

app_name = "web"

urlpatterns = [
    path("", intel.home, name="home"),
    path("sign-in/", auth.sign_in, name="sign_in"),
    path("sign-in/code/", auth.two_factor_code, name="two_factor_code"),
    path("sign-out/", auth.sign_out, name="sign_out"),
    path("account/two-factor/", auth.two_factor_setup, name="two_factor_setup"),
    path("purpose/", intel.purpose, name="purpose"),
    path("nominals/", intel.nominal_search, name="nominal_search"),
    path("nominals/export.csv", intel.nominal_search_export, name="nominal_search_export"),
    path("nominals/<str:nominal_id>/", intel.nominal_detail, name="nominal_detail"),
    path("nominals/<str:nominal_id>/network/", charts.nominal_network, name="nominal_network"),
    path("nominals/<str:nominal_id>/network.json", charts.nominal_network_json, name="nominal_network_json"),
    path("nominals/<str:nominal_id>/network/i2.zip", charts.nominal_network_i2, name="nominal_network_i2"),
    path("nominals/<str:nominal_id>/package/", charts.nominal_package, name="nominal_package"),
    path(
        "nominals/<str:nominal_id>/package.<str:fmt>", charts.nominal_package_download, name="nominal_package_download"
    ),
    path("ocgs/", intel.ocg_list, name="ocg_list"),
    path("ocgs/<int:ocg_id>/", intel.ocg_detail, name="ocg_detail"),
    path("ocgs/<int:ocg_id>/network/", charts.ocg_network, name="ocg_network"),
    path("ocgs/<int:ocg_id>/network.json", charts.ocg_network_json, name="ocg_network_json"),
    path("ocgs/<int:ocg_id>/network/i2.zip", charts.ocg_network_i2, name="ocg_network_i2"),
    path("intelligence/", intel.intelligence_list, name="intelligence_list"),
    path("intelligence/<int:record_id>/", intel.intelligence_detail, name="intelligence_detail"),
    path("directory/", partners.directory, name="directory"),
    path("directory/regions/<slug:code>/", partners.region_detail, name="region_detail"),
    path("directory/agencies/<slug:code>/", partners.agency_detail, name="agency_detail"),
    path("directory/agencies/<slug:code>/users/", partners.agency_users, name="agency_users"),
    path("audit/", audit.audit_search, name="audit_search"),
    path("audit/verify/", audit.audit_verify_start, name="audit_verify"),
    path("jobs/<int:job_id>/", audit.job_detail, name="job_detail"),
    path("imports/", linkage.import_list, name="import_list"),
    path("imports/new/", linkage.import_new, name="import_new"),
    path("imports/<int:batch_id>/", linkage.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/mapping/", linkage.import_mapping, name="import_mapping"),
    path("imports/<int:batch_id>/rejects.csv", linkage.import_rejects, name="import_rejects"),
    path("resolution/", linkage.resolution_overview, name="resolution"),
    path("resolution/run/", linkage.resolution_start, name="resolution_start"),
    path("resolution/review/", linkage.review_queue, name="review_queue"),
    path("resolution/review/<int:pair_id>/", linkage.review_pair, name="review_pair"),
    path("resolution/changes/<int:change_id>/reverse/", linkage.change_reverse, name="change_reverse"),
    path("risk/", risk.dashboard, name="risk_dashboard"),
    path("risk/runs/start/", risk.run_start, name="risk_run_start"),
    path("risk/runs/<int:run_id>/", risk.run_detail, name="risk_run"),
    path("risk/runs/<int:run_id>/what-if/", risk.what_if, name="risk_what_if"),
    path("risk/retention/", risk.retention, name="risk_retention"),
    path("risk/assessments/", risk_assessments.assessment_list, name="risk_assessments"),
    path("risk/assessments/new/", risk_assessments.assessment_start, name="risk_assessment_start"),
    path("risk/assessments/review-due/", risk_assessments.review_due, name="risk_review_due"),
    path("risk/assessments/<int:assessment_id>/", risk_assessments.assessment_detail, name="risk_assessment_detail"),
    path("risk/assessments/<int:assessment_id>/edit/", risk_assessments.assessment_edit, name="risk_assessment_edit"),
    path(
        "risk/assessments/<int:assessment_id>/approve/",
        risk_assessments.assessment_approve,
        name="risk_assessment_approve",
    ),
    path(
        "risk/assessments/<int:assessment_id>/return/",
        risk_assessments.assessment_return,
        name="risk_assessment_return",
    ),
    path("risk/control-strategy/", risk_assessments.control_strategy, name="risk_control_strategy"),
]
