from django.urls import path

from . import views

app_name = "contests"
urlpatterns = [
    # Organisers (login, scoped)
    path("contests/", views.contest_list, name="contest_list"),
    path("contests/new/", views.contest_create, name="contest_create"),
    path("contests/<int:pk>/", views.contest_detail, name="contest_detail"),
    path("contests/<int:pk>/edit/", views.contest_edit, name="contest_edit"),
    path("contests/<int:pk>/rounds/new/", views.round_create, name="round_create"),
    path("contests/<int:pk>/questions/", views.question_list, name="question_list"),
    path("contests/<int:pk>/questions/import/", views.question_import, name="question_import"),
    path("contests/<int:pk>/suspicious/", views.suspicious, name="suspicious"),
    path("contests/rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("contests/rounds/<int:pk>/results/", views.round_results, name="round_results"),
    path("contests/questions/<int:pk>/toggle/", views.question_toggle, name="question_toggle"),
    path("contests/attempts/<int:pk>/certificate/", views.certificate, name="certificate"),
    # Public (participants, no login needed)
    path("thi/", views.public_list, name="public_list"),
    path("thi/<int:pk>/", views.public_contest, name="public_contest"),
    path("thi/<int:pk>/register/", views.register, name="register"),
    path("thi/<int:pk>/units/", views.unit_options, name="unit_options"),
    path("thi/<int:pk>/rounds/<int:round_pk>/start/", views.start, name="start"),
    path("thi/<int:pk>/rounds/<int:round_pk>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("thi/a/<str:token>/", views.attempt, name="attempt"),
    path("thi/a/<str:token>/save/", views.autosave, name="autosave"),
    path("thi/a/<str:token>/submit/", views.submit, name="submit"),
    path("thi/a/<str:token>/result/", views.result, name="result"),
]
