"""The demo loader: shape of the tree, determinism, idempotence, accounts, derived columns."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from chuyende.core.text import SORT_KEY_LENGTH, fold, sort_key
from chuyende.demo.builder import DEMO_ACCOUNTS, GRASSROOTS_CODE, MEMBER_NAME
from chuyende.org.models import Member, RoleAssignment, Unit

pytestmark = pytest.mark.django_db

SCALE = "0.02"  # about 36 grassroots unions and 1,700 members


def run_demo(*args) -> str:
    out = StringIO()
    call_command("demo", "--scale", SCALE, *args, stdout=out)
    return out.getvalue()


def unit_list():
    return list(Unit.objects.order_by("path").values_list("code", "name"))


def member_list():
    return list(
        Member.objects.order_by("unit__path", "card_number").values_list(
            "unit__code", "full_name", "card_number", "date_of_birth"
        )
    )


def counts():
    return (
        Unit.objects.count(),
        Member.objects.count(),
        RoleAssignment.objects.count(),
        get_user_model().objects.count(),
    )


def test_demo_builds_the_province_with_its_departments_and_upper_level_unions():
    run_demo()
    root = Unit.objects.get(code="TLD")
    province = Unit.objects.get(code="DLK")
    assert (root.kind, root.depth, root.name) == (
        "confederation",
        1,
        "Tổng Liên đoàn Lao động Việt Nam",
    )
    assert (province.kind, province.depth, province.short_name) == (
        "province",
        2,
        "LĐLĐ tỉnh Đắk Lắk",
    )
    assert province.path.startswith(root.path)

    children = Unit.objects.filter(path__startswith=province.path, depth=3)
    uppers = children.filter(kind="upper")
    districts = uppers.filter(sub_kind="district")
    assert districts.count() == 15
    assert {
        "Liên đoàn Lao động thành phố Buôn Ma Thuột",
        "Liên đoàn Lao động thị xã Buôn Hồ",
        "Liên đoàn Lao động huyện Ea Kar",
        "Liên đoàn Lao động huyện M'Đrắk",
    } <= set(districts.values_list("name", flat=True))
    assert Unit.objects.get(code="DLK-BMT").short_name == "LĐLĐ TP. Buôn Ma Thuột"
    assert uppers.filter(sub_kind="sector").count() == 6
    assert uppers.get(sub_kind="civil_servants").name == "Công đoàn Viên chức tỉnh Đắk Lắk"
    assert uppers.filter(sub_kind="industrial_zone").count() == 1
    assert set(children.filter(kind="department").values_list("name", flat=True)) == {
        "Ban Tuyên giáo – Nữ công",
        "Ban Tổ chức",
        "Ban Chính sách – Pháp luật",
        "Văn phòng",
        "Ban Tài chính",
        "Ủy ban Kiểm tra",
    }
    assert set(children.filter(kind="affiliate").values_list("sub_kind", flat=True)) == {
        "office",
        "public_service",
        "economic",
    }

    grassroots = Unit.objects.filter(kind="grassroots")
    assert 30 <= grassroots.count() <= 45
    assert not grassroots.exclude(depth=4).exists()
    # every upper-level union has at least one grassroots union
    assert not uppers.filter(numchild=0).exists()
    assert not Unit.objects.filter(kind="section").exclude(depth=5).exists()


def test_every_grassroots_union_has_one_chair_one_vice_chair_and_a_committee():
    run_demo()
    officers = Unit.objects.filter(kind="grassroots").annotate(
        chairs=Count("members", filter=Q(members__union_position="chair")),
        vices=Count("members", filter=Q(members__union_position="vice_chair")),
        committee=Count("members", filter=Q(members__union_position="committee")),
    )
    assert officers.exists()
    for unit in officers:
        assert (unit.chairs, unit.vices) == (1, 1), unit.name
        assert 2 <= unit.committee <= 5, unit.name


def test_members_are_in_the_expected_range_and_have_their_derived_columns():
    run_demo()
    members = Member.objects.all()
    assert 1_200 <= members.count() <= 2_400  # 80,000 × 0.02 ≈ 1,600 (+ the affiliates)
    assert not members.filter(Q(search_name="") | Q(sort_key="")).exists()
    for member in members.order_by("id")[:200]:
        assert member.search_name == fold(f"{member.full_name} {member.card_number}")
        assert member.sort_key == sort_key(member.full_name)
        assert len(member.sort_key) == SORT_KEY_LENGTH
        assert member.joined_on.year - member.date_of_birth.year >= 18
    assert not Unit.objects.filter(Q(search_name="") | Q(sort_key="")).exists()
    by_ethnicity = dict(members.values_list("ethnicity").annotate(n=Count("id")))
    assert by_ethnicity["Kinh"] > by_ethnicity["Ê Đê"] > 0
    # card and ID numbers are unique (the database enforces it; the demo must not trip on it)
    assert members.values("card_number").distinct().count() == members.count()


def test_the_tree_is_a_valid_treebeard_tree():
    run_demo()
    assert Unit.objects.find_problems() == ([], [], [], [], [])
    for unit in Unit.objects.all():
        children = Unit.objects.filter(path__startswith=unit.path, depth=unit.depth + 1)
        assert Unit.objects.get_children_count(unit) == children.count(), unit.code


def test_two_runs_with_reset_give_the_same_units_and_members():
    run_demo()
    first = (unit_list(), member_list())
    run_demo("--reset")
    second = (unit_list(), member_list())
    assert first == second
    assert Unit.objects.find_problems() == ([], [], [], [], [])


def test_a_second_run_without_reset_changes_nothing_and_keeps_a_changed_password():
    run_demo()
    before = counts()
    units, members = unit_list(), member_list()
    tinh = get_user_model().objects.get(username="tinh")
    tinh.set_password("something else")
    tinh.save()

    output = run_demo()

    assert "already loaded" in output
    assert counts() == before
    assert (unit_list(), member_list()) == (units, members)
    tinh.refresh_from_db()
    assert tinh.check_password("something else")


def test_the_six_accounts_have_password_demo_and_their_roles():
    output = run_demo()
    users = {u.username: u for u in get_user_model().objects.all()}
    assert set(users) == {"admin", "tinh", "captren", "coso", "doanvien", "xem"}
    for user in users.values():
        assert user.check_password("demo"), user.username
        assert user.first_name
        assert user.username in output

    def roles(username):
        return set(
            RoleAssignment.objects.filter(user=users[username]).values_list("role", "unit__code")
        )

    assert users["admin"].is_superuser and users["admin"].is_staff
    assert not any(users[name].is_superuser for name in users if name != "admin")
    assert roles("admin") == {("admin", "TLD")}
    assert roles("tinh") == {("manager", "DLK")}
    assert roles("captren") == {("manager", "DLK-BMT")}
    assert roles("coso") == {("editor", GRASSROOTS_CODE)}
    assert roles("doanvien") == {("member", GRASSROOTS_CODE)}
    assert roles("xem") == {("viewer", "DLK")}

    school = Unit.objects.get(code=GRASSROOTS_CODE)
    city = Unit.objects.get(code="DLK-BMT")
    assert school.kind == "grassroots" and school.path.startswith(city.path)
    assert school.name == "Công đoàn Trường THCS Phan Chu Trinh"
    record = Member.objects.get(user=users["doanvien"])
    assert (record.unit_id, record.full_name) == (school.pk, MEMBER_NAME)


def test_demo_accounts_command_prints_the_accounts():
    run_demo()
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    for spec in DEMO_ACCOUNTS:
        assert spec["username"] in out.getvalue()
    assert "(missing)" not in out.getvalue()


def test_demo_accounts_command_marks_accounts_that_are_not_there():
    out = StringIO()
    call_command("demo_accounts", stdout=out)
    assert "(missing)" in out.getvalue()


def test_scale_must_be_positive():
    with pytest.raises(CommandError):
        call_command("demo", "--scale", "0", stdout=StringIO())


def test_the_seed_plan_is_imported_assigned_down_the_tree_with_statuses():
    from chuyende.plans.models import Assignment, Plan

    run_demo()
    plan = Plan.objects.get(number="26/KH-LĐLĐ")
    assert plan.unit.code == "DLK"
    assert list(plan.tasks.values_list("ref", flat=True)) == [
        "II.1",
        "II.2",
        "II.3",
        "III.1",
        "III.2",
    ]
    uppers = Unit.objects.filter(kind="upper").count()
    grassroots = Unit.objects.filter(kind="grassroots").count()
    by_task = dict(
        Assignment.objects.filter(task__plan=plan)
        .values_list("task__ref")
        .annotate(n=Count("id"))
        .values_list("task__ref", "n")
    )
    assert by_task == {
        "II.1": uppers,
        "II.2": uppers,
        "II.3": uppers + grassroots,
        "III.1": 1,
        "III.2": uppers + grassroots,
    }
    statuses = set(Assignment.objects.values_list("status", flat=True))
    assert statuses == {"done", "in_progress", "not_started"}
    passed = Assignment.objects.filter(parent__isnull=False).select_related("parent__unit", "unit")
    assert all(a.unit.path.startswith(a.parent.unit.path) for a in passed)
    run_demo()
    assert Plan.objects.filter(number="26/KH-LĐLĐ").count() == 1
    run_demo("--reset")
    assert Plan.objects.filter(number="26/KH-LĐLĐ").count() == 1
