import pytest
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.privacy import notice, selectors, services
from chuyende.privacy.choices import ConsentAction, ConsentMethod, ConsentState
from chuyende.privacy.models import ConsentRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def gate(settings):
    settings.PRIVACY_CONSENT_GATE = True
    return settings


def _agree(client, next_url=""):
    return client.post(reverse("privacy:consent"), {"agree": "on", "next": next_url})


# The page a member passes once per version -------------------------------------------------------


def test_a_member_meets_the_notice_before_any_other_page(client, world, gate):
    client.force_login(world.dave)
    url = reverse("org:member_detail", args=[world.binh.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("privacy:consent"))
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Law on Personal Data Protection No. 91/2025/QH15" in page.content.decode()
    # the privacy pages and logging out stay open
    assert client.get(reverse("privacy:my_data")).status_code == 200
    assert client.get(reverse("privacy:notice")).status_code == 200

    response = _agree(client, url)
    assert response.status_code == 302 and response["Location"] == url
    assert client.get(url).status_code == 200
    record = ConsentRecord.objects.get(member=world.binh)
    assert record.action == ConsentAction.GIVEN and record.method == ConsentMethod.ONLINE
    assert record.version == notice.CURRENT_VERSION and record.recorded_by == world.dave
    assert record.ip_address == "127.0.0.1"
    event = AuditEvent.objects.get(object_type="privacy.consentrecord")
    assert event.actor == world.dave and event.unit == world.a1
    assert event.changes["decision"] == "given"


def test_the_page_must_be_ticked_and_an_outside_next_is_ignored(client, world, gate):
    client.force_login(world.dave)
    response = client.post(reverse("privacy:consent"), {})
    assert response.status_code == 200
    assert "Tick the box to agree" in response.content.decode()
    assert not ConsentRecord.objects.exists()
    response = _agree(client, "https://evil.example/")
    assert response["Location"] == reverse("core:home")


def test_once_passed_the_session_asks_the_database_no_more(client, world, gate):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chuyende.privacy.middleware import SESSION_KEY

    services.consent_give(member=world.binh, acting_user=world.dave)
    client.force_login(world.dave)
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("core:home")).status_code == 200
    assert any("privacy_consentrecord" in q["sql"] for q in first.captured_queries)
    assert client.session[SESSION_KEY] == notice.CURRENT_VERSION
    with CaptureQueriesContext(connection) as second:
        assert client.get(reverse("core:home")).status_code == 200
    assert not any("privacy_consentrecord" in q["sql"] for q in second.captured_queries)


def test_a_new_version_of_the_notice_asks_again(client, world, gate, monkeypatch):
    services.consent_give(member=world.binh, acting_user=world.dave)
    client.force_login(world.dave)
    assert client.get(reverse("core:home")).status_code == 200
    import datetime

    monkeypatch.setitem(notice.VERSIONS, "2027-01", datetime.date(2027, 1, 1))
    monkeypatch.setattr(notice, "CURRENT_VERSION", "2027-01")
    same_text = notice.template_for
    monkeypatch.setattr(notice, "template_for", lambda v, lang=None: same_text("2026-01", lang))
    client.logout()
    client.force_login(world.dave)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    page = client.get(reverse("privacy:consent"))
    assert page.context["state"] == ConsentState.OUTDATED
    _agree(client)
    assert client.get(reverse("core:home")).status_code == 200
    assert list(
        ConsentRecord.objects.filter(member=world.binh).order_by("at").values_list("version")
    ) == [("2026-01",), ("2027-01",)]


def test_officers_without_a_member_record_are_not_asked(client, world, gate):
    client.force_login(world.bob)
    assert client.get(reverse("core:home")).status_code == 200
    page = client.get(reverse("privacy:consent"))
    assert page.status_code == 200 and page.context["member"] is None
    assert client.post(reverse("privacy:consent"), {"agree": "on"}).status_code == 403


def test_htmx_requests_are_redirected_by_header(client, world, gate):
    client.force_login(world.dave)
    response = client.get(reverse("org:member_list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"].startswith(reverse("privacy:consent"))


def test_the_gate_can_be_turned_off(client, world, settings):
    settings.PRIVACY_CONSENT_GATE = False
    client.force_login(world.dave)
    assert client.get(reverse("core:home")).status_code == 200


def test_withdrawal_is_recorded_and_the_member_is_asked_again(client, world, gate):
    services.consent_give(member=world.binh, acting_user=world.dave)
    client.force_login(world.dave)
    assert client.get(reverse("core:home")).status_code == 200
    assert client.get(reverse("privacy:consent_withdraw")).status_code == 405
    response = client.post(reverse("privacy:consent_withdraw"))
    assert response["Location"] == reverse("privacy:my_data")
    last = selectors.latest_consent(world.binh)
    assert last.action == ConsentAction.WITHDRAWN and last.method == ConsentMethod.ONLINE
    assert client.get(reverse("core:home")).status_code == 302
    body = client.get(reverse("privacy:my_data")).content.decode()
    assert "You withdrew your consent" in body


def test_withdrawal_needs_a_member_record(client, world):
    client.force_login(world.bob)
    assert client.post(reverse("privacy:consent_withdraw")).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_no_login_is_sent_to_the_login_page(client, world):
    for name in ("privacy:consent", "privacy:consent_withdraw", "privacy:consent_list"):
        response = client.post(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert client.get(reverse("privacy:notice")).status_code == 200


def test_every_version_of_the_notice_has_its_text_in_both_languages():
    from django.template.loader import get_template

    for version in notice.VERSIONS:
        for language in ("vi", "en"):
            assert get_template(notice.template_for(version, language))


def test_the_notice_is_public_in_both_languages(client, world):
    body = client.get(reverse("privacy:notice")).content.decode()
    assert "Who sees your data" in body and "5 years" in body
    client.cookies["django_language"] = "vi"
    body = client.get(reverse("privacy:notice")).content.decode()
    assert "Ai được xem dữ liệu của bạn" in body and "5 năm" in body


# Paper forms recorded by officers, and the officers' view ------------------------------------------


def _paper(**extra):
    return {
        "action": "given",
        "version": notice.CURRENT_VERSION,
        "signed_on": "05/01/2026",
        "reference": "Phiếu số 12",
        **extra,
    }


def test_an_editor_records_a_paper_form_for_a_member_of_their_unit(client, world):
    client.force_login(world.carol)
    url = reverse("privacy:consent_member", args=[world.an.pk])
    response = client.post(url, _paper())
    assert response.status_code == 302
    record = ConsentRecord.objects.get(member=world.an)
    assert record.method == ConsentMethod.PAPER and record.recorded_by == world.carol
    assert record.reference == "Phiếu số 12" and record.signed_on.isoformat() == "2026-01-05"
    assert AuditEvent.objects.filter(object_type="privacy.consentrecord", actor=world.carol)
    body = client.get(url).content.decode()
    assert "Phiếu số 12" in body and "carol" in body


def test_a_paper_form_is_checked(client, world):
    client.force_login(world.carol)
    url = reverse("privacy:consent_member", args=[world.an.pk])
    body = client.post(url, _paper(signed_on="01/01/2099")).content.decode()
    assert "cannot be signed in the future" in body
    body = client.post(url, _paper(signed_on="01/06/2025")).content.decode()
    assert "took effect on 01/01/2026" in body
    assert not ConsentRecord.objects.exists()


def test_a_viewer_sees_consent_but_cannot_record_it(client, world):
    client.force_login(world.erin)
    url = reverse("privacy:consent_member", args=[world.an.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, _paper()).status_code == 403
    assert not ConsentRecord.objects.exists()


def test_a_member_of_another_subtree_is_out_of_reach(client, world):
    client.force_login(world.bob)
    url = reverse("privacy:consent_member", args=[world.foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, _paper()).status_code == 404
    assert not ConsentRecord.objects.exists()


def test_the_consent_list_shows_the_scope_and_filters_by_state(client, world):
    services.consent_give(member=world.binh, acting_user=world.dave)
    from django.db import transaction

    with transaction.atomic():
        services.consent_record_paper(
            member=world.an,
            acting_user=world.carol,
            action="withdrawn",
            version=notice.CURRENT_VERSION,
            signed_on=notice.VERSIONS[notice.CURRENT_VERSION],
        )
    client.force_login(world.bob)
    url = reverse("privacy:consent_list")
    page = client.get(url).context["page"]
    states = {m.full_name: m.consent_state for m in page}
    assert states == {
        "Nguyễn Văn An": ConsentState.WITHDRAWN,
        "Trần Thị Bình": ConsentState.CURRENT,
        "H'Nga Byă": ConsentState.NONE,
    }
    assert [m.full_name for m in client.get(url, {"state": "current"}).context["page"]] == [
        "Trần Thị Bình"
    ]
    assert [m.full_name for m in client.get(url, {"state": "none"}).context["page"]] == [
        "H'Nga Byă"
    ]
    assert [m.full_name for m in client.get(url, {"unit": world.a2.pk}).context["page"]] == [
        "H'Nga Byă"
    ]
    assert client.get(url, {"unit": world.b1.pk}).status_code == 404
    client.force_login(world.mallory)
    assert [m.full_name for m in client.get(url).context["page"]] == ["Phạm Quốc Khánh"]


def test_the_consent_list_is_for_officers(client, world):
    client.force_login(world.dave)
    assert client.get(reverse("privacy:consent_list")).status_code == 403
    client.force_login(world.nobody)
    assert client.get(reverse("privacy:consent_list")).status_code == 403
