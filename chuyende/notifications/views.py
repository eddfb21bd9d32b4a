from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from chuyende.core.scoping import user_scope
from chuyende.reports import selectors as report_selectors
from chuyende.reports.models import ReportForm, ReportingPeriod
from chuyende.reports.reminders import reminders_send_overdue

from . import selectors, services
from .models import Notification

PER_PAGE = 50


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    rows = selectors.notifications_for(user=request.user, unread_only=unread_only)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread_only": unread_only,
        "querystring": "unread=1" if unread_only else "",
    }
    if request.htmx:
        return render(request, "notifications/notification_list.html#results", context)
    return render(request, "notifications/notification_list.html", context)


@login_required
@require_POST
def notification_read(request, pk):
    notification = get_object_or_404(Notification.objects.for_user(request.user, "change"), pk=pk)
    services.notification_mark_read(notification=notification, acting_user=request.user)
    link = notification.link
    if request.POST.get("open") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    if request.htmx:
        return render(request, "notifications/notification_list.html#row", {"n": notification})
    return redirect("notifications:notification_list")


@login_required
@require_POST
def notification_read_all(request):
    count = services.notifications_mark_all_read(acting_user=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("notifications:notification_list")


@login_required
@require_POST
def remind_overdue(request, pk, period):
    form = get_object_or_404(
        ReportForm.objects.for_user(request.user).select_related("plan", "recipient"), pk=pk
    )
    period = get_object_or_404(ReportingPeriod, code=period, kind=form.period_kind)
    units = report_selectors.overview_units(form=form, user=request.user)
    unit_pk = request.POST.get("unit", "")
    if unit_pk and not unit_pk.isdigit():
        raise Http404
    parent = (units.filter(pk=unit_pk) if unit_pk else units.order_by("depth", "path")).first()
    if parent is None:
        raise Http404
    if not user_scope(request.user).allows("change", parent.path):
        raise PermissionDenied
    count = reminders_send_overdue(
        form=form, period=period, parent=parent, acting_user=request.user
    )
    if count:
        messages.success(
            request,
            ngettext("%(count)d reminder sent.", "%(count)d reminders sent.", count)
            % {"count": count},
        )
    else:
        messages.info(
            request, _("No reminder to send: no overdue unit, or already reminded today.")
        )
    url = reverse("reports:completeness", args=[form.pk, period.code])
    return redirect(f"{url}?unit={parent.pk}")
