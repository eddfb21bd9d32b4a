from django.urls import path

from . import views

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
]
