"""The unread count for the navbar bell (settings TEMPLATES context_processors)."""

from django.utils.functional import SimpleLazyObject

from .models import Notification


def unread(request) -> dict:
    """{"unread_notifications": n}: one query, made only when a template shows the bell (full
    pages), never for htmx fragments or anonymous visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.for_user(user).filter(read_at__isnull=True).count()
        )
    }
