"""Writes on notifications: delivering (de-duplicated per person, key and day), marking read,
and sending the daily e-mail digest. Each atomic and audited."""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from chuyende.core.audit import audit_record
from chuyende.core.models import AuditAction

from .models import Notification


@dataclass(frozen=True)
class Delivery:
    """One notification to write: to `user_id`, about `unit`, de-duplicated by `key`."""

    user_id: int
    unit: object
    kind: str
    key: str
    title: str
    body: str = ""
    link: str = ""


@transaction.atomic
def notifications_deliver(*, deliveries, day, acting_user=None, audit_unit=None) -> int:
    """Write the deliveries not yet written for the same person, key and day; return how many
    were written. Two queries plus one insert, whatever the number."""
    deliveries = list(deliveries)
    if not deliveries:
        return 0
    keys = {d.key for d in deliveries}
    users = {d.user_id for d in deliveries}
    seen = set(
        Notification.objects.filter(day=day, key__in=keys, user_id__in=users).values_list(
            "user_id", "key"
        )
    )
    now = timezone.now()
    rows = []
    for d in deliveries:
        if (d.user_id, d.key) in seen:
            continue
        seen.add((d.user_id, d.key))
        rows.append(
            Notification(
                user_id=d.user_id,
                unit=d.unit,
                kind=d.kind,
                key=d.key,
                title=d.title[:255],
                body=d.body,
                link=d.link[:500],
                created_at=now,
                day=day,
            )
        )
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
    if rows:
        audit_record(
            actor=acting_user,
            action=AuditAction.CREATE,
            unit=audit_unit,
            object_type="notifications.notification",
            object_repr=f"{len(rows)} notifications",
            changes={"count": len(rows), "kinds": sorted({r.kind for r in rows})},
        )
    return len(rows)


@transaction.atomic
def notification_mark_read(*, notification: Notification, acting_user) -> Notification:
    if notification.user_id != acting_user.pk:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("This notification is not yours."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            obj=notification,
            unit=notification.unit,
            changes={"read_at": notification.read_at.isoformat()},
        )
    return notification


@transaction.atomic
def notifications_mark_all_read(*, acting_user) -> int:
    count = (
        Notification.objects.for_user(acting_user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
    if count:
        audit_record(
            actor=acting_user,
            action=AuditAction.UPDATE,
            object_type="notifications.notification",
            object_repr=f"{count} notifications read",
            changes={"read": count},
        )
    return count


def _absolute(link: str) -> str:
    base = getattr(settings, "SITE_URL", "") or ""
    return f"{base.rstrip('/')}{link}" if base and link.startswith("/") else link


def digests_send(*, day) -> int:
    """One e-mail per person with all their notifications of `day` not yet e-mailed; people
    without an e-mail address get none. Idempotent: what was sent is marked. Returns the number
    of e-mails sent."""
    pending = list(
        Notification.objects.filter(day=day, emailed_at__isnull=True)
        .exclude(user__email="")
        .filter(user__is_active=True)
        .select_related("user")
        .order_by("user_id", "created_at", "pk")
    )
    by_user: dict[int, list[Notification]] = {}
    for n in pending:
        by_user.setdefault(n.user_id, []).append(n)
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        for items in by_user.values():
            user = items[0].user
            subject = ngettext(
                "%(count)d new notification", "%(count)d new notifications", len(items)
            ) % {"count": len(items)}
            lines = [_("Hello %(name)s,") % {"name": user.get_full_name() or user.username}, ""]
            for n in items:
                lines.append(f"- {n.title}")
                if n.body:
                    lines.append(f"  {n.body}")
                if n.link:
                    lines.append(f"  {_absolute(n.link)}")
            with transaction.atomic():
                send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])
                Notification.objects.filter(pk__in=[n.pk for n in items]).update(
                    emailed_at=timezone.now()
                )
            sent += 1
    return sent
