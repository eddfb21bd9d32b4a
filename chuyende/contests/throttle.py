"""Attempts started per address, counted with chuyende.core.ratelimit (the cache shared by every
worker): a flood of starts from one address is refused for a while. The page views, starts per
browser session, autosaves and submits per attempt are limited by the rate-limit middleware."""

from django.conf import settings

from chuyende.core import ratelimit

WINDOW = 10 * 60


def rule() -> ratelimit.Rule:
    return ratelimit.Rule(
        "contests.starts.address", getattr(settings, "CONTESTS_STARTS_PER_ADDRESS", 30), WINDOW
    )


def _identity(request) -> str:
    return f"address:{ratelimit.address(request)}"


def is_blocked(request) -> bool:
    return not ratelimit.check(rule(), _identity(request)).allowed


def record_start(request) -> None:
    ratelimit.hit(rule(), _identity(request))
