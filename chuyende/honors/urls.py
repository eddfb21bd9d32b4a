from django.urls import path

from . import views

app_name = "honors"
urlpatterns = [
    path("honors/", views.nomination_list, name="nomination_list"),
    path("honors/new/", views.nomination_create, name="nomination_create"),
    path("honors/<int:pk>/", views.nomination_detail, name="nomination_detail"),
    path("honors/<int:pk>/edit/", views.nomination_edit, name="nomination_edit"),
    path("honors/<int:pk>/act/", views.nomination_act, name="nomination_act"),
    path("honors/photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("honors/files/<int:pk>/", views.evidence_file, name="evidence_file"),
    path("honors/decisions/", views.decision_list, name="decision_list"),
    path("honors/decisions/new/", views.decision_create, name="decision_create"),
    path("honors/decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("honors/decisions/<int:pk>/decision.docx", views.decision_docx, name="decision_docx"),
    path("honors/quotas/", views.quota_list, name="quota_list"),
    path("honors/quotas/<int:pk>/delete/", views.quota_delete, name="quota_delete"),
    path("showcase/", views.showcase, name="showcase"),
    path("showcase/<int:pk>/", views.showcase_detail, name="showcase_detail"),
    path("showcase/photos/<int:pk>/", views.showcase_photo, name="showcase_photo"),
]
