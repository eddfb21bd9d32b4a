from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from chuyende.core.files import open_stored
from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org.models import Unit
from chuyende.org.selectors import breadcrumbs
from chuyende.plans.forms import issuing_units
from chuyende.plans.models import Plan

from . import selectors, services
from .forms import MaterialFilterForm, MaterialForm
from .models import Material

PER_PAGE = 30
SUGGESTIONS_TARGET = "audience-suggestions"


def _material(request, pk, action="view"):
    material = get_object_or_404(
        Material.objects.for_user(request.user).select_related("unit", "plan", "uploaded_by"),
        pk=pk,
    )
    if action != "view" and not user_scope(request.user).allows(action, material.unit.path):
        raise PermissionDenied
    return material


@login_required
def material_list(request):
    plans, audiences = selectors.filter_choices(user=request.user)
    form = MaterialFilterForm(request.GET, plans=plans, audiences=audiences)
    form.is_valid()  # an invalid filter is ignored; the valid ones apply
    data = form.cleaned_data
    materials = selectors.material_search(
        user=request.user,
        plan_id=data.get("plan"),
        kind=data.get("kind", ""),
        audience=data.get("audience", ""),
        query=data.get("q", ""),
    )
    page = Paginator(materials, PER_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    totals = selectors.download_totals(user=request.user, materials=rows)
    for material in rows:
        material.download_total = totals.get(material.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "rows": rows, "querystring": query.urlencode()}
    context["can_upload"] = Unit.objects.for_user(request.user, "change").exists()
    if request.htmx and request.htmx.target == "material-results":
        return render(request, "materials/material_list.html#results", context)
    return render(request, "materials/material_list.html", context)


def _chosen_plan(request, default=None):
    """The plan picked in the form (posted, or sent by htmx when it changes), else `default`."""
    data = request.POST if request.method == "POST" else request.GET
    if "plan" not in data:
        return default
    value = data.get("plan", "")
    if not value.isdigit():
        return None
    return Plan.objects.for_user(request.user).filter(pk=value).first()


def _material_form(request, material=None):
    """The upload/edit form; its audience suggestions follow the plan chosen."""
    user = request.user
    checked = request.POST.getlist("audiences_suggested") or request.GET.getlist(
        "audiences_suggested"
    )
    plan = _chosen_plan(request, material.plan if material else None)
    kept = list(material.audiences) if material and request.method == "GET" else []
    suggested = selectors.audience_suggestions(user=user, plan=plan)
    kwargs = {
        "unit_queryset": issuing_units(Unit.objects.for_user(user, "change")),
        "plan_queryset": Plan.objects.for_user(user).order_by("-issued_on", "-id"),
        "suggestions": selectors.distinct_texts([*checked, *kept, *suggested]),
        "max_size_mb": services.max_file_size_mb(),
        "editing": material is not None,
    }
    if request.method == "POST":
        return MaterialForm(request.POST, request.FILES, **kwargs)
    if material is not None:
        initial = MaterialForm.initial_for(material, kwargs["suggestions"])
    else:
        initial = {"unit": kwargs["unit_queryset"].first()}
    if request.htmx:
        initial.update(plan=plan, audiences_suggested=checked)
    return MaterialForm(initial=initial, **kwargs)


def _form_page(request, form, material):
    if request.htmx and request.htmx.target == SUGGESTIONS_TARGET:
        return render(request, "materials/material_form.html#suggestions", {"form": form})
    return render(request, "materials/material_form.html", {"form": form, "material": material})


@login_required
def material_create(request):
    if not Unit.objects.for_user(request.user, "change").exists():
        raise PermissionDenied
    form = _material_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            material = services.material_create(acting_user=request.user, **form.service_fields())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The material was published."))
            return redirect("materials:material_detail", pk=material.pk)
    return _form_page(request, form, None)


@login_required
def material_edit(request, pk):
    material = _material(request, pk, "change")
    form = _material_form(request, material)
    if request.method == "POST" and form.is_valid():
        try:
            services.material_update(
                material=material, acting_user=request.user, **form.service_fields()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The material was saved."))
            return redirect("materials:material_detail", pk=material.pk)
    return _form_page(request, form, material)


@login_required
def material_detail(request, pk):
    material = _material(request, pk)
    scope = user_scope(request.user)
    totals = selectors.download_totals(user=request.user, materials=[material])
    context = {
        "material": material,
        "download_total": totals.get(material.pk, 0),
        "can_change": scope.allows("change", material.unit.path),
        "can_manage": scope.allows("manage", material.unit.path),
    }
    return render(request, "materials/material_detail.html", context)


@login_required
@require_GET
def material_download(request, pk):
    """The file (under the name it was uploaded with) or the link, counted for the user's unit."""
    material = _material(request, pk)
    handle = None
    if material.is_file:
        handle = open_stored(material.file)
    services.material_download(material=material, acting_user=request.user)
    if handle is None:
        return redirect(material.url)
    return FileResponse(handle, as_attachment=True, filename=material.original_name)


@login_required
def material_downloads(request, pk):
    material = _material(request, pk)
    unit_id = request.GET.get("unit", "")
    if unit_id.isdigit():
        unit = get_object_or_404(Unit.objects.for_user(request.user), pk=unit_id)
    else:
        unit = selectors.stats_start(user=request.user)
    if unit is None:
        raise Http404
    own, rows, total = selectors.downloads_by_child(material=material, user=request.user, unit=unit)
    context = {"material": material, "unit": unit, "own": own, "rows": rows, "total": total}
    context["trail"] = breadcrumbs(unit=unit, user=request.user)
    return render(request, "materials/material_downloads.html", context)


@login_required
@require_POST
def material_delete(request, pk):
    material = _material(request, pk, "manage")
    services.material_unpublish(material=material, acting_user=request.user)
    messages.success(request, _("The material was removed from the library."))
    return redirect("materials:material_detail", pk=material.pk)


@login_required
@require_POST
def material_restore(request, pk):
    material = _material(request, pk, "manage")
    services.material_publish(material=material, acting_user=request.user)
    messages.success(request, _("The material is back in the library."))
    return redirect("materials:material_detail", pk=material.pk)
