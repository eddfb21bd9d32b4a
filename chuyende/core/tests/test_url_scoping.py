"""Walks every URL pattern of the project: no login, out of scope (a sibling subtree), in scope.

Each app lists its URLs in `chuyende/<app>/tests/url_samples.py` (OBJECT_URLS: kwargs of an
object in the sibling subtree B; LIST_URLS: a query string that would show B's rows; PUBLIC:
names open without login). A new URL fails `test_every_url_is_covered` until it is listed, so
scoping keeps being tested as the project grows.
"""

import importlib

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# URLs open to anyone, or not about unit-bound data.
PUBLIC = {"login", "logout", "set_language", "healthz", "javascript-catalog"}
NAMESPACES_ELSEWHERE = {"admin"}  # Django admin: staff only, tested in test_admin_access

OBJECT_URLS = {}
LIST_URLS = {
    "core:home": "",
    "core:audit_list": "",
}
for config in apps.get_app_configs():
    if not config.name.startswith("chuyende."):
        continue
    try:
        samples = importlib.import_module(f"{config.name}.tests.url_samples")
    except ModuleNotFoundError:
        continue
    OBJECT_URLS.update(getattr(samples, "OBJECT_URLS", {}))
    LIST_URLS.update(getattr(samples, "LIST_URLS", {}))
    PUBLIC |= set(getattr(samples, "PUBLIC", ()))
FOREIGN_TEXT = ["Ea Kar", "Phạm Quốc Khánh", "0977000111", "066090009999"]


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace in NAMESPACES_ELSEWHERE:
                continue
            yield from _names(entry, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name


def test_every_url_is_covered():
    uncovered = set(_names()) - PUBLIC - set(OBJECT_URLS) - set(LIST_URLS)
    assert not uncovered, f"add these URLs to the scoping walk: {sorted(uncovered)}"


def _all_urls(w):
    urls = [reverse(name) + query for name, query in LIST_URLS.items()]
    urls += [reverse(name, kwargs=make(w)) for name, make in OBJECT_URLS.items()]
    return urls


@pytest.mark.django_db
def test_no_login_redirects_every_url_to_login(client, world):
    for url in _all_urls(world):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (302, 405), url
            if response.status_code == 302:
                assert response["Location"].startswith(reverse("login")), url


@pytest.mark.django_db
def test_sibling_subtree_objects_answer_404_or_403(client, world):
    client.force_login(world.bob)
    for name, make in OBJECT_URLS.items():
        url = reverse(name, kwargs=make(world))
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code in (403, 404, 405), (name, response.status_code)


@pytest.mark.django_db
def test_sibling_subtree_data_never_shows_in_lists(client, world):
    client.force_login(world.bob)
    for name, query in LIST_URLS.items():
        response = client.get(reverse(name) + query)
        assert response.status_code in (200, 403, 405), name
        body = response.content.decode(errors="replace")  # some lists are files (.xlsx)
        for text in FOREIGN_TEXT:
            assert text not in body, (name, text)


@pytest.mark.django_db
def test_foreign_objects_are_untouched_after_the_walk(client, world):
    client.force_login(world.bob)
    for name, make in OBJECT_URLS.items():
        client.post(
            reverse(name, kwargs=make(world)),
            {
                "full_name": "Hacked",
                "name": "Hacked",
                "new_parent": world.a.pk,
                "target": world.a1.pk,
            },
        )
    world.foreign.refresh_from_db()
    world.b1.refresh_from_db()
    assert world.foreign.full_name == "Phạm Quốc Khánh"
    assert world.b1.name == "Công đoàn Công ty Cà phê Ea Kar"
    assert world.b1.active
    assert world.b1.path.startswith(world.b.path)


@pytest.mark.django_db
def test_in_scope_objects_open_for_their_manager(client, world):
    client.force_login(world.mallory)
    for name, make in OBJECT_URLS.items():
        response = client.get(reverse(name, kwargs=make(world)))
        assert response.status_code in (200, 405), name


@pytest.mark.django_db
def test_a_member_sees_only_their_own_record(client, world):
    client.force_login(world.dave)
    assert client.get(reverse("org:member_detail", kwargs={"pk": world.binh.pk})).status_code == 200
    assert client.get(reverse("org:member_detail", kwargs={"pk": world.an.pk})).status_code == 404
    body = client.get(reverse("org:member_list")).content.decode()
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body


@pytest.mark.django_db
def test_admin_is_for_system_administrators_only(client, world):
    client.force_login(world.alice)
    assert client.get("/admin/").status_code == 302
    client.force_login(world.admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/org/unit/").status_code == 200
