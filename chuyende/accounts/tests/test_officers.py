"""Officers and access of a unit (chuyende.accounts.officers): who may see and change a unit's
officers, new accounts with a temporary password that forces its change, roles given and
removed, password resets and accounts turned off only where every role of the account is the
manager's, the audit trail, the query count of the list."""

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from chuyende.accounts import officers
from chuyende.accounts.models import AccountStatus, UserSession
from chuyende.core.models import AuditEvent
from chuyende.org.models import RoleAssignment
from conftest import make_member

pytestmark = pytest.mark.django_db

User = get_user_model()


def url(name, **kwargs):
    return reverse(f"accounts:{name}", kwargs=kwargs)


def officer(username, unit, role="editor", **extra):
    user = User.objects.create_user(username=username, password="pw", **extra)
    RoleAssignment.objects.create(user=user, unit=unit, role=role)
    return user


def all_urls(w, target):
    """Every officers page of unit A about `target` (an officer of A's subtree)."""
    role = RoleAssignment.objects.filter(user=target).first()
    return [
        url("officer_list", pk=w.a.pk),
        url("officer_add", pk=w.a.pk),
        url("officer_detail", pk=w.a.pk, user_pk=target.pk),
        url("officer_password_reset", pk=w.a.pk, user_pk=target.pk),
        url("officer_active", pk=w.a.pk, user_pk=target.pk),
        url("officer_role_remove", pk=w.a.pk, role_pk=role.pk),
    ]


def new_officer_data(unit, username="hung", role="editor", **extra):
    return {
        "kind": "new",
        "new-username": username,
        "new-full_name": "Trần Văn Hùng",
        "new-email": f"{username}@example.vn",
        "new-unit": unit.pk,
        "new-role": role,
        **extra,
    }


# Who may open the pages -------------------------------------------------------------------------


def test_no_login_sends_every_officers_page_to_the_login(client, world):
    for address in all_urls(world, world.carol):
        for method in (client.get, client.post):
            response = method(address)
            assert response.status_code == 302, address
            assert response["Location"].startswith(reverse("login")), address


def test_the_manager_of_a_unit_opens_every_page_of_its_officers(client, world):
    client.force_login(world.bob)
    for address in all_urls(world, world.carol):
        assert client.get(address).status_code in (200, 405), address


def test_the_manager_of_the_sibling_unit_gets_404_and_changes_nothing(client, world):
    client.force_login(world.mallory)
    for address in all_urls(world, world.carol):
        assert client.get(address).status_code in (404, 405), address
        response = client.post(address, {"active": "0", **new_officer_data(world.a1)})
        assert response.status_code == 404, address
    # nor through a unit of her own: carol holds no role she manages
    assert (
        client.get(url("officer_detail", pk=world.b.pk, user_pk=world.carol.pk)).status_code == 404
    )
    carol_role = RoleAssignment.objects.get(user=world.carol)
    address = url("officer_role_remove", pk=world.b.pk, role_pk=carol_role.pk)
    assert client.post(address).status_code == 404
    world.carol.refresh_from_db()
    assert world.carol.is_active and world.carol.check_password("pw")
    assert RoleAssignment.objects.filter(pk=carol_role.pk).exists()
    assert not User.objects.filter(username="hung").exists()
    assert not AuditEvent.objects.exists()


def test_the_sibling_list_shows_none_of_a_unit_officers(client, world):
    client.force_login(world.mallory)
    body = client.get(url("officer_list", pk=world.b.pk)).content.decode()
    assert 'data-username="mallory"' in body
    for name in ("bob", "carol", "alice"):
        assert f'data-username="{name}"' not in body


@pytest.mark.parametrize(
    ("persona", "unit"),
    [("carol", "a1"), ("erin", "province"), ("erin", "a"), ("dave", "a1"), ("nobody", "a")],
)
def test_editors_viewers_and_members_cannot_manage_officers(client, world, persona, unit):
    client.force_login(getattr(world, persona))
    unit = getattr(world, unit)
    for address in (url("officer_list", pk=unit.pk), url("officer_add", pk=unit.pk)):
        assert client.get(address).status_code in (403, 404), address
        assert client.post(address, new_officer_data(unit)).status_code in (403, 404), address
    # a unit they may view but not manage answers 403, as org's unit pages do
    if persona in ("carol", "erin"):
        assert client.get(url("officer_list", pk=unit.pk)).status_code == 403
    assert not User.objects.filter(username="hung").exists()


def test_the_unit_page_links_to_its_officers_for_its_managers_only(client, world):
    client.force_login(world.bob)
    page = client.get(reverse("org:unit_detail", kwargs={"pk": world.a1.pk})).content.decode()
    assert url("officer_list", pk=world.a1.pk) in page
    client.force_login(world.carol)
    page = client.get(reverse("org:unit_detail", kwargs={"pk": world.a1.pk})).content.decode()
    assert url("officer_list", pk=world.a1.pk) not in page


# The list -------------------------------------------------------------------------------------


def test_the_list_shows_the_unit_and_its_subtree_or_the_unit_alone(client, world):
    TOTPDevice.objects.create(user=world.carol, name="app", confirmed=True)
    client.force_login(world.bob)
    body = client.get(url("officer_list", pk=world.a.pk)).content.decode()
    assert 'data-username="bob"' in body and 'data-username="carol"' in body
    assert 'data-username="dave"' not in body  # a member role is not an officer's
    assert 'data-username="alice"' not in body  # above the unit
    assert 'data-two-factor="1"' in body
    only = client.get(url("officer_list", pk=world.a.pk) + "?where=unit").content.decode()
    assert 'data-username="bob"' in only and 'data-username="carol"' not in only
    found = client.get(url("officer_list", pk=world.a.pk) + "?q=caro").content.decode()
    assert 'data-username="carol"' in found and 'data-username="bob"' not in found
    managers = client.get(url("officer_list", pk=world.a.pk) + "?role=manager").content.decode()
    assert 'data-username="bob"' in managers and 'data-username="carol"' not in managers


def _list_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_or_30_officers(client, world):
    client.force_login(world.bob)
    address = url("officer_list", pk=world.a.pk)
    client.get(address)  # the session's first page writes its record
    for n in range(2):
        officer(f"few{n}", world.a2, "viewer")
    few = _list_queries(client, address)
    for n in range(28):
        user = officer(f"many{n:02}", world.a2 if n % 2 else world.a1, "viewer")
        TOTPDevice.objects.create(user=user, name="app", confirmed=n % 3 == 0)
        if n % 4 == 0:
            AccountStatus.objects.create(user=user, must_change_password=True)
    assert RoleAssignment.objects.filter(unit__path__startswith=world.a.path).count() > 30
    assert _list_queries(client, address) == few
    assert _list_queries(client, address + "?page=2") == few
    assert few <= 8, few  # session, user, scope, unit, trail, count, rows, notifications


# Adding officers ------------------------------------------------------------------------------


def test_a_new_officer_gets_a_temporary_password_shown_once(client, world):
    client.force_login(world.bob)
    response = client.post(url("officer_add", pk=world.a.pk), new_officer_data(world.a1))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    password = response.context["password"]
    assert f'data-password="{password}"' in response.content.decode()
    hung = User.objects.get(username="hung")
    assert (hung.first_name, hung.last_name, hung.email) == ("Trần Văn", "Hùng", "hung@example.vn")
    assert hung.get_full_name() == "Trần Văn Hùng"
    assert hung.check_password(password)
    assert AccountStatus.objects.get(user=hung).must_change_password
    assert AccountStatus.objects.get(user=hung).password_set_by == world.bob
    assert RoleAssignment.objects.filter(user=hung, unit=world.a1, role="editor").exists()
    events = AuditEvent.objects.filter(actor=world.bob).order_by("pk")
    assert [e.changes.get("event") for e in events] == [None, "officer_account_created"]
    assert events[0].object_type == "org.roleassignment" and events[0].unit == world.a1
    assert password not in str(list(events.values_list("changes", flat=True)))
    # the next page shows it no more
    detail = client.get(url("officer_detail", pk=world.a.pk, user_pk=hung.pk)).content.decode()
    assert password not in detail and 'data-must-change="1"' in detail


def test_the_temporary_password_serves_only_to_choose_ones_own(client, world):
    hung, _assignment, password = officers.officer_create(
        acting_user=world.bob,
        username="hung",
        full_name="Trần Văn Hùng",
        unit=world.a1,
        role="editor",
    )
    response = client.post(reverse("login"), {"username": "hung", "password": password})
    assert response.status_code == 302
    home = client.get(reverse("core:home"))
    assert home.status_code == 302 and home["Location"] == url("password_change")
    unit_page = client.get(reverse("org:unit_detail", kwargs={"pk": world.a1.pk}))
    assert unit_page["Location"] == url("password_change")
    htmx = client.get(reverse("org:unit_tree"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == url("password_change")
    assert client.get(url("password_change")).status_code == 200
    kept = client.post(
        url("password_change"),
        {"old_password": password, "new_password1": password, "new_password2": password},
    )
    assert kept.status_code == 200 and "new_password1" in kept.context["form"].errors
    assert AccountStatus.objects.get(user=hung).must_change_password
    changed = client.post(
        url("password_change"),
        {
            "old_password": password,
            "new_password1": "Công-đoàn-2024!",
            "new_password2": "Công-đoàn-2024!",
        },
    )
    assert changed.status_code == 302
    assert not AccountStatus.objects.get(user=hung).must_change_password
    assert client.get(reverse("org:unit_detail", kwargs={"pk": world.a1.pk})).status_code == 200
    assert authenticate(username="hung", password=password) is None
    assert authenticate(username="hung", password="Công-đoàn-2024!") == hung


def test_the_password_gate_comes_after_the_two_factor_code(client, world):
    """A manager with an authenticator app signs in with the temporary password and the code,
    then must choose a password."""
    from .helpers import code_for, sign_in

    TOTPDevice.objects.create(user=world.carol, name="app", confirmed=True, key="3132" * 10)
    password = officers.officer_password_reset(
        account=world.carol, acting_user=world.bob, unit=world.a
    )
    response = sign_in(client, "carol", code_for(world.carol), password=password)
    assert response.status_code == 302
    assert client.get(reverse("core:home"))["Location"] == url("password_change")


def test_an_existing_account_is_found_by_exact_username_or_email(client, world):
    world.erin.email = "erin@example.vn"
    world.erin.save()
    client.force_login(world.bob)
    address = url("officer_add", pk=world.a.pk)
    data = {"kind": "existing", "existing-unit": world.a2.pk, "existing-role": "viewer"}
    missing = client.post(address, {**data, "existing-account": "eri"})
    assert missing.status_code == 200 and missing.context["existing"].errors["account"]
    response = client.post(address, {**data, "existing-account": "ERIN@example.vn"})
    assert response.status_code == 302
    assert response["Location"] == url("officer_detail", pk=world.a.pk, user_pk=world.erin.pk)
    assert RoleAssignment.objects.filter(user=world.erin, unit=world.a2, role="viewer").exists()
    # a member's account may get an officer role too
    response = client.post(address, {**data, "existing-account": "dave"})
    assert RoleAssignment.objects.filter(user=world.dave, unit=world.a2, role="viewer").exists()
    # no role granted to a unit outside the manager's units
    outside = client.post(
        address, {**data, "existing-account": "dave", "existing-unit": world.b1.pk}
    )
    assert outside.status_code == 200 and outside.context["existing"].errors["unit"]
    assert not RoleAssignment.objects.filter(user=world.dave, unit=world.b1).exists()


def test_a_new_account_needs_a_free_username_and_email(client, world):
    world.carol.email = "carol@example.vn"
    world.carol.save()
    client.force_login(world.bob)
    address = url("officer_add", pk=world.a.pk)
    taken = client.post(address, new_officer_data(world.a1, username="CAROL"))
    assert taken.context["new"].errors["username"]
    email = client.post(address, new_officer_data(world.a1, **{"new-email": "Carol@example.vn"}))
    assert email.context["new"].errors["email"]
    bad = client.post(address, new_officer_data(world.a1, username="a b"))
    assert bad.context["new"].errors["username"]
    assert User.objects.filter(username__in=["hung", "a b"]).count() == 0


def test_only_a_superuser_gives_the_administrator_role(client, world):
    client.force_login(world.alice)
    response = client.post(
        url("officer_add", pk=world.a.pk), new_officer_data(world.a, role="admin")
    )
    assert response.status_code == 200 and response.context["new"].errors["role"]
    assert not User.objects.filter(username="hung").exists()
    with pytest.raises(ValidationError):
        officers.officer_grant(
            acting_user=world.alice, identifier="carol", unit=world.a1, role="admin"
        )
    assert not RoleAssignment.objects.filter(role="admin").exists()
    client.force_login(world.admin)
    response = client.post(
        url("officer_add", pk=world.a.pk), new_officer_data(world.a, role="admin")
    )
    assert response.status_code == 200
    assert RoleAssignment.objects.filter(user__username="hung", role="admin").exists()


def test_a_manager_grants_nothing_outside_their_scope(world):
    with pytest.raises(PermissionDenied):
        officers.officer_grant(
            acting_user=world.bob, identifier="carol", unit=world.b1, role="viewer"
        )
    with pytest.raises(PermissionDenied):
        officers.officer_create(
            acting_user=world.bob, username="x1", full_name="X", unit=world.province, role="editor"
        )
    assert not User.objects.filter(username="x1").exists()


# Removing roles -------------------------------------------------------------------------------


def test_removing_a_role_is_confirmed_posted_and_audited(client, world):
    role = RoleAssignment.objects.get(user=world.carol)
    client.force_login(world.bob)
    address = url("officer_role_remove", pk=world.a.pk, role_pk=role.pk)
    assert client.get(address).status_code == 200
    assert RoleAssignment.objects.filter(pk=role.pk).exists()
    response = client.post(address)
    assert response["Location"] == url("officer_list", pk=world.a.pk)
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()
    event = AuditEvent.objects.get(changes__event="role_removed")
    assert event.actor == world.bob and event.unit == world.a1
    assert event.changes["user"] == "carol" and event.changes["role"] == "editor"


def test_nobody_removes_their_own_last_managing_role(client, world):
    own = RoleAssignment.objects.get(user=world.bob)
    client.force_login(world.bob)
    response = client.post(url("officer_role_remove", pk=world.a.pk, role_pk=own.pk), follow=True)
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert not AuditEvent.objects.filter(changes__event="role_removed").exists()
    # with another managing role left, one of them may go
    second = RoleAssignment.objects.create(user=world.bob, unit=world.a1, role="manager")
    officers.officer_role_remove(assignment=second, acting_user=world.bob)
    assert not RoleAssignment.objects.filter(pk=second.pk).exists()
    # a manager above may take it away
    officers.officer_role_remove(assignment=own, acting_user=world.alice)
    assert not RoleAssignment.objects.filter(user=world.bob).exists()


def test_only_a_superuser_removes_an_administrator_role(world):
    role = RoleAssignment.objects.create(user=world.erin, unit=world.a, role="admin")
    with pytest.raises(ValidationError):
        officers.officer_role_remove(assignment=role, acting_user=world.alice)
    officers.officer_role_remove(assignment=role, acting_user=world.admin)
    assert not RoleAssignment.objects.filter(pk=role.pk).exists()


# Password reset and turning off: the takeover rule ----------------------------------------------


def _sessions_of(username):
    """Two browsers signed in as `username`."""
    browsers = (Client(), Client())
    for one in browsers:
        response = one.post(reverse("login"), {"username": username, "password": "pw"})
        assert response.status_code == 302
    return browsers


def test_a_password_reset_ends_the_sessions_and_forces_a_change(client, world):
    laptop, phone = _sessions_of("carol")
    assert UserSession.objects.filter(user=world.carol).count() == 2
    client.force_login(world.bob)
    address = url("officer_password_reset", pk=world.a.pk, user_pk=world.carol.pk)
    assert client.get(address).status_code == 200
    response = client.post(address)
    assert response.status_code == 200
    password = response.context["password"]
    world.carol.refresh_from_db()
    assert world.carol.check_password(password) and not world.carol.check_password("pw")
    assert AccountStatus.objects.get(user=world.carol).must_change_password
    assert not UserSession.objects.filter(user=world.carol).exists()
    assert laptop.get(reverse("core:home"))["Location"].startswith(reverse("login"))
    event = AuditEvent.objects.get(changes__event="officer_password_reset")
    assert event.actor == world.bob and event.changes["sessions_ended"] == 2
    assert password not in str(event.changes)


def test_a_province_manager_cannot_take_over_a_national_officer(client, world):
    national = officer("nat", world.root, "manager")
    RoleAssignment.objects.create(user=national, unit=world.a1, role="editor")
    for manager in (world.alice, world.bob):
        client.force_login(manager)
        detail = client.get(url("officer_detail", pk=world.a.pk, user_pk=national.pk))
        assert detail.status_code == 200 and 'id="officer-not-yours"' in detail.content.decode()
        client.post(url("officer_password_reset", pk=world.a.pk, user_pk=national.pk))
        client.post(url("officer_active", pk=world.a.pk, user_pk=national.pk), {"active": "0"})
        with pytest.raises(ValidationError):
            officers.officer_password_reset(account=national, acting_user=manager, unit=world.a)
        with pytest.raises(ValidationError):
            officers.officer_set_active(
                account=national, active=False, acting_user=manager, unit=world.a
            )
    national.refresh_from_db()
    assert national.is_active and national.check_password("pw")
    assert not AccountStatus.objects.filter(user=national).exists()
    # a system administrator can
    officers.officer_set_active(
        account=national, active=False, acting_user=world.admin, unit=world.a
    )
    national.refresh_from_db()
    assert not national.is_active


def test_a_member_record_elsewhere_or_a_superuser_also_stops_a_takeover(world):
    linked = officer("linked", world.a1)
    make_member(world.b1, "Lê Văn Xa", user=linked)
    staff = officer("staff", world.a1, is_staff=True)
    for account in (linked, staff, world.bob):
        assert not officers.may_take_over(user=world.bob, account=account)
        with pytest.raises(ValidationError):
            officers.officer_password_reset(account=account, acting_user=world.bob, unit=world.a)
    assert officers.may_take_over(user=world.alice, account=linked)
    assert officers.may_take_over(user=world.bob, account=world.carol)


def test_an_account_turned_off_cannot_sign_in_until_turned_on(client, world):
    laptop, _phone = _sessions_of("carol")
    client.force_login(world.bob)
    address = url("officer_active", pk=world.a.pk, user_pk=world.carol.pk)
    assert client.get(address).status_code == 405
    assert client.post(address, {"active": "0"}).status_code == 302
    world.carol.refresh_from_db()
    assert not world.carol.is_active
    assert not UserSession.objects.filter(user=world.carol).exists()
    assert laptop.get(reverse("core:home"))["Location"].startswith(reverse("login"))
    assert authenticate(username="carol", password="pw") is None
    # still listed, marked off
    body = client.get(url("officer_list", pk=world.a.pk)).content.decode()
    assert 'data-username="carol"' in body and 'data-active="0"' in body
    client.post(address, {"active": "1"})
    world.carol.refresh_from_db()
    assert world.carol.is_active
    events = AuditEvent.objects.filter(object_type="auth.user").order_by("pk")
    assert [e.changes["event"] for e in events] == ["officer_account_off", "officer_account_on"]
    assert all(e.actor == world.bob and e.unit == world.a for e in events)
