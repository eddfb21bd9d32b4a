import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chuyende.core.models import AuditEvent
from chuyende.org import services
from chuyende.org.models import Member, RoleAssignment, Unit, UnitEvent

pytestmark = pytest.mark.django_db


def test_moving_a_unit_carries_its_subtree_and_members(world):
    services.unit_move(unit=world.a1, new_parent=world.b, acting_user=world.alice)
    world.a1.refresh_from_db()
    world.b.refresh_from_db()
    assert Unit.objects.get_parent(world.a1).pk == world.b.pk
    assert world.a1.path.startswith(world.b.path)
    assert Member.objects.filter(unit__path__startswith=world.b.path).count() == 3
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_a_move_is_kept_in_history_and_audit(world):
    services.unit_move(unit=world.a1, new_parent=world.b, acting_user=world.alice)
    event = UnitEvent.objects.get(unit=world.a1, kind="moved")
    assert event.details["from_parent"] == world.a.pk
    assert event.details["to_parent"] == world.b.pk
    assert event.actor == world.alice
    assert AuditEvent.objects.filter(action="move", object_id=str(world.a1.pk)).exists()


def test_a_unit_cannot_move_under_its_own_descendant(world):
    with pytest.raises(ValidationError):
        services.unit_move(unit=world.a, new_parent=world.a1, acting_user=world.alice)


def test_moving_needs_manage_rights_on_both_ends(world):
    with pytest.raises(PermissionDenied):
        services.unit_move(unit=world.a1, new_parent=world.b, acting_user=world.bob)
    with pytest.raises(PermissionDenied):
        services.unit_move(unit=world.a1, new_parent=world.a2, acting_user=world.carol)


def test_merging_moves_members_and_children_and_closes_the_source(world):
    section = Unit.objects.add_child(
        Unit.objects.get(pk=world.a2.pk),
        instance=Unit(code="T1", name="Tổ công đoàn Khoa Nội", kind="section"),
    )
    services.unit_merge(
        source=Unit.objects.get(pk=world.a2.pk), target=world.a1, acting_user=world.bob
    )
    a2 = Unit.objects.get(pk=world.a2.pk)
    assert not a2.active and a2.merged_into_id == world.a1.pk
    assert world.hnga.__class__.objects.get(pk=world.hnga.pk).unit_id == world.a1.pk
    section.refresh_from_db()
    assert Unit.objects.get_parent(section).pk == world.a1.pk
    assert UnitEvent.objects.filter(unit=a2, kind="merged").exists()
    assert UnitEvent.objects.filter(unit=world.a1, kind="absorbed").exists()
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_merging_removes_the_roles_held_on_the_closed_unit(world):
    services.unit_merge(source=world.a1, target=world.a2, acting_user=world.bob)
    assert not RoleAssignment.objects.filter(unit=world.a1).exists()


def test_a_failed_merge_leaves_nothing_half_done(world, monkeypatch):
    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "audit_record", boom)
    with pytest.raises(RuntimeError):
        services.unit_merge(source=world.a2, target=world.a1, acting_user=world.bob)
    a2 = Unit.objects.get(pk=world.a2.pk)
    assert a2.active and a2.merged_into_id is None
    assert Member.objects.get(pk=world.hnga.pk).unit_id == world.a2.pk
    assert not UnitEvent.objects.filter(kind="merged").exists()


def test_a_closed_unit_cannot_be_merged_again(world):
    services.unit_merge(source=world.a2, target=world.a1, acting_user=world.bob)
    with pytest.raises(ValidationError):
        services.unit_merge(
            source=Unit.objects.get(pk=world.a2.pk), target=world.a1, acting_user=world.bob
        )


def test_creating_a_unit_writes_history_and_audit(world):
    unit = services.unit_create(
        parent=world.a,
        acting_user=world.bob,
        code="BMT-003",
        name="Công đoàn Trường Tiểu học Nguyễn Du",
        kind="grassroots",
    )
    assert Unit.objects.get_parent(unit).pk == world.a.pk
    assert unit.search_name.startswith("cong doan truong tieu hoc nguyen du")
    assert UnitEvent.objects.filter(unit=unit, kind="created").exists()
    assert AuditEvent.objects.filter(action="create", object_id=str(unit.pk)).exists()


def test_scope_follows_a_moved_subtree(world):
    services.unit_move(unit=world.a1, new_parent=world.b, acting_user=world.alice)
    assert not Member.objects.for_user(world.bob).filter(pk=world.an.pk).exists()
    assert Member.objects.for_user(world.mallory).filter(pk=world.an.pk).exists()


def test_a_top_unit_added_in_the_admin_is_searchable_sorted_and_audited(client, world):
    """No screen creates the top of the tree: the admin does, and must fill what the services
    fill (the folded search column, the sort key) and leave an audit row."""
    client.force_login(world.admin)
    response = client.post(
        "/admin/org/unit/add/",
        {
            "code": "TLD-TEST",
            "name": "Tổng Liên đoàn Lao động Việt Nam",
            "short_name": "TLĐ",
            "kind": "confederation",
            "sub_kind": "",
            "active": "on",
            "address": "",
            "phone": "",
            "email": "",
            "treebeard_position": "first-child",
            "treebeard_ref_node": "",
        },
    )
    assert response.status_code == 302, (
        [e for e in response.context["adminform"].form.errors.items()]
        if response.context
        else response.status_code
    )
    unit = Unit.objects.get(code="TLD-TEST")
    assert "tong lien doan lao dong viet nam" in unit.search_name
    assert unit.sort_key
    assert AuditEvent.objects.filter(action="create", object_id=str(unit.pk)).exists()
