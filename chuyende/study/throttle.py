"""A counter of failed check-in tries per address and session, kept in the cache.

The public check-in page asks for a union card number and a date of birth: without a limit it
would let anyone try numbers until one matches. After MAX_FAILURES failed tries within WINDOW
seconds, further tries from that address for that session are refused until the window ends.
"""

from django.core.cache import cache

from chuyende.core.audit import client_ip

MAX_FAILURES = 10
WINDOW = 15 * 60


def _key(request, scope: str) -> str:
    return f"study:checkin-failures:{client_ip(request) or 'unknown'}:{scope}"


def is_blocked(request, scope: str) -> bool:
    return (cache.get(_key(request, scope)) or 0) >= MAX_FAILURES


def record_failure(request, scope: str) -> None:
    key = _key(request, scope)
    cache.add(key, 0, timeout=WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW)
