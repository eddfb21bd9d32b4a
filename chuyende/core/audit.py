"""The audit log: every write that matters records who, when, what and from which address."""

import contextvars
import ipaddress
from contextlib import contextmanager

from django.db import transaction

_client_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_ip", default=None)


def behind_proxy() -> bool:
    """Whether a reverse proxy of ours stands in front (settings.BEHIND_PROXY)."""
    from django.conf import settings

    return bool(getattr(settings, "BEHIND_PROXY", False))


def client_address(request) -> str:
    """The one decision of who is asking, as text: for audit rows, rate limits, API tokens,
    consent records and contest entries alike.

    REMOTE_ADDR, unless BEHIND_PROXY: then the X-Forwarded-For hop that the outermost of our
    PROXY_COUNT proxies wrote (counted from the right; each proxy appends the address it saw).
    The hops to its left are whatever the client sent and are never believed. Without a proxy
    X-Forwarded-For is ignored altogether. The text may not be an address (see client_ip)."""
    from django.conf import settings

    remote = request.META.get("REMOTE_ADDR") or ""
    if not behind_proxy():
        return remote.strip()
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return remote.strip()
    trusted = max(1, int(getattr(settings, "PROXY_COUNT", 1) or 1))
    # fewer hops than proxies: every hop there was written by one of ours, the left-most first
    return hops[-trusted] if len(hops) >= trusted else hops[0]


def parse_address(text: str):
    """The address in `text` (an IPv4-mapped IPv6 address as IPv4), or None."""
    try:
        ip = ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def client_ip(request) -> str | None:
    """The client's address (client_address) when it is one, else None: what audit rows,
    consent records, contest entries and API tokens store."""
    ip = parse_address(client_address(request))
    return str(ip) if ip is not None else None


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
