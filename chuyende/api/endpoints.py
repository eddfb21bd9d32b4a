"""The HTTP API, version 1 (/api/v1/): read what the caller's scope holds, and write report
figures through the reports services. Every queryset comes from chuyende.api.selectors, which
start from Model.objects.for_user; a row out of scope is answered 404, as on the screens."""

from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from chuyende.contests import selectors as contest_selectors
from chuyende.core.scoping import user_scope
from chuyende.org import selectors as org_selectors
from chuyende.org.models import Member
from chuyende.reports import selectors as report_selectors
from chuyende.reports import services as report_services
from chuyende.reports.models import Report
from chuyende.study import selectors as study_selectors

from . import selectors
from . import serializers as s
from .errors import Conflict
from .language import activate_from
from .pagination import KeysetPagination, MemberPagination
from .throttling import AddressRateThrottle

ID = r"[0-9]{1,18}"


class ApiMixin:
    """Language from Accept-Language; the address throttle before authentication (so that
    guessing tokens is throttled too); filters validated from the query string."""

    lookup_value_regex = ID
    filter_serializer = None
    pagination_class = KeysetPagination

    def initial(self, request, *args, **kwargs):
        activate_from(request)
        throttle = AddressRateThrottle()
        if not throttle.allow_request(request, self):
            self.throttled(request, throttle.wait())
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = translation.get_language()
        patch_vary_headers(response, ("Accept-Language", "Authorization"))
        return response

    def _params(self, serializer_class) -> dict:
        data = {k: v for k, v in self.request.query_params.items() if v != ""}
        params = serializer_class(data=data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        return dict(params.validated_data)

    def filters(self) -> dict:
        if self.filter_serializer is None or self.action != "list":
            return {}
        if not hasattr(self, "_filters"):
            self._filters = self._params(self.filter_serializer)
        return self._filters


class ReadOnly(ApiMixin, viewsets.ReadOnlyModelViewSet):
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class is not None:
            return self.detail_serializer_class
        return self.serializer_class


@extend_schema_view(
    list=extend_schema(summary="Units in scope", tags=["units"]),
    retrieve=extend_schema(summary="A unit, with the figures of its subtree", tags=["units"]),
)
class UnitViewSet(ReadOnly):
    serializer_class = s.UnitSerializer
    detail_serializer_class = s.UnitDetailSerializer
    filter_serializer = s.UnitFilters

    def get_queryset(self):
        return selectors.units(user=self.request.user, **self.filters())

    def retrieve(self, request, *args, **kwargs):
        unit = self.get_object()
        context = {
            **self.get_serializer_context(),
            "figures": org_selectors.unit_figures(unit=unit),
        }
        return Response(s.UnitDetailSerializer(unit, context=context).data)


@extend_schema_view(
    list=extend_schema(
        summary="Members in scope, in name order (personal data masked)", tags=["members"]
    ),
    retrieve=extend_schema(summary="A member (personal data masked)", tags=["members"]),
)
class MemberViewSet(ReadOnly):
    serializer_class = s.MemberSerializer
    filter_serializer = s.MemberFilters
    pagination_class = MemberPagination

    def get_queryset(self):
        if self.action == "list":
            return selectors.members(user=self.request.user, **self.filters())
        return Member.objects.for_user(self.request.user).select_related("unit")

    def member_count(self):
        return selectors.member_count(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Plans in scope (and those issued above it)", tags=["plans"]),
    retrieve=extend_schema(summary="A plan", tags=["plans"]),
)
class PlanViewSet(ReadOnly):
    serializer_class = s.PlanSerializer
    detail_serializer_class = s.PlanDetailSerializer
    filter_serializer = s.PlanFilters

    def get_queryset(self):
        return selectors.plans(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Tasks of the plans in scope", tags=["plans"]),
    retrieve=extend_schema(summary="A task", tags=["plans"]),
)
class TaskViewSet(ReadOnly):
    serializer_class = s.TaskSerializer
    filter_serializer = s.TaskFilters

    def get_queryset(self):
        return selectors.tasks(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Tasks handed to the units in scope", tags=["plans"]),
    retrieve=extend_schema(summary="An assignment", tags=["plans"]),
)
class AssignmentViewSet(ReadOnly):
    serializer_class = s.AssignmentSerializer
    filter_serializer = s.AssignmentFilters

    def get_queryset(self):
        return selectors.assignments(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Study sessions in scope", tags=["study"]),
    retrieve=extend_schema(summary="A study session, with its attendance figures", tags=["study"]),
)
class StudySessionViewSet(ReadOnly):
    serializer_class = s.StudySessionSerializer
    detail_serializer_class = s.StudySessionDetailSerializer
    filter_serializer = s.StudySessionFilters

    def get_queryset(self):
        return selectors.study_sessions(user=self.request.user, **self.filters())

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        page = study_selectors.with_participants(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        session = study_selectors.with_participants([self.get_object()])[0]
        context = {
            **self.get_serializer_context(),
            "figures": study_selectors.session_figures(session=session),
        }
        return Response(s.StudySessionDetailSerializer(session, context=context).data)

    @extend_schema(
        summary="Members present at a study session",
        tags=["study"],
        responses=s.AttendanceSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def attendance(self, request, pk=None):
        session = self.get_object()
        rows = self.paginate_queryset(selectors.attendance(user=request.user, session=session))
        return self.get_paginated_response(s.AttendanceSerializer(rows, many=True).data)


@extend_schema_view(
    list=extend_schema(summary="Outreach posts in scope", tags=["outreach"]),
    retrieve=extend_schema(summary="An outreach post", tags=["outreach"]),
)
class OutreachPostViewSet(ReadOnly):
    serializer_class = s.OutreachPostSerializer
    filter_serializer = s.PostFilters

    def get_queryset(self):
        return selectors.posts(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="The caller's own pledges (every version)", tags=["pledges"]),
    retrieve=extend_schema(summary="One of the caller's own pledges", tags=["pledges"]),
)
class PledgeViewSet(ReadOnly):
    serializer_class = s.PledgeSerializer
    filter_serializer = s.PledgeFilters

    def get_queryset(self):
        return selectors.own_pledges(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Contests organised in scope", tags=["contests"]),
    retrieve=extend_schema(summary="A contest and its rounds", tags=["contests"]),
)
class ContestViewSet(ReadOnly):
    serializer_class = s.ContestSerializer
    filter_serializer = s.ContestFilters

    def get_queryset(self):
        return selectors.contests(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Rounds of the contests in scope", tags=["contests"]),
    retrieve=extend_schema(summary="A contest round", tags=["contests"]),
)
class RoundViewSet(ReadOnly):
    serializer_class = s.RoundSerializer
    filter_serializer = s.RoundFilters

    def get_queryset(self):
        return selectors.rounds(user=self.request.user, **self.filters())

    @extend_schema(
        summary="Results of a round: the ranking and the units' participation",
        tags=["contests"],
        parameters=[s.RoundResultsParams],
        responses=s.RoundResultsSerializer,
    )
    @action(detail=True, methods=["get"], pagination_class=None)
    def results(self, request, pk=None):
        round_ = self.get_object()
        limit = self._params(s.RoundResultsParams)["limit"]
        board = contest_selectors.individual_board(round_=round_, limit=100)
        entries, entrants = contest_selectors.round_entries(round_)
        units = contest_selectors.unit_board(round_=round_, parent=round_.contest.unit)
        data = {
            "round": round_.pk,
            "entries": entries,
            "entrants": entrants,
            "ranking": board["rows"][:limit],
            "units": [
                {
                    "unit": row.unit,
                    "entries": row.entries,
                    "entrants": row.entrants,
                    "members": row.members,
                    "rate": row.rate,
                }
                for row in units
            ],
        }
        return Response(s.RoundResultsSerializer(data).data)


@extend_schema_view(
    list=extend_schema(summary="Report forms in scope, with their indicators", tags=["reports"]),
    retrieve=extend_schema(summary="A report form", tags=["reports"]),
)
class ReportFormViewSet(ReadOnly):
    serializer_class = s.ReportFormSerializer
    filter_serializer = s.ReportFormFilters

    def get_queryset(self):
        return selectors.report_forms(user=self.request.user, **self.filters())


@extend_schema_view(
    list=extend_schema(summary="Reporting periods", tags=["reports"]),
    retrieve=extend_schema(summary="A reporting period", tags=["reports"]),
)
class PeriodViewSet(ReadOnly):
    serializer_class = s.PeriodSerializer
    filter_serializer = s.PeriodFilters
    lookup_field = "code"
    lookup_value_regex = r"[0-9A-Za-z]{1,20}"

    def get_queryset(self):
        return selectors.periods(**self.filters())


@extend_schema_view(
    list=extend_schema(summary="Reports of the units in scope", tags=["reports"]),
    retrieve=extend_schema(summary="A report: status, narrative and figures", tags=["reports"]),
)
class ReportViewSet(ApiMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.ReportSerializer
    filter_serializer = s.ReportFilters

    def get_queryset(self):
        return selectors.reports(user=self.request.user, **self.filters())

    def get_serializer_class(self):
        return {
            "retrieve": s.ReportDetailSerializer,
            "create": s.ReportOpenSerializer,
            "figures": s.FiguresSerializer,
        }.get(self.action, s.ReportSerializer)

    def _detail(self, report, code=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        context = {
            **self.get_serializer_context(),
            "figures": report_selectors.report_figures(report=report),
        }
        return Response(s.ReportDetailSerializer(report, context=context).data, status=code)

    def retrieve(self, request, *args, **kwargs):
        return self._detail(self.get_object())

    @extend_schema(
        summary="Open a unit's report for a form and a period (created as a draft with its "
        "counted figures, or the existing one)",
        tags=["reports"],
        request=s.ReportOpenSerializer,
        responses={
            201: OpenApiResponse(s.ReportDetailSerializer, "Created as a draft."),
            200: OpenApiResponse(s.ReportDetailSerializer, "It existed already."),
        },
    )
    def create(self, request, *args, **kwargs):
        params = s.ReportOpenSerializer(data=request.data, context=self.get_serializer_context())
        params.is_valid(raise_exception=True)
        data = params.validated_data
        existed = self.get_queryset().filter(
            form=data["form"], period=data["period"], unit=data["unit"]
        )
        existed = existed.exists()
        report = report_services.report_open(
            form=data["form"], period=data["period"], unit=data["unit"], acting_user=request.user
        )
        return self._detail(report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Save the declared figures (and the narrative) of a draft report",
        tags=["reports"],
        request=s.FiguresSerializer,
        responses={200: s.ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        report = self.get_object()
        if not user_scope(request.user).allows("change", report.unit.path):
            raise PermissionDenied
        context = {**self.get_serializer_context(), "report": report}
        body = s.FiguresSerializer(data=request.data, context=context)
        body.is_valid(raise_exception=True)
        try:
            report_services.report_save(
                report=report,
                version=body.validated_data["version"],
                acting_user=request.user,
                narrative=body.narrative(),
                declared=body.validated_data.get("figures") or {},
            )
        except report_services.ReportConflict as conflict:
            raise Conflict(
                _(
                    "Someone saved this report after you read it: nothing was written. Read it "
                    "again (version %(version)s) and send your changes with that version."
                )
                % {"version": Report.objects.get(pk=report.pk).version}
            ) from conflict
        return self._detail(report)

    @extend_schema(
        summary="Submit the report to the upper level (its counted figures are refreshed)",
        tags=["reports"],
        request=None,
        responses={200: s.ReportDetailSerializer},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        report = self.get_object()
        if not user_scope(request.user).allows("change", report.unit.path):
            raise PermissionDenied
        report_services.report_submit(report=report, acting_user=request.user)
        return self._detail(report)


class MeView(ApiMixin, APIView):
    @extend_schema(
        summary="The caller: account, own member record, roles",
        tags=["me"],
        responses=s.MeSerializer,
    )
    def get(self, request):
        user = request.user
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "member": selectors.own_member(user=user),
            "roles": [{"role": r.role, "unit": r.unit} for r in selectors.roles_of(user=user)],
        }
        return Response(s.MeSerializer(data).data)


@extend_schema_view(get=extend_schema(exclude=True))
class SchemaView(ApiMixin, SpectacularAPIView):
    """The OpenAPI 3.0.3 document (YAML; ?format=json for JSON). Open to anyone: it describes
    the API, not the data."""

    permission_classes = [AllowAny]
