"""Ethnicity and religion in lists: shown and filterable only for the roles that may reveal
personal data over every member listed (chuyende.org.selectors.sensitive_allowed, the rule of
the reveal) — the member list, its export, the API's members and their filter."""

import json

import pytest
from django.urls import reverse

from chuyende.api import services as api_services
from chuyende.api.tests.conftest import ApiClient
from chuyende.org.models import Member, RoleAssignment
from chuyende.org.selectors import sensitive_allowed

pytestmark = pytest.mark.django_db

MINORITY = "Brâu"


@pytest.fixture
def marked(world, django_user_model):
    """An (A1) of a minority and a religion; `mixed` edits A1 and only views B."""
    Member.objects.filter(pk=world.an.pk).update(ethnicity=MINORITY, religion="Cao Đài")
    world.mixed = django_user_model.objects.create_user(username="mixed", password="pw")
    RoleAssignment.objects.create(user=world.mixed, unit=world.a1, role="editor")
    RoleAssignment.objects.create(user=world.mixed, unit=world.b, role="viewer")
    return world


def test_the_rule_is_the_reveal_right_over_every_member_listed(marked):
    w = marked
    assert sensitive_allowed(user=w.admin)
    assert sensitive_allowed(user=w.alice) and sensitive_allowed(user=w.bob)
    assert sensitive_allowed(user=w.carol) and sensitive_allowed(user=w.carol, unit=w.a1)
    assert not sensitive_allowed(user=w.carol, unit=w.a)  # A (and A2) is above her union
    assert not sensitive_allowed(user=w.erin)  # a viewer
    assert not sensitive_allowed(user=w.dave)  # a member: their own record only
    assert not sensitive_allowed(user=w.nobody)
    assert not sensitive_allowed(user=w.mixed)  # B only viewed
    assert sensitive_allowed(user=w.mixed, unit=w.a1)
    assert not sensitive_allowed(user=w.mixed, unit=w.b1)


def _list(client, query=""):
    response = client.get(reverse("org:member_list") + query)
    assert response.status_code == 200
    return response.content.decode()


def test_a_viewer_sees_no_ethnicity_column_nor_filter(client, marked):
    client.force_login(marked.erin)
    body = _list(client)
    assert "Nguyễn Văn An" in body and MINORITY not in body
    assert 'name="ethnicity"' not in body and ">Ethnicity<" not in body
    # a filter typed into the address is ignored: it would tell who belongs to the group
    filtered = _list(client, "?ethnicity=minority")
    assert "Nguyễn Văn An" in filtered and "Trần Thị Bình" in filtered  # Kinh, still listed
    assert _list(client, f"?ethnicity={MINORITY}").count("Trần Thị Bình") == 1


def test_a_reveal_role_sees_the_column_and_filters_by_it(client, marked):
    client.force_login(marked.bob)
    body = _list(client)
    assert MINORITY in body and 'name="ethnicity"' in body
    filtered = _list(client, "?ethnicity=minority")
    assert "Nguyễn Văn An" in filtered and "Trần Thị Bình" not in filtered


def test_an_officer_viewing_elsewhere_sees_it_only_where_they_may_reveal(client, marked):
    client.force_login(marked.mixed)
    body = _list(client)
    assert "Phạm Quốc Khánh" in body and MINORITY not in body
    assert 'name="ethnicity"' not in body
    in_a1 = _list(client, f"?unit={marked.a1.pk}")
    assert MINORITY in in_a1 and 'name="ethnicity"' in in_a1
    only_minority = _list(client, f"?unit={marked.a1.pk}&ethnicity=minority")
    assert "Nguyễn Văn An" in only_minority and "Trần Thị Bình" not in only_minority
    in_b1 = _list(client, f"?unit={marked.b1.pk}&ethnicity=minority")
    assert "Phạm Quốc Khánh" in in_b1  # the filter is ignored there


def test_religion_is_never_in_the_list(client, marked):
    client.force_login(marked.bob)
    assert "Cao Đài" not in _list(client)


# The API ----------------------------------------------------------------------------------------


@pytest.fixture
def token(marked):
    def make(user):
        _token, raw = api_services.token_create(owner=user, name="test", days=30)
        return ApiClient(raw)

    return make


def _members(client, query=""):
    response = client.get(f"/api/v1/members/{query}")
    return response.status_code, json.loads(response.content)


def test_the_api_masks_ethnicity_and_religion_for_a_viewer(token, marked):
    status, page = _members(token(marked.erin), "?page_size=100")
    assert status == 200
    an = next(m for m in page["results"] if m["id"] == marked.an.pk)
    assert an["ethnicity"] == "•••" and an["religion"] == "•••"
    body = json.dumps(page, ensure_ascii=False)
    assert MINORITY not in body and "Cao Đài" not in body and '"Kinh"' not in body


def test_the_api_refuses_an_ethnicity_filter_to_a_viewer(token, marked):
    status, error = _members(token(marked.erin), "?ethnicity=minority")
    assert status == 400
    assert "ethnicity" in error["error"]["fields"]
    status, error = _members(token(marked.mixed), "?ethnicity=minority")
    assert status == 400
    status, page = _members(token(marked.mixed), f"?ethnicity=minority&unit={marked.a1.pk}")
    assert status == 200 and [m["full_name"] for m in page["results"]] == ["Nguyễn Văn An"]


def test_the_api_shows_ethnicity_as_the_list_does_and_religion_only_to_its_owner(token, marked):
    an = json.loads(token(marked.bob).get(f"/api/v1/members/{marked.an.pk}/").content)
    assert an["ethnicity"] == MINORITY and an["religion"] == "•••"
    Member.objects.filter(pk=marked.binh.pk).update(religion="Phật giáo")
    own = json.loads(token(marked.dave).get(f"/api/v1/members/{marked.binh.pk}/").content)
    assert own["ethnicity"] == "Kinh" and own["religion"] == "Phật giáo"
    _status, page = _members(token(marked.mixed), "?page_size=100")
    by_name = {m["full_name"]: m for m in page["results"]}
    assert by_name["Nguyễn Văn An"]["ethnicity"] == MINORITY  # A1: she may reveal there
    assert by_name["Phạm Quốc Khánh"]["ethnicity"] == "•••"  # B: she only views
