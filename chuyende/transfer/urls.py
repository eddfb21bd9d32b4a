from django.urls import path

from . import views

app_name = "transfer"
urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/template/", views.template_download, name="template"),
    path("imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("imports/<int:pk>/columns/", views.import_mapping, name="import_mapping"),
    path("imports/<int:pk>/import/", views.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
    path("exports/new/", views.export_start, name="export_start"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/file/", views.export_file, name="export_file"),
]
