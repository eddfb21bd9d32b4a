from django.urls import path

from . import views

app_name = "study"
urlpatterns = [
    path("study/", views.session_list, name="session_list"),
    path("study/new/", views.session_create, name="session_create"),
    path("study/rollup/", views.rollup, name="rollup"),
    path("study/<int:pk>/", views.session_detail, name="session_detail"),
    path("study/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("study/<int:pk>/register/", views.session_register, name="session_register"),
    path("study/<int:pk>/headcount/", views.session_headcount, name="session_headcount"),
    path("study/<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("study/<int:pk>/minutes/", views.minutes_file, name="minutes_file"),
    path("study/<int:pk>/sheet.docx", views.attendance_sheet, name="attendance_sheet"),
    path("study/<int:pk>/participants.xlsx", views.participants_xlsx, name="participants_xlsx"),
    path("study/photos/<int:pk>/", views.photo_file, name="photo_file"),
    path("study/c/", views.checkin_start, name="checkin_start"),
    path("study/c/<str:code>/", views.checkin, name="checkin"),
]
