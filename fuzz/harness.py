"""What every fuzz target shares: Django set up for it (with a small union tree in an in-memory
database for the importers that look members up), the file kind read from the input's first
byte, and the libFuzzer loop of atheris with the project's parsers instrumented for coverage."""

from __future__ import annotations

import inspect
import io
import os
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# The modules whose code gets coverage feedback: the project's parsers (Django, python-docx,
# pypdf… run uninstrumented: faster, and their failures are the parsers' to catch).
INSTRUMENTED = (
    "chuyende.plans.parsing",
    "chuyende.core.sheets",
    "chuyende.core.text",
    "chuyende.contests.imports",
    "chuyende.pledges.imports",
    "chuyende.pledges.exports",
    "chuyende.transfer.members",
    "chuyende.transfer.units",
    "chuyende.transfer.fields",
)


def split(data: bytes, kinds: tuple[str, ...]) -> tuple[str, bytes]:
    """(file kind, content): the first byte picks the kind, the rest is the file."""
    if not data:
        return kinds[0], b""
    return kinds[data[0] % len(kinds)], data[1:]


def join(kind: str, content: bytes, kinds: tuple[str, ...]) -> bytes:
    return bytes([kinds.index(kind)]) + content


class Upload(io.BytesIO):
    """An uploaded file as Django's forms hand it to the importers: name, size, read/seek."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name
        self.size = len(content)


def setup_django(*, instrument: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fuzz.settings")
    import django

    django.setup()
    modules = _import_parsers()
    if instrument:
        for module in modules:
            _instrument(module)


def _import_parsers() -> list:
    import importlib
    import pkgutil

    modules = []
    for name in INSTRUMENTED:
        module = importlib.import_module(name)
        modules.append(module)
        if hasattr(module, "__path__"):  # a package: its submodules too
            for info in pkgutil.iter_modules(module.__path__, f"{name}."):
                modules.append(importlib.import_module(info.name))
    return modules


def _instrument(module) -> None:
    """Coverage feedback for every function and method defined in the module."""
    import atheris

    for value in list(vars(module).values()):
        if getattr(value, "__module__", None) != module.__name__:
            continue
        value = getattr(value, "__wrapped__", value)  # functools.lru_cache
        if inspect.isfunction(value):
            atheris.instrument_func(value)
        elif inspect.isclass(value):
            for member in vars(value).values():
                function = getattr(member, "__func__", member)
                if inspect.isfunction(function):
                    atheris.instrument_func(function)


@dataclass
class World:
    """The rows a database-bound importer needs: a union with members, a pledge template."""

    province: object
    union: object
    user: object
    template: object


def make_world() -> World:
    """A province, a district federation and a grassroots union with a few members (the demo's
    names), an officer who may import, and a pledge template; in the current database."""
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", run_syncdb=True, verbosity=0)
    with transaction.atomic():
        return _fill()


def _fill() -> World:
    import datetime

    from django.contrib.auth import get_user_model

    from chuyende.org.models import Member, RoleAssignment, Unit
    from chuyende.pledges.models import PledgeSection, PledgeTemplate
    from fuzz import seeds

    def unit(parent, code, name, kind):
        made = Unit(code=code, name=name, kind=kind)
        made.refresh_derived()
        if parent is None:
            return Unit.objects.add_root(instance=made)
        return Unit.objects.add_child(parent, instance=made)

    root = unit(None, "TLD", "Tổng Liên đoàn Lao động Việt Nam", "confederation")
    province = unit(root, "DLK", "Liên đoàn Lao động tỉnh Đắk Lắk", "province")
    upper = unit(province, "DLK-BMT", "Liên đoàn Lao động thành phố Buôn Ma Thuột", "upper")
    union = unit(upper, "BMT-001", "Công đoàn Trường THCS Lê Lợi", "grassroots")
    province.refresh_from_db()
    upper.refresh_from_db()
    for number, (name, gender) in enumerate(MEMBERS, start=1):
        member = Member(
            unit=union,
            full_name=name,
            gender=gender,
            ethnicity="Kinh",
            date_of_birth=datetime.date(1980 + number, number, 10 + number),
            card_number=f"DLK-{number:07d}",
            id_number=f"06608500{number:04d}",
        )
        member.refresh_derived()
        member.save()
    user = get_user_model().objects.create_user(username="fuzz", password="fuzz-password")
    RoleAssignment.objects.create(user=user, unit=province, role="manager")
    template = PledgeTemplate.objects.create(
        unit=province,
        year=2024,
        title="Bản cam kết tu dưỡng, rèn luyện năm 2024",
        topic="Giữ gìn và phát huy bản sắc văn hóa dân tộc",
    )
    PledgeSection.objects.bulk_create(
        PledgeSection(
            template=template, code=code, title=title, min_items=MIN_ITEMS[code], position=i
        )
        for i, (code, title) in enumerate(seeds.PLEDGE_SECTIONS, start=1)
    )
    return World(province=province, union=union, user=user, template=template)


MEMBERS = [
    ("Nguyễn Văn An", "male"),
    ("Trần Thị Bình", "female"),
    ("H'Nga Byă", "female"),
    ("Y Bhin Niê", "male"),
    ("Lê Thị Hồng Nhung", "female"),
]
MIN_ITEMS = {"politics": 1, "ethics": 1, "duties": 2, "example": 0}


def main(test_one_input, *, database: bool = False) -> None:
    """Run one target under libFuzzer (arguments: corpus folders and -flags, as libFuzzer's)."""
    import atheris

    setup_django(instrument=True)
    context = make_world() if database else None

    def one(data: bytes) -> None:
        test_one_input(data, context)

    atheris.Setup(sys.argv, one)
    atheris.Fuzz()
