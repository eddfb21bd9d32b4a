"""JSON errors of the API: {"error": {"code", "message", "fields"?}}. The code is stable for
programs; the message is in the caller's language (Accept-Language, Vietnamese by default)."""

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .language import activate_from

logger = logging.getLogger("chuyende.api")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def _message(code: str, exc, method: str = "") -> str:
    """The message for a code, in the active language."""
    messages = {
        "not_authenticated": _(
            "Send a personal access token in the header Authorization: Bearer <token>."
        ),
        "authentication_failed": _("The credentials sent are not valid."),
        "token_invalid": _("This access token is not valid."),
        "token_revoked": _("This access token has been revoked."),
        "token_expired": _("This access token has expired. Create a new one."),
        "token_owner_inactive": _("The account this access token belongs to is disabled."),
        "permission_denied": _("You do not have permission to do this."),
        "not_found": _("Not found, or not in your scope."),
        "not_acceptable": _("This API answers in JSON only (Accept: application/json)."),
        "unsupported_media_type": _(
            "Send the request body as JSON (Content-Type: application/json)."
        ),
        "parse_error": _("The request body is not valid JSON."),
        "invalid": _("Some of the data sent is not valid."),
        "server_error": _("Something went wrong on the server. The error has been logged."),
    }
    if code == "method_not_allowed":
        return _("The method %(method)s is not allowed here.") % {"method": method}
    if code == "throttled":
        wait = getattr(exc, "wait", None)
        return _("Too many requests. Try again in %(seconds)s seconds.") % {
            "seconds": int(wait) + 1 if wait is not None else 60
        }
    return messages.get(code) or _("The request could not be completed.")


def _flatten(detail, prefix="") -> dict:
    """{"field.sub": [{"code", "message"}]} from the REST framework's nested error details."""
    found = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            found.update(_flatten(value, name))
    elif isinstance(detail, list):
        leaves = [d for d in detail if isinstance(d, exceptions.ErrorDetail)]
        if leaves:
            found[prefix or "non_field_errors"] = [
                {"code": d.code or "invalid", "message": str(d)} for d in leaves
            ]
        for i, d in enumerate(detail):
            if isinstance(d, dict | list):
                found.update(_flatten(d, f"{prefix}.{i}" if prefix else str(i)))
    elif isinstance(detail, exceptions.ErrorDetail):
        found[prefix or "non_field_errors"] = [
            {"code": detail.code or "invalid", "message": str(detail)}
        ]
    return found


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    error = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def _code(exc) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        # A service refused the data: its messages are already in the active language.
        if hasattr(exc, "error_dict"):
            fields = {
                name: [{"code": e.code or "invalid", "message": m} for e in errors for m in e]
                for name, errors in exc.error_dict.items()
            }
            body = error_body("invalid", _message("invalid", exc), fields)
        else:
            body = error_body("invalid", " ".join(exc.messages))
        return Response(body, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None and isinstance(exc, DatabaseError | OSError):
        # The database unavailable, the disk full: raised on to the site's fault handling
        # (chuyende.core.faults answers 503 with Retry-After, in JSON under /api/).
        return None
    if response is None:
        logger.exception("API error", exc_info=exc)
        return Response(
            error_body("server_error", _message("server_error", exc)),
            status=status.HTTP_500_INTERNAL_SERVER_ERROR,
        )
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body("invalid", _message("invalid", exc), _flatten(exc.detail))
    else:
        code = _code(exc)
        if isinstance(exc, exceptions.MethodNotAllowed):
            code = "method_not_allowed"
        elif isinstance(exc, exceptions.Throttled):
            code = "throttled"
        request = context.get("request")
        message = _message(code, exc, method=getattr(request, "method", "") or "")
        if isinstance(exc, Conflict):
            message = str(exc.detail)
        response.data = error_body(code, message)
    return response


@csrf_exempt  # a POST to a path that does not exist is a 404, not a CSRF failure page
def not_found(request, *args, **kwargs):
    """Any other path under the API: a JSON 404, not the HTML page."""
    if not request.path.endswith("/"):
        # /api/v1/units -> /api/v1/units/ (308 keeps the method and the body of a write)
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        query = request.META.get("QUERY_STRING", "")
        target = request.path + "/" + (f"?{query}" if query else "")
        if match is not None and match.func is not not_found and len(target) < 2000:
            return HttpResponsePermanentRedirect(target, preserve_request=True)
    activate_from(request)
    return JsonResponse(error_body("not_found", _message("not_found", None)), status=404)
