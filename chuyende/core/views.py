from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from chuyende.core.scoping import user_scope
from chuyende.org import selectors as org_selectors
from chuyende.org.models import Unit

from .models import AuditAction, AuditEvent


@login_required
def home(request):
    scope = user_scope(request.user)
    context = {
        "figures": org_selectors.dashboard_figures(user=request.user),
        "roots": list(org_selectors.scope_roots(user=request.user)),
        "no_role": scope.is_empty,
    }
    return render(request, "core/home.html", context)


@login_required
def audit_list(request):
    scope = user_scope(request.user)
    if not scope.superuser and not scope.paths_for("audit"):
        raise PermissionDenied
    events = AuditEvent.objects.for_user(request.user, "audit").select_related("unit")
    action = request.GET.get("action", "")
    if action in AuditAction.values:
        events = events.filter(action=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "action": action,
            "actions": AuditAction.choices,
        },
    )


@require_GET
@never_cache
def healthz(request):
    return JsonResponse(
        {
            "status": "ok",
            "database": connection.vendor,
            "units": Unit.objects.count(),
            "members": org_selectors.root_member_total(),  # from the tallies: no count of millions of rows
        }
    )
