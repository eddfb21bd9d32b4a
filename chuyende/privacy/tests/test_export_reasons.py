"""Exports holding personal fields ask why first (chuyende.core.reasons): without a reason no
file is made; with one, the file and an audit row saying who, when, from where, what and why.
Exports without personal fields stay one click. The inventory of every export is in
docs/privacy.md (section 4)."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chuyende.core.models import AuditEvent
from chuyende.org.models import Member, RoleAssignment
from chuyende.study.tests.helpers import attend, make_session
from chuyende.transfer.models import ExportJob

pytestmark = pytest.mark.django_db

REASON = "Gửi danh sách cho Bảo hiểm xã hội huyện"
PHONE = "0912345678"  # An's phone (conftest)


@pytest.fixture
def sensitive(world):
    Member.objects.filter(pk=world.an.pk).update(ethnicity="Ê Đê", religion="Tin Lành")
    world.an.refresh_from_db()
    return world


def _file(client, job):
    response = client.get(reverse("transfer:export_file", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def _full(client, meta=None, **extra):
    data = {"kind": "members", "format": "csv", "full": "1", **extra}
    return client.post(reverse("transfer:export_start"), data, **(meta or {}))


# The member list --------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   ", "ab"])
def test_a_full_member_export_without_a_reason_makes_no_file(client, sensitive, reason):
    client.force_login(sensitive.bob)
    response = _full(client, **({} if reason is None else {"reason": reason}), q="an")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Write why you need this file with personal data" in body
    assert "No file was made." in body
    assert 'name="reason"' in body and 'value="an"' in body  # the filters kept for a retry
    assert not ExportJob.objects.exists()
    assert not AuditEvent.objects.filter(action="export").exists()
    assert PHONE not in body


def test_a_full_member_export_with_its_reason_is_made_and_audited(client, sensitive):
    client.force_login(sensitive.bob)
    response = _full(client, {"REMOTE_ADDR": "198.51.100.4"}, reason=f"  {REASON} ")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and job.status == "done" and job.full_personal_data
    text = _file(client, job).decode("utf-8-sig")
    assert PHONE in text and "Ê Đê" in text and "Tin Lành" in text and "066085001234" in text
    asked, done = AuditEvent.objects.filter(action="export").order_by("pk")
    for event in (asked, done):
        assert event.actor == sensitive.bob and event.actor_name == "bob"  # who
        assert event.at is not None  # when
        assert event.object_type == "transfer.exportjob" and event.object_id == str(job.pk)
        assert event.changes["personal_data"] == "full"  # what
        assert "ethnicity" in event.changes["fields"] and "id_number" in event.changes["fields"]
        assert event.changes["reason"] == REASON  # why
    assert asked.changes["stage"] == "asked" and asked.ip_address == "198.51.100.4"
    assert done.changes["rows"] == job.row_count > 0


def test_the_masked_export_is_one_click_and_holds_no_sensitive_field(client, sensitive):
    client.force_login(sensitive.bob)
    client.post(reverse("transfer:export_start"), {"kind": "members", "format": "csv"})
    job = ExportJob.objects.get()
    assert job.status == "done" and not job.full_personal_data
    text = _file(client, job).decode("utf-8-sig")
    assert "Nguyễn Văn An" in text
    for value in (PHONE, "066085001234", "Ê Đê", "Tin Lành", "02/03/1985"):
        assert value not in text, value
    assert "•••" in text
    event = AuditEvent.objects.get(action="export")
    assert event.changes["personal_data"] == "masked" and "reason" not in event.changes


def test_a_full_export_needs_the_reveal_right_over_every_row(client, sensitive, django_user_model):
    """An editor of A1 who only views B: the list without a unit holds B's members too."""
    client.force_login(sensitive.erin)  # a viewer
    assert _full(client, reason=REASON).status_code == 403
    mixed = django_user_model.objects.create_user(username="mixed", password="pw")
    RoleAssignment.objects.create(user=mixed, unit=sensitive.a1, role="editor")
    RoleAssignment.objects.create(user=mixed, unit=sensitive.b, role="viewer")
    client.force_login(mixed)
    assert _full(client, reason=REASON).status_code == 403
    assert not ExportJob.objects.exists()
    assert _full(client, reason=REASON, unit=sensitive.a1.pk).status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "done" and job.unit == sensitive.a1
    assert "Phạm Quốc Khánh" not in _file(client, job).decode("utf-8-sig")


def test_a_filter_by_ethnicity_needs_the_same_right(client, sensitive):
    client.force_login(sensitive.erin)
    response = client.post(
        reverse("transfer:export_start"),
        {"kind": "members", "format": "csv", "ethnicity": "minority"},
    )
    assert response.status_code == 403 and not ExportJob.objects.exists()


def test_the_member_list_offers_the_full_export_with_a_reason_to_reveal_roles_only(
    client, sensitive
):
    client.force_login(sensitive.bob)
    body = client.get(reverse("org:member_list")).content.decode()
    assert 'id="member-export-full-form"' in body and 'name="reason"' in body
    assert 'name="full" value="1"' in body
    client.force_login(sensitive.erin)
    body = client.get(reverse("org:member_list")).content.decode()
    assert 'id="member-export"' in body and 'id="member-export-full-form"' not in body


# The participants of a study session ------------------------------------------------------------


@pytest.fixture
def session(sensitive):
    session = make_session(sensitive.a1, expected_mode="members")
    attend(session, sensitive.an, sensitive.binh)
    return session


def _rows(content):
    return [
        [str(v) for v in row if v is not None]
        for row in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)
    ]


def test_the_participants_list_is_one_click_with_the_ethnicity_masked(client, sensitive, session):
    client.force_login(sensitive.erin)  # a viewer may export it: no personal field in it
    response = client.get(reverse("study:participants_xlsx", args=[session.pk]))
    assert response.status_code == 200
    flat = " ".join(" ".join(row) for row in _rows(response.content))
    assert "Nguyễn Văn An" in flat and "Ê Đê" not in flat and "•••" in flat
    event = AuditEvent.objects.get(action="export")
    assert event.changes == {"what": "participants"}


@pytest.mark.parametrize("reason", [None, "", "ab"])
def test_the_participants_with_their_ethnicity_need_a_reason(client, sensitive, session, reason):
    client.force_login(sensitive.carol)
    url = reverse("study:participants_xlsx", args=[session.pk])
    response = client.post(url, {} if reason is None else {"reason": reason})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Disposition" not in response
    assert "Write why you need this file with personal data" in response.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_participants_with_their_ethnicity_and_a_reason(client, sensitive, session):
    client.force_login(sensitive.carol)
    response = client.post(
        reverse("study:participants_xlsx", args=[session.pk]),
        {"reason": REASON},
        REMOTE_ADDR="198.51.100.5",
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    flat = " ".join(" ".join(row) for row in _rows(response.content))
    assert "Ê Đê" in flat
    event = AuditEvent.objects.get(action="export")
    assert event.actor == sensitive.carol and event.ip_address == "198.51.100.5"
    assert event.object_type == "study.studysession" and event.object_id == str(session.pk)
    assert event.changes == {"what": "participants", "fields": ["ethnicity"], "reason": REASON}


def test_a_viewer_cannot_ask_for_the_ethnicity(client, sensitive, session):
    client.force_login(sensitive.erin)
    response = client.post(
        reverse("study:participants_xlsx", args=[session.pk]), {"reason": REASON}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_session_page_offers_the_reason_form_to_reveal_roles_only(client, sensitive, session):
    client.force_login(sensitive.carol)
    body = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert 'id="xlsx-sensitive-form"' in body and 'name="reason"' in body
    client.force_login(sensitive.erin)
    body = client.get(reverse("study:session_detail", args=[session.pk])).content.decode()
    assert 'id="xlsx-link"' in body and 'id="xlsx-sensitive-form"' not in body
