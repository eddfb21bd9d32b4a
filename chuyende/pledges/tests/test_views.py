"""Screens: no login, in scope, out of scope; the member's page, the list, review via htmx,
rating, figures, printing."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document

from chuyende.pledges.choices import PledgeStatus
from chuyende.pledges.models import Evaluation, Pledge
from conftest import make_member

from .helpers import foreign_pledge, make_pledge, make_template

pytestmark = pytest.mark.django_db


@pytest.fixture
def template(world):
    return make_template(world.province, plan=world.plan)


def _post_data(**extra):
    return {
        "position": "Giáo viên",
        "union_group": "Tổ Toán",
        "section_politics": "Trung thành với Đảng",
        "section_ethics": "Sống giản dị",
        "section_style": "Đúng giờ",
        "section_duties": "Dạy đủ tiết\nDự giờ đồng nghiệp",
        "section_follow": "Mặc trang phục truyền thống",
        "section_example": "",
        "actions": "Đọc sách\nHội diễn\nGiúp học sinh",
        "target_rating": "excellent",
        "action": "save",
        **extra,
    }


def test_every_page_needs_a_login(client, world, template):
    for name in ("pledges:my_pledge", "pledges:pledge_list", "pledges:figures", "pledges:rating"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login")


def test_a_member_writes_saves_and_submits_on_their_page(client, world, template):
    client.force_login(world.dave)
    url = reverse("pledges:my_pledge")
    page = client.get(url)
    assert page.status_code == 200 and 'id="pledge-form"' in page.content.decode()
    response = client.post(url, _post_data())
    assert response.status_code == 302
    pledge = Pledge.objects.get(member=world.binh)
    assert pledge.status == PledgeStatus.DRAFT
    response = client.post(url, _post_data(action="submit", section_duties="Chỉ một"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_section_duties_error"' in body
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.DRAFT
    response = client.post(url, _post_data(action="submit"))
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.SUBMITTED
    body = client.get(url).content.decode()
    assert 'id="waiting"' in body and 'id="pledge-form"' not in body


def test_a_member_without_a_record_or_template_sees_why(client, world):
    client.force_login(world.carol)
    assert 'id="no-member"' in client.get(reverse("pledges:my_pledge")).content.decode()
    client.force_login(world.dave)
    assert 'id="no-template"' in client.get(reverse("pledges:my_pledge")).content.decode()


def test_a_member_sees_only_their_own_pledge(client, world, template):
    own = make_pledge(world.binh, template)
    other = make_pledge(world.an, template)
    client.force_login(world.dave)
    assert client.get(reverse("pledges:pledge_detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("pledges:pledge_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("pledges:pledge_docx", args=[other.pk])).status_code == 404
    body = client.get(reverse("pledges:pledge_list") + "?year=2024").content.decode()
    assert "Trần Thị Bình" in body and "Nguyễn Văn An" not in body
    assert client.post(reverse("pledges:pledge_accept", args=[own.pk])).status_code == 404


def test_an_officer_sees_the_subtree_not_the_sibling(client, world, template):
    make_pledge(world.binh, template)
    foreign_pledge(world)
    client.force_login(world.bob)
    body = client.get(reverse("pledges:pledge_list") + "?year=2024").content.decode()
    assert "Trần Thị Bình" in body and "Phạm Quốc Khánh" not in body
    assert (
        client.get(reverse("pledges:pledge_detail", args=[world.foreign_pledge.pk])).status_code
        == 404
    )
    client.force_login(world.mallory)
    assert (
        client.get(reverse("pledges:pledge_detail", args=[world.foreign_pledge.pk])).status_code
        == 200
    )


def test_the_list_filters_by_status_and_unit(client, world, template):
    make_pledge(world.binh, template, status=PledgeStatus.SUBMITTED)
    make_pledge(world.hnga, template)
    client.force_login(world.bob)
    url = reverse("pledges:pledge_list")
    body = client.get(url + "?year=2024&status=submitted").content.decode()
    assert "Trần Thị Bình" in body and "H'Nga" not in body
    body = client.get(url + f"?year=2024&unit={world.a2.pk}").content.decode()
    assert "Trần Thị Bình" not in body and "H&#x27;Nga Byă" in body


def test_the_list_takes_a_fixed_number_of_queries(
    client, world, template, django_assert_num_queries
):
    for member in (world.an, world.binh, world.hnga):
        make_pledge(member, template, status=PledgeStatus.SUBMITTED)
    client.force_login(world.bob)
    url = reverse("pledges:pledge_list") + "?year=2024"
    client.get(url)
    # session, user, scope, the scope's units (few: named), the page of members, their
    # pledges, the counts from the tallies, the import button, the notification bell
    with django_assert_num_queries(9):
        client.get(url)
    for name in ("Lê Văn Cường", "Đỗ Thị Dung", "Y Khuê Niê"):
        make_pledge(make_member(world.a2, name), template, status=PledgeStatus.SUBMITTED)
    with django_assert_num_queries(9):  # whatever the number of rows
        body = client.get(url).content.decode()
    assert body.count("data-accept") == 6
    assert 'data-count="6"' in body


def _names(body):
    return re.findall(r'data-pledge="(\d+)"', body)


def test_the_list_pages_by_keyset_forward_and_back(
    client, world, template, monkeypatch, django_assert_num_queries
):
    from chuyende.pledges import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    names = ["Lê Văn Cường", "Đỗ Thị Dung", "Y Khuê Niê", "Bùi Văn Em", "Hà Thị Giang"]
    for member in (world.an, world.binh, world.hnga):
        make_pledge(member, template, status=PledgeStatus.SUBMITTED)
    for name in names:
        make_pledge(make_member(world.a2, name), template, status=PledgeStatus.SUBMITTED)
    make_pledge(make_member(world.a2, "Ngô Văn Nháp"), template, status=PledgeStatus.DRAFT)
    wanted = [
        str(pk)
        for pk in Pledge.objects.filter(member__unit__path__startswith=world.a.path)
        .exclude(status=PledgeStatus.DRAFT)
        .order_by("member__sort_key", "member_id")
        .values_list("pk", flat=True)
    ]
    client.force_login(world.bob)
    base = reverse("pledges:pledge_list") + "?year=2024&status=submitted"
    seen, pages, url = [], [], base
    while url:
        body = client.get(url).content.decode()
        assert 'data-count="8"' in body  # the total, from the tallies, on every page
        rows = _names(body)
        assert 0 < len(rows) <= 3
        seen += rows
        pages.append((url, rows))
        found = re.search(r'rel="next" href="\?([^"]+)"', body)
        url = (
            f"{reverse('pledges:pledge_list')}?{found.group(1).replace('&amp;', '&')}"
            if found
            else None
        )
    assert seen == wanted and len(pages) == 3
    # back from the last page: each previous page holds what it held going forward
    body = client.get(pages[-1][0]).content.decode()
    for _url, rows in reversed(pages[:-1]):
        found = re.search(r'rel="prev" href="\?([^"]+)"', body)
        back = f"{reverse('pledges:pledge_list')}?{found.group(1).replace('&amp;', '&')}"
        body = client.get(back).content.decode()
        assert _names(body) == rows
    assert 'rel="prev"' not in body and "year=2024" in body
    # a deep page costs what the first costs
    client.get(pages[0][0])
    with django_assert_num_queries(9):
        client.get(pages[0][0])
    with django_assert_num_queries(9):
        client.get(pages[-1][0])
    # a bad cursor shows the first page
    body = client.get(base + "&after=nonsense").content.decode()
    assert _names(body) == pages[0][1]


def test_review_through_htmx_returns_the_row(client, world, template):
    pledge = make_pledge(world.binh, template, status=PledgeStatus.SUBMITTED)
    client.force_login(world.carol)
    headers = {"HX-Request": "true"}
    response = client.post(
        reverse("pledges:pledge_return", args=[pledge.pk]), {"comment": ""}, headers=headers
    )
    assert response.status_code == 200 and 'role="alert"' in response.content.decode()
    response = client.post(
        reverse("pledges:pledge_return", args=[pledge.pk]),
        {"comment": "Cụ thể hơn"},
        headers=headers,
    )
    body = response.content.decode()
    assert body.startswith(f'<tr id="pledge-row-{pledge.pk}"') and 'data-status="returned"' in body
    pledge.status = PledgeStatus.SUBMITTED
    pledge.save()
    response = client.post(reverse("pledges:pledge_accept", args=[pledge.pk]), headers=headers)
    assert 'data-status="accepted"' in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.ACCEPTED


def test_a_viewer_cannot_review(client, world, template):
    pledge = make_pledge(world.binh, template, status=PledgeStatus.SUBMITTED)
    client.force_login(world.erin)
    assert client.post(reverse("pledges:pledge_accept", args=[pledge.pk])).status_code == 404
    pledge.refresh_from_db()
    assert pledge.status == PledgeStatus.SUBMITTED


def test_an_officer_enters_a_paper_pledge(client, world, template):
    client.force_login(world.carol)
    url = reverse("pledges:member_pledge", args=[world.an.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _post_data(action="accept"))
    pledge = Pledge.objects.get(member=world.an)
    assert response.status_code == 302 and pledge.status == PledgeStatus.ACCEPTED
    assert client.get(reverse("pledges:member_pledge", args=[world.foreign.pk])).status_code == 404


def test_new_version_from_the_members_page(client, world, template):
    pledge = make_pledge(world.binh, template)
    client.force_login(world.dave)
    response = client.post(reverse("pledges:pledge_new_version", args=[pledge.pk]))
    assert response.status_code == 302
    assert Pledge.objects.filter(member=world.binh).count() == 2
    assert 'id="pledge-form"' in client.get(reverse("pledges:my_pledge")).content.decode()


def test_self_evaluation_page(client, world, template):
    pledge = make_pledge(world.binh, template)
    client.force_login(world.dave)
    url = reverse("pledges:pledge_evaluate", args=[pledge.pk])
    assert client.get(url).status_code == 200
    data = {"proposed_rating": "good", "self_note": "Cố gắng"}
    for code in ("politics:0", "ethics:0", "style:0", "duties:0", "duties:1", "follow:0"):
        data[f"result_{code}"] = "done"
    for n in range(3):
        data[f"result_action:{n}"] = "partly"
    response = client.post(url, data)
    assert response.status_code == 302
    evaluation = Evaluation.objects.get(pledge=pledge)
    assert (
        evaluation.proposed_rating == "good"
        and evaluation.results["action:0"]["result"] == "partly"
    )
    client.force_login(world.an.user or world.nobody)
    assert client.get(url).status_code == 404


def test_rating_screen_and_htmx_rate(client, world, template, django_assert_num_queries):
    pledges = [make_pledge(m, template) for m in (world.an, world.binh)]
    client.force_login(world.carol)
    url = reverse("pledges:rating") + "?year=2024"
    body = client.get(url).content.decode()
    assert "Nguyễn Văn An" in body and "Trần Thị Bình" in body
    with django_assert_num_queries(8):
        client.get(url)
    headers = {"HX-Request": "true"}
    prefix = f"p{pledges[0].pk}"
    response = client.post(
        reverse("pledges:pledge_rate", args=[pledges[0].pk]),
        {f"{prefix}-final_rating": "excellent", f"{prefix}-union_title": "on"},
        headers=headers,
    )
    body = response.content.decode()
    assert 'data-final="excellent"' in body and "data-propose" in body
    response = client.post(
        reverse("pledges:propose_exemplar", args=[pledges[0].pk]), headers=headers
    )
    assert "data-proposed" in response.content.decode()
    assert Evaluation.objects.get(pledge=pledges[0]).proposed_exemplar_at is not None
    client.force_login(world.bob)  # a manager above may rate too; the viewer may not
    client.force_login(world.erin)
    assert client.get(url).status_code == 403


def test_the_figures_page(client, world, template):
    make_pledge(world.binh, template)
    client.force_login(world.alice)
    response = client.get(reverse("pledges:figures") + "?year=2024")
    body = response.content.decode()
    assert response.status_code == 200 and 'id="figures-table"' in body
    client.force_login(world.bob)
    body = client.get(reverse("pledges:figures") + "?year=2024").content.decode()
    assert "Ea Kar" not in body
    assert client.get(reverse("pledges:figures") + f"?unit={world.b.pk}").status_code == 404


def test_printing_the_pledge(client, world, template):
    pledge = make_pledge(world.binh, template)
    client.force_login(world.dave)
    response = client.get(reverse("pledges:pledge_docx", args=[pledge.pk]))
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Trần Thị Bình" in text
    response = client.get(reverse("pledges:pledge_pdf", args=[pledge.pk]))
    assert response.status_code == 200


def test_template_page_and_adding_a_section(client, world, template):
    client.force_login(world.carol)
    url = reverse("pledges:template_detail", args=[template.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"title": "Về công tác chủ nhiệm lớp", "guidance": "", "min_items": 1}
    )
    assert response.status_code == 302
    assert template.sections.filter(unit=world.a1).exists()
    client.force_login(world.erin)
    assert client.post(url, {"title": "X", "min_items": 0}).status_code == 403
