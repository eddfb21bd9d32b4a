"""The consent page a member passes once per version of the privacy notice.

A signed-in account linked to a member record who has not consented to the current notice is
sent to the notice (privacy:consent) before any other page; the privacy pages themselves (the
notice, their own data, a correction request, withdrawal) stay open, as do logging out and the
language switch. Once passed, the session remembers the version: one query per session.
Turned off by PRIVACY_CONSENT_GATE=false.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from chuyende.core.sessionless import is_sessionless

SESSION_KEY = "privacy_notice"
OPEN_URLS = {"login", "logout", "set_language", "javascript-catalog", "healthz"}
OPEN_NAMESPACES = {"privacy", "admin", "accounts"}  # accounts: sign-in codes, security


def passed(request) -> None:
    from . import notice

    request.session[SESSION_KEY] = notice.CURRENT_VERSION


def forget(request) -> None:
    request.session.pop(SESSION_KEY, None)


class ConsentGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not getattr(settings, "PRIVACY_CONSENT_GATE", True):
            return None
        if is_sessionless(view_func):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        from . import notice

        if request.session.get(SESSION_KEY) == notice.CURRENT_VERSION:
            return None
        match = request.resolver_match
        if match is None or match.url_name in OPEN_URLS or set(match.namespaces) & OPEN_NAMESPACES:
            return None
        from .selectors import needs_consent

        if not needs_consent(user):
            passed(request)
            return None
        target = reverse("privacy:consent")
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(target)
        return redirect(target)
