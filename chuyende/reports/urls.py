from django.urls import path

from . import views, views_files

app_name = "reports"
urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/open/", views.report_open, name="report_open"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/docx/", views.report_docx, name="report_docx"),
    path("reports/forms/<int:pk>/<str:period>/", views.completeness, name="completeness"),
    path("reports/forms/<int:pk>/<str:period>/figures/", views.rollup, name="rollup"),
    path("reports/forms/<int:pk>/<str:period>/figures.xlsx", views.rollup_xlsx, name="rollup_xlsx"),
    path(
        "reports/forms/<int:pk>/<str:period>/compiled.docx",
        views.compiled_docx,
        name="compiled_docx",
    ),
    path("reports/dashboard/", views.dashboard, name="dashboard"),
    path("reports/<int:pk>/attachments/", views_files.attachment_add, name="attachment_add"),
    path("reports/attachments/<int:pk>/", views_files.attachment_file, name="attachment_file"),
    path("reports/<int:pk>/pdf/", views_files.report_pdf, name="report_pdf"),
]
