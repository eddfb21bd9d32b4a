from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from chuyende.accounts import views as accounts_views
from chuyende.core import views as core_views

urlpatterns = [
    path("", include("chuyende.core.urls")),
    path("", include("chuyende.org.urls")),
    path("", include("chuyende.plans.urls")),
    path("", include("chuyende.study.urls")),
    path("", include("chuyende.outreach.urls")),
    path("", include("chuyende.materials.urls")),
    path("", include("chuyende.reports.urls")),
    path("", include("chuyende.notifications.urls")),
    path("", include("chuyende.transfer.urls")),
    path("", include("chuyende.pledges.urls")),
    path("", include("chuyende.honors.urls")),
    path("", include("chuyende.inspections.urls")),
    path("", include("chuyende.contests.urls")),
    path("", include("chuyende.api.urls")),
    path("", include("chuyende.privacy.urls")),
    path("", include("chuyende.accounts.urls")),
    path("accounts/login/", accounts_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/login/", accounts_views.admin_login),  # the site's login: password, then code
    path("admin/", admin.site.urls),
]
