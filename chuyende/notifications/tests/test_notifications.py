"""Notifications: each person sees and marks only their own; the navbar count is one query;
delivery is de-duplicated per person, key and day; the daily digest is one e-mail per person."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.notifications.context import unread
from chuyende.notifications.models import Notification
from chuyende.notifications.services import Delivery, digests_send, notifications_deliver

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 7, 15)


def note(user, unit, title="Nhắc báo cáo", **extra):
    return Notification.objects.create(
        user=user, unit=unit, kind="reminder", title=title, day=extra.pop("day", DAY), **extra
    )


def test_the_list_shows_only_the_users_own_notifications_even_to_a_manager_above(client, world):
    note(world.bob, world.a, "Nhắc bob")
    note(world.alice, world.province, "Nhắc alice")
    client.force_login(world.alice)
    body = client.get(reverse("notifications:notification_list")).content.decode()
    assert "Nhắc alice" in body and "Nhắc bob" not in body


def test_unread_filter_hides_read_notifications(client, world):
    note(world.bob, world.a, "Đã đọc", read_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    note(world.bob, world.a, "Chưa đọc")
    client.force_login(world.bob)
    body = client.get(reverse("notifications:notification_list") + "?unread=1").content.decode()
    assert "Chưa đọc" in body and "Đã đọc" not in body


def test_marking_one_read_with_htmx_returns_its_row_and_audits(client, world):
    n = note(world.bob, world.a)
    client.force_login(world.bob)
    response = client.post(
        reverse("notifications:notification_read", args=[n.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert f'id="notification-{n.pk}"' in response.content.decode()
    assert 'data-read="1"' in response.content.decode()
    n.refresh_from_db()
    assert n.read_at is not None
    assert AuditEvent.objects.filter(object_id=str(n.pk), action="update").exists()


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, world):
    n = note(world.bob, world.a, link=reverse("reports:report_list"))
    client.force_login(world.bob)
    response = client.post(reverse("notifications:notification_read", args=[n.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("reports:report_list")
    n.refresh_from_db()
    assert n.is_read


def test_an_outside_link_is_never_followed(client, world):
    n = note(world.bob, world.a, link="https://evil.example/")
    client.force_login(world.bob)
    response = client.post(reverse("notifications:notification_read", args=[n.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:notification_list")


def test_someone_elses_notification_answers_404_and_stays_unread(client, world):
    n = note(world.bob, world.a)
    client.force_login(world.alice)
    response = client.post(reverse("notifications:notification_read", args=[n.pk]))
    assert response.status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_mark_all_read_touches_only_the_users_own(client, world):
    mine = [note(world.bob, world.a) for _ in range(3)]
    other = note(world.alice, world.province)
    client.force_login(world.bob)
    response = client.post(reverse("notifications:notification_read_all"))
    assert response.status_code == 302
    assert Notification.objects.filter(pk__in=[n.pk for n in mine], read_at=None).count() == 0
    other.refresh_from_db()
    assert other.read_at is None


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_list_issues_the_same_number_of_queries_with_few_and_many_rows(client, world):
    client.force_login(world.bob)
    url = reverse("notifications:notification_list")
    for _ in range(2):
        note(world.bob, world.a1)
    few = _count(client, url)
    for i in range(40):
        note(world.bob, [world.a1, world.a2, world.a][i % 3], link="/reports/")
    assert _count(client, url) == few


def test_the_unread_count_is_one_query_and_zero_for_visitors(world):
    note(world.bob, world.a)
    note(world.bob, world.a, read_at=datetime.datetime(2024, 7, 1, tzinfo=datetime.UTC))
    note(world.alice, world.province)
    request = RequestFactory().get("/")
    request.user = world.bob
    with CaptureQueriesContext(connection) as ctx:
        assert unread(request) == {"unread_notifications": 1}
    assert len(ctx.captured_queries) == 1
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert unread(request) == {"unread_notifications": 0}


def _delivery(user, unit, key="reminder:1:1:1", title="Nhắc"):
    return Delivery(user.pk, unit, "reminder", key, title, "", "/reports/")


def test_the_same_notification_is_never_delivered_twice_to_a_person_on_one_day(world):
    batch = [_delivery(world.bob, world.a), _delivery(world.bob, world.a)]
    assert notifications_deliver(deliveries=batch, day=DAY) == 1
    assert notifications_deliver(deliveries=batch, day=DAY) == 0
    assert notifications_deliver(deliveries=[_delivery(world.carol, world.a1)], day=DAY) == 1
    assert notifications_deliver(deliveries=batch, day=DAY + datetime.timedelta(days=1)) == 1
    assert Notification.objects.filter(user=world.bob).count() == 2


def test_the_digest_is_one_email_per_person_per_day_and_none_without_an_address(world):
    world.bob.email = "bob@example.vn"
    world.bob.save()
    note(world.bob, world.a, "Thứ nhất")
    note(world.bob, world.a1, "Thứ hai", link="/reports/")
    note(world.bob, world.a, "Hôm khác", day=DAY - datetime.timedelta(days=1))
    note(world.carol, world.a1, "Không có email")
    assert digests_send(day=DAY) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bob@example.vn"]
    assert "Thứ nhất" in message.body and "Thứ hai" in message.body
    assert "Hôm khác" not in message.body
    assert digests_send(day=DAY) == 0
    assert len(mail.outbox) == 1
    assert Notification.objects.filter(user=world.bob, day=DAY, emailed_at=None).count() == 0
    assert Notification.objects.get(user=world.carol).emailed_at is None
