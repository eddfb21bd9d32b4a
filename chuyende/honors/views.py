"""Views of `honors`: nominations and their review, award decisions, quotas, and the public
showcase (no login: approved examples only, with nothing personal beyond name, unit, story)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from chuyende.core.files import open_stored
from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.selectors import breadcrumbs

from . import exports, selectors, services
from .choices import PROPOSER_KINDS, AwardKind, NominationStatus, NomineeKind
from .forms import (
    OCCASIONS,
    ActionForm,
    DecisionForm,
    NominationFilterForm,
    NominationForm,
    QuotaForm,
    ShowcaseFilterForm,
)
from .models import AwardDecision, Nomination, NominationFile, NominationPhoto, Quota

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 50
SHOWCASE_PAGE = 12


def _querystring(params, *drop):
    params = params.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _nomination(request, pk):
    return get_object_or_404(
        Nomination.objects.for_user(request.user).select_related(
            "unit", "holder", "member__unit", "nominee_unit", "task__plan"
        ),
        pk=pk,
    )


# Nominations ----------------------------------------------------------------------------------


@login_required
def nomination_list(request):
    form = NominationFilterForm(request.GET or None)
    form.is_valid()  # the valid filters apply even when another one is not
    filters = getattr(form, "cleaned_data", {})
    unit = None
    if filters.get("unit"):
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=filters["unit"])
    nominations = selectors.nomination_list(
        user=request.user,
        unit=unit,
        status=filters.get("status", ""),
        category=filters.get("category", ""),
        query=filters.get("q", ""),
        awaiting=filters.get("mine", False),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page = Paginator(nominations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "awaiting": selectors.awaiting_count(request.user),
        "can_propose": _proposers(request.user).exists(),
        "can_decide": selectors.decision_units(request.user).exists(),
        "querystring": _querystring(request.GET, "page"),
    }
    if request.htmx and request.htmx.target == "nomination-results":
        return render(request, "honors/nomination_list.html#results", context)
    return render(request, "honors/nomination_list.html", context)


def _proposers(user):
    return (
        Unit.objects.for_user(user, "change")
        .filter(active=True, kind__in=PROPOSER_KINDS)
        .order_by("depth", "sort_key")
    )


def _chosen_member(form):
    """The member the form names, as given: the service refuses, with a message naming the
    proposing unit, a member outside its subtree (nothing about the member is shown)."""
    pk = form.cleaned_data.get("member") if hasattr(form, "cleaned_data") else None
    if not pk:
        return None
    return Member.objects.select_related("unit").filter(pk=pk).first()


def _render_form(request, context):
    target = request.htmx.target if request.htmx else None
    if target == "member-results":
        return render(request, "honors/nomination_form.html#member-results", context)
    return render(request, "honors/nomination_form.html", context)


def _chosen_pk(request, key):
    value = str(request.POST.get(key) or request.GET.get(key) or "")
    return int(value) if value.isdigit() else None


@login_required
def nomination_create(request):
    proposers = _proposers(request.user)
    chosen = _chosen_pk(request, "unit")
    unit = (proposers.filter(pk=chosen).first() if chosen else None) or proposers.first()
    if unit is None:
        raise PermissionDenied
    if chosen and request.method == "GET":  # ?unit= out of scope: refused (404)
        get_object_or_404(proposers, pk=chosen)
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        units=proposers,
        nominee_units=selectors.nominee_units(user=request.user, unit=unit),
        tasks=selectors.proposal_tasks(user=request.user, unit=unit),
        initial={"unit": unit, "kind": request.GET.get("kind") or NomineeKind.PERSON},
        refresh_url=reverse("honors:nomination_create"),
        can_keep=services.grants_at_home(unit),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            nomination = services.nomination_create(
                unit=data["unit"],
                acting_user=request.user,
                kind=data["kind"],
                member=_chosen_member(form),
                nominee_unit=data["nominee_unit"],
                fields=form.service_fields(),
                photos=data["photos"],
                files=data["files"],
                keep=data.get("keep", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if services.is_kept(nomination):
                messages.success(
                    request,
                    _("The nomination is kept for a Giấy khen decision of %(unit)s.")
                    % {"unit": nomination.unit.name},
                )
            else:
                messages.success(
                    request,
                    _("The nomination was sent to %(unit)s for review.")
                    % {"unit": nomination.holder.name},
                )
            _warn(request, nomination)
            return redirect("honors:nomination_detail", pk=nomination.pk)
    query = request.GET.get("member_q", "")
    context = {
        "form": form,
        "unit": unit,
        "members": selectors.member_choices(
            user=request.user, unit=unit, query=query, chosen=_chosen_pk(request, "member")
        ),
        "member_q": query,
        "chosen_member": _chosen_pk(request, "member"),
        "occasions": OCCASIONS,
    }
    return _render_form(request, context)


@login_required
def nomination_edit(request, pk):
    nomination = _nomination(request, pk)
    if "edit" not in services.allowed_actions(nomination, request.user):
        raise PermissionDenied
    unit = nomination.unit
    initial = {
        key: getattr(nomination, key)
        for key in (
            "kind",
            "nominee_unit",
            "nominee_position",
            "category",
            "title",
            "achievement",
            "figures",
            "task",
            "occasion",
            "year",
            "showcase",
        )
    }
    initial["member"] = nomination.member_id
    form = NominationForm(
        request.POST or None,
        request.FILES or None,
        nominee_units=selectors.nominee_units(user=request.user, unit=unit),
        tasks=selectors.proposal_tasks(user=request.user, unit=unit),
        initial=initial,
    )
    photos = list(nomination.photos.all())
    files = list(nomination.files.all())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nomination_update(
                nomination=nomination,
                acting_user=request.user,
                kind=data["kind"],
                member=_chosen_member(form),
                nominee_unit=data["nominee_unit"],
                fields=form.service_fields(),
                photos=data["photos"],
                files=data["files"],
                remove_photos=[int(v) for v in request.POST.getlist("remove_photo") if v.isdigit()],
                remove_files=[int(v) for v in request.POST.getlist("remove_file") if v.isdigit()],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The nomination was saved."))
            return redirect("honors:nomination_detail", pk=nomination.pk)
    query = request.GET.get("member_q", "")
    chosen = _chosen_pk(request, "member") or nomination.member_id
    context = {
        "form": form,
        "unit": unit,
        "nomination": nomination,
        "members": selectors.member_choices(
            user=request.user, unit=unit, query=query, chosen=chosen
        ),
        "member_q": query,
        "chosen_member": chosen,
        "photos": photos,
        "files": files,
        "occasions": OCCASIONS,
    }
    return _render_form(request, context)


def _warn(request, nomination):
    """The quota warnings a service left on the nomination it sent up (see
    services.quota_warnings)."""
    for warning in getattr(nomination, "quota_warnings", ()):
        messages.warning(request, warning)


@login_required
def nomination_detail(request, pk):
    nomination = _nomination(request, pk)
    actions = services.allowed_actions(nomination, request.user)
    grant_kinds = services.award_kinds_for(nomination.holder) if "grant" in actions else ()
    context = {
        "nomination": nomination,
        **selectors.nomination_detail(nomination=nomination),
        "actions": actions,
        "kept": services.is_kept(nomination),
        "forward_warnings": selectors.forward_warnings(nomination=nomination, actions=actions),
        "grant_kind": AwardKind(grant_kinds[0]).label if grant_kinds else "",
        "action_form": ActionForm(),
        "repeat_of": selectors.repeat_warning(nomination=nomination),
        "trail": breadcrumbs(unit=nomination.unit, user=request.user),
    }
    return render(request, "honors/nomination_detail.html", context)


ACTIONS = {
    "resubmit": (
        services.nomination_resubmit,
        gettext_lazy("The nomination was sent again for review."),
    ),
    "return": (
        services.nomination_return,
        gettext_lazy("The nomination was returned to the unit."),
    ),
    "reject": (services.nomination_reject, gettext_lazy("The nomination was not accepted.")),
    "forward": (services.nomination_forward, gettext_lazy("The nomination was forwarded.")),
    "forward_tld": (
        services.nomination_forward,
        gettext_lazy("The nomination was proposed to the Confederation."),
    ),
    "praise": (services.nomination_praise, gettext_lazy("The example was praised.")),
    "keep": (
        services.nomination_keep,
        gettext_lazy("The nomination is kept for a Giấy khen decision of the proposing union."),
    ),
    "send_up": (
        services.nomination_resubmit,
        gettext_lazy("The nomination was sent up for review."),
    ),
}


@login_required
@require_POST
def nomination_act(request, pk):
    nomination = _nomination(request, pk)
    action = request.POST.get("action", "")
    if action not in ACTIONS or action not in services.allowed_actions(nomination, request.user):
        raise PermissionDenied
    form = ActionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    service, message = ACTIONS[action]
    try:
        moved = service(nomination=nomination, acting_user=request.user, comment=comment)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, str(message))
        _warn(request, moved)
    return redirect("honors:nomination_detail", pk=nomination.pk)


@login_required
def photo_file(request, pk):
    photo = get_object_or_404(NominationPhoto.objects.for_user(request.user), pk=pk)
    response = FileResponse(open_stored(photo.image), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
def evidence_file(request, pk):
    item = get_object_or_404(
        NominationFile.objects.for_user(request.user, "export").select_related("nomination__unit"),
        pk=pk,
    )
    handle = open_stored(item.file)
    services.evidence_exported(item=item, acting_user=request.user)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=item.name,
        content_type=item.content_type,
    )


# Decisions ------------------------------------------------------------------------------------


@login_required
def decision_list(request):
    query = request.GET.get("q", "")
    unit = None
    if str(request.GET.get("unit", "")).isdigit():
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=request.GET["unit"])
    decisions = selectors.decision_list(user=request.user, unit=unit, query=query)
    page = Paginator(decisions, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "query": query,
        "unit": unit,
        "can_decide": selectors.decision_units(request.user).exists(),
        "querystring": _querystring(request.GET, "page"),
    }
    return render(request, "honors/decision_list.html", context)


@login_required
def decision_create(request):
    chosen = _chosen_pk(request, "unit")
    units = selectors.decision_units(request.user, chosen)
    unit = (units.filter(pk=chosen).first() if chosen else None) or units.first()
    if unit is None:
        raise PermissionDenied
    if chosen and request.method == "GET":  # ?unit= out of scope: refused (404)
        get_object_or_404(units, pk=chosen)
    kinds = services.award_kinds_for(unit)
    candidates = selectors.decision_candidates(unit=unit)
    preselected = [int(v) for v in request.GET.getlist("nomination") if v.isdigit()]
    form = DecisionForm(
        request.POST or None,
        units=units,
        candidates=candidates,
        kinds=kinds,
        initial={
            "unit": unit,
            "award_kind": kinds[0] if kinds else "",
            "nominations": preselected,
            "reason": "xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách "
            "Hồ Chí Minh năm 2024",
            "signer_authority": "TM. BAN CHẤP HÀNH"
            if unit.kind == UnitKind.GRASSROOTS
            else "TM. BAN THƯỜNG VỤ",
            "signer_position": "CHỦ TỊCH",
        },
        refresh_url=reverse("honors:decision_create"),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.decision_create(
                unit=data["unit"],
                acting_user=request.user,
                fields=form.service_fields(),
                nominations=list(data["nominations"]),
                confirm_repeats=data["confirm_repeats"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The award decision was saved."))
            return redirect("honors:decision_detail", pk=decision.pk)
    context = {"form": form, "unit": unit, "occasions": OCCASIONS, "kinds": kinds}
    return render(request, "honors/decision_form.html", context)


def _decision(request, pk, action="view"):
    decision = get_object_or_404(
        AwardDecision.objects.for_user(request.user).select_related("unit"), pk=pk
    )
    if action != "view" and not user_scope(request.user).allows(action, decision.unit.path):
        raise PermissionDenied
    return decision


@login_required
def decision_detail(request, pk):
    decision = _decision(request, pk)
    awards = selectors.decision_awards(decision=decision)
    context = {
        "decision": decision,
        "awards": awards,
        "people": sum(1 for a in awards if a.nomination.kind == NomineeKind.PERSON),
        "collectives": sum(1 for a in awards if a.nomination.kind == NomineeKind.COLLECTIVE),
        "can_export": user_scope(request.user).allows("export", decision.unit.path),
        "trail": breadcrumbs(unit=decision.unit, user=request.user),
    }
    return render(request, "honors/decision_detail.html", context)


@login_required
def decision_docx(request, pk):
    decision = _decision(request, pk, "export")
    superior, place = selectors.decision_header(decision=decision)
    content = exports.decision_docx(
        decision=decision,
        awards=selectors.decision_awards(decision=decision),
        superior=superior,
        place=place,
    )
    services.decision_exported(decision=decision, acting_user=request.user)
    response = HttpResponse(content, content_type=DOCX)
    number = "".join(ch if ch.isalnum() else "-" for ch in fold(decision.number))
    response["Content-Disposition"] = f'attachment; filename="quyet-dinh-{number}.docx"'
    return response


# Quotas ---------------------------------------------------------------------------------------


@login_required
def quota_list(request):
    chosen = _chosen_pk(request, "issuer")
    issuers = selectors.quota_issuers(request.user, chosen)
    if chosen and request.method == "GET":  # ?issuer= out of scope: refused (404)
        get_object_or_404(issuers, pk=chosen)
    issuer = (issuers.filter(pk=chosen).first() if chosen else None) or issuers.first()
    form = None
    if issuer is not None:
        form = QuotaForm(
            request.POST or None,
            issuers=issuers,
            units=selectors.quota_units(issuer=issuer),
            initial={"issuer": issuer, "award_kind": services.award_kinds_for(issuer)[0]},
            refresh_url=reverse("honors:quota_list"),
        )
    elif request.method == "POST":
        raise PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            services.quota_set(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The quota was saved."))
            return redirect("honors:quota_list")
    quotas = list(selectors.quota_list(user=request.user)[:200])
    scope = user_scope(request.user)
    for quota in quotas:
        quota.can_manage = scope.allows("manage", quota.issuer.path)
    context = {"form": form, "quotas": quotas}
    if request.htmx and request.htmx.target == "quota-unit-field":
        return render(request, "honors/quota_list.html#quota-form", context)
    return render(request, "honors/quota_list.html", context)


@login_required
@require_POST
def quota_delete(request, pk):
    quota = get_object_or_404(Quota.objects.for_user(request.user).select_related("issuer"), pk=pk)
    services.quota_delete(quota=quota, acting_user=request.user)
    messages.success(request, _("The quota was removed."))
    return redirect("honors:quota_list")


# The public showcase ----------------------------------------------------------------------------


def showcase(request):
    units = selectors.showcase_units()
    form = ShowcaseFilterForm(request.GET or None, units=units)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = next((u for u in units if u.pk == filters.get("unit")), None)
    items = selectors.showcase_list(
        unit=unit, category=filters.get("category", ""), query=filters.get("q", "")
    )
    page = Paginator(items, SHOWCASE_PAGE).get_page(request.GET.get("page"))
    for item in page:
        item.story = selectors.public_text(item.achievement)
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "querystring": _querystring(request.GET, "page"),
    }
    if request.htmx and request.htmx.target == "showcase-results":
        return render(request, "honors/showcase.html#results", context)
    return render(request, "honors/showcase.html", context)


def showcase_detail(request, pk):
    item = selectors.showcase_item(pk)
    if item is None:
        raise Http404
    item.story = selectors.public_text(item.achievement)
    return render(request, "honors/showcase_detail.html", {"item": item})


def showcase_photo(request, pk):
    """A photo of an approved example on the showcase; nothing else is served without login."""
    photo = get_object_or_404(
        NominationPhoto.objects.filter(
            nomination__status__in=[
                NominationStatus.GRANTED,
                NominationStatus.PRAISED,
                NominationStatus.FORWARDED_TLD,
            ],
            nomination__showcase=True,
        ),
        pk=pk,
    )
    response = FileResponse(open_stored(photo.image), content_type=photo.content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
