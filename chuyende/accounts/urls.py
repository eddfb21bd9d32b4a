from django.urls import path

from . import officer_views, views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/code/", views.login_code, name="login_code"),
    path("accounts/security/", views.security, name="security"),
    path("accounts/security/two-factor/", views.totp_enrol, name="totp_enrol"),
    path("accounts/security/two-factor/off/", views.totp_disable, name="totp_disable"),
    path("accounts/security/recovery-codes/", views.recovery_codes_new, name="recovery_codes_new"),
    path("accounts/security/password/", views.password_change, name="password_change"),
    path("accounts/sessions/", views.session_list, name="session_list"),
    path("accounts/sessions/<int:pk>/revoke/", views.session_revoke, name="session_revoke"),
    path(
        "accounts/sessions/revoke-others/",
        views.session_revoke_others,
        name="session_revoke_others",
    ),
    path("units/<int:pk>/officers/", officer_views.officer_list, name="officer_list"),
    path("units/<int:pk>/officers/add/", officer_views.officer_add, name="officer_add"),
    path(
        "units/<int:pk>/officers/<int:user_pk>/",
        officer_views.officer_detail,
        name="officer_detail",
    ),
    path(
        "units/<int:pk>/officers/<int:user_pk>/password/",
        officer_views.officer_password_reset,
        name="officer_password_reset",
    ),
    path(
        "units/<int:pk>/officers/<int:user_pk>/active/",
        officer_views.officer_active,
        name="officer_active",
    ),
    path(
        "units/<int:pk>/officers/roles/<int:role_pk>/remove/",
        officer_views.officer_role_remove,
        name="officer_role_remove",
    ),
]
