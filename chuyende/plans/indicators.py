"""Assignment figures for the reports (see chuyende.reports.registry): one grouped query each.

An assignment counts as done in a period when it was completed by the period's end, and as
overdue when its due date had passed (by the end of the period, or today if earlier) without it
being done. With a plan, only that plan's tasks count.
"""

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chuyende.org.indicators import grouped
from chuyende.reports.registry import indicator, ratio

from .choices import AssignmentStatus
from .models import Assignment


def _assignments(root_path, plan):
    rows = Assignment.objects.filter(unit__path__startswith=root_path)
    return rows.filter(task__plan=plan) if plan is not None else rows


def _done_by(end) -> Q:
    return Q(status=AssignmentStatus.DONE) & (
        Q(completed_on__isnull=True) | Q(completed_on__lte=end)
    )


@indicator("plans.assignments", _("Tasks assigned"), unit_of_measure=_("tasks"), position=20)
def assignments_total(*, root_path, width, start, end, plan):
    return grouped(_assignments(root_path, plan), width=width, value=Count("id"))


@indicator("plans.assignments_done", _("Tasks done"), unit_of_measure=_("tasks"), position=21)
def assignments_done(*, root_path, width, start, end, plan):
    return grouped(
        _assignments(root_path, plan).filter(_done_by(end)), width=width, value=Count("id")
    )


@indicator("plans.assignments_overdue", _("Tasks overdue"), unit_of_measure=_("tasks"), position=22)
def assignments_overdue(*, root_path, width, start, end, plan):
    cutoff = min(end, timezone.localdate())
    rows = _assignments(root_path, plan).filter(due_on__lt=cutoff).exclude(_done_by(cutoff))
    return grouped(rows, width=width, value=Count("id"))


ratio(
    "plans.done_rate",
    _("Tasks done (%)"),
    numerator="plans.assignments_done",
    denominator="plans.assignments",
    position=23,
)
