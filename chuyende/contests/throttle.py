"""Starts per address, counted in the Django cache (shared by every worker with Redis or the
database cache): a flood of starts from one address is refused for a while."""

from django.conf import settings
from django.core.cache import cache

from chuyende.core.audit import client_ip

WINDOW = 10 * 60


def limit() -> int:
    return getattr(settings, "CONTESTS_STARTS_PER_ADDRESS", 30)


def _key(request) -> str:
    return f"contests:starts:{client_ip(request) or 'unknown'}"


def is_blocked(request) -> bool:
    return (cache.get(_key(request)) or 0) >= limit()


def record_start(request) -> None:
    key = _key(request)
    cache.add(key, 0, timeout=WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW)
