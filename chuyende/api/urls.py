"""The token page and the docs page (named, walked with the other pages), and the API itself
under /api/v1/. The API's routes carry no URL names: they are addressed by path and walked from
the OpenAPI document by chuyende/api/tests/test_scope_walk.py (no token: 401 JSON, not the
login redirect the site-wide page walk expects)."""

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter

from . import endpoints, errors, views

app_name = "api"

router = SimpleRouter()
router.register("units", endpoints.UnitViewSet, basename="unit")
router.register("members", endpoints.MemberViewSet, basename="member")
router.register("plans", endpoints.PlanViewSet, basename="plan")
router.register("tasks", endpoints.TaskViewSet, basename="task")
router.register("assignments", endpoints.AssignmentViewSet, basename="assignment")
router.register("study-sessions", endpoints.StudySessionViewSet, basename="study-session")
router.register("outreach-posts", endpoints.OutreachPostViewSet, basename="outreach-post")
router.register("pledges", endpoints.PledgeViewSet, basename="pledge")
router.register("contests", endpoints.ContestViewSet, basename="contest")
router.register("rounds", endpoints.RoundViewSet, basename="round")
router.register("report-forms", endpoints.ReportFormViewSet, basename="report-form")
router.register("periods", endpoints.PeriodViewSet, basename="period")
router.register("reports", endpoints.ReportViewSet, basename="report")


def _unnamed(patterns):
    for pattern in patterns:
        pattern.name = None
    return patterns


v1 = [
    path("me/", endpoints.MeView.as_view()),
    path("schema/", endpoints.SchemaView.as_view()),
    path("docs/", views.docs, name="docs"),
    *_unnamed(router.urls),
    re_path(r"^.*$", errors.not_found),  # any other path: a JSON 404
]

urlpatterns = [
    path("api/tokens/", views.token_list, name="token_list"),
    path("api/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("api/v1/", include(v1)),
]
