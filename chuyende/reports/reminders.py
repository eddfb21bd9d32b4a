"""Report reminders: before the due date to the reporting unit's officers, after it an
escalation to the unit with a copy to its parent's managers, and the one-click reminder of all
overdue units below a parent. Delivered as notifications (one per person, report and day) and
e-mailed as one digest per person per day (chuyende.notifications.services.digests_send).

Schedule (pure, `stage`): a reminder N days before the due date (default 5) and on the due date;
an escalation the day after the due date, then every 7 days while the period's entry is open.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from chuyende.core.scoping import require
from chuyende.notifications.models import NotificationKind
from chuyende.notifications.services import Delivery, digests_send, notifications_deliver

from .selectors import DONE, completeness

DAYS_BEFORE = 5
ESCALATE_EVERY = 7
OFFICER_ROLES = ("manager", "editor")
STEP = 4


def _d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def stage(*, period, today: datetime.date, days_before: int = DAYS_BEFORE) -> str | None:
    """ "reminder", "escalation" or None: what `today` calls for on `period`."""
    left = (period.due - today).days
    if left in (days_before, 0):
        return "reminder"
    if left < 0:
        if period.locks_on is not None and today > period.locks_on:
            return None
        if (-left - 1) % ESCALATE_EVERY == 0:
            return "escalation"
    return None


def pending_units(*, form, period) -> list:
    """Reporting units of the form (its kind, below its recipient, active) that have not
    submitted for the period. Two queries."""
    from chuyende.org.models import Unit

    from .models import Report

    done = Report.objects.filter(form=form, period=period, status__in=DONE).values("unit_id")
    return list(
        Unit.objects.filter(
            path__startswith=form.recipient.path, kind=form.reporting_kind, active=True
        )
        .exclude(pk=form.recipient_id)
        .exclude(pk__in=done)
        .order_by("path")
    )


def officers(*, unit_ids, roles=OFFICER_ROLES) -> dict[int, list[int]]:
    """{unit id: [user ids]} holding one of `roles` on exactly that unit. One query."""
    from chuyende.org.models import RoleAssignment

    found: dict[int, list[int]] = {}
    for unit_id, user_id in (
        RoleAssignment.objects.filter(unit_id__in=unit_ids, role__in=roles, user__is_active=True)
        .order_by("unit_id", "user_id")
        .values_list("unit_id", "user_id")
        .distinct()
    ):
        found.setdefault(unit_id, []).append(user_id)
    return found


def _key(kind, form, period, unit) -> str:
    return f"{kind}:{form.pk}:{period.pk}:{unit.pk}"


def deliveries(*, form, period, units, kind: str, sender=None) -> list[Delivery]:
    """The notifications `kind` calls for about `units` (three queries at most)."""
    from chuyende.org.models import Unit

    own = officers(unit_ids=[u.pk for u in units])
    report_link = reverse("reports:report_list")
    out: list[Delivery] = []
    names = {"form": form.name, "period": period.label, "due": _d(period.due)}
    for unit in units:
        values = {**names, "unit": unit.display_name}
        if kind == NotificationKind.REMINDER:
            title = _("Report due on %(due)s: %(form)s — %(period)s") % values
            body = _("%(unit)s has not sent its report yet.") % values
        elif kind == NotificationKind.ESCALATION:
            title = _("Overdue report: %(form)s — %(period)s") % values
            body = _("%(unit)s has not sent the report due on %(due)s.") % values
        else:
            values["sender"] = (sender.get_full_name() or sender.get_username()) if sender else ""
            title = _("Please send your overdue report: %(form)s — %(period)s") % values
            body = _("%(sender)s reminds %(unit)s that the report was due on %(due)s.") % values
        key = _key(kind, form, period, unit)
        for user_id in own.get(unit.pk, []):
            out.append(Delivery(user_id, unit, kind, key, title, body, report_link))
    if kind == NotificationKind.ESCALATION:
        parents = {
            p.path: p
            for p in Unit.objects.filter(path__in={u.path[:-STEP] for u in units if u.depth > 1})
        }
        managers = officers(unit_ids=[p.pk for p in parents.values()], roles=("manager",))
        base = reverse("reports:completeness", args=[form.pk, period.code])
        for unit in units:
            parent = parents.get(unit.path[:-STEP])
            if parent is None:
                continue
            values = {**names, "unit": unit.display_name}
            title = _("Overdue report below: %(unit)s") % values
            body = _("%(unit)s has not sent the report due on %(due)s.") % values
            key = _key(NotificationKind.ESCALATION_COPY, form, period, unit)
            link = f"{base}?unit={parent.pk}"
            for user_id in managers.get(parent.pk, []):
                out.append(
                    Delivery(
                        user_id, unit, NotificationKind.ESCALATION_COPY, key, title, body, link
                    )
                )
    return out


@transaction.atomic
def reminders_send_due(*, today: datetime.date, days_before: int = DAYS_BEFORE) -> int:
    """Create the day's automatic reminders and escalations for every form and period; return
    how many notifications were written (none twice for a person, report and day)."""
    from .models import ReportForm, ReportingPeriod

    forms = list(ReportForm.objects.select_related("recipient"))
    periods = list(ReportingPeriod.objects.filter(kind__in={f.period_kind for f in forms}))
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for form in forms:
            for period in periods:
                if period.kind != form.period_kind:
                    continue
                kind = stage(period=period, today=today, days_before=days_before)
                if kind is None:
                    continue
                units = pending_units(form=form, period=period)
                created += notifications_deliver(
                    deliveries=deliveries(form=form, period=period, units=units, kind=kind),
                    day=today,
                    audit_unit=form.recipient,
                )
    return created


@transaction.atomic
def reminders_send_overdue(*, form, period, parent, acting_user, today=None) -> int:
    """Remind every overdue reporting unit below `parent` (the completeness page's button);
    return how many notifications were written (none twice for a person, report and day)."""
    from django.utils import timezone

    require(acting_user, "change", parent)
    today = today or timezone.localdate()
    data = completeness(form=form, period=period, parent=parent, user=acting_user, today=today)
    units = [row["unit"] for row in data["rows"] if row["state"] == "overdue"]
    with translation.override(settings.LANGUAGE_CODE):
        found = deliveries(
            form=form, period=period, units=units, kind=NotificationKind.OVERDUE, sender=acting_user
        )
    return notifications_deliver(
        deliveries=found, day=today, acting_user=acting_user, audit_unit=parent
    )


def run_day(*, day: datetime.date, days_before: int = DAYS_BEFORE) -> dict:
    """The day's reminders, then the day's digests. Idempotent for the day."""
    created = reminders_send_due(today=day, days_before=days_before)
    emails = digests_send(day=day)
    return {"notifications": created, "emails": emails}
