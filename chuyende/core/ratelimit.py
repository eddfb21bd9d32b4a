"""Rate limits, counted in the Django cache shared by every web worker (Redis in production, the
database cache on the embedded default): per client address and per identity (a contest
attempt's token, a browser session, a username, a union card number typed in).

A `Rule` allows `limit` hits in a fixed window of `window` seconds; with `lockout`, reaching the
limit also locks the key for that many seconds from that moment (log-in and check-in failures:
"wait 15 minutes"). Counting is atomic across workers:

- a cache with its own atomic increment (Redis, Memcached, the local-memory cache of the tests):
  `cache.add(key, 0)` then `cache.incr(key)`;
- the database (and file) cache, whose `incr` is a read then a write: each hit claims the next
  free numbered slot with `cache.add`, an INSERT that only one worker can win (the cache key is
  the table's primary key). The slots taken always form a prefix 0..n-1, so the count is n and
  "slot limit-1 exists" means the limit is reached.

Where it applies:

- `RateLimitMiddleware` limits every public (no-login) view listed in `VIEW_LIMITS`, by its URL
  name (a test fails when a public URL is missing from it), and answers 429 with a Vietnamese page
  and Retry-After (JSON for the contest page's autosave).
- `LoginRateLimitBackend` (first in AUTHENTICATION_BACKENDS) refuses a log-in while its username
  + address, its username or its address has too many recent failures, on every log-in form
  (the site's and the admin's); failures are counted from Django's `user_login_failed` signal.
- Views count what only they can tell (a failed check-in, an attempt actually started) with
  `hit` and ask `check` before acting: chuyende.study.throttle, chuyende.contests.throttle.

Limits are overridden per rule in settings: RATELIMITS = {"public.address": (600, 60)}.
RATELIMIT_ENABLED = False turns every limit off (benchmarks driving thousands of simulated
participants from one address).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import JsonResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .audit import client_address, parse_address

KEY_PREFIX = "rl"


@dataclass(frozen=True)
class Rule:
    """At most `limit` hits per `window` seconds for one key; `lockout` seconds of refusal from
    the hit that reaches the limit (0: refused until the window ends)."""

    name: str
    limit: int
    window: int
    lockout: int = 0

    def resolved(self) -> Rule:
        """The rule with its limit and window as overridden in settings.RATELIMITS."""
        override = getattr(settings, "RATELIMITS", {}).get(self.name)
        if not override:
            return self
        limit, window = override[:2]
        lockout = override[2] if len(override) > 2 else self.lockout
        return Rule(self.name, int(limit), int(window), int(lockout))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    count: int
    limit: int
    retry_after: int  # seconds until a refused key may try again (0 when allowed)


ALLOWED = Decision(True, 0, 0, 0)


def enabled() -> bool:
    return getattr(settings, "RATELIMIT_ENABLED", True)


def _cache():
    return caches[getattr(settings, "RATELIMIT_CACHE", "default")]


def _digest(identity: str) -> str:
    # Keys stay short and carry no personal data (usernames, phone or card numbers).
    return hashlib.sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _keys(rule: Rule, identity: str, now: float) -> tuple[str, str, int]:
    """(window counter key, lock key, seconds left in the window)."""
    window_index = int(now // rule.window)
    ends = (window_index + 1) * rule.window
    digest = _digest(identity)
    counter = f"{KEY_PREFIX}:{rule.name}:{window_index}:{digest}"
    lock = f"{KEY_PREFIX}:{rule.name}:lock:{digest}"
    return counter, lock, max(1, math.ceil(ends - now))


def _atomic_incr(backend) -> bool:
    """Whether the backend increments atomically (its own incr, not BaseCache's get + set)."""
    return type(backend).incr is not BaseCache.incr


def _lock_left(backend, lock: str, now: float) -> int:
    until = backend.get(lock)
    if until is None:
        return 0
    return max(0, math.ceil(until - now))


def _count(backend, counter: str, rule: Rule, timeout: int) -> int:
    """Add one hit to the window's counter; the count after it (limit + 1 when over)."""
    if _atomic_incr(backend):
        backend.add(counter, 0, timeout=timeout)
        try:
            return backend.incr(counter)
        except ValueError:  # expired between add and incr
            backend.add(counter, 1, timeout=timeout)
            return 1
    hint_key = f"{counter}:next"
    slot = backend.get(hint_key) or 0
    while slot < rule.limit:
        if backend.add(f"{counter}:{slot}", 1, timeout=timeout):
            backend.set(hint_key, slot + 1, timeout=timeout)
            return slot + 1
        slot += 1
    return rule.limit + 1


def _current(backend, counter: str, rule: Rule) -> int:
    if _atomic_incr(backend):
        return backend.get(counter) or 0
    if backend.get(f"{counter}:{rule.limit - 1}") is not None:
        return rule.limit
    return backend.get(f"{counter}:next") or 0


def hit(rule: Rule, identity: str, *, now: float | None = None) -> Decision:
    """Count one hit for `identity`; refused (not allowed) once the limit is passed."""
    if not enabled():
        return ALLOWED
    rule = rule.resolved()
    backend = _cache()
    now = time.time() if now is None else now
    counter, lock, left = _keys(rule, identity, now)
    if rule.lockout:
        locked = _lock_left(backend, lock, now)
        if locked:
            return Decision(False, rule.limit, rule.limit, locked)
    count = _count(backend, counter, rule, left + 5)
    if count > rule.limit:
        return Decision(False, count, rule.limit, left)
    if count == rule.limit and rule.lockout:
        backend.set(lock, now + rule.lockout, timeout=rule.lockout)
    return Decision(True, count, rule.limit, 0)


def check(rule: Rule, identity: str, *, now: float | None = None) -> Decision:
    """Whether `identity` has reached the limit, without counting a hit (failure counters:
    refused once `limit` failures were counted)."""
    if not enabled():
        return ALLOWED
    rule = rule.resolved()
    backend = _cache()
    now = time.time() if now is None else now
    counter, lock, left = _keys(rule, identity, now)
    if rule.lockout:
        locked = _lock_left(backend, lock, now)
        if locked:
            return Decision(False, rule.limit, rule.limit, locked)
    count = _current(backend, counter, rule)
    if count >= rule.limit:
        return Decision(False, count, rule.limit, left)
    return Decision(True, count, rule.limit, 0)


def reset(rule: Rule, identity: str, *, now: float | None = None) -> None:
    """Forget the window's hits and any lock of `identity` (a successful log-in)."""
    rule = rule.resolved()
    backend = _cache()
    now = time.time() if now is None else now
    counter, lock, _left = _keys(rule, identity, now)
    keys = [counter, lock]
    if not _atomic_incr(backend):
        keys += [f"{counter}:next"] + [f"{counter}:{slot}" for slot in range(rule.limit)]
    backend.delete_many(keys)


# Who is asking ----------------------------------------------------------------------------------


def address(request) -> str:
    """The client's address for counting: the one decided by chuyende.core.audit.client_address
    (REMOTE_ADDR, or behind BEHIND_PROXY the hop our outermost proxy wrote), so a limit counts
    the very address the audit log records. An IPv6 client counts by its /64 network, which one
    subscriber holds whole."""
    raw = client_address(request)
    ip = parse_address(raw)
    if ip is None:
        return raw[:64] or "unknown"
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _session_identity(request) -> str | None:
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return f"session:{key}" if key else None


def _post_identity(field: str):
    def identity(request, kwargs) -> str | None:
        if request.method != "POST":
            return None
        value = "".join(str(request.POST.get(field, "")).split()).upper()
        return f"{field}:{value}" if value else None

    return identity


# The limits of the public views --------------------------------------------------------------


@dataclass(frozen=True)
class ViewLimit:
    rule: Rule
    identity: str  # "address", "session", "token" (the URL's token), "post:<field>"
    methods: tuple[str, ...] = ("GET", "HEAD", "POST")


# Every page open without login, whoever asks: a flood from one address. Generous, since a
# whole factory or school may share one public address on contest or check-in day.
PUBLIC = Rule("public.address", 600, 60)
# Contest registration: writes a participant.
REGISTER_ADDRESS = Rule("contests.register.address", 600, 600)
REGISTER_PHONE = Rule("contests.register.phone", 10, 600)
# Starting a round (a participant is one browser session); the attempts actually started per
# address are counted by chuyende.contests.throttle.
START_SESSION = Rule("contests.start.session", 20, 600)
# One attempt's pages, autosaves and submits (the page saves every few seconds).
ATTEMPT_TOKEN = Rule("contests.attempt.token", 120, 60)
AUTOSAVE_TOKEN = Rule("contests.autosave.token", 60, 60)
SUBMIT_TOKEN = Rule("contests.submit.token", 20, 60)
ANSWERS_ADDRESS = Rule("contests.answers.address", 6000, 60)
# The check-in pages of a study session (a hall of people on the same Wi-Fi).
CHECKIN_ADDRESS = Rule("study.checkin.address", 1200, 600)
SET_LANGUAGE = Rule("public.set_language.address", 60, 60)

VIEW_LIMITS: dict[str, tuple[ViewLimit, ...]] = {
    "contests:public_list": (ViewLimit(PUBLIC, "address"),),
    "contests:public_contest": (ViewLimit(PUBLIC, "address"),),
    "contests:register": (
        ViewLimit(PUBLIC, "address"),
        ViewLimit(REGISTER_ADDRESS, "address", ("POST",)),
        ViewLimit(REGISTER_PHONE, "post:phone", ("POST",)),
    ),
    "contests:unit_options": (ViewLimit(PUBLIC, "address"),),
    "contests:start": (ViewLimit(PUBLIC, "address"), ViewLimit(START_SESSION, "session")),
    "contests:leaderboard": (ViewLimit(PUBLIC, "address"),),
    "contests:attempt": (ViewLimit(PUBLIC, "address"), ViewLimit(ATTEMPT_TOKEN, "token")),
    "contests:result": (ViewLimit(PUBLIC, "address"), ViewLimit(ATTEMPT_TOKEN, "token")),
    "contests:autosave": (
        ViewLimit(ANSWERS_ADDRESS, "address"),
        ViewLimit(AUTOSAVE_TOKEN, "token"),
    ),
    "contests:submit": (ViewLimit(ANSWERS_ADDRESS, "address"), ViewLimit(SUBMIT_TOKEN, "token")),
    "honors:showcase": (ViewLimit(PUBLIC, "address"),),
    "honors:showcase_detail": (ViewLimit(PUBLIC, "address"),),
    "honors:showcase_photo": (ViewLimit(PUBLIC, "address"),),
    "outreach:public_page": (ViewLimit(PUBLIC, "address"),),
    "privacy:notice": (ViewLimit(PUBLIC, "address"),),
    "study:checkin_start": (ViewLimit(CHECKIN_ADDRESS, "address"),),
    "study:checkin": (ViewLimit(CHECKIN_ADDRESS, "address"),),
    "login": (ViewLimit(PUBLIC, "address"),),  # failures: LoginRateLimitBackend
    "accounts:login_code": (ViewLimit(PUBLIC, "address"),),  # wrong codes count as failures
    "logout": (ViewLimit(PUBLIC, "address"),),
    "set_language": (ViewLimit(SET_LANGUAGE, "address"),),
    "javascript-catalog": (ViewLimit(PUBLIC, "address"),),
}
# Public on purpose and never limited: the load balancer's health check.
UNLIMITED = frozenset({"healthz"})
JSON_VIEWS = frozenset({"contests:autosave"})


def _identity(limit: ViewLimit, request, kwargs) -> str | None:
    if limit.identity == "address":
        return f"address:{address(request)}"
    if limit.identity == "session":
        return _session_identity(request)
    if limit.identity == "token":
        token = kwargs.get("token")
        return f"token:{token}" if token else None
    if limit.identity.startswith("post:"):
        return _post_identity(limit.identity[5:])(request, kwargs)
    raise ValueError(f"unknown identity {limit.identity!r}")


def limit_view(view_name: str, request, kwargs) -> Decision:
    """Count this request against every limit of the view; the first refusal, or ALLOWED."""
    refused = None
    for limit in VIEW_LIMITS.get(view_name, ()):
        if request.method not in limit.methods:
            continue
        identity = _identity(limit, request, kwargs)
        if identity is None:
            continue
        decision = hit(limit.rule, identity)
        if not decision.allowed and (refused is None or decision.retry_after > refused.retry_after):
            refused = decision
    return refused or ALLOWED


def too_many_requests(request, retry_after: int, *, json: bool = False, message: str = ""):
    """429 with Retry-After: the Vietnamese page (or JSON for a script)."""
    retry_after = max(1, int(retry_after))
    minutes = max(1, math.ceil(retry_after / 60))
    wait = ngettext(
        "Wait %(minutes)s minute and try again.", "Wait %(minutes)s minutes and try again.", minutes
    ) % {"minutes": minutes}
    message = message or _("Too many requests came from you in a short time.")
    if json:
        response = JsonResponse({"saved": False, "error": f"{message} {wait}"}, status=429)
    else:
        response = TemplateResponse(
            request,
            "core/too_many_requests.html",
            {"message": message, "wait": wait, "retry_after": retry_after},
            status=429,
        )
        response.render()
    response["Retry-After"] = str(retry_after)
    response["Cache-Control"] = "no-store"
    return response


class RateLimitMiddleware:
    """Applies VIEW_LIMITS before the view runs; turns a refused log-in into a 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        refused = getattr(request, "_login_refused", None)
        if refused is not None:
            return too_many_requests(
                request,
                refused.retry_after,
                message=_(
                    "Too many failed log-in attempts: logging in is locked for a while to "
                    "protect the account. Ask your union's administrator if you forgot the "
                    "password."
                ),
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = getattr(request, "resolver_match", None)
        if match is None or not enabled():
            return None
        decision = limit_view(match.view_name, request, view_kwargs)
        if decision.allowed:
            return None
        return too_many_requests(request, decision.retry_after, json=match.view_name in JSON_VIEWS)


# Log-in ---------------------------------------------------------------------------------------


def _login_rules() -> tuple[Rule, Rule, Rule]:
    """(username + address, username, address) failure rules; the first follows the settings
    LOGIN_FAILURE_LIMIT and LOGIN_COOLOFF_MINUTES."""
    failures = int(getattr(settings, "LOGIN_FAILURE_LIMIT", 5))
    cooloff = int(getattr(settings, "LOGIN_COOLOFF_MINUTES", 15)) * 60
    return (
        Rule("login.pair", failures, cooloff, lockout=cooloff),
        Rule("login.username", max(failures, 20), 3600, lockout=cooloff),
        Rule("login.address", max(failures, 50), cooloff, lockout=cooloff),
    )


def _login_identities(request, username) -> list[tuple[Rule, str]]:
    who = " ".join(str(username or "").split()).casefold()
    where = address(request)
    pair, by_name, by_address = _login_rules()
    found = [(by_address, f"address:{where}")]
    if who:
        found += [(pair, f"pair:{who}|{where}"), (by_name, f"username:{who}")]
    return found


def _login_refusal(request, username) -> Decision | None:
    """The longest refusal among the log-in's failure rules, or None."""
    refused = None
    for rule, identity in _login_identities(request, username):
        decision = check(rule, identity)
        if not decision.allowed and (refused is None or decision.retry_after > refused.retry_after):
            refused = decision
    return refused


class LoginRateLimitBackend:
    """Authenticates no one; stops the log-in (PermissionDenied) while it is locked. No
    `get_user` (nor BaseBackend): a session is never bound to this backend (force_login, too,
    takes the first backend that has one)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not enabled():
            return None
        refused = _login_refusal(request, username)
        if refused is not None:
            request._login_refused = refused
            raise PermissionDenied
        return None


@receiver(user_login_failed, dispatch_uid="chuyende.ratelimit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    """Count a failed log-in; the one that reaches a limit is already answered 429."""
    if request is None or not enabled() or getattr(request, "_login_refused", None):
        return
    username = credentials.get("username")
    for rule, identity in _login_identities(request, username):
        hit(rule, identity)
    refused = _login_refusal(request, username)
    if refused is not None:
        request._login_refused = refused


@receiver(user_logged_in, dispatch_uid="chuyende.ratelimit.logged_in")
def _logged_in(sender, request, user, **kwargs):
    if request is None or not enabled():
        return
    username = getattr(user, "get_username", lambda: "")()
    pair, by_name, _by_address = _login_rules()
    for rule, identity in _login_identities(request, username):
        if rule.name in (pair.name, by_name.name):
            reset(rule, identity)
