from django.urls import path

from . import views

app_name = "materials"
urlpatterns = [
    path("materials/", views.material_list, name="material_list"),
    path("materials/new/", views.material_create, name="material_create"),
    path("materials/<int:pk>/", views.material_detail, name="material_detail"),
    path("materials/<int:pk>/edit/", views.material_edit, name="material_edit"),
    path("materials/<int:pk>/download/", views.material_download, name="material_download"),
    path("materials/<int:pk>/downloads/", views.material_downloads, name="material_downloads"),
    path("materials/<int:pk>/delete/", views.material_delete, name="material_delete"),
    path("materials/<int:pk>/restore/", views.material_restore, name="material_restore"),
]
