import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_GET, require_POST

from chuyende.core.files import open_stored
from chuyende.core.forms import apply_errors
from chuyende.core.scoping import user_scope
from chuyende.org.models import Unit
from chuyende.org.selectors import breadcrumbs, scope_roots
from chuyende.plans.models import Occasion, Task

from . import links, selectors, services
from .forms import (
    LinkFieldsForm,
    OccasionForm,
    PeriodForm,
    PostFilterForm,
    PostForm,
    ReviewForm,
    WebsiteForm,
)
from .models import OutreachPost, UnitWebsite
from .validators import image_kind

PUBLIC_MAX_AGE = 300


def _post(request, pk):
    return get_object_or_404(
        OutreachPost.objects.for_user(request.user).select_related(
            "unit", "occasion", "task", "task__plan", "created_by", "reviewed_by"
        ),
        pk=pk,
    )


def _allows(user, action, unit):
    return user_scope(user).allows(action, unit.path)


def _unit_param(request, key="unit"):
    value = request.GET.get(key, "")
    if not value.isdigit():
        return None
    return get_object_or_404(Unit.objects.for_user(request.user), pk=value)


def _post_form(request, *, data=None, files=None, initial=None, has_screenshot=False):
    return PostForm(
        data,
        files,
        initial=initial,
        unit_queryset=Unit.objects.for_user(request.user, "change"),
        occasion_queryset=selectors.linkable_occasions(user=request.user),
        task_queryset=Task.objects.for_user(request.user).select_related("plan"),
        has_screenshot=has_screenshot,
    )


@login_required
def post_list(request):
    form = PostFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    unit = _unit_param(request)
    posts = selectors.post_search(
        user=request.user,
        unit=unit,
        query=filters.get("q", ""),
        channel=filters.get("channel", ""),
        status=filters.get("status", ""),
        occasion_id=filters.get("occasion"),
        start=filters.get("start"),
        end=filters.get("end"),
    )
    page = Paginator(posts, settings.MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "page": page, "unit": unit, "querystring": params.urlencode()}
    if request.htmx and request.htmx.target == "post-results":
        return render(request, "outreach/post_list.html#results", context)
    managed = Unit.objects.for_user(request.user, "manage").order_by("depth", "sort_key").first()
    context.update(
        waiting=selectors.waiting_for_review(user=request.user),
        can_record=Unit.objects.for_user(request.user, "change").exists(),
        embed_unit=managed,
        embed_url=managed
        and request.build_absolute_uri(reverse("outreach:public_page", args=[managed.code])),
    )
    return render(request, "outreach/post_list.html", context)


@login_required
def post_create(request):
    units = Unit.objects.for_user(request.user, "change")
    if not units.exists():
        raise PermissionDenied
    unit = _unit_param(request) or units.filter(active=True).order_by("depth", "sort_key").first()
    form = _post_form(
        request,
        data=request.POST or None,
        files=request.FILES or None,
        initial={"unit": unit} if unit else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            post = services.post_submit(
                unit=form.cleaned_data["unit"],
                acting_user=request.user,
                fields=form.post_fields(),
                screenshot=form.cleaned_data["screenshot"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The post was recorded."))
            return redirect("outreach:post_detail", pk=post.pk)
    return render(request, "outreach/post_form.html", {"form": form})


@login_required
def post_detail(request, pk):
    post = _post(request, pk)
    return render(
        request,
        "outreach/post_detail.html",
        {
            "post": post,
            "can_change": _allows(request.user, "change", post.unit),
            "can_manage": _allows(request.user, "manage", post.unit),
            "review_form": ReviewForm(),
            "trail": breadcrumbs(unit=post.unit, user=request.user),
        },
    )


@login_required
def post_edit(request, pk):
    post = _post(request, pk)
    if not _allows(request.user, "change", post.unit):
        raise PermissionDenied
    initial = {key: getattr(post, key) for key in services.POST_FIELDS}
    form = _post_form(
        request,
        data=request.POST or None,
        files=request.FILES or None,
        initial=initial,
        has_screenshot=bool(post.screenshot),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_update(
                post=post,
                acting_user=request.user,
                fields={**form.post_fields(), "unit": form.cleaned_data["unit"]},
                screenshot=form.cleaned_data["screenshot"],
                remove_screenshot=form.cleaned_data.get("remove_screenshot", False),
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The post was saved."))
            return redirect("outreach:post_detail", pk=post.pk)
    return render(request, "outreach/post_form.html", {"form": form, "post": post})


@login_required
@require_POST
def post_review(request, pk):
    post = _post(request, pk)
    if not _allows(request.user, "manage", post.unit):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("outreach:post_detail", pk=post.pk)
    try:
        services.post_review(post=post, acting_user=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The decision was saved."))
    return redirect("outreach:post_detail", pk=post.pk)


@login_required
@require_POST
def post_delete(request, pk):
    post = _post(request, pk)
    if not _allows(request.user, "change", post.unit):
        raise PermissionDenied
    services.post_delete(post=post, acting_user=request.user)
    messages.success(request, _("The post was deleted."))
    return redirect("outreach:post_list")


@login_required
def post_screenshot(request, pk):
    """The screenshot, only through scoping; served as an image by its bytes, never as HTML."""
    post = _post(request, pk)
    handle = open_stored(post.screenshot)
    kind = image_kind(handle.read(16))
    handle.seek(0)
    if kind is None:
        handle.close()
        raise Http404
    services.screenshot_viewed(post=post, acting_user=request.user)
    response = FileResponse(handle, content_type=kind[1])
    response["Content-Disposition"] = f'inline; filename="screenshot-{post.pk}.{kind[0]}"'
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def link_suggest(request):
    """htmx: what a pasted link tells; fills the empty channel, title, date and occasion."""
    link = request.GET.get("link", "").strip()
    context = {"link": link}
    if link:
        try:
            found = links.suggest(
                link, website_domains=selectors.website_domains(user=request.user)
            )
        except ValidationError as error:
            context["error"] = error.messages[0]
        else:
            context.update(_suggestion(request, found))
    return render(request, "outreach/post_form.html#suggestions", context)


def _suggestion(request, found):
    data = request.GET.copy()
    filled = []
    values = {
        "channel": found.channel,
        "title": found.title,
        "published_on": found.published_on and found.published_on.strftime("%d/%m/%Y"),
    }
    if found.published_on and not data.get("occasion"):
        near = selectors.occasion_near(user=request.user, day=found.published_on)
        values["occasion"] = near and str(near.pk)
    for name, value in values.items():
        if value and not data.get(name, "").strip():
            data[name] = value
            filled.append(name)
    form = LinkFieldsForm(data, occasion_queryset=selectors.linkable_occasions(user=request.user))
    return {"found": found, "form": form, "filled": filled}


# --- Occasions -----------------------------------------------------------------------------------


@login_required
def calendar(request):
    today = timezone.localdate()
    year = request.GET.get("year", "")
    if year.isdigit() and 2000 <= int(year) <= 2100:
        start, months = datetime.date(int(year), 1, 1), 12
    else:
        start, months = today.replace(day=1), 12
    calendar_months = selectors.occasion_calendar(user=request.user, start=start, months=months)
    context = {
        "months": calendar_months,
        "has_entries": any(month.entries for month in calendar_months),
        "today": today,
        "year": int(year) if year.isdigit() else None,
        "years": list(range(today.year - 2, today.year + 2)),
        "can_add": Unit.objects.for_user(request.user, "manage").exists(),
    }
    return render(request, "outreach/calendar.html", context)


@login_required
def occasion_create(request):
    units = Unit.objects.for_user(request.user, "manage")
    if not units.exists():
        raise PermissionDenied
    form = OccasionForm(request.POST or None, unit_queryset=units)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.occasion_create(unit=data.pop("unit"), acting_user=request.user, fields=data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The occasion was added to the calendar."))
            return redirect("outreach:calendar")
    return render(request, "outreach/occasion_form.html", {"form": form})


def _occasion(request, pk):
    occasion = get_object_or_404(
        Occasion.objects.for_user(request.user).select_related("unit", "plan"), pk=pk
    )
    if not _allows(request.user, "manage", occasion.unit):
        raise PermissionDenied
    return occasion


@login_required
def occasion_edit(request, pk):
    occasion = _occasion(request, pk)
    initial = {"name": occasion.name, "date": occasion.date, "recurring": occasion.recurring}
    form = OccasionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.occasion_update(
                occasion=occasion, acting_user=request.user, fields=form.cleaned_data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The occasion was saved."))
            return redirect("outreach:calendar")
    return render(request, "outreach/occasion_form.html", {"form": form, "occasion": occasion})


@login_required
@require_POST
def occasion_delete(request, pk):
    occasion = _occasion(request, pk)
    try:
        services.occasion_delete(occasion=occasion, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("outreach:occasion_edit", pk=occasion.pk)
    messages.success(request, _("The occasion was deleted."))
    return redirect("outreach:calendar")


# --- Websites ------------------------------------------------------------------------------------


@login_required
def website_list(request):
    units = Unit.objects.for_user(request.user, "manage")
    form = WebsiteForm(request.POST or None, unit_queryset=units)
    if request.method == "POST":
        if not units.exists():
            raise PermissionDenied
        if form.is_valid():
            try:
                services.website_add(acting_user=request.user, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The website was added."))
                return redirect("outreach:website_list")
    websites = UnitWebsite.objects.for_user(request.user).select_related("unit")
    return render(
        request,
        "outreach/website_list.html",
        {
            "websites": [(w, _allows(request.user, "manage", w.unit)) for w in websites],
            "form": form if units.exists() else None,
        },
    )


@login_required
@require_POST
def website_delete(request, pk):
    website = get_object_or_404(UnitWebsite.objects.for_user(request.user), pk=pk)
    if not _allows(request.user, "manage", website.unit):
        raise PermissionDenied
    services.website_remove(website=website, acting_user=request.user)
    messages.success(request, _("The website was removed."))
    return redirect("outreach:website_list")


# --- Figures -------------------------------------------------------------------------------------


@login_required
def rollup(request):
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    unit = _unit_param(request)
    if unit is None:
        unit = scope_roots(user=request.user).order_by("depth", "sort_key").first()
    if unit is None:
        raise PermissionDenied
    year = timezone.localdate().year
    start = data.get("start") or datetime.date(year, 1, 1)
    end = data.get("end") or datetime.date(year, 12, 31)
    if start > end:
        start, end = end, start
    figures = selectors.outreach_rollup(unit=unit, start=start, end=end)
    context = {
        "form": form,
        "unit": unit,
        "years": list(range(year - 2, year + 1)),
        "figures": figures,
        "start": start,
        "end": end,
        "trail": breadcrumbs(unit=unit, user=request.user),
    }
    return render(request, "outreach/rollup.html", context)


# --- The public page -----------------------------------------------------------------------------


@xframe_options_exempt
@require_GET
def public_page(request, code):
    """A federation's recent approved outreach and coming occasions: no login, no cookies, safe
    to embed in the federation's own website (an iframe)."""
    unit = get_object_or_404(
        Unit.objects.only("id", "path", "name", "short_name", "code"), code=code, active=True
    )
    today = timezone.localdate()
    response = render(
        request,
        "outreach/public_page.html",
        {
            "unit": unit,
            "posts": selectors.public_posts(unit=unit),
            "occasions": selectors.upcoming_occasions(unit=unit, today=today),
        },
    )
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
    )
    return response
