from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from chuyende.core.scoping import ScopedQuerySet

from .choices import InspectionStatus, Rating, RecommendationStatus


class InspectionPlan(models.Model):
    """An inspection plan (kế hoạch kiểm tra, giám sát) of a unit: the units it inspects, the
    team, the dates and the points to check. Seen within the issuing unit's subtree."""

    scope_path = "unit__path"

    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("issuing unit"),
        on_delete=models.PROTECT,
        related_name="inspection_plans",
    )
    plan = models.ForeignKey(
        "plans.Plan",
        verbose_name=_("plan checked"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspection_plans",
    )
    number = models.CharField(_("number"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"))
    # [{"name": "Nguyễn Văn A", "position": "Phó Chủ tịch LĐLĐ tỉnh"}]; the first leads the team.
    team = models.JSONField(_("inspection team"), default=list, blank=True)
    start_on = models.DateField(_("from"))
    end_on = models.DateField(pgettext_lazy("date range end", "to"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-start_on", "-id"]
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")

    def __str__(self):
        return f"{self.number} — {self.title}" if self.number else self.title

    @property
    def leader(self) -> dict:
        return self.team[0] if self.team else {}


class InspectionPoint(models.Model):
    """A point to check: a task of the plan checked, or a point of the inspectors' own."""

    scope_path = "inspection_plan__unit__path"

    inspection_plan = models.ForeignKey(
        InspectionPlan, on_delete=models.CASCADE, related_name="points"
    )
    task = models.ForeignKey(
        "plans.Task",
        verbose_name=_("plan task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.TextField(_("point to check"))
    position = models.PositiveIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["inspection_plan", "position", "id"]
        verbose_name = _("point to check")
        verbose_name_plural = _("points to check")

    def __str__(self):
        return self.title[:100]


class Inspection(models.Model):
    """The inspection of one unit under a plan. Its scope is the inspected unit's path: the
    inspected unit reads it and answers the recommendations, every unit above it (the
    inspecting unit among them) sees it, a sibling never does."""

    scope_path = "unit__path"

    inspection_plan = models.ForeignKey(
        InspectionPlan,
        verbose_name=_("inspection plan"),
        on_delete=models.CASCADE,
        related_name="inspections",
    )
    unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("inspected unit"),
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    date = models.DateField(_("date"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=InspectionStatus.choices,
        default=InspectionStatus.PLANNED,
    )
    conclusion = models.TextField(_("overall conclusion"), blank=True)
    notice_number = models.CharField(
        _("number of the conclusion notice"), max_length=60, blank=True
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    concluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    concluded_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection_plan", "unit"],
                name="inspections_once_per_plan",
                violation_error_message=_("This unit is already in the inspection plan."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "date"], name="inspections_unit_date")]

    def __str__(self):
        return f"{self.inspection_plan.title} — {self.unit}"


class Finding(models.Model):
    """What the inspectors found on one point at one inspection."""

    scope_path = "inspection__unit__path"

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    point = models.ForeignKey(
        InspectionPoint, verbose_name=_("point"), on_delete=models.PROTECT, related_name="findings"
    )
    text = models.TextField(_("finding"))
    rating = models.CharField(_("rating"), max_length=12, choices=Rating.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "point__position", "point_id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        constraints = [
            models.UniqueConstraint(
                fields=["inspection", "point"],
                name="inspections_finding_once",
                violation_error_message=_("This point already has a finding."),
            ),
        ]

    def __str__(self):
        return self.text[:100]


class Recommendation(models.Model):
    """A recommendation (kiến nghị) to the inspected unit, with a due date; the unit answers,
    the inspectors close it or reopen it with a comment."""

    scope_path = "inspection__unit__path"

    inspection = models.ForeignKey(
        Inspection, on_delete=models.CASCADE, related_name="recommendations"
    )
    text = models.TextField(_("recommendation"))
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.OPEN,
    )
    answer = models.TextField(_("answer of the unit"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    close_comment = models.TextField(_("comment of the inspectors"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["inspection", "due_on", "id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [models.Index(fields=["status", "due_on"], name="inspections_rec_status_due")]

    def __str__(self):
        return self.text[:100]

    @property
    def is_overdue(self) -> bool:
        return self.status != RecommendationStatus.CLOSED and self.due_on < timezone.localdate()

    @property
    def closed_on_time(self) -> bool:
        return (
            self.status == RecommendationStatus.CLOSED
            and self.closed_at is not None
            and timezone.localdate(self.closed_at) <= self.due_on
        )


def overdue_q(today=None, prefix="") -> Q:
    """Recommendations past their due date and not closed."""
    today = today or timezone.localdate()
    return Q(**{f"{prefix}due_on__lt": today}) & ~Q(
        **{f"{prefix}status": RecommendationStatus.CLOSED}
    )
