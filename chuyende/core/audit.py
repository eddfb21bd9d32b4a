"""The audit log: every write that matters records who, when, what and from which address."""

import contextvars
from contextlib import contextmanager

from django.db import transaction

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def client_ip(request) -> str | None:
    """The client address; behind a proxy, the first X-Forwarded-For hop when configured."""
    from django.conf import settings

    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


@contextmanager
def request_context(request):
    token = _client_ip.set(client_ip(request))
    try:
        yield
    finally:
        _client_ip.reset(token)


def audit_event(
    *, actor, action, obj=None, unit=None, changes=None, object_type=None, object_repr=None
):
    """An unsaved audit row (for bulk writes: save them with bulk_create in the transaction)."""
    from .models import AuditEvent

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_repr = object_repr or str(obj)
    signed_in = actor is not None and actor.is_authenticated
    return AuditEvent(
        actor=actor if signed_in else None,
        actor_name=actor.get_username() if signed_in else "",
        ip_address=_client_ip.get(),
        action=action,
        object_type=object_type or "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr or "")[:255],
        unit=unit,
        changes=changes or {},
    )


def audit_record(
    *, actor, action, obj=None, unit=None, changes=None, object_type=None, object_repr=None
):
    """Write one audit row. Call it inside the transaction of the write it records."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the audited write")
    event = audit_event(
        actor=actor,
        action=action,
        obj=obj,
        unit=unit,
        changes=changes,
        object_type=object_type,
        object_repr=object_repr,
    )
    event.save()
    return event


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def diff(old: dict, new: dict, hidden=()) -> dict:
    """The changed fields as {"field": {"from": …, "to": …}}, JSON-ready.

    Fields in `hidden` (personal data) are recorded as changed without their values.
    """
    changes = {}
    for key, value in new.items():
        before = old.get(key)
        if before == value:
            continue
        if key in hidden:
            changes[key] = {"changed": True}
        else:
            changes[key] = {"from": _plain(before), "to": _plain(value)}
    return changes
