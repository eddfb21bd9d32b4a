"""The account gate, after authentication: notes that a session is in use (every few minutes)
and holds back a signed-in user who still owes a second factor.

- A user with an authenticator app whose session never passed a code (opened before the app
  was set up, or by a login path other than ours) is logged out and sent to the login page.
- A user signed in with a temporary password (given by a manager: chuyende.accounts.officers)
  is sent to the password change page before any other page, once past the two checks below.
- A user who must use two-factor sign-in (selectors.two_factor_status, when
  settings.TWO_FACTOR_REQUIRED is on) and has none is sent to the enrolment page before any
  other page; logging out, the language switch and the health check stay open (static files
  are served before Django).

A session that passed a code costs nothing; any other one costs one query every RECHECK_EVERY
seconds (the answer is kept in the session meanwhile); a session signed in with a temporary
password (noted at login) one query a page until the password is changed.
"""

import time

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from chuyende.core.sessionless import is_sessionless

from . import officers, selectors, services

ALWAYS_OPEN = {"logout", "set_language", "javascript-catalog", "healthz"}
OPEN_BEFORE_ENROLMENT = ALWAYS_OPEN | {"accounts:totp_enrol"}
OPEN_WITH_TEMPORARY_PASSWORD = ALWAYS_OPEN | {"accounts:password_change"}


def _redirect(request, response):
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(response["Location"])
    return response


class AccountSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_sessionless(view_func):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        session = request.session
        now = time.time()
        if now - session.get(services.SEEN_KEY, 0) >= services.SEEN_EVERY:
            services.session_seen(request=request)
        name = request.resolver_match.view_name if request.resolver_match else ""
        if session.get(services.VERIFIED_KEY) or now < session.get(services.CLEAR_UNTIL_KEY, 0):
            return _temporary_password(request, name)
        if name in ALWAYS_OPEN:
            return None
        status = selectors.two_factor_status(user)
        if status.has_device:
            services.end_unverified(request)
            messages.info(request, _("Sign in again with the code of your authenticator app."))
            return _redirect(request, redirect_to_login(request.get_full_path()))
        if status.required:
            if name in OPEN_BEFORE_ENROLMENT:
                return None
            return _redirect(request, redirect("accounts:totp_enrol"))
        session[services.CLEAR_UNTIL_KEY] = now + services.RECHECK_EVERY
        return _temporary_password(request, name)


def _temporary_password(request, name):
    """A password given by a manager works to choose one's own, and for nothing else."""
    if not request.session.get(services.MUST_CHANGE_KEY) or name in OPEN_WITH_TEMPORARY_PASSWORD:
        return None
    if not officers.must_change_password(request.user):
        request.session.pop(services.MUST_CHANGE_KEY, None)
        return None
    messages.info(
        request, _("Choose your own password first: the one you were given was temporary.")
    )
    return _redirect(request, redirect("accounts:password_change"))
