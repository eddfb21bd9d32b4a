import pytest
from django.urls import reverse

from chuyende.core.models import AuditEvent
from chuyende.org.models import Member

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
    response = client.post(reverse("org:member_reveal", args=[world.an.pk]))
    body = response.content.decode()
    assert "0912345678" in body and "066085001234" in body and "02/03/1985" in body
    event = AuditEvent.objects.get(action="reveal")
    assert event.actor == world.carol and event.object_id == str(world.an.pk)
    assert event.ip_address == "127.0.0.1" and event.unit == world.a1


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


def test_page_links_past_page_999_keep_plain_numbers(client, world, settings):
    settings.MEMBERS_PER_PAGE = 1
    from conftest import make_member

    Member.objects.bulk_create(
        [
            Member(
                unit=world.a1,
                full_name=f"Lê Văn {i:04d}",
                gender="male",
                search_name=f"le van {i:04d}",
                sort_key=f"{i:04d}",
            )
            for i in range(1000)
        ]
    )
    make_member(world.a1, "Zô Văn Cuối")
    client.force_login(world.bob)
    body = client.get(reverse("org:member_list"), {"page": 1000}).content.decode()
    assert "page=1001" in body and "page=999" in body and "1.001" not in body.split("page=")[1]
