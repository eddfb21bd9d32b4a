"""Faults the site answers plainly instead of with a stack trace.

- The database unavailable (stopped, restarting, unreachable, locked for too long): every page
  answers 503 with a Vietnamese "try again in a moment" page and Retry-After, rendered without
  touching the database. Nothing to do to recover: Django opens a new connection on the next
  request (CONN_HEALTH_CHECKS replaces a persistent connection that died meanwhile).
- The disk full (ENOSPC/EDQUOT) while an upload is stored: 507 with a page saying the file was
  not saved. The file storage (chuyende.core.storage) leaves no partial file behind, and the
  row that would have named the file is rolled back with its transaction.

`FaultMiddleware` goes first in MIDDLEWARE. It answers the faults raised by a view
(process_exception), and those raised by another middleware (a session saved, a rate-limit
counter read), which Django turns into a 500 response before it gets back here: the
`got_request_exception` signal notes the fault on the request, and the 500 is replaced.
"""

from __future__ import annotations

import errno
import logging
import sys
import time

from django.conf import settings
from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

RETRY_AFTER = 15  # seconds: a restarting database is usually back within that
_FAULT_ATTR = "_chuyende_fault"
# SQLite reports mistakes in the SQL itself as OperationalError too: those are bugs, not an
# unavailable database, and must stay 500s that someone reads.
_SQL_MISTAKES = (
    "no such table",
    "no such column",
    "no such function",
    "syntax error",
    'near "',
    "has no column named",
    "already exists",
    "ambiguous column",
    "wrong number of arguments",
)
_DISK_FULL = {errno.ENOSPC, errno.EDQUOT}
_last_logged = {"database": 0.0, "disk": 0.0}


def database_unavailable(error: BaseException) -> bool:
    """Whether the error means the database cannot answer now (rather than a bug)."""
    if isinstance(error, InterfaceError):
        return True
    if isinstance(error, OperationalError):
        text = str(error).lower()
        return not any(mistake in text for mistake in _SQL_MISTAKES)
    return False


def disk_full(error: BaseException) -> bool:
    return isinstance(error, OSError) and error.errno in _DISK_FULL


def classify(error: BaseException) -> str | None:
    """'database', 'disk' or None."""
    if database_unavailable(error):
        return "database"
    if disk_full(error):
        return "disk"
    return None


def _log(kind: str, request, error: BaseException) -> None:
    """One line per fault kind and process every few seconds: an outage under load would
    otherwise write a line (or a traceback) per request."""
    if settings.DEBUG:  # a developer wants the whole story
        log.error("%s %s answered a fault page", request.method, request.path, exc_info=error)
        return
    now = time.monotonic()
    if now - _last_logged[kind] >= 5:
        _last_logged[kind] = now
        log.error(
            "%s: %s %s answered %s: %s: %s",
            "database unavailable" if kind == "database" else "disk full",
            request.method,
            request.path,
            503 if kind == "database" else 507,
            type(error).__name__,
            str(error).strip().splitlines()[0] if str(error).strip() else "",
        )


def _wants_json(request) -> bool:
    accept = request.headers.get("Accept", "")
    return request.path.startswith("/api/") or (
        "application/json" in accept and "text/html" not in accept
    )


def fault_response(request, kind: str) -> HttpResponse:
    """The page (or JSON) for a fault, rendered standalone: no context processor, no session,
    no user, no query."""
    language = getattr(request, "LANGUAGE_CODE", None) or settings.LANGUAGE_CODE
    status = 503 if kind == "database" else 507
    with translation.override(language):
        if kind == "database":
            title = _("The site is busy for a moment")
            message = _(
                "The database is not answering right now (it may be restarting). Please try "
                "again in a moment; the site comes back by itself."
            )
        else:
            title = _("The server has no room left for files")
            message = _(
                "The server's disk is full, so your file was not saved and nothing was recorded. "
                "Please tell the system administrator, then send it again."
            )
        unsaved = ""
        if kind == "database" and request.method not in ("GET", "HEAD", "OPTIONS"):
            unsaved = _(
                "What you just sent may not have been saved. When the page works again, "
                "check it and send it again if it is missing."
            )
        if _wants_json(request):
            # The API's error shape (chuyende.api.errors.error_body), plus when to try again.
            response = JsonResponse(
                {
                    "error": {
                        "code": "database_unavailable" if kind == "database" else "disk_full",
                        "message": " ".join(part for part in (message, unsaved) if part),
                    },
                    "retry_after": RETRY_AFTER,
                },
                status=status,
            )
        else:
            html = loader.get_template("503.html").render(
                {
                    "title": title,
                    "message": message,
                    "unsaved": unsaved,
                    "retry_after": RETRY_AFTER,
                    "again": _again(request),
                    "reload": kind == "database" and request.method == "GET",
                    "language": language,
                }
            )
            response = HttpResponse(html, status=status)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    if response["Content-Type"].startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", _page_policy())
    return response


def _again(request) -> str:
    """Where the button leads: the same page for a GET; for a form sent, the page it was sent
    from (when it is this site's), else the home page."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.headers.get("Referer", "")
    try:
        host = request.get_host()
    except Exception:  # a host not allowed: the home page
        return "/"
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={host}, require_https=request.is_secure()
    ):
        return referer
    return "/"


def _page_policy() -> str:
    try:
        from chuyende.core.security import PAGE_POLICY
    except ImportError:  # pragma: no cover
        return "default-src 'self'"
    return PAGE_POLICY


@receiver(got_request_exception)
def _note_fault(sender, request=None, **kwargs):
    """Django is turning an exception raised in a middleware into a 500: note what it was."""
    error = sys.exc_info()[1]
    if request is not None and error is not None:
        kind = classify(error)
        if kind:
            setattr(request, _FAULT_ATTR, (kind, error))


class FaultMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        fault = getattr(request, _FAULT_ATTR, None)
        if fault is not None and response.status_code >= 500:
            kind, error = fault
            _log(kind, request, error)
            return fault_response(request, kind)
        return response

    def process_exception(self, request, exception):
        kind = classify(exception)
        if kind is None:
            return None
        _log(kind, request, exception)
        return fault_response(request, kind)
