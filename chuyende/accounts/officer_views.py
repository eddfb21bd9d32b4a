"""Views of a unit's officers and access ("Cán bộ và phân quyền"): who holds a role at the unit
and below it, giving and removing roles, a temporary password, turning an account off/on.

Every page needs the "manage" action on the unit: a unit outside the user's scope answers 404
(as org's unit pages), a unit they may only view 403. The rules are in officers.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org import selectors as org_selectors
from chuyende.org.models import Unit

from . import officers
from .officer_forms import ActiveForm, ExistingOfficerForm, NewOfficerForm, OfficerFilterForm


def _unit(request, pk):
    unit = get_object_or_404(Unit.objects.for_user(request.user), pk=pk)
    if not user_scope(request.user).allows("manage", unit.path):
        raise PermissionDenied
    return unit


def _account(request, unit, user_pk):
    found = officers.officer_account(user=request.user, unit=unit, account_pk=user_pk)
    if found is None:
        raise Http404
    return found


def _page(request, template, unit, **context):
    trail = org_selectors.breadcrumbs(unit=unit, user=request.user)
    return render(request, template, {"unit": unit, "trail": trail, **context})


@login_required
def officer_list(request, pk):
    unit = _unit(request, pk)
    form = OfficerFilterForm(request.GET or None, roles=officers.FILTER_ROLES)
    filters = form.cleaned_data if form.is_valid() else {}
    page = officers.officer_page(
        user=request.user,
        unit=unit,
        subtree=filters.get("where") != "unit",
        role=filters.get("role", ""),
        query=filters.get("q", ""),
        page=request.GET.get("page"),
    )
    querystring = request.GET.copy()
    querystring.pop("page", None)
    return _page(
        request,
        "accounts/officers/officer_list.html",
        unit,
        form=form,
        page=page,
        querystring=querystring.urlencode(),
    )


@never_cache
@login_required
def officer_add(request, pk):
    """Give a role to an existing account (exact username or e-mail) or to a new account, whose
    temporary password the answer shows once."""
    unit = _unit(request, pk)
    options = {
        "units": officers.grantable_units(user=request.user, unit=unit),
        "roles": officers.grantable_roles(user=request.user),
    }
    kind = request.POST.get("kind") if request.method == "POST" else None
    existing = ExistingOfficerForm(
        request.POST if kind == "existing" else None,
        prefix="existing",
        initial={"account": request.GET.get("account", ""), "unit": unit},
        **options,
    )
    new = NewOfficerForm(
        request.POST if kind == "new" else None, prefix="new", initial={"unit": unit}, **options
    )
    form = existing if kind == "existing" else new if kind == "new" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if form is existing:
                assignment, created = officers.officer_grant(
                    acting_user=request.user,
                    identifier=data["account"],
                    unit=data["unit"],
                    role=data["role"],
                )
            else:
                account, assignment, password = officers.officer_create(
                    acting_user=request.user,
                    username=data["username"],
                    full_name=data["full_name"],
                    email=data["email"],
                    unit=data["unit"],
                    role=data["role"],
                )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            if form is new:
                return _page(
                    request,
                    "accounts/officers/officer_password.html",
                    unit,
                    account=account,
                    assignment=assignment,
                    password=password,
                    created=True,
                )
            if created:
                messages.success(request, _("The role is given."))
            else:
                messages.info(request, _("The account already held this role there."))
            return redirect("accounts:officer_detail", pk=unit.pk, user_pk=assignment.user_id)
    return _page(
        request,
        "accounts/officers/officer_add.html",
        unit,
        existing=existing,
        new=new,
        kind=kind,
    )


@login_required
def officer_detail(request, pk, user_pk):
    unit = _unit(request, pk)
    return _page(
        request,
        "accounts/officers/officer_detail.html",
        unit,
        officer=_account(request, unit, user_pk),
    )


@login_required
def officer_role_remove(request, pk, role_pk):
    """Take a role away (a page to confirm, then POST)."""
    unit = _unit(request, pk)
    assignment = get_object_or_404(
        officers.manageable_roles(user=request.user, unit=unit).select_related("user", "unit"),
        pk=role_pk,
    )
    if request.method == "POST":
        try:
            officers.officer_role_remove(assignment=assignment, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:officer_detail", pk=unit.pk, user_pk=assignment.user_id)
        messages.success(request, _("The role is removed."))
        return redirect("accounts:officer_list", pk=unit.pk)
    return _page(request, "accounts/officers/officer_role_remove.html", unit, assignment=assignment)


@never_cache
@login_required
def officer_password_reset(request, pk, user_pk):
    """A new temporary password for the account (a page to confirm, then POST: shown once)."""
    unit = _unit(request, pk)
    officer = _account(request, unit, user_pk)
    if request.method == "POST":
        try:
            password = officers.officer_password_reset(
                account=officer.account, acting_user=request.user, unit=unit
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("accounts:officer_detail", pk=unit.pk, user_pk=user_pk)
        return _page(
            request,
            "accounts/officers/officer_password.html",
            unit,
            account=officer.account,
            password=password,
            created=False,
        )
    return _page(request, "accounts/officers/officer_password_reset.html", unit, officer=officer)


@login_required
@require_POST
def officer_active(request, pk, user_pk):
    """Turn the account off or on (the detail page's buttons)."""
    unit = _unit(request, pk)
    officer = _account(request, unit, user_pk)
    form = ActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was changed: try again from the account's page."))
        return redirect("accounts:officer_detail", pk=unit.pk, user_pk=user_pk)
    active = form.cleaned_data["active"]
    try:
        officers.officer_set_active(
            account=officer.account, active=active, acting_user=request.user, unit=unit
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if active:
            messages.success(request, _("The account is on: it can sign in again."))
        else:
            messages.success(request, _("The account is off: it cannot sign in."))
    return redirect("accounts:officer_detail", pk=unit.pk, user_pk=user_pk)
