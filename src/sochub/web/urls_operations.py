"""Routes of the operations pages (part of the web namespace: names resolve as "web:...")."""

from django.urls import URLPattern, path

from .views import disruptions, joint_operations, premises

urlpatterns: list[URLPattern] = [
    path("disruptions/", disruptions.disruption_list, name="disruptions"),
    path("disruptions/new/", disruptions.disruption_new, name="disruption_new"),
    path("disruptions/<int:disruption_id>/", disruptions.disruption_detail, name="disruption_detail"),
    path("disruptions/<int:disruption_id>/validate/", disruptions.disruption_validate, name="disruption_validate"),
    # Joint operations
    path("operations/", joint_operations.operations_list, name="operations_list"),
    path("operations/new/", joint_operations.operation_new, name="operation_new"),
    path("operations/<int:operation_id>/", joint_operations.operation_detail, name="operation_detail"),
    path("operations/<int:operation_id>/status/", joint_operations.operation_status, name="operation_status"),
    path(
        "operations/<int:operation_id>/partners/", joint_operations.operation_partner_add, name="operation_partner_add"
    ),
    path("operations/<int:operation_id>/targets/", joint_operations.operation_target_add, name="operation_target_add"),
    path("operations/<int:operation_id>/tasks/", joint_operations.operation_task_add, name="operation_task_add"),
    path(
        "operations/<int:operation_id>/tasks/<int:task_id>/",
        joint_operations.operation_task_update,
        name="operation_task_update",
    ),
    path(
        "operations/<int:operation_id>/outcomes/", joint_operations.operation_outcome_add, name="operation_outcome_add"
    ),
    path(
        "operations/<int:operation_id>/outcomes/<int:outcome_id>/returned/",
        joint_operations.operation_outcome_returned,
        name="operation_outcome_returned",
    ),
    path("operations/<int:operation_id>/report/", joint_operations.operation_report, name="operation_report"),
    path(
        "operations/<int:operation_id>/report.pdf", joint_operations.operation_report_pdf, name="operation_report_pdf"
    ),
    # Problem premises register
    path("premises/", premises.premises_list, name="premises_list"),
    path("premises/new/", premises.premises_new, name="premises_new"),
    path("premises/coordination/", premises.premises_coordination, name="premises_coordination"),
    path("premises/coordination.csv", premises.premises_coordination_csv, name="premises_coordination_csv"),
    path("premises/<int:premises_id>/", premises.premises_detail, name="premises_detail"),
    path("premises/<int:premises_id>/review/", premises.premises_review, name="premises_review"),
    path("premises/<int:premises_id>/visits/", premises.premises_visit_add, name="premises_visit_add"),
    path("premises/<int:premises_id>/actions/", premises.premises_action_add, name="premises_action_add"),
    path(
        "premises/<int:premises_id>/actions/<int:action_id>/",
        premises.premises_action_update,
        name="premises_action_update",
    ),
]
