from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors
from chuyende.core.reasons import ExportReasonForm
from chuyende.core.scoping import user_scope

from . import selectors, services
from .forms import (
    MemberFilterForm,
    MemberForm,
    RevealForm,
    UnitForm,
    UnitMergeForm,
    UnitMoveForm,
)
from .models import Member, Unit, UnitEvent


def _unit(request, pk, action="view"):
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=pk)
    if action != "view" and not user_scope(request.user).allows(action, unit.path):
        raise PermissionDenied
    return unit


@login_required
def unit_tree(request):
    query = request.GET.get("q", "").strip()
    context = {
        "query": query,
        "roots": selectors.scope_roots(user=request.user) if not query else [],
        "results": selectors.unit_search(user=request.user, query=query) if query else None,
    }
    if request.htmx and request.htmx.target == "unit-tree-body":
        return render(request, "org/unit_tree.html#tree-body", context)
    return render(request, "org/unit_tree.html", context)


def _children(request, unit):
    return selectors.children_page(
        unit=unit,
        user=request.user,
        after=request.GET.get("after", ""),
        query=request.GET.get("q", "").strip(),
    )


@login_required
def unit_children(request, pk):
    """The tree's fragment of a unit's children, a page at a time ("show more" asks for the
    next page after the last one shown)."""
    unit = _unit(request, pk)
    return render(
        request, "org/unit_tree.html#children", {"unit": unit, "children": _children(request, unit)}
    )


@login_required
def unit_detail(request, pk):
    unit = _unit(request, pk)
    scope = user_scope(request.user)
    context = {
        "unit": unit,
        "trail": selectors.breadcrumbs(unit=unit, user=request.user),
        "children": _children(request, unit),
        "children_per_page": selectors.CHILDREN_PER_PAGE,
        "officers": selectors.unit_officers(unit=unit),
        "figures": selectors.unit_figures(unit=unit),
        "events": list(
            UnitEvent.objects.filter(unit=unit).select_related("actor", "other_unit")[:10]
        ),
        "can_manage": scope.allows("manage", unit.path),
        "can_change": scope.allows("change", unit.path),
    }
    return render(request, "org/unit_detail.html", context)


@login_required
def unit_edit(request, pk):
    unit = _unit(request, pk, "manage")
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(
                unit=Unit.objects.get(pk=unit.pk), acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The unit was saved."))
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"unit": unit, "form": form})


@login_required
def unit_create(request, pk):
    parent = _unit(request, pk, "manage")
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(
                parent=parent, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The unit was created."))
            return redirect("org:unit_detail", pk=unit.pk)
    return render(request, "org/unit_form.html", {"parent": parent, "form": form})


def _reorganise(request, pk, form_class, service, title):
    unit = _unit(request, pk, "manage")
    candidates = Unit.objects.for_user(request.user, "manage").exclude(path__startswith=unit.path)
    form = form_class(request.POST or None, unit_queryset=candidates)
    if request.method == "POST" and form.is_valid():
        try:
            result = service(unit, form, request.user)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Done. The unit's history keeps the change."))
            return redirect("org:unit_detail", pk=result.pk)
    return render(request, "org/unit_reorganise.html", {"unit": unit, "form": form, "title": title})


@login_required
def unit_move(request, pk):
    return _reorganise(
        request,
        pk,
        UnitMoveForm,
        lambda unit, form, user: services.unit_move(
            unit=unit, new_parent=form.cleaned_data["new_parent"], acting_user=user
        ),
        _("Move unit"),
    )


@login_required
def unit_merge(request, pk):
    return _reorganise(
        request,
        pk,
        UnitMergeForm,
        lambda unit, form, user: services.unit_merge(
            source=unit, target=form.cleaned_data["target"], acting_user=user
        ),
        _("Merge unit"),
    )


@login_required
def member_list(request):
    form = MemberFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = None
    if filters.get("unit"):
        unit = _unit(request, filters["unit"])
    sensitive = selectors.sensitive_allowed(user=request.user, unit=unit)
    if not sensitive:  # no ethnicity column nor filter for this role (a filter tells it too)
        form.fields.pop("ethnicity", None)
    criteria = {
        "unit": unit,
        "gender": filters.get("gender", ""),
        "ethnicity": filters.get("ethnicity", "") if sensitive else "",
        "status": filters.get("status", ""),
        "query": filters.get("q", ""),
    }
    page = selectors.member_page(
        selectors.member_search(user=request.user, **criteria),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=settings.MEMBERS_PER_PAGE,
    )
    page.count = selectors.member_count(user=request.user, **criteria)
    context = {
        "form": form,
        "page": page,
        "unit": unit,
        "sensitive": sensitive,
        "can_export_full": sensitive,  # the same right: reveal over the whole list
        "reason_form": ExportReasonForm(),
        "querystring": _without_position(request.GET),
    }
    if request.htmx and request.htmx.target == "member-results":
        return render(request, "org/member_list.html#results", context)
    return render(request, "org/member_list.html", context)


def _without_position(params):
    """The list's filters without its position (keyset cursors, or an old page number)."""
    params = params.copy()
    for name in ("after", "before", "page"):
        params.pop(name, None)
    return params.urlencode()


@login_required
def member_detail(request, pk):
    member = get_object_or_404(Member.objects.for_user(request.user).select_related("unit"), pk=pk)
    scope = user_scope(request.user)
    context = {
        "member": member,
        "trail": selectors.breadcrumbs(unit=member.unit, user=request.user),
        "own": member.user_id == request.user.pk,
        "can_change": scope.allows("change", member.unit.path),
        "can_reveal": scope.allows("reveal", member.unit.path),
        "reveal_form": RevealForm(),
    }
    return render(request, "org/member_detail.html", context)


@login_required
@require_POST
def member_reveal(request, pk):
    member = get_object_or_404(Member.objects.for_user(request.user).select_related("unit"), pk=pk)
    if not user_scope(request.user).allows("reveal", member.unit.path):
        raise PermissionDenied
    form = RevealForm(request.POST)
    revealed = False
    if form.is_valid():
        try:
            services.member_reveal(
                member=member, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            revealed = True
    context = {
        "member": member,
        "revealed": revealed,
        "can_reveal": True,
        "reveal_form": form,
    }
    if request.htmx:
        return render(request, "org/member_detail.html#personal", context)
    return render(
        request,
        "org/member_detail.html",
        {
            **context,
            "trail": selectors.breadcrumbs(unit=member.unit, user=request.user),
            "can_change": user_scope(request.user).allows("change", member.unit.path),
        },
    )


@login_required
def member_edit(request, pk=None):
    member = None
    if pk is not None:
        member = get_object_or_404(Member.objects.for_user(request.user, "change"), pk=pk)
    elif not Unit.objects.for_user(request.user, "change").exists():
        raise PermissionDenied
    form = MemberForm(
        request.POST or None,
        instance=member,
        unit_queryset=Unit.objects.for_user(request.user, "change"),
    )
    if request.method == "POST" and form.is_valid():
        try:
            if member is None:
                member = services.member_create(acting_user=request.user, **form.cleaned_data)
            else:
                member = services.member_update(
                    member=Member.objects.get(pk=member.pk),
                    acting_user=request.user,
                    **form.cleaned_data,
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The member was saved."))
            return redirect("org:member_detail", pk=member.pk)
    return render(request, "org/member_form.html", {"form": form, "member": member})
