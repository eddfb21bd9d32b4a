from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("outreach/", views.post_list, name="post_list"),
    path("outreach/new/", views.post_create, name="post_create"),
    path("outreach/link/", views.link_suggest, name="link_suggest"),
    path("outreach/<int:pk>/", views.post_detail, name="post_detail"),
    path("outreach/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("outreach/<int:pk>/review/", views.post_review, name="post_review"),
    path("outreach/<int:pk>/delete/", views.post_delete, name="post_delete"),
    path("outreach/<int:pk>/screenshot/", views.post_screenshot, name="post_screenshot"),
    path("outreach/figures/", views.rollup, name="rollup"),
    path("outreach/calendar/", views.calendar, name="calendar"),
    path("outreach/occasions/new/", views.occasion_create, name="occasion_create"),
    path("outreach/occasions/<int:pk>/edit/", views.occasion_edit, name="occasion_edit"),
    path("outreach/occasions/<int:pk>/delete/", views.occasion_delete, name="occasion_delete"),
    path("outreach/websites/", views.website_list, name="website_list"),
    path("outreach/websites/<int:pk>/delete/", views.website_delete, name="website_delete"),
    path("public/<str:code>/", views.public_page, name="public_page"),
]
