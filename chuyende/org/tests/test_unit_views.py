import pytest
from django.urls import reverse

from chuyende.org.models import Member, Unit

pytestmark = pytest.mark.django_db


def test_tree_starts_at_the_top_of_the_users_scope(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("org:unit_tree"))
    assert [u.code for u in response.context["roots"]] == ["DLK-BMT"]


def test_tree_children_fragment_lists_children_with_counts(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("org:unit_children", args=[world.a.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert "Công đoàn Trường THCS Lê Lợi" in body and "Công đoàn Bệnh viện Thành phố" in body
    counts = {c.code: c.member_count for c in response.context["children"]}
    assert counts == {"BMT-001": 2, "BMT-002": 1}


def test_unit_search_ignores_accents_and_shows_the_trail(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("org:unit_tree"), {"q": "buon ma thuot"})
    results = response.context["results"]
    assert [u.code for u in results] == ["DLK-BMT"]
    assert [a.code for a in results[0].trail] == ["TLD", "DLK"]


def test_unit_search_answers_htmx_with_the_results_only(client, world):
    client.force_login(world.alice)
    response = client.get(
        reverse("org:unit_tree"),
        {"q": "le loi"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="unit-tree-body",
    )
    body = response.content.decode()
    assert "<html" not in body and "Công đoàn Trường THCS Lê Lợi" in body


def test_unit_page_shows_children_officers_and_figures(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("org:unit_detail", args=[world.a1.pk]))
    assert [m.full_name for m in response.context["officers"]] == ["Nguyễn Văn An"]
    assert response.context["figures"].members == 2
    trail = [(u.code, visible) for u, visible in response.context["trail"]]
    assert trail == [("TLD", False), ("DLK", False), ("DLK-BMT", True)]


def test_a_manager_edits_a_unit_and_bad_input_is_refused(client, world):
    client.force_login(world.bob)
    url = reverse("org:unit_edit", args=[world.a1.pk])
    data = {
        "code": "BMT-001",
        "name": "Công đoàn Trường THCS Lê Lợi (mới)",
        "short_name": "",
        "kind": "grassroots",
        "sub_kind": "",
        "address": "",
        "phone": "",
        "email": "",
    }
    assert client.post(url, data).status_code == 302
    assert Unit.objects.get(pk=world.a1.pk).name.endswith("(mới)")
    response = client.post(url, {**data, "code": "có dấu", "name": "X"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert Unit.objects.get(pk=world.a1.pk).code == "BMT-001"


def test_an_editor_cannot_edit_move_or_merge_units(client, world):
    client.force_login(world.carol)
    for name in ("org:unit_edit", "org:unit_move", "org:unit_merge"):
        assert client.get(reverse(name, args=[world.a1.pk])).status_code == 403


def test_a_manager_moves_a_unit_through_the_screen(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("org:unit_move", args=[world.a1.pk]), {"new_parent": world.b.pk})
    assert response.status_code == 302
    assert Unit.objects.get(pk=world.a1.pk).path.startswith(world.b.path)


def test_a_manager_cannot_move_a_unit_outside_their_subtree(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("org:unit_move", args=[world.a1.pk]), {"new_parent": world.b.pk})
    assert response.status_code == 200
    assert "new_parent" in response.context["form"].errors
    assert Unit.objects.get(pk=world.a1.pk).path.startswith(world.a.path)


def test_a_manager_merges_two_units_through_the_screen(client, world):
    client.force_login(world.bob)
    response = client.post(reverse("org:unit_merge", args=[world.a2.pk]), {"target": world.a1.pk})
    assert response.status_code == 302
    a2 = Unit.objects.get(pk=world.a2.pk)
    assert not a2.active and a2.merged_into_id == world.a1.pk


def test_ids_and_links_are_never_localised_with_a_thousands_separator(client, world):
    """With Vietnamese formats 1573 would print as "1.573", breaking ids and query strings."""
    big = Unit(
        pk=1573, code="BMT-1573", name="Công đoàn Trường THPT Buôn Ma Thuột", kind="grassroots"
    )
    big.refresh_derived()
    big = Unit.objects.add_child(Unit.objects.get(pk=world.a.pk), instance=big)
    Unit.objects.add_child(big, instance=Unit(code="T-1573", name="Tổ 1", kind="section"))
    client.force_login(world.bob)
    body = client.get(reverse("org:unit_children", args=[world.a.pk])).content.decode()
    assert 'id="children-1573"' in body and 'hx-target="#children-1573"' in body
    body = client.get(reverse("org:unit_detail", args=[1573])).content.decode()
    assert "?unit=1573" in body and "1.573" not in body


def test_a_manager_adds_a_unit_below_and_a_duplicate_code_is_refused(client, world):
    client.force_login(world.bob)
    url = reverse("org:unit_create", args=[world.a.pk])
    data = {
        "code": "BMT-003",
        "name": "Công đoàn Trường Tiểu học Nguyễn Du",
        "short_name": "",
        "kind": "grassroots",
        "sub_kind": "",
        "address": "",
        "phone": "",
        "email": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    unit = Unit.objects.get(code="BMT-003")
    assert unit.path.startswith(world.a.path) and unit.depth == world.a.depth + 1
    response = client.post(url, {**data, "name": "Trùng mã"})
    assert response.status_code == 200 and "code" in response.context["form"].errors
    assert not Unit.objects.filter(name="Trùng mã").exists()
    client.force_login(world.carol)  # an editor of a1: sees a1, may not add units
    assert client.get(reverse("org:unit_create", args=[world.a1.pk])).status_code == 403


def _many_children(world, n=7):
    from conftest import make_member, make_unit

    units = []
    for i in range(n):
        unit = make_unit(world.a, f"BMT-1{i:02d}", f"Công đoàn Trường số {i}", "grassroots")
        make_member(unit, f"Lê Văn Hùng {i}", gender="male")
        units.append(unit)
    closed = Unit.objects.get(pk=units[0].pk)
    closed.active = False
    closed.save(update_fields=["active"])
    return units


def test_the_tree_shows_children_a_page_at_a_time(client, world, monkeypatch):
    from chuyende.org import selectors

    monkeypatch.setattr(selectors, "CHILDREN_PER_PAGE", 3)
    _many_children(world)
    client.force_login(world.bob)
    url = reverse("org:unit_children", args=[world.a.pk])
    seen, after, pages = [], "", 0
    while True:
        response = client.get(url, {"after": after} if after else {}, HTTP_HX_REQUEST="true")
        children = response.context["children"]
        seen += [(c.active, c.code, c.member_count) for c in children]
        body = response.content.decode()
        assert (pages > 0) == ("autofocus" in body)  # focus moves to the first unit shown
        pages += 1
        if not children.next_after:
            assert "Show more" not in body and "Xem thêm" not in body
            break
        after = children.next_after
        assert f"?after={after}" in body
    expected = list(
        Unit.objects.filter(path__startswith=world.a.path, depth=world.a.depth + 1).order_by(
            "-active", "sort_key", "id"
        )
    )
    assert [code for _active, code, _n in seen] == [u.code for u in expected]
    assert pages == 3 and seen[-1][:2] == (False, "BMT-100")  # the closed unit comes last
    live = {u.code: Member.objects.filter(unit__path__startswith=u.path).count() for u in expected}
    assert {code: n for _a, code, n in seen} == live


def test_the_unit_page_pages_and_searches_its_children(client, world, monkeypatch):
    from chuyende.org import selectors

    monkeypatch.setattr(selectors, "CHILDREN_PER_PAGE", 3)
    _many_children(world)
    client.force_login(world.bob)
    url = reverse("org:unit_detail", args=[world.a.pk])
    response = client.get(url)
    body = response.content.decode()
    assert 'id="child-q"' in body and 'rel="next"' in body
    assert len(response.context["children"]) == 3
    response = client.get(url, {"q": "truong so 4"})
    assert [c.code for c in response.context["children"]] == ["BMT-104"]
    assert response.context["children"].children[0].member_count == 1
    second = client.get(url, {"after": response.context["children"].next_after or "x"})
    assert second.context["children"].is_first  # a bad or missing cursor: the first page
    first = client.get(url).context["children"]
    second = client.get(url, {"after": first.next_after}).context["children"]
    assert not second.is_first and {c.pk for c in first}.isdisjoint({c.pk for c in second})
    # a small unit shows no search box
    assert (
        'id="child-q"'
        not in client.get(reverse("org:unit_detail", args=[world.a1.pk])).content.decode()
    )


def test_child_counts_include_sub_units_and_their_members(client, world):
    from conftest import make_member, make_unit

    section = make_unit(Unit.objects.get(pk=world.a1.pk), "T-1", "Tổ 1", "section")
    make_member(section, "Võ Văn Tổ", gender="male")
    client.force_login(world.alice)
    response = client.get(reverse("org:unit_detail", args=[world.province.pk]))
    counts = {c.code: (c.descendant_count, c.member_count) for c in response.context["children"]}
    assert counts == {"DLK-BMT": (3, 4), "DLK-EAKAR": (1, 1)}
