"""Requests per token (or signed-in user) and per address, counted by chuyende.core.ratelimit in
the shared cache (Redis across machines). Limits: RATELIMITS = {"api.token": (600, 60),
"api.address": (1200, 60)} in settings; RATELIMIT_ENABLED = False turns them off."""

from rest_framework.throttling import BaseThrottle

from chuyende.core import ratelimit

from .models import PersonalAccessToken

# One integration polling every second stays well inside; a runaway loop does not.
TOKEN = ratelimit.Rule("api.token", 600, 60)
# A whole office behind one address shares this one; checked before authentication, so that
# guessing tokens is slowed down too.
ADDRESS = ratelimit.Rule("api.address", 1200, 60)


class _RuleThrottle(BaseThrottle):
    rule: ratelimit.Rule
    decision = ratelimit.ALLOWED

    def identity(self, request) -> str | None:
        raise NotImplementedError

    def allow_request(self, request, view):
        identity = self.identity(request)
        if identity is None:
            return True
        self.decision = ratelimit.hit(self.rule, identity)
        return self.decision.allowed

    def wait(self):
        return self.decision.retry_after or None


class TokenRateThrottle(_RuleThrottle):
    rule = TOKEN

    def identity(self, request):
        if isinstance(request.auth, PersonalAccessToken):
            return f"token:{request.auth.pk}"
        if request.user and request.user.is_authenticated:
            return f"user:{request.user.pk}"
        return None


class AddressRateThrottle(_RuleThrottle):
    rule = ADDRESS

    def identity(self, request):
        return f"address:{ratelimit.address(request)}"
