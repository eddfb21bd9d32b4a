from django.urls import path

from . import views

app_name = "privacy"
urlpatterns = [
    path("privacy/", views.notice, name="notice"),
    path("privacy/consent/", views.consent, name="consent"),
    path("privacy/consent/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("privacy/my-data/", views.my_data, name="my_data"),
    path("privacy/my-data.json", views.my_data_json, name="my_data_json"),
    path("privacy/corrections/new/", views.correction_new, name="correction_new"),
    path("privacy/corrections/", views.correction_list, name="correction_list"),
    path("privacy/corrections/<int:pk>/", views.correction_detail, name="correction_detail"),
    path("privacy/members/", views.consent_list, name="consent_list"),
    path("privacy/members/<int:pk>/", views.consent_member, name="consent_member"),
]
