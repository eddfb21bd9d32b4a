"""Views of `pledges`: the member's own pledge, the officers' list and review, the year-end
rating, the figures rolled up the tree, the printed pledge and the spreadsheet import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Max
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chuyende.core.forms import apply_errors
from chuyende.core.pdf import docx_to_pdf
from chuyende.core.scoping import user_scope
from chuyende.org.choices import UnitKind
from chuyende.org.models import Member, Unit
from chuyende.org.selectors import breadcrumbs, scope_roots
from chuyende.plans.models import Plan

from . import exports, imports, selectors, services
from .choices import DEFAULT_RATING_LEVELS, PledgeStatus
from .forms import (
    CopyForm,
    FiguresForm,
    ImportForm,
    ListFilterForm,
    PledgeForm,
    RateForm,
    ReturnForm,
    SectionForm,
    SelfEvaluationForm,
    TemplateForm,
    TemplateSectionForm,
)
from .models import (
    MAX_ACTIONS,
    MIN_ACTIONS,
    Evaluation,
    Pledge,
    PledgeImport,
    PledgeSection,
    PledgeTemplate,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
PUBLISHING_KINDS = (UnitKind.CONFEDERATION, UnitKind.PROVINCE, UnitKind.UPPER)


def _pledge(request, pk, action="view"):
    return get_object_or_404(
        Pledge.objects.for_user(request.user, action).select_related(
            "member", "member__unit", "template", "template__unit", "reviewer"
        ),
        pk=pk,
    )


def _unit(request, pk, action="view"):
    return get_object_or_404(Unit.objects.for_user(request.user, action), pk=pk)


def _root(request):
    unit = scope_roots(user=request.user).order_by("depth", "sort_key").first()
    if unit is None:
        raise PermissionDenied
    return unit


def _default_year(user) -> int:
    latest = PledgeTemplate.objects.for_user(user).aggregate(y=Max("year"))["y"]
    return latest or timezone.localdate().year


def _querystring(params, *drop):
    params = params.copy()
    for key in drop:
        params.pop(key, None)
    return params.urlencode()


def _evaluation(pledge):
    try:
        return pledge.evaluation
    except Evaluation.DoesNotExist:
        return None


# Writing a pledge (the member's own, or an officer from a paper form) ---------------------------


def _write(request, member, *, own):
    year = request.GET.get("year")
    year = int(year) if year and year.isdigit() else None
    template = selectors.template_for(unit=member.unit, year=year)
    context = {"member": member, "own": own, "template": template}
    if template is None:
        return render(request, "pledges/my_pledge.html", context)
    sections = selectors.sections_for(template=template, unit=member.unit)
    pledge = selectors.current_pledge(member=member, year=template.year)
    form = None
    if pledge is None or pledge.is_editable:
        form = PledgeForm(
            request.POST or None,
            template=template,
            sections=sections,
            initial=PledgeForm.initial_from(pledge, member),
        )
        if request.method == "POST" and form.is_valid():
            action = request.POST.get("action", "save")
            try:
                if action == "accept" and not own:
                    pledge = services.pledge_enter_from_paper(
                        member=member,
                        acting_user=request.user,
                        fields=form.service_fields(),
                        template=template,
                    )
                    messages.success(request, _("The pledge was entered and accepted."))
                else:
                    pledge = services.pledge_save(
                        member=member,
                        acting_user=request.user,
                        fields=form.service_fields(),
                        template=template,
                        submit=action == "submit",
                    )
                    messages.success(
                        request,
                        _("The pledge was submitted to the union for review.")
                        if action == "submit"
                        else _("The draft was saved."),
                    )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                if own:
                    return redirect("pledges:my_pledge")
                return redirect("pledges:pledge_detail", pk=pledge.pk)
    elif request.method == "POST":
        messages.error(request, _("This pledge cannot be changed now."))
    evaluation = _evaluation(pledge) if pledge else None
    context.update(
        sections=sections,
        pledge=pledge,
        form=form,
        items=pledge.items(sections) if pledge else [],
        evaluation=evaluation,
        levels=template.level_labels,
        can_evaluate=bool(
            pledge
            and pledge.status == PledgeStatus.ACCEPTED
            and not (evaluation and evaluation.final_rating)
        ),
    )
    return render(request, "pledges/my_pledge.html", context)


@login_required
def my_pledge(request):
    member = Member.objects.filter(user=request.user).select_related("unit").first()
    if member is None:
        return render(request, "pledges/my_pledge.html", {"no_member": True})
    return _write(request, member, own=True)


@login_required
def member_pledge(request, member_pk):
    """An officer writes in the pledge a member made on paper."""
    member = get_object_or_404(
        Member.objects.for_user(request.user, "change").select_related("unit"), pk=member_pk
    )
    return _write(request, member, own=member.user_id == request.user.pk)


# The officers' list and review ------------------------------------------------------------------


@login_required
def pledge_list(request):
    """The officers' list: current pledges of the year in the members' name order, paged by
    keyset (`?after=` / `?before=`), the counts by status from the pledge tallies."""
    form = ListFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = _unit(request, filters["unit"]) if filters.get("unit") else None
    year = filters.get("year") or _default_year(request.user)
    status = filters.get("status", "")
    page = selectors.pledge_page(
        user=request.user,
        year=year,
        unit=unit,
        status=status,
        query=filters.get("q", ""),
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
        size=PAGE_SIZE,
    )
    counts = selectors.status_counts(user=request.user, year=year, unit=unit)
    if not filters.get("q"):  # a name search is not counted: the page says what it holds
        page.count = counts.get(status, 0) if status else sum(counts.values())
    scope = user_scope(request.user)
    rows = list(page)
    for pledge in rows:
        pledge.can_review = scope.allows("change", pledge.member.unit.path) and not (
            services.is_own(request.user, pledge.member)
        )
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "unit": unit,
        "year": year,
        "counts": counts,
        "statuses": PledgeStatus.choices,
        "return_form": ReturnForm(),
        "querystring": _querystring(request.GET, "page", "after", "before"),
        "can_import": Unit.objects.for_user(request.user, "change")
        .filter(kind=UnitKind.GRASSROOTS)
        .exists(),
    }
    if request.htmx and request.htmx.target == "pledge-results":
        return render(request, "pledges/pledge_list.html#results", context)
    return render(request, "pledges/pledge_list.html", context)


def _review_response(request, pledge, error=None, form=None):
    """After accept/return: the row again (htmx) or the pledge's page."""
    if request.htmx:
        pledge = _pledge(request, pledge.pk)
        pledge.can_review = True
        context = {"p": pledge, "error": error, "return_form": form or ReturnForm()}
        return render(request, "pledges/pledge_list.html#row", context)
    if error:
        messages.error(request, error)
    return redirect("pledges:pledge_detail", pk=pledge.pk)


@login_required
@require_POST
def pledge_accept(request, pk):
    pledge = _pledge(request, pk, "change")
    try:
        services.pledge_accept(pledge=pledge, acting_user=request.user)
    except ValidationError as error:
        return _review_response(request, pledge, " ".join(error.messages))
    if not request.htmx:
        messages.success(request, _("The pledge was accepted."))
    return _review_response(request, pledge)


@login_required
@require_POST
def pledge_return(request, pk):
    pledge = _pledge(request, pk, "change")
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _review_response(request, pledge, _("Say what the member should change."), form)
    try:
        services.pledge_return(
            pledge=pledge, acting_user=request.user, comment=form.cleaned_data["comment"]
        )
    except ValidationError as error:
        return _review_response(request, pledge, " ".join(error.messages), form)
    if not request.htmx:
        messages.success(request, _("The pledge was returned to the member."))
    return _review_response(request, pledge)


@login_required
def pledge_detail(request, pk):
    pledge = _pledge(request, pk)
    sections = selectors.sections_for(template=pledge.template, unit=pledge.member.unit)
    scope = user_scope(request.user)
    own = services.is_own(request.user, pledge.member)
    can_review = scope.allows("change", pledge.member.unit.path) and not own
    evaluation = _evaluation(pledge)
    context = {
        "pledge": pledge,
        "items": pledge.items(sections),
        "evaluation": evaluation,
        "eval_rows": _eval_rows(pledge, sections, evaluation),
        "levels": pledge.template.level_labels,
        "own": own,
        "can_review": can_review,
        "can_write": own or scope.allows("change", pledge.member.unit.path),
        "return_form": ReturnForm(),
        "versions": selectors.versions(pledge=pledge),
        "trail": breadcrumbs(unit=pledge.member.unit, user=request.user),
    }
    return render(request, "pledges/pledge_detail.html", context)


def _eval_rows(pledge, sections, evaluation):
    if evaluation is None:
        return []
    rows = []
    for key in services.evaluation_keys(pledge, sections):
        code, index = key.rsplit(":", 1)
        items = pledge.actions if code == "action" else pledge.commitments.get(code, [])
        result = evaluation.results.get(key, {})
        rows.append((items[int(index)], result.get("result", ""), result.get("note", "")))
    return rows


@login_required
@require_POST
def pledge_new_version(request, pk):
    pledge = _pledge(request, pk)
    try:
        new = services.pledge_new_version(pledge=pledge, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("pledges:pledge_detail", pk=pledge.pk)
    messages.success(request, _("A new version was made; the accepted one is kept."))
    if services.is_own(request.user, new.member):
        return redirect("pledges:my_pledge")
    return redirect("pledges:member_pledge", member_pk=new.member_id)


# Year-end evaluation ------------------------------------------------------------------------------


@login_required
def pledge_evaluate(request, pk):
    """The member's self-evaluation of each commitment, and the rating proposed."""
    pledge = _pledge(request, pk)
    if not services.can_write(request.user, pledge.member):
        raise PermissionDenied
    sections = selectors.sections_for(template=pledge.template, unit=pledge.member.unit)
    evaluation = _evaluation(pledge)
    initial = {}
    if evaluation is not None:
        initial = {"proposed_rating": evaluation.proposed_rating, "self_note": evaluation.self_note}
        for key, item in evaluation.results.items():
            initial[f"result_{key}"] = item.get("result")
            initial[f"note_{key}"] = item.get("note")
    form = SelfEvaluationForm(
        request.POST or None, pledge=pledge, sections=sections, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.evaluation_self(
                pledge=pledge,
                acting_user=request.user,
                results=form.results(),
                proposed_rating=form.cleaned_data["proposed_rating"],
                note=form.cleaned_data["self_note"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Your self-assessment was saved."))
            if services.is_own(request.user, pledge.member):
                return redirect("pledges:my_pledge")
            return redirect("pledges:pledge_detail", pk=pledge.pk)
    return render(
        request,
        "pledges/evaluate.html",
        {"pledge": pledge, "form": form, "evaluation": evaluation},
    )


@login_required
def rating(request):
    """The CĐCS's year-end rating: every accepted pledge with the member's proposal."""
    form = FiguresForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("unit"):
        unit = _unit(request, filters["unit"], "change")
    else:
        unit = (
            Unit.objects.for_user(request.user, "change")
            .filter(active=True)
            .order_by("depth", "sort_key")
            .first()
        )
    if unit is None:
        raise PermissionDenied
    year = filters.get("year") or _default_year(request.user)
    pledges = selectors.rating_list(user=request.user, unit=unit, year=year)
    page = Paginator(pledges, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    for pledge in rows:
        pledge.eval = _evaluation(pledge)
        pledge.rate_form = _rate_form(pledge)
    context = {
        "unit": unit,
        "year": year,
        "page": page,
        "rows": rows,
        "querystring": _querystring(request.GET, "page"),
        "trail": breadcrumbs(unit=unit, user=request.user),
    }
    return render(request, "pledges/rating.html", context)


def _rate_form(pledge, data=None):
    evaluation = getattr(pledge, "eval", None)
    initial = {}
    if evaluation is not None:
        initial = {
            "final_rating": evaluation.final_rating or evaluation.proposed_rating,
            "union_title": evaluation.union_title,
        }
    return RateForm(data, template=pledge.template, initial=initial, prefix=f"p{pledge.pk}")


def _rating_row(request, pledge, error=None, form=None):
    pledge = _pledge(request, pledge.pk, "change")
    pledge.eval = _evaluation(pledge)
    pledge.rate_form = form or _rate_form(pledge)
    if request.htmx:
        return render(request, "pledges/rating.html#row", {"p": pledge, "error": error})
    if error:
        messages.error(request, error)
    return redirect(f"{_rating_url(pledge)}")


def _rating_url(pledge):
    from django.urls import reverse

    return f"{reverse('pledges:rating')}?year={pledge.year}"


@login_required
@require_POST
def pledge_rate(request, pk):
    pledge = _pledge(request, pk, "change")
    pledge.eval = _evaluation(pledge)
    form = _rate_form(pledge, request.POST)
    if not form.is_valid():
        return _rating_row(request, pledge, _("Choose a rating of the scale."), form)
    try:
        services.evaluation_rate(
            pledge=pledge,
            acting_user=request.user,
            final_rating=form.cleaned_data["final_rating"],
            union_title=form.cleaned_data["union_title"],
        )
    except ValidationError as error:
        return _rating_row(request, pledge, " ".join(error.messages), form)
    return _rating_row(request, pledge)


@login_required
@require_POST
def propose_exemplar(request, pk):
    pledge = _pledge(request, pk, "change")
    evaluation = _evaluation(pledge)
    if evaluation is None:
        return _rating_row(request, pledge, _("Rate the member first."))
    try:
        services.propose_exemplar(evaluation=evaluation, acting_user=request.user)
    except ValidationError as error:
        return _rating_row(request, pledge, " ".join(error.messages))
    return _rating_row(request, pledge)


# Figures ----------------------------------------------------------------------------------------


@login_required
def figures(request):
    form = FiguresForm(request.GET or None, initial={"threshold": selectors.DEFAULT_THRESHOLD})
    filters = form.cleaned_data if form.is_valid() else {}
    unit = _unit(request, filters["unit"]) if filters.get("unit") else _root(request)
    year = filters.get("year") or _default_year(request.user)
    threshold = filters.get("threshold") or selectors.DEFAULT_THRESHOLD
    result = selectors.figures(unit=unit, year=year, threshold=threshold)
    levels = selectors.template_for(unit=unit, year=year)
    level_choices = levels.level_choices if levels else []
    context = {
        "form": form,
        "unit": unit,
        "year": year,
        "result": result,
        "level_choices": level_choices,
        "trail": breadcrumbs(unit=unit, user=request.user),
        "querystring": _querystring(request.GET, "unit"),
    }
    return render(request, "pledges/figures.html", context)


# Printing --------------------------------------------------------------------------------------


def _docx(request, pledge):
    sections = selectors.sections_for(template=pledge.template, unit=pledge.member.unit)
    header = selectors.print_header(member=pledge.member)
    return exports.pledge_docx(
        pledge=pledge, sections=sections, header=header, evaluation=_evaluation(pledge)
    )


def _file_name(pledge, ext):
    return f"ban-cam-ket-{pledge.year}-{pledge.pk}-v{pledge.version}.{ext}"


@login_required
def pledge_docx(request, pk):
    pledge = _pledge(request, pk)
    content = _docx(request, pledge)
    services.pledge_exported(pledge=pledge, acting_user=request.user, what="docx")
    response = HttpResponse(content, content_type=DOCX)
    response["Content-Disposition"] = f'attachment; filename="{_file_name(pledge, "docx")}"'
    return response


@login_required
def pledge_pdf(request, pk):
    pledge = _pledge(request, pk)
    content = docx_to_pdf(_docx(request, pledge))
    if content is None:
        return render(request, "pledges/no_pdf.html", {"pledge": pledge})
    services.pledge_exported(pledge=pledge, acting_user=request.user, what="pdf")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_file_name(pledge, "pdf")}"'
    return response


# Templates ---------------------------------------------------------------------------------------


def _template(request, pk, action="view"):
    if action == "view":
        qs = selectors.visible_templates(request.user)
    else:
        qs = PledgeTemplate.objects.for_user(request.user, action)
    return get_object_or_404(qs.select_related("unit", "plan"), pk=pk)


def _managed_section(request, pk):
    """A section of the template itself (not one a unit below added) the user manages."""
    return get_object_or_404(
        PledgeSection.objects.for_user(request.user, "manage")
        .filter(unit__isnull=True)
        .select_related("template", "template__unit"),
        pk=pk,
    )


@login_required
def template_detail(request, pk):
    template = _template(request, pk)
    units = (
        Unit.objects.for_user(request.user, "change")
        .filter(path__startswith=template.unit.path, active=True)
        .order_by("depth", "sort_key")
    )
    own_unit = units.first()
    form = SectionForm(request.POST or None)
    if request.method == "POST":
        if own_unit is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.section_add(
                    template=template, unit=own_unit, acting_user=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, _("The section was added for %(unit)s.") % {"unit": own_unit.name}
                )
                return redirect("pledges:template_detail", pk=template.pk)
    sections = template.sections.select_related("unit").order_by("position", "id")
    scope = user_scope(request.user)
    visible = [s for s in sections if s.unit is None or scope.allows("view", s.unit.path)]
    context = {
        "template": template,
        "sections": visible,
        "form": form,
        "own_unit": own_unit,
        "can_manage": scope.allows("manage", template.unit.path),
    }
    return render(request, "pledges/template_detail.html", context)


# Managing templates (the publishing unit's managers) ----------------------------------------------


def _publishing_units(user):
    return (
        Unit.objects.for_user(user, "manage")
        .filter(active=True, kind__in=PUBLISHING_KINDS)
        .order_by("depth", "sort_key")
    )


@login_required
def template_list(request):
    form = FiguresForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    page = Paginator(selectors.template_list(user=request.user, year=year), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page)
    counts = selectors.pledge_counts(user=request.user, templates=rows)
    scope = user_scope(request.user)
    for template in rows:
        template.pledge_count = counts.get(template.pk, 0)
        template.can_manage = scope.allows("manage", template.unit.path)
    context = {
        "page": page,
        "rows": rows,
        "year": year,
        "can_create": _publishing_units(request.user).exists(),
        "querystring": _querystring(request.GET, "page"),
    }
    return render(request, "pledges/template_list.html", context)


@login_required
def template_create(request):
    units = _publishing_units(request.user)
    if not units.exists():
        raise PermissionDenied
    plans = Plan.objects.for_user(request.user).select_related("unit")
    initial = {
        "year": timezone.localdate().year,
        "min_actions": MIN_ACTIONS,
        "max_actions": MAX_ACTIONS,
        "rating_levels": services.levels_text(DEFAULT_RATING_LEVELS),
    }
    form = TemplateForm(request.POST or None, units=units, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            template = services.template_create(
                unit=data["unit"],
                acting_user=request.user,
                year=data["year"],
                plan=data.get("plan"),
                fields=form.service_fields(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, _("The draft template was created; add its sections, then publish it.")
            )
            return redirect("pledges:template_edit", pk=template.pk)
    return render(request, "pledges/template_form.html", {"form": form})


def _edit_page(request, template, *, form=None, section_form=None, copy_form=None, status=200):
    sections = list(template.sections.filter(unit__isnull=True).order_by("position", "id"))
    context = {
        "template": template,
        "sections": sections,
        "form": form
        or TemplateForm(
            initial={
                "title": template.title,
                "topic": template.topic,
                "introduction": template.introduction,
                "min_actions": template.min_actions,
                "max_actions": template.max_actions,
                "rating_levels": services.levels_text(template.rating_levels),
            }
        ),
        "section_form": section_form or TemplateSectionForm(prefix="section"),
        "copy_form": copy_form or CopyForm(initial={"year": template.year + 1}),
        "has_pledges": selectors.has_pledges(template),
    }
    return render(request, "pledges/template_edit.html", context, status=status)


@login_required
def template_edit(request, pk):
    template = _template(request, pk, "manage")
    form = None
    if request.method == "POST":
        form = TemplateForm(request.POST)
        if form.is_valid():
            try:
                services.template_update(
                    template=template, acting_user=request.user, fields=form.service_fields()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The template was saved."))
                return redirect("pledges:template_edit", pk=template.pk)
    return _edit_page(request, template, form=form)


@login_required
@require_POST
def template_section_add(request, pk):
    template = _template(request, pk, "manage")
    form = TemplateSectionForm(request.POST, prefix="section")
    if form.is_valid():
        try:
            services.section_create(
                template=template, acting_user=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The section was added."))
            return redirect(f"{reverse('pledges:template_edit', args=[template.pk])}#sections")
    return _edit_page(request, template, section_form=form)


@login_required
@require_POST
def template_publish(request, pk):
    template = _template(request, pk, "manage")
    try:
        services.template_publish(template=template, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The template was published: members can write against it."))
    return redirect("pledges:template_edit", pk=template.pk)


@login_required
@require_POST
def template_copy(request, pk):
    template = _template(request, pk, "manage")
    form = CopyForm(request.POST)
    if form.is_valid():
        try:
            new = services.template_copy(
                template=template, acting_user=request.user, year=form.cleaned_data["year"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                _("The template was copied to %(year)s as a draft; check it, then publish it.")
                % {"year": new.year},
            )
            return redirect("pledges:template_edit", pk=new.pk)
    return _edit_page(request, template, copy_form=form)


@login_required
def section_edit(request, pk):
    section = _managed_section(request, pk)
    initial = {
        "code": section.code,
        "title": section.title,
        "guidance": section.guidance,
        "min_items": section.min_items,
    }
    form = TemplateSectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(
                section=section, acting_user=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The section was saved."))
            return redirect(
                f"{reverse('pledges:template_edit', args=[section.template_id])}#sections"
            )
    context = {
        "section": section,
        "template": section.template,
        "form": form,
        "has_pledges": selectors.has_pledges(section.template),
    }
    return render(request, "pledges/section_form.html", context)


@login_required
@require_POST
def section_move(request, pk):
    section = _managed_section(request, pk)
    services.section_move(
        section=section, acting_user=request.user, up=request.POST.get("direction") != "down"
    )
    return redirect(f"{reverse('pledges:template_edit', args=[section.template_id])}#sections")


@login_required
@require_POST
def section_remove(request, pk):
    section = _managed_section(request, pk)
    template_pk = section.template_id
    try:
        services.section_remove(section=section, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The section was removed."))
    return redirect(f"{reverse('pledges:template_edit', args=[template_pk])}#sections")


# Import from a spreadsheet ---------------------------------------------------------------------


def _import_unit(request):
    unions = (
        Unit.objects.for_user(request.user, "change")
        .filter(kind=UnitKind.GRASSROOTS, active=True)
        .order_by("depth", "sort_key")
    )
    chosen = str(request.POST.get("unit") or request.GET.get("unit") or "")
    # a union asked for that is not one of these is refused (404), as any object out of scope,
    # never swapped for the user's own union
    unit = get_object_or_404(unions, pk=chosen) if chosen.isdigit() else unions.first()
    if unit is None:
        raise PermissionDenied
    return unit, unions


@login_required
def import_upload(request):
    unit, unions = _import_unit(request)
    template = selectors.template_for(unit=unit)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and template is not None and form.is_valid():
        try:
            batch = imports.import_check(
                unit=unit,
                template=template,
                file=form.cleaned_data["file"],
                acting_user=request.user,
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("pledges:import_detail", pk=batch.pk)
    context = {"form": form, "unit": unit, "unions": unions[:200], "template": template}
    return render(request, "pledges/import_upload.html", context)


@login_required
def import_template(request):
    unit, _unions = _import_unit(request)
    template = selectors.template_for(unit=unit)
    if template is None:
        context = {"form": ImportForm(), "unit": unit, "unions": _unions[:200], "template": None}
        return render(request, "pledges/import_upload.html", context)
    sections = selectors.sections_for(template=template, unit=unit)
    members = imports.members_without_pledge(unit=unit, year=template.year)
    content = exports.import_template_xlsx(template=template, sections=sections, members=members)
    services.import_template_exported(unit=unit, acting_user=request.user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="mau-nhap-ban-cam-ket-{template.year}.xlsx"'
    )
    return response


@login_required
def import_detail(request, pk):
    batch = get_object_or_404(
        PledgeImport.objects.for_user(request.user, "change").select_related("unit", "template"),
        pk=pk,
    )
    if request.method == "POST":
        valid_only = request.POST.get("mode") == "valid"
        try:
            count = imports.import_run(batch=batch, acting_user=request.user, valid_only=valid_only)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(n)s pledges were imported.") % {"n": count})
            return redirect(f"{_list_url()}?unit={batch.unit_id}&year={batch.template.year}")
    context = {"batch": batch, "errors": batch.errors[:500]}
    return render(request, "pledges/import_detail.html", context)


def _list_url():
    from django.urls import reverse

    return reverse("pledges:pledge_list")
