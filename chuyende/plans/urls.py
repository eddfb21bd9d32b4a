from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/import/", views.plan_import, name="plan_import"),
    path("plans/import/save/", views.plan_import_save, name="plan_import_save"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/board/", views.plan_board, name="plan_board"),
    path("plans/<int:pk>/original/", views.plan_original, name="plan_original"),
    path("plans/<int:pk>/tasks/new/", views.task_add, name="task_add"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/assign/", views.task_assign, name="task_assign"),
    path("evidence/<int:pk>/file/", views.evidence_file, name="evidence_file"),
    path("tasks/<int:pk>/drill/", views.task_drill, name="task_drill"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/status/", views.assignment_update, name="assignment_update"),
    path("assignments/<int:pk>/evidence/", views.assignment_evidence, name="assignment_evidence"),
    path(
        "assignments/<int:pk>/pass-down/", views.assignment_pass_down, name="assignment_pass_down"
    ),
    path("units/<int:pk>/tasks/", views.unit_tasks, name="unit_tasks"),
]
