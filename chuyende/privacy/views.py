import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core.audit import client_ip
from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org import selectors as org_selectors
from chuyende.org.models import Member, Unit

from . import notice as notices
from . import selectors, services
from .choices import ConsentState, CorrectionStatus
from .forms import (
    ConsentFilterForm,
    ConsentForm,
    CorrectionDecisionForm,
    CorrectionFilterForm,
    CorrectionForm,
    PaperConsentForm,
)
from .middleware import forget, passed
from .models import CorrectionRequest


def _own_member(request) -> Member:
    member = selectors.member_for_user(request.user)
    if member is None:
        raise PermissionDenied(_("Your account is not linked to a member record."))
    return member


# The notice and the member's consent ------------------------------------------------------------


def notice(request):
    """The privacy notice, open to everyone (?version= shows an earlier one)."""
    current = notices.CURRENT_VERSION
    version = request.GET.get("version", current)
    if version not in notices.VERSIONS:
        version = current
    return render(
        request,
        "privacy/notice.html",
        {
            "version": version,
            "effective": notices.VERSIONS[version],
            "notice_template": notices.template_for(version),
            "versions": list(reversed(notices.VERSIONS.items())),
            "current": current,
            **notices.retention_context(),
        },
    )


def _next_url(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def consent(request):
    """The page a member passes once per version of the notice: read it, agree."""
    member = selectors.member_for_user(request.user)
    last = selectors.latest_consent(member) if member else None
    state = selectors.consent_state(last)
    form = ConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if member is None:
            raise PermissionDenied(_("Your account is not linked to a member record."))
        if form.is_valid():
            services.consent_give(member=member, acting_user=request.user, ip=client_ip(request))
            passed(request)
            messages.success(request, _("Thank you. Your consent is recorded."))
            return redirect(_next_url(request) or "core:home")
    return render(
        request,
        "privacy/consent.html",
        {
            "member": member,
            "form": form,
            "state": state,
            "last": last,
            "states": ConsentState,
            "next": _next_url(request),
            "notice_template": notices.template_for(notices.CURRENT_VERSION),
            "version": notices.CURRENT_VERSION,
            "effective": notices.VERSIONS[notices.CURRENT_VERSION],
            **notices.retention_context(),
        },
    )


@login_required
@require_POST
def consent_withdraw(request):
    member = _own_member(request)
    services.consent_withdraw(member=member, acting_user=request.user, ip=client_ip(request))
    forget(request)
    messages.info(
        request,
        _(
            "Your consent is withdrawn. The union keeps the membership records the law requires; "
            "the online member pages need your consent again."
        ),
    )
    return redirect("privacy:my_data")


# The member's own data ---------------------------------------------------------------------------


@login_required
def my_data(request):
    member = selectors.member_for_user(request.user)
    context = {"member": member}
    if member is not None:
        last = selectors.latest_consent(member)
        context.update(
            {
                "data": selectors.own_data(member),
                "last": last,
                "state": selectors.consent_state(last),
                "states": ConsentState,
                "requests": selectors.own_requests(member),
            }
        )
        for item in context["requests"]:
            item.proposed_text = services.proposed_display(item)
    return render(request, "privacy/my_data.html", context)


@login_required
def my_data_json(request):
    member = _own_member(request)
    data = selectors.as_json(selectors.own_data(member))
    services.own_data_exported(member=member, acting_user=request.user, fmt="json")
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="du-lieu-ca-nhan-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def correction_new(request):
    member = _own_member(request)
    form = CorrectionForm(
        request.POST if request.method == "POST" else None,
        initial={"field": request.GET.get("field", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_request(
                member=member,
                acting_user=request.user,
                field=form.cleaned_data["field"],
                proposed=form.cleaned_data["proposed_value"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("Your request is sent. The union will answer it on this page.")
            )
            return redirect("privacy:my_data")
    return render(request, "privacy/correction_form.html", {"form": form, "member": member})


# Officers ---------------------------------------------------------------------------------------


def _officer(request, action="view"):
    scope = user_scope(request.user)
    if not (scope.superuser or scope.paths_for(action)):
        raise PermissionDenied


@login_required
def consent_list(request):
    """Consent of the members in the officer's scope, with a filter by state."""
    _officer(request)
    form = ConsentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = None
    if filters.get("unit"):
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=filters["unit"])
    page = selectors.consent_page(
        user=request.user,
        unit=unit,
        state=filters.get("state", ""),
        query=filters.get("q", ""),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    params = request.GET.copy()
    for name in ("after", "before"):
        params.pop(name, None)
    return render(
        request,
        "privacy/consent_list.html",
        {
            "form": form,
            "page": page,
            "unit": unit,
            "states": ConsentState,
            "current": notices.CURRENT_VERSION,
            "querystring": params.urlencode(),
        },
    )


@login_required
def consent_member(request, pk):
    """A member's consent history; an officer who may change the member records a paper form."""
    member = get_object_or_404(Member.objects.for_user(request.user).select_related("unit"), pk=pk)
    scope = user_scope(request.user)
    can_record = scope.allows("change", member.unit.path)
    form = PaperConsentForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.consent_record_paper(
                    member=member, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The paper form is recorded."))
                return redirect("privacy:consent_member", pk=member.pk)
    history = selectors.consent_history(member)
    return render(
        request,
        "privacy/consent_member.html",
        {
            "member": member,
            "history": history,
            "state": selectors.consent_state(history[0] if history else None),
            "states": ConsentState,
            "form": form,
            "can_record": can_record,
            "trail": org_selectors.breadcrumbs(unit=member.unit, user=request.user),
        },
    )


@login_required
def correction_list(request):
    _officer(request, "change")
    form = CorrectionFilterForm(request.GET or None)
    status = CorrectionStatus.PENDING
    if form.is_valid() and "status" in request.GET:
        status = form.cleaned_data["status"]
    page = Paginator(selectors.correction_queue(user=request.user, status=status), 50).get_page(
        request.GET.get("page")
    )
    for item in page:
        item.proposed_text = services.proposed_display(item)
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "privacy/correction_list.html",
        {
            "form": form,
            "page": page,
            "status": status,
            "personal": set(Member.PERSONAL_FIELDS),
            "querystring": params.urlencode(),
        },
    )


@login_required
def correction_detail(request, pk):
    """A correction request: its member reads the outcome; an officer in scope decides it."""
    item = get_object_or_404(
        CorrectionRequest.objects.for_user(request.user).select_related("member", "member__unit"),
        pk=pk,
    )
    own = item.member.user_id == request.user.pk
    may_change = user_scope(request.user).allows("change", item.member.unit.path)
    if not (own or may_change):
        raise PermissionDenied  # a viewer does not read the values asked for
    can_decide = may_change and item.status == CorrectionStatus.PENDING
    form = CorrectionDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if form.is_valid():
            try:
                if form.cleaned_data["decision"] == CorrectionStatus.ACCEPTED:
                    services.correction_accept(
                        request=item, acting_user=request.user, note=form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The record is corrected."))
                else:
                    services.correction_reject(
                        request=item, acting_user=request.user, reason=form.cleaned_data["reason"]
                    )
                    messages.info(request, _("The request is rejected; the member sees why."))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("privacy:correction_list")
    elif can_decide and not own:
        services.correction_values_shown(request=item, acting_user=request.user)
    item.proposed_text = services.proposed_display(item)
    return render(
        request,
        "privacy/correction_detail.html",
        {"item": item, "form": form, "can_decide": can_decide, "own": own},
    )
