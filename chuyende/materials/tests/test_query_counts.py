"""The list, the material page and the downloads roll-up issue a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.materials.models import MaterialDownload
from conftest import make_unit

from .factories import make_material

pytestmark = pytest.mark.django_db


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _grow(world, n):
    """n more grassroots unions under A, n more materials, and downloads from every unit."""
    units = [
        make_unit(world.a, f"G{i:03d}", f"Công đoàn Trường số {i}", "grassroots") for i in range(n)
    ]
    materials = [
        make_material(
            world.province,
            f"Tài liệu số {i}",
            kind=("pdf", "video", "link")[i % 3],
            plan=world.plan,
            audiences=[f"Đối tượng {i}", "Đoàn viên"],
        )
        for i in range(n)
    ]
    MaterialDownload.objects.bulk_create(
        MaterialDownload(material=m, unit=u)
        for m in materials
        for u in [*units, world.a1, world.b1]
    )


# (url name, query, expected queries: session, user, scope, unread notifications, the page)
PAGES = [
    ("materials:material_list", "", 10),
    ("materials:material_list", "?q=tai lieu&kind=pdf&audience=Đoàn viên", 10),
    ("materials:material_detail", None, 6),
    ("materials:material_downloads", None, 10),
    ("materials:material_downloads", "a", 10),
]


@pytest.mark.parametrize(("name", "query", "expected"), PAGES)
def test_page_query_count_does_not_grow_with_rows(client, world, name, query, expected):
    first = make_material(world.province, "Tài liệu đầu tiên", plan=world.plan)
    MaterialDownload.objects.create(material=first, unit=world.a1)
    client.force_login(world.alice)
    if query is None:
        url = reverse(name, args=[first.pk])
    elif query == "a":
        url = reverse(name, args=[first.pk]) + f"?unit={world.a.pk}"
    else:
        url = reverse(name) + query
    small = _count(client, url)
    _grow(world, 15)
    large = _count(client, url)
    assert small == large == expected
