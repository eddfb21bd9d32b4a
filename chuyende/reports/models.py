from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from chuyende.core.scoping import ScopedQuerySet
from chuyende.core.uploads import UploadTo

from .choices import Aggregation, PeriodKind, ReportStatus, Source


class Indicator(models.Model):
    """A figure the reports carry (chỉ tiêu). Computed ones mirror the registry in code;
    entered ones are typed by the reporting unit."""

    code = models.CharField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=255)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.ENTERED
    )
    numerator = models.CharField(_("numerator"), max_length=60, blank=True)
    denominator = models.CharField(_("denominator"), max_length=60, blank=True)
    position = models.IntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The name in the current language: computed indicators store their English msgid;
        names typed by hand come back as typed."""
        return gettext(self.name)

    @property
    def unit_label(self) -> str:
        return gettext(self.unit_of_measure) if self.unit_of_measure else ""


class ReportingPeriod(models.Model):
    """A reporting period with a DHIS2-like code (2024S1, 2024, 2024Q1, 202403)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    name = models.CharField(_("name"), max_length=100)
    start = models.DateField(_("from"))
    end = models.DateField(pgettext_lazy("date range end", "to"))
    due = models.DateField(_("due date"))
    locks_on = models.DateField(_("entry locks on"), null=True, blank=True)

    class Meta:
        ordering = ["-start", "kind"]
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lte=models.F("end")), name="reports_period_start_before_end"
            ),
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The period's name in the current language, from its code."""
        from .periods import PeriodCodeError, parse_period

        try:
            return parse_period(self.code)["name"]
        except PeriodCodeError:
            return self.name

    @property
    def is_locked(self) -> bool:
        return self.locks_on is not None and timezone.localdate() > self.locks_on


class ReportForm(models.Model):
    """What a level reports for a plan and a kind of period, and who must report it."""

    scope_path = "plan__unit__path"
    scope_sees_from_above = True

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("plan"), on_delete=models.CASCADE, related_name="report_forms"
    )
    name = models.CharField(_("name"), max_length=255)
    period_kind = models.CharField(_("period kind"), max_length=10, choices=PeriodKind.choices)
    indicators = models.ManyToManyField(
        Indicator, verbose_name=_("indicators"), related_name="forms"
    )
    reporting_kind = models.CharField(
        _("units that report"), max_length=20, help_text=_("Unit kind, e.g. upper-level unions")
    )
    recipient = models.ForeignKey(
        "org.Unit", verbose_name=_("reports go to"), on_delete=models.PROTECT, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report form")
        verbose_name_plural = _("report forms")

    def __str__(self):
        return self.name


class Report(models.Model):
    """One unit's report for one form and period: figures, narrative, attachments, status."""

    scope_path = "unit__path"

    form = models.ForeignKey(ReportForm, on_delete=models.CASCADE, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)  # optimistic locking
    leadership = models.TextField(_("leadership and direction"), blank=True)
    results = models.TextField(_("results"), blank=True)
    assessment = models.TextField(_("assessment: strengths, limits and causes"), blank=True)
    proposals = models.TextField(_("proposals and next steps"), blank=True)
    number = models.CharField(_("number"), max_length=40, blank=True)
    signer_authority = models.CharField(_("signing authority"), max_length=80, blank=True)
    signer_position = models.CharField(_("signer's position"), max_length=80, blank=True)
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["form", "period", "unit"], name="reports_report_unique_unit_period"
            ),
        ]
        indexes = [models.Index(fields=["period", "status"], name="reports_period_status")]

    def __str__(self):
        return f"{self.unit} — {self.period}"

    @property
    def is_late(self) -> bool:
        if self.submitted_at is None:
            return timezone.localdate() > self.period.due
        return timezone.localtime(self.submitted_at).date() > self.period.due

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class ReportValue(models.Model):
    """A figure of a report: counted from records, or declared by hand (marked so)."""

    scope_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    declared = models.BooleanField(_("declared by hand"), default=False)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"], name="reports_value_unique_indicator"
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code}={self.value}"


class ReportAttachment(models.Model):
    """A file sent with a report (photos, minutes, lists); served only through a scoped view."""

    scope_path = "report__unit__path"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=UploadTo("reports"))
    name = models.CharField(_("name"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class FigureSet(models.Model):
    """The computed figures of every unit's subtree for one period (and plan), stored so that
    dashboards and roll-ups read a few rows instead of counting millions of records. Recomputed
    by the task worker when older than settings.FIGURES_MAX_AGE; pages show `computed_at`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the first computation")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    period = models.ForeignKey(ReportingPeriod, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(
        "plans.Plan", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    computed_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    took_ms = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("stored figures")
        verbose_name_plural = _("stored figures")
        constraints = [
            models.UniqueConstraint(
                fields=["period", "plan"],
                condition=Q(plan__isnull=False),
                name="reports_figureset_unique_period_plan",
            ),
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(plan__isnull=True),
                name="reports_figureset_unique_period_no_plan",
            ),
        ]

    def __str__(self):
        return f"{self.period_id}/{self.plan_id or '-'} {self.status}"


class Figure(models.Model):
    """One computed indicator's value for one unit's whole subtree (zeros are not stored)."""

    figure_set = models.ForeignKey(FigureSet, on_delete=models.CASCADE, related_name="figures")
    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=60)
    value = models.DecimalField(max_digits=16, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figure_set", "unit", "code"], name="reports_figure_unique_unit_code"
            )
        ]

    def __str__(self):
        return f"{self.unit_id} {self.code}={self.value}"
