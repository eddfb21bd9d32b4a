from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [
    path("inspections/", views.plan_list, name="plan_list"),
    path("inspections/plans/new/", views.plan_create, name="plan_create"),
    path("inspections/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("inspections/plans/<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("inspections/list/", views.inspection_list, name="inspection_list"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path("inspections/<int:pk>/start/", views.inspection_start, name="inspection_start"),
    path(
        "inspections/<int:pk>/points/<int:point_pk>/",
        views.finding_record,
        name="finding_record",
    ),
    path("inspections/<int:pk>/conclude/", views.inspection_conclude, name="inspection_conclude"),
    path(
        "inspections/<int:pk>/recommendations/",
        views.recommendation_add,
        name="recommendation_add",
    ),
    path(
        "inspections/recommendations/<int:pk>/answer/",
        views.recommendation_answer,
        name="recommendation_answer",
    ),
    path(
        "inspections/recommendations/<int:pk>/close/",
        views.recommendation_close,
        name="recommendation_close",
    ),
    path(
        "inspections/recommendations/<int:pk>/reopen/",
        views.recommendation_reopen,
        name="recommendation_reopen",
    ),
    path("inspections/<int:pk>/minutes.docx", views.minutes_docx, name="minutes_docx"),
    path("inspections/<int:pk>/notice.docx", views.notice_docx, name="notice_docx"),
]
