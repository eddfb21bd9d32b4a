"""Issue 11 (security): a unit chosen in the query string (`?unit=`, `?issuer=`) is scoped like
any other object. A unit outside the asker's scope answers 403 or 404, never the page or file of
another unit and never, quietly, the asker's own unit instead (the fallback hides the refusal
from the walk and from the user alike).

Which views choose a unit from the query is found by reading their source (and the helpers of
their module they call); each one found must be listed below, so a new one is walked as soon as
it is written.
"""

import inspect
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URL name -> the query string naming a unit, "{b1}" for B1's primary key (B1 and its upper
# level B are the sibling subtree of bob, the manager of A).
UNIT_QUERY_VIEWS = {
    "org:member_list": "?unit={b1}",
    "plans:plan_board": "?unit={b1}",
    "plans:task_drill": "?unit={b1}",
    "study:session_list": "?unit={b1}",
    "study:session_create": "?unit={b1}",
    "study:rollup": "?unit={b1}",
    "outreach:post_create": "?unit={b1}",
    "materials:material_downloads": "?unit={b1}",
    "reports:completeness": "?unit={b}",
    "reports:rollup": "?unit={b}",
    "reports:rollup_xlsx": "?unit={b}",
    "reports:compiled_docx": "?unit={b}",
    "reports:dashboard": "?unit={b1}",
    "pledges:pledge_list": "?unit={b1}",
    "pledges:rating": "?unit={b1}",
    "pledges:figures": "?unit={b1}",
    "pledges:import_upload": "?unit={b1}",
    "pledges:import_template": "?unit={b1}",
    "honors:nomination_list": "?unit={b1}",
    "honors:nomination_create": "?unit={b1}",
    "honors:decision_list": "?unit={b1}",
    "honors:decision_create": "?unit={b}",
    "honors:quota_list": "?issuer={b}",
    "inspections:plan_create": "?unit={b}",
    "inspections:inspection_list": "?unit={b1}",
    "privacy:consent_list": "?unit={b1}",
}
# Found by the source search but not choosing a unit of the asker's data from the query.
NOT_SCOPED_BY_QUERY = {
    "honors:showcase": "public: every unit of the showcase is public",
    "contests:leaderboard": "public: a contest's board of units is public",
    "transfer:import_list": "the unit comes from the posted form, checked against its choices",
}

_DIRECT = re.compile(r"""GET(?:\.get\(|\[)\s*["'](?:unit|issuer)["']""")
_CHOSEN = re.compile(r"""_chosen_pk\(\s*request\s*,\s*["'](?:unit|issuer)["']""")
_FORM = re.compile(r"""(?:filters|cleaned_data)(?:\.get\(|\[)\s*["']unit["']""")
_GET = re.compile(r"request\.GET\b")


def _views(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _views(entry, f"{prefix}{entry.namespace}:" if entry.namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name, inspect.unwrap(entry.callback)


def _source(func, seen) -> str:
    """The function's source and that of the module's private helpers it calls."""
    try:
        text = inspect.getsource(func)
    except (OSError, TypeError):
        return ""
    module = inspect.getmodule(func)
    for name in sorted(set(re.findall(r"\b(_[a-z_]+)\(", text))):
        helper = getattr(module, name, None)
        if inspect.isfunction(helper) and helper not in seen:
            seen.add(helper)
            text += _source(helper, seen)
    return text


def _choose_a_unit_from_the_query():
    for name, view in _views():
        if not getattr(view, "__module__", "").startswith("chuyende."):
            continue
        text = _source(view, {view})
        if (
            _DIRECT.search(text)
            or _CHOSEN.search(text)
            or (_GET.search(text) and _FORM.search(text))
        ):
            yield name


def test_every_view_choosing_a_unit_from_the_query_is_walked():
    found = set(_choose_a_unit_from_the_query())
    listed = set(UNIT_QUERY_VIEWS) | set(NOT_SCOPED_BY_QUERY)
    assert found - listed == set(), f"add to UNIT_QUERY_VIEWS: {sorted(found - listed)}"
    assert set(UNIT_QUERY_VIEWS) <= found, (
        f"no longer found: {sorted(set(UNIT_QUERY_VIEWS) - found)}"
    )


def _url(name, query, world):
    from chuyende.core.tests.test_url_scoping import LIST_URLS, OBJECT_URLS

    if name in OBJECT_URLS:
        path = reverse(name, kwargs=OBJECT_URLS[name](world))
    else:
        assert name in LIST_URLS, name
        path = reverse(name)
    return path, query.format(b1=world.b1.pk, b=world.b.pk)


def _with(path, query):
    return path + ("&" if "?" in path else "?") + query.lstrip("?")


def _in_scope_objects(world):
    """Views about an object (a plan, a task, a report form, a material): the sibling subtree's
    own object is refused by the object walk already, so here the object is the province's,
    which both bob (A) and mallory (B) see; only the unit in the query is out of scope."""
    from django.core.files.base import ContentFile

    from chuyende.materials.models import Material
    from chuyende.reports.models import ReportForm
    from chuyende.reports.services import period_ensure

    form = ReportForm.objects.create(
        plan=world.plan,
        name="Báo cáo chuyên đề của tỉnh",
        period_kind="semester",
        reporting_kind="grassroots",
        recipient=world.province,
    )
    period = period_ensure("2024S1")
    material = Material(
        unit=world.province,
        title="Tài liệu học tập của tỉnh",
        kind="pdf",
        original_name="tai-lieu.pdf",
        file_size=9,
        uploaded_by=world.alice,
    )
    material.refresh_derived()
    material.file.save("tai-lieu.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    material.save()
    overview = {"pk": form.pk, "period": period.code}
    return {
        "plans:plan_board": {"pk": world.plan.pk},
        "plans:task_drill": {"pk": world.task.pk},
        "reports:completeness": overview,
        "reports:rollup": overview,
        "reports:rollup_xlsx": overview,
        "reports:compiled_docx": overview,
        "materials:material_downloads": {"pk": material.pk},
    }


@pytest.mark.django_db
def test_a_unit_out_of_scope_in_the_query_is_refused(client, world):
    objects = _in_scope_objects(world)
    served = []
    for username in ("bob", "carol"):
        client.force_login(getattr(world, username))
        for name, query in UNIT_QUERY_VIEWS.items():
            if name in objects:
                path = reverse(name, kwargs=objects[name])
                query = query.format(b1=world.b1.pk, b=world.b.pk)
            else:
                path, query = _url(name, query, world)
            response = client.get(_with(path, query))
            if response.status_code not in (403, 404) or "Content-Disposition" in response:
                served.append((username, name, response.status_code))
    assert served == [], f"a unit out of scope in the query was not refused: {served}"


@pytest.mark.django_db
def test_the_same_query_in_scope_is_served(client, world):
    """The walk above is not refusing everything: B's manager gets each page for B's unit."""
    objects = _in_scope_objects(world)
    client.force_login(world.mallory)
    refused = []
    for name, query in UNIT_QUERY_VIEWS.items():
        if name in objects:
            path = reverse(name, kwargs=objects[name])
            query = query.format(b1=world.b1.pk, b=world.b.pk)
        else:
            path, query = _url(name, query, world)
        response = client.get(_with(path, query))
        if response.status_code not in (200, 302):
            refused.append((name, response.status_code))
    assert refused == []
