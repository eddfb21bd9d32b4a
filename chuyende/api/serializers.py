"""What the API answers (read-only representations) and what it accepts (figures, filters).

Members are masked exactly as on the screens (chuyende.core.masking): personal data in full only
for the caller's own record; the API never reveals it otherwise. Ethnicity shows, as on the
member list, to the roles that may reveal personal data; religion only on the caller's own.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from chuyende.contests.models import Contest, Round
from chuyende.core import masking
from chuyende.core.scoping import user_scope
from chuyende.org.choices import ETHNICITY_CHOICES, Gender, MemberStatus, UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.selectors import sensitive_allowed
from chuyende.outreach.choices import Channel, PostStatus
from chuyende.outreach.models import OutreachPost
from chuyende.plans.choices import AssignmentStatus, PlanStatus
from chuyende.plans.models import Assignment, Plan, Task
from chuyende.pledges.models import Pledge
from chuyende.reports.choices import PeriodKind, ReportStatus
from chuyende.reports.models import Indicator, Report, ReportForm, ReportingPeriod
from chuyende.reports.services import NARRATIVE
from chuyende.study.models import Attendance, StudySession

from . import fields

# Outputs ----------------------------------------------------------------------------------------


class UnitRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.IntegerField(
        source="parent_id", allow_null=True, help_text="The unit directly above (null: a root)."
    )

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "short_name",
            "kind",
            "sub_kind",
            "active",
            "parent",
            "depth",
            "merged_into",
            "address",
            "phone",
            "email",
            "updated_at",
        ]


class UnitFiguresSerializer(serializers.Serializer):
    members = serializers.IntegerField(help_text="Active members of the whole subtree.")
    female = serializers.IntegerField()
    ethnic_minority = serializers.IntegerField()
    officers = serializers.IntegerField()


class UnitDetailSerializer(UnitSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(UnitSerializer.Meta):
        fields = [*UnitSerializer.Meta.fields, "figures"]

    @extend_schema_field(UnitFiguresSerializer)
    def get_figures(self, unit):
        figures = self.context["figures"]
        return {
            "members": figures.members,
            "female": figures.female,
            "ethnic_minority": figures.ethnic_minority,
            "officers": figures.officers,
        }


class MemberSerializer(serializers.ModelSerializer):
    """Personal data masked as on the screens (the year of birth shows, the rest is hidden),
    in full only on the caller's own record."""

    unit = UnitRefSerializer()
    personal_data = serializers.SerializerMethodField(
        help_text="“masked”, or “full” on the caller's own record."
    )
    date_of_birth = serializers.SerializerMethodField(
        help_text="Masked (••/••/1985) unless the record is the caller's own (1985-03-02)."
    )
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    id_number = serializers.SerializerMethodField()
    ethnicity = serializers.SerializerMethodField(
        help_text="Sensitive: shown to the roles that may reveal personal data in the member's "
        "unit (as the member list shows it), and on the caller's own record; “•••” otherwise."
    )
    religion = serializers.SerializerMethodField(
        help_text="Sensitive: only on the caller's own record; “•••” otherwise."
    )

    class Meta:
        model = Member
        fields = [
            "id",
            "full_name",
            "unit",
            "gender",
            "ethnicity",
            "religion",
            "card_number",
            "job_title",
            "union_position",
            "joined_on",
            "status",
            "personal_data",
            "date_of_birth",
            "phone",
            "email",
            "id_number",
        ]

    def _own(self, member) -> bool:
        request = self.context.get("request")
        return bool(request and member.user_id is not None and member.user_id == request.user.pk)

    def get_personal_data(self, member) -> str:
        return "full" if self._own(member) else "masked"

    def get_date_of_birth(self, member) -> str:
        if self._own(member):
            return member.date_of_birth.isoformat() if member.date_of_birth else ""
        return masking.mask_date(member.date_of_birth)

    def get_phone(self, member) -> str:
        return member.phone if self._own(member) else masking.mask_phone(member.phone)

    def get_email(self, member) -> str:
        return member.email if self._own(member) else masking.mask_email(member.email)

    def get_id_number(self, member) -> str:
        return member.id_number if self._own(member) else masking.mask_id_number(member.id_number)

    def get_ethnicity(self, member) -> str:
        request = self.context.get("request")
        if self._own(member) or (
            request and user_scope(request.user).allows("reveal", member.unit.path)
        ):
            return member.ethnicity
        return masking.MASK * 3

    def get_religion(self, member) -> str:
        return member.religion if self._own(member) else masking.MASK * 3


class PlanSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(help_text="The issuing unit.")

    class Meta:
        model = Plan
        fields = [
            "id",
            "unit",
            "kind",
            "number",
            "title",
            "issued_on",
            "issuer",
            "place",
            "status",
            "created_at",
            "updated_at",
        ]


class PlanDetailSerializer(PlanSerializer):
    class Meta(PlanSerializer.Meta):
        fields = [
            *PlanSerializer.Meta.fields,
            "issuer_parent",
            "references",
            "sections",
            "reporting",
            "recipients",
            "signer",
        ]


class TaskSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = [
            "id",
            "plan",
            "position",
            "ref",
            "title",
            "audiences",
            "time_text",
            "due_on",
            "form",
            "responsible",
            "details",
        ]


class TaskRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "plan", "ref", "title"]


class AssignmentSerializer(serializers.ModelSerializer):
    task = TaskRefSerializer()
    unit = UnitRefSerializer()
    overdue = serializers.BooleanField(source="is_overdue")

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "unit",
            "parent",
            "due_on",
            "status",
            "overdue",
            "instructions",
            "progress_note",
            "completed_on",
            "created_at",
            "updated_at",
        ]


class StudySessionSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(help_text="The organising unit.")
    participants = serializers.IntegerField(
        help_text="Members listed as present plus the head count of people on no list."
    )
    rate = serializers.FloatField(
        allow_null=True, help_text="Participants per 100 expected (null: none expected)."
    )

    class Meta:
        model = StudySession
        fields = [
            "id",
            "unit",
            "task",
            "title",
            "kind",
            "delivery",
            "date",
            "start_time",
            "place",
            "audiences",
            "expected_mode",
            "expected_count",
            "speakers",
            "materials",
            "headcount_total",
            "headcount_women",
            "headcount_minority",
            "headcount_members",
            "participants",
            "rate",
            "created_at",
            "updated_at",
        ]


class SessionFiguresSerializer(serializers.Serializer):
    listed = serializers.IntegerField()
    listed_women = serializers.IntegerField()
    listed_minority = serializers.IntegerField()
    headcount = serializers.IntegerField()
    participants = serializers.IntegerField()
    women = serializers.IntegerField()
    minority = serializers.IntegerField()
    expected = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class StudySessionDetailSerializer(StudySessionSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(StudySessionSerializer.Meta):
        fields = [*StudySessionSerializer.Meta.fields, "figures"]

    @extend_schema_field(SessionFiguresSerializer)
    def get_figures(self, session):
        return SessionFiguresSerializer(self.context["figures"]).data


class AttendanceMemberSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()

    class Meta:
        model = Member
        fields = ["id", "full_name", "unit"]


class AttendanceSerializer(serializers.ModelSerializer):
    member = AttendanceMemberSerializer()

    class Meta:
        model = Attendance
        fields = ["id", "session", "member", "source", "checked_in_at"]


class OutreachPostSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer()

    class Meta:
        model = OutreachPost
        fields = [
            "id",
            "unit",
            "channel",
            "link",
            "title",
            "published_on",
            "occasion",
            "task",
            "views",
            "reactions",
            "shares",
            "status",
            "review_note",
            "reviewed_at",
            "created_at",
            "updated_at",
        ]


class PledgeTemplateRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    year = serializers.IntegerField()


class PledgeSerializer(serializers.ModelSerializer):
    template = PledgeTemplateRefSerializer()
    commitments = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="Commitments per section code of the template.",
    )
    actions = serializers.ListField(child=serializers.CharField())

    class Meta:
        model = Pledge
        fields = [
            "id",
            "template",
            "year",
            "version",
            "is_current",
            "status",
            "source",
            "full_name",
            "birth_year",
            "position",
            "unit_name",
            "union_group",
            "commitments",
            "actions",
            "target_rating",
            "submitted_at",
            "reviewed_at",
            "return_comment",
            "created_at",
            "updated_at",
        ]


class ContestRoundSerializer(serializers.ModelSerializer):
    class Meta:
        model = Round
        fields = [
            "id",
            "number",
            "opens_at",
            "closes_at",
            "attempts_allowed",
            "questions_per_attempt",
            "time_limit_minutes",
        ]


class ContestRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contest
        fields = ["id", "title"]


class RoundSerializer(serializers.ModelSerializer):
    contest = ContestRefSerializer()

    class Meta:
        model = Round
        fields = [
            "id",
            "contest",
            "number",
            "opens_at",
            "closes_at",
            "attempts_allowed",
            "questions_per_attempt",
            "time_limit_minutes",
        ]


class ContestSerializer(serializers.ModelSerializer):
    unit = UnitRefSerializer(help_text="The organising unit.")
    rounds = ContestRoundSerializer(many=True)

    class Meta:
        model = Contest
        fields = [
            "id",
            "unit",
            "plan",
            "title",
            "rules",
            "published",
            "members_eligible",
            "workers_eligible",
            "created_at",
            "rounds",
        ]


class RankingRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    attempt = serializers.IntegerField(source="pk")
    full_name = serializers.CharField(source="participant__full_name")
    unit_name = serializers.CharField(source="participant__unit__name")
    score = serializers.IntegerField()
    questions = serializers.IntegerField()
    seconds = serializers.IntegerField()
    prediction = serializers.IntegerField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)


class UnitBoardRowSerializer(serializers.Serializer):
    unit = UnitRefSerializer()
    entries = serializers.IntegerField()
    entrants = serializers.IntegerField()
    members = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True)


class RoundResultsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    entries = serializers.IntegerField(help_text="Submitted attempts.")
    entrants = serializers.IntegerField(help_text="People who submitted at least once.")
    ranking = RankingRowSerializer(many=True, help_text="The best attempts in rank order.")
    units = UnitBoardRowSerializer(
        many=True, help_text="The units directly below the organising unit, by entries."
    )


class IndicatorSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label")
    unit_of_measure = serializers.CharField(source="unit_label")

    class Meta:
        model = Indicator
        fields = ["code", "name", "unit_of_measure", "source", "aggregation"]


class ReportFormSerializer(serializers.ModelSerializer):
    recipient = UnitRefSerializer(help_text="The unit the reports go to.")
    indicators = IndicatorSerializer(many=True)

    class Meta:
        model = ReportForm
        fields = ["id", "plan", "name", "period_kind", "reporting_kind", "recipient", "indicators"]


class PeriodSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="label")
    locked = serializers.BooleanField(source="is_locked")

    class Meta:
        model = ReportingPeriod
        fields = ["code", "kind", "name", "start", "end", "due", "locks_on", "locked"]


class ReportFormRefSerializer(serializers.ModelSerializer):
    recipient = UnitRefSerializer()

    class Meta:
        model = ReportForm
        fields = ["id", "name", "plan", "period_kind", "recipient"]


class ReportSerializer(serializers.ModelSerializer):
    form = ReportFormRefSerializer()
    period = PeriodSerializer()
    unit = UnitRefSerializer()

    class Meta:
        model = Report
        fields = [
            "id",
            "form",
            "period",
            "unit",
            "status",
            "version",
            "submitted_at",
            "reviewed_at",
            "review_comment",
            "updated_at",
        ]


class ReportFigureSerializer(serializers.Serializer):
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.label")
    unit_of_measure = serializers.CharField(source="indicator.unit_label")
    source = serializers.CharField(
        source="indicator.source", help_text="computed (counted from records) or entered."
    )
    value = serializers.DecimalField(
        max_digits=16, decimal_places=2, coerce_to_string=False, allow_null=True
    )
    declared = serializers.BooleanField(help_text="Typed by the unit rather than counted.")


class ReportDetailSerializer(ReportSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, *NARRATIVE, "figures"]

    @extend_schema_field(ReportFigureSerializer(many=True))
    def get_figures(self, report):
        return ReportFigureSerializer(self.context["figures"], many=True).data


class RoleSerializer(serializers.Serializer):
    role = serializers.CharField()
    unit = UnitRefSerializer()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField()
    member = serializers.IntegerField(allow_null=True, help_text="The caller's own member record.")
    roles = RoleSerializer(many=True)


# Inputs -----------------------------------------------------------------------------------------


class ScopedRef(fields.IdField):
    """An id of a row the caller can see: anything else is answered as not found."""

    def __init__(self, queryset_for, **kwargs):
        self.queryset_for = queryset_for
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        super().run_validators(pk)  # the id's range, before looking it up
        user = self.context["request"].user
        found = self.queryset_for(user).filter(pk=pk).first()
        if found is None:
            raise serializers.ValidationError(
                _("Not found, or not in your scope."), code="not_found"
            )
        return found

    def run_validators(self, value):
        """Done on the id in to_internal_value (the value here is the row)."""


def _units(user):
    return Unit.objects.for_user(user)


def _plans(user):
    return Plan.objects.for_user(user)


def _tasks(user):
    return Task.objects.for_user(user)


def _contests(user):
    return Contest.objects.for_user(user)


def _report_forms(user):
    return ReportForm.objects.for_user(user).select_related("recipient")


def _unit_field(help_text="Only rows of this unit's subtree."):
    return ScopedRef(_units, required=False, help_text=help_text)


class QueryField(fields.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 100)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


class UnitFilters(fields.Serializer):
    q = QueryField(help_text="Name, short name or code (accents optional).")
    kind = fields.ChoiceField(choices=UnitKind.choices, required=False)
    active = fields.BooleanField(required=False, allow_null=True, default=None)
    parent = ScopedRef(_units, required=False, help_text="Only the units directly below it.")
    under = _unit_field("Only units of its subtree (itself included).")


class MemberFilters(fields.Serializer):
    q = QueryField(help_text="Name or card number (accents optional).")
    unit = _unit_field()
    gender = fields.ChoiceField(choices=Gender.choices, required=False)
    ethnicity = fields.ChoiceField(
        choices=[("minority", "minority"), *ETHNICITY_CHOICES],
        required=False,
        help_text="An ethnic group, or “minority” for every group but Kinh.",
    )
    status = fields.ChoiceField(choices=MemberStatus.choices, required=False)

    def validate(self, attrs):
        """Filtering by ethnicity tells each member's: only for the roles that see it (the
        reveal right over every member listed, chuyende.org.selectors.sensitive_allowed)."""
        request = self.context.get("request")
        if attrs.get("ethnicity") and not sensitive_allowed(
            user=request.user if request else None, unit=attrs.get("unit")
        ):
            raise serializers.ValidationError(
                {"ethnicity": _("Your role does not allow filtering members by ethnicity.")},
                code="permission_denied",
            )
        return attrs


class PlanFilters(fields.Serializer):
    q = QueryField(help_text="Words of the title or the number.")
    unit = ScopedRef(_units, required=False, help_text="Plans issued by this unit.")
    status = fields.ChoiceField(choices=PlanStatus.choices, required=False)
    year = fields.IntegerField(required=False, min_value=1900, max_value=2999)


class TaskFilters(fields.Serializer):
    q = QueryField(help_text="Words of the title.")
    plan = ScopedRef(_plans, required=False)
    due_from = fields.DateField(required=False)
    due_to = fields.DateField(required=False)


class AssignmentFilters(fields.Serializer):
    unit = _unit_field()
    task = ScopedRef(_tasks, required=False)
    plan = ScopedRef(_plans, required=False)
    status = fields.ChoiceField(
        choices=[*AssignmentStatus.choices, ("overdue", "overdue")], required=False
    )


class StudySessionFilters(fields.Serializer):
    q = QueryField(help_text="Words of the title.")
    unit = _unit_field()
    task = ScopedRef(_tasks, required=False)
    date_from = fields.DateField(required=False)
    date_to = fields.DateField(required=False)


class PostFilters(fields.Serializer):
    q = QueryField(help_text="Words of the title (accents optional).")
    unit = _unit_field()
    channel = fields.ChoiceField(choices=Channel.choices, required=False)
    status = fields.ChoiceField(choices=PostStatus.choices, required=False)
    date_from = fields.DateField(required=False)
    date_to = fields.DateField(required=False)


class PledgeFilters(fields.Serializer):
    year = fields.IntegerField(required=False, min_value=1900, max_value=2999)
    current = fields.BooleanField(
        required=False, allow_null=True, default=None, help_text="Only current versions."
    )


class ContestFilters(fields.Serializer):
    q = QueryField(help_text="Words of the title.")
    unit = _unit_field()
    published = fields.BooleanField(required=False, allow_null=True, default=None)


class RoundFilters(fields.Serializer):
    contest = ScopedRef(_contests, required=False)


class RoundResultsParams(fields.Serializer):
    limit = fields.IntegerField(
        required=False, min_value=1, max_value=100, default=50, help_text="Rows of the ranking."
    )


class ReportFormFilters(fields.Serializer):
    plan = ScopedRef(_plans, required=False)
    period_kind = fields.ChoiceField(choices=PeriodKind.choices, required=False)


class PeriodFilters(fields.Serializer):
    kind = fields.ChoiceField(choices=PeriodKind.choices, required=False)
    year = fields.IntegerField(required=False, min_value=1900, max_value=2999)


class ReportFilters(fields.Serializer):
    unit = _unit_field()
    form = ScopedRef(_report_forms, required=False)
    period = fields.CharField(required=False, max_length=20, help_text="A period code: 2024S1.")
    status = fields.ChoiceField(choices=ReportStatus.choices, required=False)


class ReportOpenSerializer(fields.Serializer):
    """Open (or find) a unit's report for a form and a period, as the screens' “Write the
    report” button does."""

    form = ScopedRef(_report_forms)
    period = fields.CharField(max_length=20, help_text="The period's code, e.g. 2024S1.")
    unit = ScopedRef(_units, help_text="The reporting unit (below the form's recipient).")

    def validate(self, data):
        form = data["form"]
        period = ReportingPeriod.objects.filter(code=data["period"], kind=form.period_kind).first()
        if period is None:
            raise serializers.ValidationError(
                {"period": [_("No reporting period with this code for this form.")]},
                code="not_found",
            )
        if not data["unit"].path.startswith(form.recipient.path):
            raise serializers.ValidationError(
                {"unit": [_("This unit does not report on this form.")]}, code="invalid"
            )
        data["period"] = period
        return data


class FiguresSerializer(fields.Serializer):
    """The declared (entered by hand) figures of a report and, if given, its narrative; saved
    through the same service as the report page (same checks, audit and status rules)."""

    version = fields.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text="The report's version as read: if someone saved since, nothing is written "
        "and the answer is 409 conflict.",
    )
    figures = fields.DictField(
        child=fields.DecimalField(
            max_digits=14, decimal_places=2, min_value=0, allow_null=True, coerce_to_string=False
        ),
        required=False,
        help_text="{indicator code: value or null}, for the form's entered indicators.",
    )
    leadership = fields.CharField(required=False, allow_blank=True, max_length=20000)
    results = fields.CharField(required=False, allow_blank=True, max_length=20000)
    assessment = fields.CharField(required=False, allow_blank=True, max_length=20000)
    proposals = fields.CharField(required=False, allow_blank=True, max_length=20000)
    number = fields.CharField(required=False, allow_blank=True, max_length=40)
    signer_authority = fields.CharField(required=False, allow_blank=True, max_length=80)
    signer_position = fields.CharField(required=False, allow_blank=True, max_length=80)
    signer_name = fields.CharField(required=False, allow_blank=True, max_length=120)

    def validate_figures(self, figures):
        report = self.context["report"]
        entered = {i.code for i in report.form.indicators.all() if i.source == "entered"}
        unknown = sorted(set(figures) - entered)
        if unknown:
            raise serializers.ValidationError(
                _("Not an indicator entered by hand on this report's form: %(codes)s.")
                % {"codes": ", ".join(code[:60] for code in unknown[:5])},
                code="unknown_indicator",
            )
        return figures

    def narrative(self) -> dict:
        return {k: v for k, v in self.validated_data.items() if k in NARRATIVE}
