"""The occasions calendar: national seeding, local occasions, editing rights, the calendar page,
and the unit websites that tell the 'website' channel."""

import datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.outreach import selectors, services
from chuyende.outreach.models import UnitWebsite
from chuyende.outreach.occasions import NATIONAL_OCCASIONS, anniversary, occurrence
from chuyende.plans.models import Occasion

from .factories import make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def early_july_2024():
    with time_machine.travel("2024-07-05 09:00 +07:00", tick=False):
        yield


@pytest.fixture
def seeded(world):
    services.occasions_seed_national(root=world.root, acting_user=world.admin)
    world.union_day_2024 = Occasion.objects.create(
        unit=world.province,
        plan=world.plan,
        date=datetime.date(2024, 7, 28),
        name="95 năm Ngày thành lập Công đoàn Việt Nam",
    )
    world.province_day = Occasion.objects.create(
        unit=world.province,
        plan=world.plan,
        date=datetime.date(2024, 11, 22),
        name="120 năm Ngày thành lập tỉnh Đắk Lắk",
    )
    world.ea_kar_day = Occasion.objects.create(
        unit=world.b, date=datetime.date(1977, 9, 10), name="Ngày thành lập huyện", recurring=True
    )
    return world


def test_national_occasions_are_seeded_once_on_the_root_as_recurring(world):
    created = services.occasions_seed_national(root=world.root, acting_user=world.admin)
    assert len(created) == len(NATIONAL_OCCASIONS)
    union_day = Occasion.objects.get(unit=world.root, name="Ngày thành lập Công đoàn Việt Nam")
    assert union_day.recurring and union_day.date == datetime.date(1929, 7, 28)
    names = set(Occasion.objects.filter(unit=world.root).values_list("name", flat=True))
    assert {
        "Ngày thành lập Đảng Cộng sản Việt Nam",
        "Ngày Giải phóng miền Nam, thống nhất đất nước",
        "Ngày Quốc tế Lao động",
        "Ngày sinh Chủ tịch Hồ Chí Minh",
        "Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam",
        "Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam",
        "Ngày Nhà giáo Việt Nam",
    } <= names
    assert services.occasions_seed_national(root=world.root, acting_user=world.admin) == []
    assert Occasion.objects.filter(unit=world.root).count() == len(NATIONAL_OCCASIONS)
    assert AuditEvent.objects.filter(object_type="plans.occasion", action="create").count() == 1


def test_only_a_manager_of_the_root_seeds_national_occasions_and_only_on_the_root(world):
    with pytest.raises(PermissionDenied):
        services.occasions_seed_national(root=world.root, acting_user=world.alice)
    with pytest.raises(ValidationError):
        services.occasions_seed_national(root=world.province, acting_user=world.alice)
    assert not Occasion.objects.exists()


def test_a_recurring_occasion_falls_on_its_day_each_year_and_counts_its_years():
    founded = datetime.date(1929, 7, 28)
    assert occurrence(founded, True, 2024) == datetime.date(2024, 7, 28)
    assert anniversary(founded, True, 2024) == 95
    assert occurrence(datetime.date(2024, 11, 22), False, 2025) is None
    assert anniversary(datetime.date(2024, 11, 22), False, 2024) is None
    assert occurrence(datetime.date(2000, 2, 29), True, 2023) == datetime.date(2023, 2, 28)


def test_managers_edit_the_occasions_of_their_units_and_nobody_elses(seeded):
    w = seeded
    local = services.occasion_create(
        unit=w.a,
        acting_user=w.bob,
        fields={
            "name": " Ngày  giải phóng Buôn Ma Thuột ",
            "date": datetime.date(1975, 3, 10),
            "recurring": True,
        },
    )
    assert local.name == "Ngày giải phóng Buôn Ma Thuột"
    with pytest.raises(PermissionDenied):
        services.occasion_create(
            unit=w.a1, acting_user=w.carol, fields={"name": "x", "date": datetime.date(2024, 1, 1)}
        )
    with pytest.raises(PermissionDenied):
        services.occasion_update(occasion=w.union_day_2024, acting_user=w.bob, fields={"name": "x"})
    services.occasion_update(
        occasion=w.union_day_2024, acting_user=w.alice, fields={"name": "95 năm"}
    )
    w.union_day_2024.refresh_from_db()
    assert w.union_day_2024.name == "95 năm"
    with pytest.raises(ValidationError):
        services.occasion_update(occasion=local, acting_user=w.bob, fields={"name": ""})


def test_an_occasion_with_posts_is_not_deleted(seeded):
    w = seeded
    make_post(w.a1, occasion=w.union_day_2024)
    with pytest.raises(ValidationError):
        services.occasion_delete(occasion=w.union_day_2024, acting_user=w.alice)
    services.occasion_delete(occasion=w.province_day, acting_user=w.alice)
    assert not Occasion.objects.filter(pk=w.province_day.pk).exists()
    assert Occasion.objects.filter(pk=w.union_day_2024.pk).exists()


def test_the_calendar_lists_upcoming_months_first_with_posts_per_occasion(client, seeded):
    w = seeded
    make_post(w.a1, occasion=w.union_day_2024, published_on=datetime.date(2024, 7, 20))
    make_post(w.a2, occasion=w.union_day_2024, published_on=datetime.date(2024, 7, 1))
    make_post(w.a2, occasion=w.union_day_2024, status="rejected")
    make_post(w.b1, occasion=w.union_day_2024)  # outside bob's scope
    client.force_login(w.bob)
    response = client.get(reverse("outreach:calendar"))
    months = response.context["months"]
    assert months[0].first == datetime.date(2024, 7, 1)
    assert months[-1].first == datetime.date(2025, 6, 1)
    july = {e.occasion.name: e for e in months[0].entries}
    assert july["95 năm Ngày thành lập Công đoàn Việt Nam"].posts == 2
    assert july["Ngày thành lập Công đoàn Việt Nam"].years == 95
    assert july["Ngày thành lập Công đoàn Việt Nam"].is_round
    body = response.content.decode()
    assert "Ea Kar" not in body and "Ngày thành lập huyện" not in body
    assert 'data-posts="2"' in body
    # bob manages neither the root's nor the province's occasions
    assert "data-edit-occasion" not in body
    assert all(e.sessions is None for m in months for e in m.entries)


def test_a_past_year_can_be_shown_whole(client, seeded):
    client.force_login(seeded.alice)
    response = client.get(reverse("outreach:calendar") + "?year=2024")
    months = response.context["months"]
    assert [m.first.month for m in months] == list(range(1, 13))
    november = [e.occasion.name for e in months[10].entries]
    assert "120 năm Ngày thành lập tỉnh Đắk Lắk" in november
    assert f'data-edit-occasion="{seeded.province_day.pk}"' in response.content.decode()


def test_the_calendar_query_count_does_not_grow_with_occasions_and_posts(client, seeded):
    w = seeded
    client.force_login(w.alice)
    url = reverse("outreach:calendar")
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for day in range(1, 25):
        occasion = Occasion.objects.create(
            unit=w.a, date=datetime.date(2024, 8, day), name=f"Ngày {day}"
        )
        make_post(w.a1, occasion=occasion, published_on=datetime.date(2024, 7, day))
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few.captured_queries) == len(many.captured_queries)


def test_occasion_pages_add_edit_and_refuse_deleting_one_with_posts(client, seeded):
    w = seeded
    client.force_login(w.bob)
    response = client.post(
        reverse("outreach:occasion_create"),
        {
            "unit": w.a.pk,
            "name": "Ngày truyền thống LĐLĐ thành phố",
            "date": "15/04/1980",
            "recurring": "on",
        },
    )
    assert response.status_code == 302
    occasion = Occasion.objects.get(name="Ngày truyền thống LĐLĐ thành phố")
    assert occasion.recurring and occasion.unit == w.a
    response = client.post(
        reverse("outreach:occasion_create"), {"unit": w.b.pk, "name": "x", "date": "01/01/2024"}
    )
    assert response.status_code == 200 and not Occasion.objects.filter(name="x").exists()
    assert (
        client.get(reverse("outreach:occasion_edit", args=[w.union_day_2024.pk])).status_code == 403
    )
    make_post(w.a1, occasion=occasion)
    response = client.post(reverse("outreach:occasion_delete", args=[occasion.pk]))
    assert response.status_code == 302 and Occasion.objects.filter(pk=occasion.pk).exists()
    client.force_login(w.carol)
    assert client.get(reverse("outreach:occasion_create")).status_code == 403


def test_a_session_count_appears_when_the_study_module_ties_sessions_to_occasions(seeded):
    from django.apps import apps

    try:
        model = apps.get_model("study", "StudySession")
    except LookupError:
        model = None
    has_tie = model is not None and any(f.name == "occasion" for f in model._meta.get_fields())
    counts = selectors._study_sessions_per_occasion(seeded.alice, [seeded.union_day_2024.pk])
    assert (counts is not None) == has_tie


def test_managers_record_their_units_websites(client, world):
    client.force_login(world.bob)
    response = client.post(
        reverse("outreach:website_list"), {"unit": world.a.pk, "domain": "https://www.LDLDBMT.vn/"}
    )
    assert response.status_code == 302
    website = UnitWebsite.objects.get()
    assert (website.domain, website.unit) == ("ldldbmt.vn", world.a)
    response = client.post(
        reverse("outreach:website_list"), {"unit": world.a.pk, "domain": "ldldbmt.vn"}
    )
    assert response.status_code == 200 and UnitWebsite.objects.count() == 1
    client.force_login(world.carol)
    assert "ldldbmt.vn" in client.get(reverse("outreach:website_list")).content.decode()
    response = client.post(reverse("outreach:website_delete", args=[website.pk]))
    assert response.status_code == 403
    client.force_login(world.bob)
    client.post(reverse("outreach:website_delete", args=[website.pk]))
    assert not UnitWebsite.objects.exists()
    assert AuditEvent.objects.filter(object_type="outreach.unitwebsite").count() == 2
