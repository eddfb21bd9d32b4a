from django.urls import path

from . import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="notification_list"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path(
        "notifications/remind/<int:pk>/<str:period>/",
        views.remind_overdue,
        name="remind_overdue",
    ),
]
