"""Reads of notifications: a user's own, newest first."""

from .models import Notification


def notifications_for(*, user, unread_only: bool = False):
    """The user's notifications with their unit (one query per page, plus the count)."""
    rows = Notification.objects.for_user(user).select_related("unit")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-pk")
