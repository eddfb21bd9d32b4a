"""Shared test fixtures: a small union tree and named personas.

TLĐ (root)
└── LĐLĐ tỉnh Đắk Lắk (province)            alice: manager   erin: viewer
    ├── LĐLĐ TP. Buôn Ma Thuột (upper, A)    bob: manager
    │   ├── CĐ Trường THCS Lê Lợi (A1)       carol: editor    dave: member (own record)
    │   └── CĐ Bệnh viện Thành phố (A2)
    └── LĐLĐ huyện Ea Kar (upper, B)         mallory: manager (the sibling subtree)
        └── CĐ Công ty Cà phê Ea Kar (B1)
"""

import datetime

import pytest
from django.core.files.base import ContentFile

from chuyende.org.models import Member, RoleAssignment, Unit
from chuyende.plans.models import Assignment, Evidence, Plan, Task


def make_unit(parent, code, name, kind, **extra):
    unit = Unit(code=code, name=name, kind=kind, **extra)
    unit.refresh_derived()
    if parent is None:
        return Unit.objects.add_root(instance=unit)
    return Unit.objects.add_child(parent, instance=unit)


def make_member(unit, full_name, **extra):
    values = {
        "gender": "female",
        "ethnicity": "Kinh",
        "date_of_birth": datetime.date(1985, 3, 2),
        **extra,
    }
    member = Member(unit=unit, full_name=full_name, **values)
    member.refresh_derived()
    member.save()
    return member


class World:
    pass


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: rate-limit counters (chuyende.core.ratelimit) and
    cached data never leak from one test into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def world(db, django_user_model):
    w = World()
    w.root = make_unit(None, "TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation")
    w.province = make_unit(
        w.root, "DLK", "Liên đoàn Lao động tỉnh Đắk Lắk", "province", short_name="LĐLĐ tỉnh Đắk Lắk"
    )
    w.a = make_unit(
        w.province,
        "DLK-BMT",
        "Liên đoàn Lao động thành phố Buôn Ma Thuột",
        "upper",
        sub_kind="district",
        short_name="LĐLĐ TP. Buôn Ma Thuột",
    )
    w.a1 = make_unit(w.a, "BMT-001", "Công đoàn Trường THCS Lê Lợi", "grassroots")
    w.a2 = make_unit(w.a, "BMT-002", "Công đoàn Bệnh viện Thành phố", "grassroots")
    w.b = make_unit(
        w.province, "DLK-EAKAR", "Liên đoàn Lao động huyện Ea Kar", "upper", sub_kind="district"
    )
    w.b1 = make_unit(w.b, "EAKAR-001", "Công đoàn Công ty Cà phê Ea Kar", "grassroots")
    for unit in (w.province, w.a, w.b):
        unit.refresh_from_db()

    w.an = make_member(
        w.a1,
        "Nguyễn Văn An",
        gender="male",
        phone="0912345678",
        id_number="066085001234",
        union_position="chair",
    )
    w.binh = make_member(w.a1, "Trần Thị Bình", phone="0987654321")
    w.hnga = make_member(w.a2, "H'Nga Byă", ethnicity="Ê Đê")
    w.foreign = make_member(
        w.b1, "Phạm Quốc Khánh", gender="male", phone="0977000111", id_number="066090009999"
    )

    def user(username, unit=None, role=None, **extra):
        u = django_user_model.objects.create_user(username=username, password="pw", **extra)
        if role:
            RoleAssignment.objects.create(user=u, unit=unit, role=role)
        return u

    w.admin = user("admin", is_superuser=True, is_staff=True)
    w.alice = user("alice", w.province, "manager")
    w.erin = user("erin", w.province, "viewer")
    w.bob = user("bob", w.a, "manager")
    w.carol = user("carol", w.a1, "editor")
    w.dave = user("dave", w.a1, "member")
    w.binh.user = w.dave
    w.binh.save(update_fields=["user"])
    w.mallory = user("mallory", w.b, "manager")
    w.nobody = user("nobody")

    # A province plan handed to both upper-level unions, and a plan of B's own.
    w.plan = Plan(
        unit=w.province,
        number="26/KH-LĐLĐ",
        title="Kế hoạch chuyên đề",
        issued_on=datetime.date(2024, 2, 22),
    )
    w.plan.refresh_derived()
    w.plan.save()
    w.task = Task.objects.create(
        plan=w.plan, ref="II.1", title="Tổ chức học tập", due_on=datetime.date(2024, 3, 31)
    )
    w.assignment_a = Assignment.objects.create(task=w.task, unit=w.a, due_on=w.task.due_on)
    w.assignment_b = Assignment.objects.create(task=w.task, unit=w.b, due_on=w.task.due_on)
    w.foreign_plan = Plan.objects.create(
        unit=w.b, number="07/KH-LĐLĐ Ea Kar", title="Kế hoạch riêng của Ea Kar"
    )
    w.foreign_task = Task.objects.create(plan=w.foreign_plan, ref="1", title="Hội thao Ea Kar")
    w.foreign_assignment = Assignment.objects.create(task=w.foreign_task, unit=w.b1)
    w.foreign_plan.source_file.save("ke-hoach-ea-kar.txt", ContentFile(b"KE HOACH"), save=True)
    w.foreign_evidence = Evidence(assignment=w.foreign_assignment, note="Ảnh hội thao")
    w.foreign_evidence.file.save("anh.jpg", ContentFile(b"\xff\xd8 photo"), save=True)
    return w
