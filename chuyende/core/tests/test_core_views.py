import pytest
from django.test import Client
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.org import services

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_and_counts(client, world):
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data == {
        "status": "ok",
        "database": "sqlite" if data["database"] == "sqlite" else "postgresql",
        "units": 7,
        "members": 4,
    }


def test_dashboard_counts_only_the_users_scope(client, world):
    client.force_login(world.bob)
    figures = client.get(reverse("core:home")).context["figures"]
    assert figures.members == 3
    assert figures.by_gender == {"male": 1, "female": 2}
    assert figures.ethnic_minority == 1
    assert dict(figures.by_ethnicity) == {"Kinh": 2, "Ê Đê": 1}
    client.force_login(world.alice)
    assert client.get(reverse("core:home")).context["figures"].members == 4


def test_dashboard_says_when_a_user_has_no_role(client, world):
    client.force_login(world.nobody)
    response = client.get(reverse("core:home"))
    assert response.context["no_role"] is True
    assert response.context["figures"].members == 0


def test_audit_log_is_scoped_to_the_managers_subtree(client, world):
    from django.db import transaction

    with transaction.atomic():
        services.member_reveal(
            member=world.foreign, acting_user=world.mallory, reason="Kiểm tra hồ sơ"
        )
        services.member_reveal(member=world.an, acting_user=world.bob, reason="Kiểm tra hồ sơ")
    client.force_login(world.bob)
    events = list(client.get(reverse("core:audit_list")).context["page"])
    assert [e.object_repr for e in events] == ["Nguyễn Văn An"]
    client.force_login(world.alice)
    assert len(client.get(reverse("core:audit_list")).context["page"]) == 2


def test_audit_log_is_closed_to_editors_and_viewers(client, world):
    for user in (world.carol, world.erin, world.dave):
        client.force_login(user)
        assert client.get(reverse("core:audit_list")).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_audit_rows_cannot_be_written_outside_a_transaction(world):
    from chuyende.core.audit import audit_record

    with pytest.raises(RuntimeError):
        audit_record(actor=world.bob, action="update", obj=world.an)
    assert not AuditEvent.objects.exists()


def test_login_is_throttled_after_repeated_failures(world):
    browser = Client()
    url = reverse("login")
    for _ in range(4):
        response = browser.post(url, {"username": "bob", "password": "wrong"})
        assert response.status_code == 200
    assert browser.post(url, {"username": "bob", "password": "wrong"}).status_code == 429
    response = browser.post(url, {"username": "bob", "password": "pw"})
    assert response.status_code == 429
    assert b"15" in response.content


def test_a_good_login_lands_on_the_dashboard(world):
    browser = Client()
    response = browser.post(reverse("login"), {"username": "bob", "password": "pw"})
    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_dates_and_numbers_print_the_vietnamese_way(client, world):
    from django.utils import formats, translation

    with translation.override("vi"):
        assert formats.date_format(world.an.date_of_birth, "SHORT_DATE_FORMAT") == "02/03/1985"
        assert (
            formats.number_format(1234.5, decimal_pos=1, use_l10n=True, force_grouping=True)
            == "1.234,5"
        )
