import pytest
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.org.models import Member
from conftest import make_member

pytestmark = pytest.mark.django_db


def test_member_list_finds_a_name_typed_without_accents(client, world):
    client.force_login(world.bob)
    body = client.get(reverse("org:member_list"), {"q": "nguyen van an"}).content.decode()
    assert "Nguyễn Văn An" in body
    assert "Trần Thị Bình" not in body


def test_member_list_filters_by_subtree_gender_and_ethnicity(client, world):
    client.force_login(world.alice)
    url = reverse("org:member_list")
    body = client.get(url, {"unit": world.a2.pk}).content.decode()
    assert "H&#x27;Nga Byă" in body and "Nguyễn Văn An" not in body
    body = client.get(url, {"gender": "male"}).content.decode()
    assert "Nguyễn Văn An" in body and "Phạm Quốc Khánh" in body and "Trần Thị Bình" not in body
    body = client.get(url, {"ethnicity": "minority"}).content.decode()
    assert "H&#x27;Nga Byă" in body and "Nguyễn Văn An" not in body


def test_member_list_sorts_by_given_name_in_vietnamese_order(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("org:member_list")).context["page"]
    assert [m.full_name for m in page] == [
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Phạm Quốc Khánh",
        "H'Nga Byă",
    ]


def test_member_list_masks_phone_numbers(client, world):
    client.force_login(world.alice)
    body = client.get(reverse("org:member_list")).content.decode()
    assert "0912345678" not in body
    assert "091•••••78" in body


def test_member_page_masks_personal_data_until_revealed(client, world):
    client.force_login(world.carol)
    body = client.get(reverse("org:member_detail", args=[world.an.pk])).content.decode()
    assert "0912345678" not in body and "066085001234" not in body and "02/03/1985" not in body
    assert "••/••/1985" in body
    response = client.post(
        reverse("org:member_reveal", args=[world.an.pk]), {"reason": "Làm hồ sơ bảo hiểm"}
    )
    body = response.content.decode()
    assert "0912345678" in body and "066085001234" in body and "02/03/1985" in body
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == world.carol and event.object_id == str(world.an.pk)
    assert event.ip_address == "127.0.0.1" and event.unit == world.a1
    assert event.changes["reason"] == "Làm hồ sơ bảo hiểm"


def test_a_viewer_cannot_reveal_personal_data(client, world):
    client.force_login(world.erin)
    body = client.get(reverse("org:member_detail", args=[world.an.pk])).content.decode()
    assert "Show personal data" not in body and "Hiện thông tin" not in body
    response = client.post(reverse("org:member_reveal", args=[world.an.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_a_member_sees_their_own_personal_data(client, world):
    client.force_login(world.dave)
    body = client.get(reverse("org:member_detail", args=[world.binh.pk])).content.decode()
    assert "0987654321" in body


def _form_data(member, **changes):
    data = {
        "unit": member.unit_id,
        "full_name": member.full_name,
        "gender": member.gender,
        "date_of_birth": "02/03/1985",
        "ethnicity": member.ethnicity,
        "religion": "",
        "phone": member.phone,
        "email": "",
        "id_number": member.id_number,
        "card_number": member.card_number,
        "job_title": "",
        "union_position": "",
        "joined_on": "",
        "status": "active",
    }
    data.update(changes)
    return data


def test_editing_a_member_saves_and_audits_without_copying_personal_values(client, world):
    client.force_login(world.carol)
    url = reverse("org:member_edit", args=[world.binh.pk])
    response = client.post(
        url, _form_data(world.binh, full_name="Trần  Thị Bình An", phone="0911222333")
    )
    assert response.status_code == 302
    member = Member.objects.get(pk=world.binh.pk)
    assert member.full_name == "Trần Thị Bình An"
    assert member.search_name == "tran thi binh an"
    event = AuditEvent.objects.get(action="update")
    assert event.changes["full_name"]["to"] == "Trần Thị Bình An"
    assert event.changes["phone"] == {"changed": True}
    assert "0911222333" not in str(event.changes)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"id_number": "0660"}, "id_number"),
        ({"date_of_birth": "31/02/1990"}, "date_of_birth"),
        ({"date_of_birth": "01/01/2099"}, "date_of_birth"),
        ({"full_name": "An"}, "full_name"),
        ({"email": "not-an-email"}, "email"),
    ],
)
def test_bad_input_gets_a_vietnamese_message_and_saves_nothing(client, world, changes, field):
    client.force_login(world.carol)
    before = Member.objects.get(pk=world.binh.pk)
    response = client.post(
        reverse("org:member_edit", args=[world.binh.pk]),
        _form_data(world.binh, **changes),
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Vui lòng sửa các lỗi" in response.content.decode()
    after = Member.objects.get(pk=world.binh.pk)
    assert after.full_name == before.full_name and after.phone == before.phone
    assert not AuditEvent.objects.exists()


def test_a_duplicate_citizen_id_is_refused_in_vietnamese(client, world):
    client.force_login(world.carol)
    response = client.post(
        reverse("org:member_edit", args=[world.binh.pk]),
        _form_data(world.binh, id_number=world.an.id_number),
    )
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors


def test_adding_a_member_in_scope(client, world):
    client.force_login(world.carol)
    data = _form_data(
        world.binh, full_name="Lê Thị Hoa", phone="", id_number="", card_number="DL24000999"
    )
    response = client.post(reverse("org:member_create"), data)
    assert response.status_code == 302
    member = Member.objects.get(card_number="DL24000999")
    assert member.unit == world.a1
    assert AuditEvent.objects.filter(action="create", object_id=str(member.pk)).exists()


def test_adding_a_member_to_a_unit_out_of_scope_is_refused(client, world):
    client.force_login(world.carol)
    data = _form_data(world.binh, full_name="Lê Thị Hoa", unit=world.b1.pk, phone="", id_number="")
    response = client.post(reverse("org:member_create"), data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not Member.objects.filter(full_name="Lê Thị Hoa").exists()


def test_a_viewer_cannot_open_the_edit_form(client, world):
    client.force_login(world.erin)
    assert client.get(reverse("org:member_edit", args=[world.an.pk])).status_code == 404
    assert client.get(reverse("org:member_create")).status_code == 403


def _walk(client, url, params, direction="next_after", start=None):
    """Follow the list's links one way; the pages' member ids in the order shown."""
    pages = []
    response = client.get(url, {**params, **(start or {})})
    while True:
        page = response.context["page"]
        pages.append([m.pk for m in page])
        cursor = getattr(page, direction)
        if not cursor:
            return pages, response
        key = "after" if direction == "next_after" else "before"
        response = client.get(url, {**params, key: cursor})


@pytest.mark.parametrize(
    "params",
    [{}, {"gender": "male"}, {"q": "van"}, {"unit": "A"}, {"unit": "A", "status": "active"}],
)
def test_paging_visits_every_member_once_in_name_order_both_ways(client, world, settings, params):
    from chuyende.org.selectors import member_search

    settings.MEMBERS_PER_PAGE = 3
    for i in range(7):  # the same name: the same sort key, told apart by id
        make_member(world.a1, "Nguyễn Văn An", gender="male")
        make_member(world.a2, f"Lê Văn Tư {i}", gender="male", status=("active", "left")[i % 2])
        make_member(world.b1, f"Trần Thị Mai {i}")
    params = {k: (world.a.pk if v == "A" else v) for k, v in params.items()}
    client.force_login(world.alice)
    url = reverse("org:member_list")
    pages, _last = _walk(client, url, params)
    seen = [pk for page in pages for pk in page]
    expected = list(
        member_search(
            user=world.alice,
            unit=world.a if "unit" in params else None,
            gender=params.get("gender", ""),
            status=params.get("status", ""),
            query=params.get("q", ""),
        ).values_list("pk", flat=True)
    )
    assert seen == expected and len(expected) > 6
    assert all(len(page) == 3 for page in pages[:-1])
    # and back from the end to the first page
    back, first = _walk(client, url, params, "prev_before", {"before": "9" * 228 + "~1"})
    assert [pk for page in reversed(back[:-1]) for pk in page] == expected[-len(back[:-1]) * 3 :]
    assert all(len(page) == 3 for page in back[:-1])
    # the last step back lands on the first page, full, as paging forward showed it
    assert back[-1] == pages[0] and first.context["page"].is_first
    assert set(expected) == {pk for page in back for pk in page}


@pytest.mark.parametrize(
    "cursor", ["abc", "~", "x~y", "123", "~1", "12~-3", "1~2~3", "9" * 700, "%00~1", ""]
)
def test_a_bad_cursor_gives_the_first_page(client, world, cursor):
    client.force_login(world.alice)
    first = client.get(reverse("org:member_list")).context["page"]
    for key in ("after", "before"):
        response = client.get(reverse("org:member_list"), {key: cursor})
        assert response.status_code == 200
        page = response.context["page"]
        assert [m.pk for m in page] == [m.pk for m in first] and page.is_first


def test_a_cursor_past_the_end_shows_no_row_and_a_way_back(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("org:member_list"), {"after": "9" * 228 + "~1"})
    body = response.content.decode()
    assert not list(response.context["page"]) and not response.context["page"].is_first
    assert 'href="?"' in body and 'rel="next"' not in body


def test_the_count_comes_from_the_tallies_and_a_name_search_shows_none(client, world):
    client.force_login(world.alice)
    url = reverse("org:member_list")
    assert client.get(url).context["page"].count == 4
    assert client.get(url, {"unit": world.a.pk}).context["page"].count == 3
    assert client.get(url, {"unit": world.a.pk, "gender": "female"}).context["page"].count == 2
    assert client.get(url, {"ethnicity": "minority"}).context["page"].count == 1
    assert client.get(url, {"status": "left"}).context["page"].count == 0
    response = client.get(url, {"q": "nguyen"})
    assert response.context["page"].count is None
    client.force_login(world.dave)  # a member: their own record only, no unit figure
    response = client.get(url, {"unit": world.a1.pk})
    assert [m.pk for m in response.context["page"]] == [world.binh.pk]
    assert response.context["page"].count is None
    assert client.get(url).context["page"].count == 1


def test_cursor_links_keep_the_filters_and_plain_numbers(client, world, settings):
    settings.MEMBERS_PER_PAGE = 1
    for pk, name in ((1573, "Zô Văn Cuối"), (1574, "Zô Văn Cuối Cùng")):
        member = make_member(world.a1, name, gender="male")
        Member.objects.filter(pk=member.pk).update(id=pk)
    client.force_login(world.bob)
    url = reverse("org:member_list")
    pages, _last = _walk(client, url, {"gender": "male"})
    assert 1573 in [pk for page in pages for pk in page]
    response = client.get(url, {"gender": "male", "q": "zo van"})
    body = response.content.decode()
    assert "gender=male&amp;q=zo+van&amp;after=" in body and "~1574" in body  # Cùng < Cuối
    assert "1.574" not in body
    after = response.context["page"].next_after
    body = client.get(url, {"gender": "male", "q": "zo van", "after": after}).content.decode()
    assert "before=" in body and "~1573" in body and "1.573" not in body
