"""Screens: in scope, out of scope, no login; the decision .docx and its annex table; query
counts of the lists."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document

from chuyende.core.models import AuditEvent
from chuyende.honors.models import AwardDecision, Nomination, NominationPhoto

from .helpers import JPEG, at_province, decide, foreign, jpeg, propose, propose_collective

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, world):
    nomination = propose(world)
    for url in (
        reverse("honors:nomination_list"),
        reverse("honors:nomination_detail", args=[nomination.pk]),
        reverse("honors:decision_create"),
        reverse("honors:quota_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_the_list_shows_what_waits_for_me(client, world):
    mine = propose(world)
    foreign(world)
    client.force_login(world.bob)
    body = client.get(reverse("honors:nomination_list") + "?mine=on").content.decode()
    assert f'data-nomination="{mine.pk}"' in body and "Ea Kar" not in body
    assert 'data-awaiting="1"' in body
    client.force_login(world.alice)
    body = client.get(reverse("honors:nomination_list") + "?mine=on").content.decode()
    assert f'data-nomination="{mine.pk}"' not in body  # A's turn, not the province's
    body = client.get(reverse("honors:nomination_list") + "?q=tran thi binh").content.decode()
    assert f'data-nomination="{mine.pk}"' in body


def test_an_officer_proposes_through_the_form_with_a_photo(client, world):
    client.force_login(world.carol)
    url = reverse("honors:nomination_create")
    page = client.get(
        url + "?member_q=binh", headers={"HX-Request": "true", "HX-Target": "member-results"}
    )
    assert (
        "Trần Thị Bình" in page.content.decode() and "Phạm Quốc Khánh" not in page.content.decode()
    )
    response = client.post(
        url,
        {
            "unit": world.a1.pk,
            "kind": "person",
            "member": world.binh.pk,
            "category": "good_deeds",
            "title": "Giữ lửa cồng chiêng",
            "achievement": "Câu chuyện",
            "year": 2024,
            "showcase": "on",
            "photos": [jpeg("a.jpg"), jpeg("b.jpg")],
        },
    )
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("honors:nomination_detail", args=[nomination.pk])
    assert nomination.photos.count() == 2
    detail = client.get(response["Location"]).content.decode()
    assert 'data-step="submit"' in detail and 'id="edit-nomination"' in detail
    assert 'id="act-forward"' not in detail  # not carol's to review


def test_the_form_explains_a_member_outside_the_subtree_and_saves_nothing(client, world):
    client.force_login(world.carol)
    response = client.post(
        reverse("honors:nomination_create"),
        {
            "unit": world.a1.pk,
            "kind": "person",
            "member": world.foreign.pk,
            "category": "good_deeds",
            "title": "X",
            "achievement": "Y",
            "year": 2024,
            "photos": [jpeg()],
        },
    )
    assert response.status_code == 200
    assert "is not a member of Công đoàn Trường THCS Lê Lợi" in response.content.decode()
    assert not Nomination.objects.exists() and not NominationPhoto.objects.exists()


def test_the_reviewer_acts_from_the_detail_page(client, world):
    nomination = propose(world)
    client.force_login(world.bob)
    detail = client.get(reverse("honors:nomination_detail", args=[nomination.pk])).content.decode()
    assert 'id="act-forward"' in detail and 'id="act-grant"' in detail
    url = reverse("honors:nomination_act", args=[nomination.pk])
    client.post(url, {"action": "return", "comment": ""})
    nomination.refresh_from_db()
    assert nomination.status == "submitted"  # a return needs its reason
    client.post(url, {"action": "forward", "comment": "Đề nghị tặng Bằng khen."})
    nomination.refresh_from_db()
    assert nomination.status == "forwarded" and nomination.holder == world.province
    assert client.post(url, {"action": "praise"}).status_code == 403


def test_a_decision_through_the_form_and_its_docx_with_the_annex_table(client, world):
    people = [at_province(world), at_province(world, member=world.an)]
    collective = propose_collective(world, world.a2)
    client.force_login(world.alice)
    url = reverse("honors:decision_create")
    page = client.get(url + f"?unit={world.province.pk}&nomination={people[0].pk}")
    assert page.status_code == 200
    base = {
        "unit": world.province.pk,
        "award_kind": "bang_khen",
        "number": "125/QĐ-LĐLĐ",
        "date": "28/11/2024",
        "reason": "xuất sắc trong học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        "signer_authority": "TM. BAN THƯỜNG VỤ",
        "signer_position": "Chủ tịch",
        "signer_name": "Nguyễn Văn Thành",
    }
    empty = client.post(url, base)
    assert "A decision lists at least one awardee." in empty.content.decode()
    assert not AwardDecision.objects.exists()
    response = client.post(url, {**base, "nominations": [n.pk for n in [*people, collective]]})
    decision = AwardDecision.objects.get()
    assert response["Location"] == reverse("honors:decision_detail", args=[decision.pk])
    detail = client.get(response["Location"]).content.decode()
    assert detail.count("data-award=") == 3

    docx = client.get(reverse("honors:decision_docx", args=[decision.pk]))
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(docx.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "QUYẾT ĐỊNH" in text and "Số: 125/QĐ-LĐLĐ" in "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert (
        "Điều 1. Tặng Bằng khen của Ban Chấp hành Liên đoàn Lao động tỉnh Đắk Lắk cho "
        "01 tập thể và 02 cá nhân" in text
    )
    assert "DANH SÁCH" in text
    assert "(Kèm theo Quyết định số 125/QĐ-LĐLĐ ngày 28/11/2024 của Ban Thường vụ" in text
    annex = document.tables[-1]
    rows = [[c.text for c in row.cells] for row in annex.rows]
    assert rows[0] == ["STT", "Tập thể, cá nhân", "Chức vụ, đơn vị", "Thành tích"]
    names = [r[1] for r in rows[1:]]
    assert names == [
        "TẬP THỂ",
        "Công đoàn Bệnh viện Thành phố",
        "CÁ NHÂN",
        "Trần Thị Bình",
        "Nguyễn Văn An",
    ]
    assert any("Công đoàn Trường THCS Lê Lợi" in r[2] for r in rows)
    assert AuditEvent.objects.filter(action="export", object_id=str(decision.pk)).exists()


def test_out_of_scope_decisions_and_files_answer_404(client, world):
    foreign(world)
    client.force_login(world.bob)
    for url in (
        reverse("honors:decision_docx", args=[world.foreign_decision.pk]),
        reverse("honors:photo_file", args=[world.foreign_nomination_photo.pk]),
        reverse("honors:evidence_file", args=[world.foreign_file.pk]),
    ):
        assert client.get(url).status_code == 404
    client.force_login(world.mallory)
    photo = client.get(reverse("honors:photo_file", args=[world.foreign_nomination_photo.pk]))
    assert photo.status_code == 200 and b"".join(photo.streaming_content) == JPEG


def test_the_quota_screen_sets_and_shows_the_use(client, world):
    client.force_login(world.alice)
    url = reverse("honors:quota_list")
    response = client.post(
        url,
        {
            "issuer": world.province.pk,
            "unit": world.a.pk,
            "year": 2024,
            "award_kind": "bang_khen",
            "limit": 2,
        },
    )
    assert response.status_code == 302
    decide(world.province, world.alice, [at_province(world)])
    body = client.get(url).content.decode()
    assert 'data-used="1"' in body and "1 / 2" in body
    client.force_login(world.carol)
    assert client.post(url, {"issuer": world.province.pk}).status_code == 403


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_lists_take_a_fixed_number_of_queries(client, world):
    client.force_login(world.alice)
    propose(world)
    decide(world.province, world.alice, [at_province(world)])
    lists = [
        reverse("honors:nomination_list"),
        reverse("honors:decision_list"),
        reverse("honors:quota_list"),
    ]
    first = [_queries(client, url) for url in lists]
    for _ in range(4):
        propose(world, member=world.an)
        decide(
            world.province,
            world.alice,
            [at_province(world)],
            number=f"{_ + 30}/QĐ",
            thematic_review=True,
        )
    assert [_queries(client, url) for url in lists] == first


def test_the_htmx_fragments_render(client, world):
    nomination = propose(world)
    client.force_login(world.bob)
    hx = {"HX-Request": "true"}
    body = client.get(
        reverse("honors:nomination_list") + "?q=binh",
        headers={**hx, "HX-Target": "nomination-results"},
    ).content.decode()
    assert "<html" not in body and f'data-nomination="{nomination.pk}"' in body
    page = client.get(reverse("honors:nomination_create") + f"?unit={world.a2.pk}")
    assert "H&#x27;Nga Byă" in page.content.decode() or "H'Nga Byă" in page.content.decode()
    edit = client.get(
        reverse("honors:nomination_edit", args=[nomination.pk]) + "?member_q=an",
        headers={**hx, "HX-Target": "member-results"},
    ).content.decode()
    assert "Nguyễn Văn An" in edit and "<html" not in edit
    quota = client.get(
        reverse("honors:quota_list") + f"?issuer={world.a.pk}",
        headers={**hx, "HX-Target": "quota-unit-field"},
    ).content.decode()
    assert "Công đoàn Bệnh viện Thành phố" in quota and "<html" not in quota
    form = client.get(reverse("honors:decision_create") + f"?unit={world.a.pk}").content.decode()
    assert f'value="{nomination.pk}"' in form and "bang_khen" not in form


def test_the_report_figures_and_their_drilldown(client, world):
    import datetime

    from django.utils import timezone

    from chuyende.honors import indicators

    decide(world.province, world.alice, [at_province(world)])
    propose(world, member=world.an)
    foreign(world)
    today = timezone.localdate()
    span = {"start": datetime.date(2000, 1, 1), "end": today, "plan": None}
    width = len(world.a.path) + 4
    assert indicators.nominations(root_path=world.a.path, width=width, **span) == {world.a1.path: 2}
    assert indicators.approved(
        root_path=world.province.path, width=len(world.province.path), **span
    ) == {world.province.path: 2}
    wide = {"root_path": world.province.path, "width": len(world.province.path) + 4}
    assert indicators.bang_khen(
        **wide, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31), plan=None
    ) == {world.a.path: 1}
    assert indicators.giay_khen(
        **wide, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31), plan=None
    ) == {world.b.path: 1}
    client.force_login(world.bob)
    body = client.get(
        reverse("honors:nomination_list")
        + f"?unit={world.a1.pk}&start=2000-01-01&end={today.isoformat()}"
    ).content.decode()
    assert body.count("data-nomination=") == 2
