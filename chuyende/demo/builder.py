"""The Đắk Lắk demo: the provincial union tree as it stood in 2024, its members, six accounts.

`build_demo()` is deterministic (seeded generators, no set iteration, no database ids in any
generated value) and idempotent (a province with code DLK already present is left alone).
The tree is planned in memory first, then written with `bulk_create`: treebeard paths, depths
and child counts are computed here, never by saving nodes one by one.
"""

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import PROTECT, Count, F, ProtectedError

from chuyende.org.choices import (
    Gender,
    MemberStatus,
    Role,
    UnionPosition,
    UnitKind,
    UnitSubKind,
)
from chuyende.org.models import Member, RoleAssignment, Unit

from . import names
from .places import (
    AFFILIATES,
    AGRICULTURE_AGENCIES,
    COLLEGES,
    CONSTRUCTION_AGENCIES,
    DEPARTMENTS,
    DISTRICT_AGENCIES,
    DISTRICT_RECIPE,
    DISTRICTS,
    ETHNIC_GROUPS,
    ETHNIC_PROFILES,
    INDUSTRIAL_SITES,
    PROVINCE_NAME,
    PROVINCE_SHORT_NAME,
    PROVINCIAL_AGENCIES,
    PROVINCIAL_HEALTH,
    SECTORS,
    STATE_FARMS,
    TRADE_AGENCIES,
    TRANSPORT_AGENCIES,
    District,
)
from .plan import demo_plan_author, load_demo_plan, load_module_demos

T = TypeVar("T")

SEED = 2024
REFERENCE_DATE = date(2024, 6, 30)  # the demo shows the tree as it stood in 2024
PASSWORD = "demo"

ROOT_CODE = "TLD"
ROOT_NAME = "Tổng Liên đoàn Lao động Việt Nam"
PROVINCE_CODE = "DLK"
CITY_CODE = "DLK-BMT"
GRASSROOTS_CODE = "DLK-BMT-0001"  # the first grassroots union of the city, at every scale
GRASSROOTS_NAME = "Công đoàn Trường THCS Phan Chu Trinh"
GRASSROOTS_SIZE = 46
MEMBER_NAME = "Nguyễn Thị Hồng Nhung"

MEMBERS_AT_SCALE_1 = 80_000
MIN_MEMBERS, MAX_MEMBERS = 8, 400
UNIT_BATCH = 500
MEMBER_BATCH = 2_000

# first_name holds the family and middle names so that get_full_name() reads in Vietnamese order.
DEMO_ACCOUNTS = [
    {
        "username": "admin",
        "role": Role.ADMIN,
        "unit": ROOT_CODE,
        "superuser": True,
        "first_name": "Quản trị",
        "last_name": "hệ thống",
        "description": "System administrator (whole tree)",
    },
    {
        "username": "tinh",
        "role": Role.MANAGER,
        "unit": PROVINCE_CODE,
        "superuser": False,
        "first_name": "Phạm Thị Thanh",
        "last_name": "Hương",
        "description": "Provincial federation officer (Ban Tuyên giáo – Nữ công)",
    },
    {
        "username": "captren",
        "role": Role.MANAGER,
        "unit": CITY_CODE,
        "superuser": False,
        "first_name": "Nguyễn Văn",
        "last_name": "Thành",
        "description": "Upper-level union officer (LĐLĐ TP. Buôn Ma Thuột)",
    },
    {
        "username": "coso",
        "role": Role.EDITOR,
        "unit": GRASSROOTS_CODE,
        "superuser": False,
        "first_name": "Lê Thị Thu",
        "last_name": "Hà",
        "description": "Grassroots union officer",
    },
    {
        "username": "doanvien",
        "role": Role.MEMBER,
        "unit": GRASSROOTS_CODE,
        "superuser": False,
        "first_name": "Nguyễn Thị Hồng",
        "last_name": "Nhung",
        "description": "Union member (own record)",
    },
    {
        "username": "xem",
        "role": Role.VIEWER,
        "unit": PROVINCE_CODE,
        "superuser": False,
        "first_name": "Trần Quốc",
        "last_name": "Bảo",
        "description": "Read-only viewer over the province",
    },
]


# --- Kinds of grassroots union ------------------------------------------------------------------


@dataclass(frozen=True)
class Category:
    size: tuple[int, int, int]  # low, high, typical number of members at scale 1
    female: float  # share of women
    jobs: str  # key of names.JOBS
    sections: str | None = None  # key of names.SECTIONS when it may have union sections
    skewed: bool = False  # firms: a long tail of big ones
    agency: bool = False  # named "Công đoàn cơ sở …" rather than "Công đoàn …"


CATEGORIES = {
    "commune_admin": Category((14, 34, 22), 0.38, "commune", agency=True),
    "district_agency": Category((10, 60, 22), 0.42, "agency", "agency", agency=True),
    "kindergarten": Category((12, 38, 22), 0.9, "kindergarten"),
    "primary_school": Category((16, 55, 30), 0.62, "school", "school"),
    "secondary_school": Category((20, 65, 38), 0.56, "school", "school"),
    "boarding_school": Category((28, 50, 36), 0.5, "school", "school"),
    "commune_clinic": Category((8, 12, 9), 0.6, "health"),
    "coffee_company": Category((80, 400, 190), 0.4, "farm", "farm"),
    "cooperative": Category((8, 26, 12), 0.35, "cooperative"),
    "private_company": Category((8, 250, 24), 0.38, "company", "company", skewed=True),
    "thpt": Category((40, 110, 68), 0.5, "school", "school"),
    "gdtx": Category((15, 45, 25), 0.5, "school"),
    "college": Category((60, 350, 150), 0.5, "college", "agency"),
    "education_office": Category((60, 90, 75), 0.5, "agency", "agency", agency=True),
    "district_health_centre": Category((120, 330, 190), 0.6, "health", "health"),
    "provincial_health": Category((30, 250, 80), 0.6, "health", "health"),
    "private_clinic": Category((15, 180, 35), 0.6, "health", skewed=True),
    "agriculture_agency": Category((15, 90, 30), 0.35, "agency", "agency", agency=True),
    "forest_ranger": Category((12, 30, 18), 0.2, "forest", agency=True),
    "state_farm": Category((40, 400, 140), 0.35, "farm", "farm", skewed=True),
    "transport_agency": Category((20, 110, 40), 0.25, "agency", "company"),
    "transport_company": Category((10, 200, 30), 0.2, "company", skewed=True),
    "construction_agency": Category((20, 180, 45), 0.3, "agency", "company"),
    "construction_company": Category((10, 180, 30), 0.22, "company", skewed=True),
    "trade_agency": Category((25, 300, 70), 0.4, "agency", "company"),
    "trade_company": Category((10, 200, 30), 0.45, "company", skewed=True),
    "provincial_agency": Category((15, 120, 35), 0.45, "agency", "agency", agency=True),
    "industrial_company": Category((40, 400, 130), 0.5, "company", "company", skewed=True),
    "affiliate": Category((8, 60, 20), 0.45, "agency"),
}


# Units each upper-level union starts with, whatever the scale:
# (category, base name, pool it is drawn from, pool item).
FIRST_UNITS = {
    CITY_CODE: (
        (
            "secondary_school",
            GRASSROOTS_NAME.removeprefix("Công đoàn "),
            "school:THCS",
            "Phan Chu Trinh",
        ),
    ),
    f"{PROVINCE_CODE}-GD": (
        ("thpt", "Trường THPT Chuyên Nguyễn Du", "school:THPT", "Nguyễn Du"),
        ("thpt", "Trường THPT Buôn Ma Thuột", "school:THPT", "Buôn Ma Thuột"),
    ),
}


# --- The plan: an in-memory tree ----------------------------------------------------------------


@dataclass
class Node:
    code: str
    name: str
    kind: str
    sub_kind: str = ""
    short_name: str = ""
    address: str = ""
    phone: str = ""
    category: str = ""  # set on units that hold members
    size: int = 0  # members of the unit and its sections
    profile: str = "province"  # key of ETHNIC_PROFILES
    children: list["Node"] = field(default_factory=list)
    unit: Unit | None = None  # the saved row


class Namer:
    """Unit names, unique across the province, drawn from pools with a seeded generator."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()  # full unit names (only ever tested, never iterated)
        self.taken: set[tuple[str, str]] = set()  # (scope, "pool:item") already used
        self.pools: dict[tuple[str, str], list] = {}
        self.counters: dict[tuple[str, str], int] = {}

    def unique(self, name: str, qualifier: str) -> str:
        """The name, or the name qualified by its district when another unit holds it."""
        if name not in self.used:
            self.used.add(name)
            return name
        candidate = f"{name} ({qualifier})"
        number = 2
        while candidate in self.used:
            candidate = f"{name} ({qualifier}, {number})"
            number += 1
        self.used.add(candidate)
        return candidate

    def draw(self, scope: str, pool_key: str, pool: Sequence[T]) -> T | None:
        """The next unused item of a pool, in an order shuffled once per scope."""
        key = (scope, pool_key)
        if key not in self.pools:
            items = list(pool)
            self.rng.shuffle(items)
            self.pools[key] = items
        items = self.pools[key]
        while items:
            item = items.pop()
            if (scope, f"{pool_key}:{item}") not in self.taken:
                self.taken.add((scope, f"{pool_key}:{item}"))
                return item
        return None

    def take(self, scope: str, pool_key: str, item: str) -> None:
        """Mark a pool item as used in a scope (for units named by hand)."""
        self.taken.add((scope, f"{pool_key}:{item}"))

    def next_in_order(self, scope: str, pool_key: str, pool: Sequence[T]) -> T | None:
        """The next item of a pool in its own order (communes, fixed lists)."""
        key = (scope, pool_key)
        index = self.counters.get(key, 0)
        self.counters[key] = index + 1
        return pool[index] if index < len(pool) else None

    def number(self, scope: str, key: str) -> int:
        counter = (scope, f"#{key}")
        self.counters[counter] = self.counters.get(counter, 0) + 1
        return self.counters[counter]


def _party_committee(district: District) -> str:
    return {"thành phố": "Thành ủy", "thị xã": "Thị ủy"}.get(district.level, "Huyện ủy")


def _firm(namer: Namer, scope: str, lines, forms=names.FIRM_FORMS) -> str:
    rng = namer.rng
    while True:
        name = f"{rng.choice(forms)} {rng.choice(lines)} {rng.choice(names.BRANDS)}"
        if (scope, f"firm:{name}") not in namer.taken:
            namer.take(scope, "firm", name)
            return name


def _school(namer: Namer, scope: str, kind: str, place: District | None) -> str:
    """'Trường THCS Lê Lợi'; when the figures run out, 'Trường THCS số 2 Ea Tu'."""
    pool = names.KINDERGARTEN_NAMES if kind == "Mầm non" else names.FIGURES
    if kind == "Mầm non" and place is not None and namer.rng.random() < 0.35:
        commune = namer.draw(scope, f"commune-school:{kind}", place.communes)
        if commune:
            return f"Trường {kind} {commune[1]}"
    figure = namer.draw(scope, f"school:{kind}", pool)
    if figure:
        return f"Trường {kind} {figure}"
    seat = place.seat[1] if place else "Buôn Ma Thuột"
    return f"Trường {kind} số {namer.number(scope, kind) + 1} {seat}"


def _grassroots_name(
    namer: Namer, category: str, district: District | None, scope: str
) -> str | None:
    """The base name of the next grassroots union of a category; None when none is left."""
    rng = namer.rng
    match category:
        case "commune_admin":
            commune = namer.next_in_order(scope, category, district.communes)
            return commune and f"UBND {commune[0]} {commune[1]}"
        case "district_agency":
            agency = namer.next_in_order(scope, category, DISTRICT_AGENCIES)
            return agency and agency.format(
                district=district.label, party=f"{_party_committee(district)} {district.name}"
            )
        case "kindergarten":
            return _school(namer, scope, "Mầm non", district)
        case "primary_school":
            return _school(namer, scope, "Tiểu học", district)
        case "secondary_school":
            return _school(namer, scope, "THCS", district)
        case "boarding_school":
            boarding = f"Trường Phổ thông Dân tộc nội trú THCS {district.label}"
            return namer.next_in_order(scope, category, (boarding,))
        case "commune_clinic":
            commune = namer.draw(scope, category, district.communes)
            return commune and f"Trạm Y tế {commune[0]} {commune[1]}"
        case "coffee_company":
            return namer.next_in_order(scope, category, district.coffee_companies)
        case "cooperative":
            commune = rng.choice(district.communes)[1]
            line = rng.choice(names.COOPERATIVE_LINES)
            name = f"{line} {commune}"
            if (scope, f"coop:{name}") in namer.taken:
                name = f"{line} {rng.choice(names.BRANDS)}"
            namer.take(scope, "coop", name)
            return name
        case "private_company":
            return _firm(namer, scope, names.PRIVATE_LINES)
        case "thpt":
            return _school(namer, scope, "THPT", None)
        case "gdtx":
            place = namer.next_in_order(scope, category, DISTRICTS)
            return place and (
                f"Trung tâm Giáo dục nghề nghiệp - Giáo dục thường xuyên {place.label}"
            )
        case "college":
            return namer.next_in_order(scope, category, COLLEGES)
        case "education_office":
            return namer.next_in_order(scope, category, ("Cơ quan Sở Giáo dục và Đào tạo",))
        case "district_health_centre":
            place = namer.next_in_order(scope, category, DISTRICTS)
            return place and f"Trung tâm Y tế {place.label}"
        case "provincial_health":
            return namer.next_in_order(scope, category, PROVINCIAL_HEALTH)
        case "private_clinic":
            brand = namer.draw(scope, category, names.BRANDS)
            if brand:
                return f"Phòng khám Đa khoa {brand}"
            return _firm(namer, scope, ("Y tế", "Dịch vụ Y tế", "Bệnh viện Đa khoa"))
        case "agriculture_agency":
            return namer.next_in_order(scope, category, AGRICULTURE_AGENCIES)
        case "forest_ranger":
            place = namer.next_in_order(scope, category, DISTRICTS)
            return place and f"Hạt Kiểm lâm {place.label}"
        case "state_farm":
            return namer.next_in_order(scope, category, STATE_FARMS)
        case "transport_agency":
            return namer.next_in_order(scope, category, TRANSPORT_AGENCIES)
        case "transport_company":
            if rng.random() < 0.25:
                return f"HTX {rng.choice(names.TRANSPORT_LINES)} {rng.choice(names.BRANDS)}"
            return _firm(namer, scope, names.TRANSPORT_LINES)
        case "construction_agency":
            return namer.next_in_order(scope, category, CONSTRUCTION_AGENCIES)
        case "construction_company":
            return _firm(namer, scope, names.CONSTRUCTION_LINES)
        case "trade_agency":
            return namer.next_in_order(scope, category, TRADE_AGENCIES)
        case "trade_company":
            return _firm(namer, scope, names.TRADE_LINES)
        case "provincial_agency":
            return namer.next_in_order(scope, category, PROVINCIAL_AGENCIES)
        case "industrial_company":
            return _firm(namer, scope, names.INDUSTRIAL_LINES)
    raise ValueError(f"unknown category {category!r}")


def _plan_categories(
    namer: Namer, count: int, recipe, district: District | None, scope: str
) -> list[tuple[str, str]]:
    """`count` (category, base name) pairs in the proportions of the recipe, interleaved.

    Each step takes the category furthest below its share; a category whose fixed list has run
    out drops out and the others fill its place.
    """
    shares = dict(recipe)
    total = sum(shares.values())
    given = dict.fromkeys(shares, 0)
    planned: list[tuple[str, str]] = []
    while len(planned) < count and shares:
        step = len(planned) + 1
        category = max(shares, key=lambda c: shares[c] / total * step - given[c])
        base = _grassroots_name(namer, category, district, scope)
        if base is None:
            del shares[category]
            continue
        given[category] += 1
        planned.append((category, base))
    return planned


def _scaled(base: int, scale: float) -> int:
    return max(1, round(base * scale))


def _raw_size(rng: random.Random, category: str) -> float:
    low, high, typical = CATEGORIES[category].size
    if CATEGORIES[category].skewed:
        return min(high, max(low, typical * math.exp(rng.gauss(0, 0.75))))
    return rng.triangular(low, high, typical)


def _landline(rng: random.Random) -> str:
    return f"0262{rng.randrange(3_800_000, 3_999_999)}"


def _grassroots_under(
    upper: Node, namer: Namer, count: int, recipe, district: District | None, qualifier: str
) -> None:
    """Add `count` grassroots unions under an upper-level union, its fixed first ones first."""
    first = FIRST_UNITS.get(upper.code, ())
    for _category, _base, pool_key, item in first:
        namer.take(upper.code, pool_key, item)
    planned = [(category, base) for category, base, _, _ in first]
    planned += _plan_categories(namer, max(0, count - len(first)), recipe, district, upper.code)
    for index, (category, base) in enumerate(planned, start=1):
        prefix = "Công đoàn cơ sở" if CATEGORIES[category].agency else "Công đoàn"
        name = namer.unique(f"{prefix} {base}", qualifier)
        address = ""
        if district is not None:
            address = f"{district.short_label}, tỉnh Đắk Lắk"
        elif category == "industrial_company":
            address = f"{namer.rng.choice(INDUSTRIAL_SITES)}, tỉnh Đắk Lắk"
        upper.children.append(
            Node(
                code=f"{upper.code}-{index:04d}",
                name=name,
                kind=UnitKind.GRASSROOTS,
                address=address,
                category=category,
                profile=upper.profile,
            )
        )


def plan_tree(scale: float = 1.0) -> Node:
    """The province and everything under it, in memory, with member counts decided."""
    rng = random.Random(SEED)
    namer = Namer(rng)
    province = Node(
        PROVINCE_CODE,
        PROVINCE_NAME,
        UnitKind.PROVINCE,
        short_name=PROVINCE_SHORT_NAME,
        address="Phường Tân Lợi, TP. Buôn Ma Thuột, tỉnh Đắk Lắk",
        phone=_landline(rng),
    )
    for suffix, name in DEPARTMENTS:
        province.children.append(Node(f"{PROVINCE_CODE}-{suffix}", name, UnitKind.DEPARTMENT))

    for district in DISTRICTS:
        upper = Node(
            f"{PROVINCE_CODE}-{district.code}",
            f"Liên đoàn Lao động {district.label}",
            UnitKind.UPPER,
            UnitSubKind.DISTRICT,
            short_name=f"LĐLĐ {district.short_label}",
            address=f"{district.seat[0].capitalize()} {district.seat[1]}, "
            f"{district.short_label}, tỉnh Đắk Lắk",
            phone=_landline(rng),
            profile=district.ethnic_profile,
        )
        _grassroots_under(
            upper,
            namer,
            _scaled(district.grassroots, scale),
            DISTRICT_RECIPE,
            district,
            district.label,
        )
        province.children.append(upper)

    for sector in SECTORS:
        upper = Node(
            f"{PROVINCE_CODE}-{sector.code}",
            sector.name,
            UnitKind.UPPER,
            sector.sub_kind,
            short_name=sector.short_name,
            address="TP. Buôn Ma Thuột, tỉnh Đắk Lắk",
            phone=_landline(rng),
            profile=sector.ethnic_profile,
        )
        _grassroots_under(
            upper, namer, _scaled(sector.grassroots, scale), sector.recipe, None, sector.short_name
        )
        province.children.append(upper)

    for suffix, sub_kind, name, short_name, size in AFFILIATES:
        province.children.append(
            Node(
                f"{PROVINCE_CODE}-{suffix}",
                name,
                UnitKind.AFFILIATE,
                sub_kind,
                short_name=short_name,
                address="TP. Buôn Ma Thuột, tỉnh Đắk Lắk",
                category="affiliate",
                size=max(MIN_MEMBERS, round(size * min(1.0, scale * 5))),
            )
        )

    grassroots = [g for upper in province.children for g in upper.children]
    _decide_sizes(rng, grassroots)
    for unit in grassroots:
        _add_sections(rng, unit)
    return province


def _decide_sizes(rng: random.Random, grassroots: list[Node]) -> None:
    """Member counts: typical for each kind of unit, scaled so the province has ~80,000."""
    raw = [_raw_size(rng, unit.category) for unit in grassroots]
    base_units = sum(d.grassroots for d in DISTRICTS) + sum(s.grassroots for s in SECTORS)
    target = MEMBERS_AT_SCALE_1 * len(grassroots) / base_units
    factor = target / sum(raw)
    for unit, size in zip(grassroots, raw, strict=True):
        unit.size = min(MAX_MEMBERS, max(MIN_MEMBERS, round(size * factor)))
    for unit in grassroots:  # the union the demo accounts work in: the same at every scale
        if unit.code == GRASSROOTS_CODE:
            unit.size = GRASSROOTS_SIZE


def _add_sections(rng: random.Random, unit: Node) -> None:
    """Union sections (tổ công đoàn) in some of the bigger grassroots unions."""
    pool_key = CATEGORIES[unit.category].sections
    if pool_key is None or unit.size < 50 or unit.code == GRASSROOTS_CODE:
        return
    if unit.category != "district_health_centre" and rng.random() > 0.3:
        return
    pool = names.SECTIONS[pool_key]
    count = min(len(pool), max(2, unit.size // 30 + 1))
    chosen = sorted(rng.sample(range(len(pool)), count))
    for index, pick in enumerate(chosen, start=1):
        unit.children.append(
            Node(
                f"{unit.code}-T{index:02d}",
                pool[pick],
                UnitKind.SECTION,
                address=unit.address,
            )
        )


# --- Members -------------------------------------------------------------------------------------

PHONE_PREFIXES = (
    "090",
    "091",
    "093",
    "094",
    "096",
    "097",
    "098",
    "032",
    "033",
    "034",
    "035",
    "036",
    "037",
    "038",
    "039",
)
# Where migrants' citizen ID numbers were issued (Thanh Hóa, Nghệ An, Hà Tĩnh, Thái Bình,
# Nam Định, Quảng Bình, Quảng Nam, Quảng Ngãi, Bình Định; Cao Bằng, Lạng Sơn, Bắc Kạn).
MIGRANT_ID_PROVINCES = ("038", "040", "042", "034", "036", "044", "049", "051", "052")
NORTHERN_ID_PROVINCES = ("004", "020", "006", "010", "008")
OFFICER_POSITIONS = (UnionPosition.CHAIR, UnionPosition.VICE_CHAIR)


class People:
    """Generates members with unique card, ID and phone numbers."""

    def __init__(self, rng: random.Random, taken_ids=(), taken_cards=()):
        self.rng = rng
        self.ids = set(taken_ids)
        self.cards = set(taken_cards)
        self.phones: set[str] = set()
        self.profiles = {
            key: (ETHNIC_GROUPS, list(_cumulative(mix))) for key, mix in ETHNIC_PROFILES.items()
        }
        self.jobs = {
            key: ([title for title, _ in table], list(_cumulative(w for _, w in table)))
            for key, table in names.JOBS.items()
        }

    def _unique(self, taken: set, make) -> str:
        while True:
            value = make()
            if value not in taken:
                taken.add(value)
                return value

    def member(
        self,
        unit: Unit,
        category: Category,
        profile: str,
        position: str,
        *,
        ethnicity: str | None = None,
        female: bool | None = None,
    ) -> Member:
        rng = self.rng
        groups, cumulative = self.profiles[profile]
        drawn_ethnicity = rng.choices(groups, cum_weights=cumulative)[0]
        drawn_female = rng.random() < category.female
        ethnicity = ethnicity or drawn_ethnicity
        female = drawn_female if female is None else female
        officer = bool(position)
        age = rng.triangular(32, 59, 45) if officer else rng.triangular(20, 60, 37)
        born = REFERENCE_DATE - timedelta(days=int(age * 365.25))
        joined_at = rng.uniform(min(21.0, age - 0.5), min(age - 0.1, 45.0))
        joined = born + timedelta(days=int(joined_at * 365.25))
        titles, job_weights = self.jobs[category.jobs]
        status = MemberStatus.ACTIVE
        if not officer:
            roll = rng.random()
            if roll < 0.012:
                status = MemberStatus.TRANSFERRED
            elif roll < 0.02:
                status = MemberStatus.LEFT
        phone = ""
        if rng.random() < 0.8:
            phone = self._unique(
                self.phones, lambda: f"{rng.choice(PHONE_PREFIXES)}{rng.randrange(10**7):07d}"
            )
        id_number = ""
        if rng.random() < 0.6:
            id_number = self._unique(self.ids, lambda: self._id_number(ethnicity, female, born))
        member = Member(
            unit=unit,
            full_name=names.person_name(rng, ethnicity, female),
            gender=Gender.FEMALE if female else Gender.MALE,
            date_of_birth=born,
            ethnicity=ethnicity,
            religion=names.religion(rng, ethnicity),
            phone=phone,
            id_number=id_number,
            card_number=self._unique(self.cards, lambda: f"DL24{rng.randrange(10**6):06d}"),
            job_title=rng.choices(titles, cum_weights=job_weights)[0],
            union_position=position,
            joined_on=joined,
            status=status,
        )
        return member

    def _id_number(self, ethnicity: str, female: bool, born: date) -> str:
        """A 12-digit citizen ID: province of registration, century and sex, year, serial."""
        rng = self.rng
        province = "066"
        if ethnicity == "Kinh" and rng.random() < 0.2:
            province = rng.choice(MIGRANT_ID_PROVINCES)
        elif ethnicity in ("Tày", "Nùng", "Dao", "Mông") and rng.random() < 0.3:
            province = rng.choice(NORTHERN_ID_PROVINCES)
        century_sex = (0 if born.year < 2000 else 2) + (1 if female else 0)
        return f"{province}{century_sex}{born.year % 100:02d}{rng.randrange(10**6):06d}"


def _cumulative(weights):
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def _positions(rng: random.Random, size: int) -> list[str]:
    """Union positions of a grassroots union: a chair, a vice chair, 2–5 committee members."""
    committee = min(rng.randint(2, 5), max(2, size // 6))
    return [*OFFICER_POSITIONS, *[UnionPosition.COMMITTEE] * committee]


def _members_of(people: People, node: Node):
    """The members of a grassroots unit: officers at the union, the rest in its sections."""
    rng = people.rng
    category = CATEGORIES[node.category]
    positions = _positions(rng, node.size)
    sections = [child.unit for child in node.children]
    led = set()
    for index in range(node.size):
        position = positions[index] if index < len(positions) else ""
        unit = node.unit
        if not position and sections:
            unit = sections[index % len(sections)]
            if unit.code not in led:
                led.add(unit.code)
                position = UnionPosition.GROUP_LEADER
        if node.code == GRASSROOTS_CODE and index == len(positions):
            # the record the `doanvien` account is linked to
            member = people.member(unit, category, node.profile, "", ethnicity="Kinh", female=True)
            member.full_name = MEMBER_NAME
            member.religion = ""
            member.job_title = "Giáo viên"
            member.status = MemberStatus.ACTIVE
        else:
            member = people.member(unit, category, node.profile, position)
        yield member


# --- Writing -------------------------------------------------------------------------------------


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


def _write_tree(province: Node, stdout) -> None:
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        root = Unit(
            code=ROOT_CODE,
            name=ROOT_NAME,
            kind=UnitKind.CONFEDERATION,
            short_name="Tổng LĐLĐ Việt Nam",
            address="82 Trần Hưng Đạo, Hà Nội",
        )
        root.refresh_derived()
        root = Unit.objects.add_root(instance=root)
    last_path = (
        Unit.objects.filter(path__startswith=root.path, depth=root.depth + 1)
        .order_by("-path")
        .values_list("path", flat=True)
        .first()
    )
    position = Unit._str2int(last_path[-Unit.steplen :]) + 1 if last_path else 1

    units = []

    def place(node: Node, parent_path: str, depth: int, index: int) -> None:
        node.unit = Unit(
            path=Unit._get_path(parent_path, depth, index),
            depth=depth,
            numchild=len(node.children),
            code=node.code,
            name=node.name,
            kind=node.kind,
            sub_kind=node.sub_kind,
            short_name=node.short_name,
            address=node.address,
            phone=node.phone,
        )
        node.unit.refresh_derived()
        units.append(node.unit)
        for child_index, child in enumerate(node.children, start=1):
            place(child, node.unit.path, depth + 1, child_index)

    place(province, root.path, root.depth + 1, position)
    Unit.objects.bulk_create(units, batch_size=UNIT_BATCH)
    if any(unit.pk is None for unit in units):  # backends that return no ids from bulk inserts
        ids = dict(Unit.objects.filter(code__in=[u.code for u in units]).values_list("code", "id"))
        for unit in units:
            unit.pk = ids[unit.code]
    Unit.objects.filter(pk=root.pk).update(numchild=F("numchild") + 1)
    _say(stdout, f"  {len(units):,} units written")

    people = People(
        random.Random(SEED + 1),
        taken_ids=Member.objects.exclude(id_number="").values_list("id_number", flat=True),
        taken_cards=Member.objects.exclude(card_number="").values_list("card_number", flat=True),
    )
    batch, written = [], 0
    for node in _walk(province):
        if not node.category:
            continue
        for member in _members_of(people, node):
            member.refresh_derived()
            batch.append(member)
        if len(batch) >= MEMBER_BATCH:
            Member.objects.bulk_create(batch, batch_size=MEMBER_BATCH)
            written += len(batch)
            batch = []
    Member.objects.bulk_create(batch, batch_size=MEMBER_BATCH)
    written += len(batch)
    _say(stdout, f"  {written:,} members written")


def delete_demo() -> None:
    """Remove the demo: its accounts, members and units (the root only if nothing else is under
    it)."""
    User = get_user_model()
    User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS]).delete()
    province = Unit.objects.filter(code=PROVINCE_CODE).first()
    if province is not None:
        _delete_protected_rows(province.path)
        Member.objects.filter(unit__path__startswith=province.path).delete()
        Unit.objects.filter(pk=province.pk).delete()
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is not None and root.numchild == 0:
        _delete_protected_rows(root.path)
        Member.objects.filter(unit=root).delete()
        Unit.objects.filter(pk=root.pk).delete()


def _delete_protected_rows(path: str) -> None:
    """Delete, in every app, the rows that protect a unit or a member of the subtree from
    deletion (plans, assignments, sessions, posts…), so modules added later need no change here.
    Rows protected in turn by others are retried after those are gone."""
    targets = {Unit: "path", Member: "unit__path"}
    pending = [
        (model, f"{field.name}__{targets[field.related_model]}__startswith")
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.many_to_one
        and field.concrete
        and field.related_model in targets
        and field.remote_field.on_delete is PROTECT
        and model not in targets
    ]
    for _ in range(len(pending) + 1):
        blocked = []
        for model, lookup in pending:
            try:
                _delete_with_blockers(model.objects.filter(**{lookup: path}))
            except ProtectedError:
                blocked.append((model, lookup))
        if not blocked:
            return
        pending = blocked
    raise ProtectedError("demo rows still protected", set())


def _delete_with_blockers(queryset, depth: int = 0) -> None:
    """Delete the rows, first deleting the rows that protect them (an award protecting a
    nomination, a pledge template protecting a plan…), however deep."""
    for _ in range(20):
        try:
            with transaction.atomic():
                queryset.delete()
            return
        except ProtectedError as error:
            if depth > 10:
                raise
            by_model = {}
            for obj in error.protected_objects:
                by_model.setdefault(type(obj), set()).add(obj.pk)
            for model, pks in by_model.items():
                _delete_with_blockers(model.objects.filter(pk__in=pks), depth + 1)
    raise ProtectedError("demo rows still protected", set())


def ensure_accounts() -> None:
    """The six demo accounts, with password `demo` and their roles; `doanvien` linked to its
    member record."""
    User = get_user_model()
    units = {u.code: u for u in Unit.objects.filter(code__in=[a["unit"] for a in DEMO_ACCOUNTS])}
    for spec in DEMO_ACCOUNTS:
        user = User.objects.filter(username=spec["username"]).first()
        if user is None:  # an existing account keeps the password its owner may have changed
            user = User(
                username=spec["username"],
                first_name=spec["first_name"],
                last_name=spec["last_name"],
                is_active=True,
            )
            user.is_superuser = user.is_staff = spec["superuser"]
            user.set_password(PASSWORD)
            user.save()
        unit = units.get(spec["unit"])
        if unit is not None:
            RoleAssignment.objects.get_or_create(user=user, unit=unit, role=spec["role"])
        if spec["role"] == Role.MEMBER and unit is not None:
            record = Member.objects.filter(unit=unit, full_name=MEMBER_NAME).order_by("id").first()
            if record is not None and record.user_id != user.pk:
                Member.objects.filter(user=user).update(user=None)
                record.user = user
                record.save(update_fields=["user", "updated_at"])


def account_rows() -> list[dict]:
    """The demo accounts as they stand in the database, for printing."""
    User = get_user_model()
    users = {
        u.username: u
        for u in User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS])
    }
    units = {u.code: u for u in Unit.objects.filter(code__in=[a["unit"] for a in DEMO_ACCOUNTS])}
    rows = []
    for spec in DEMO_ACCOUNTS:
        user = users.get(spec["username"])
        unit = units.get(spec["unit"])
        present = (
            user is not None
            and unit is not None
            and RoleAssignment.objects.filter(user=user, unit=unit, role=spec["role"]).exists()
        )
        rows.append(
            {
                "username": spec["username"],
                "password": PASSWORD if present else "(missing)",
                "role": str(spec["role"].value),
                "unit": unit.display_name if unit else spec["unit"],
                "unit_code": spec["unit"],
                "description": spec["description"],
            }
        )
    return rows


def accounts_table(rows: list[dict]) -> str:
    headers = {
        "username": "username",
        "password": "password",
        "role": "role",
        "unit": "unit",
        "description": "who",
    }
    widths = {
        key: max(len(title), *(len(str(row[key])) for row in rows))
        for key, title in headers.items()
    }
    lines = [
        list(headers.values()),
        ["-" * widths[key] for key in headers],
        *([str(row[key]) for key in headers] for row in rows),
    ]
    return "\n".join(
        "  ".join(cell.ljust(widths[key]) for key, cell in zip(headers, line, strict=True)).rstrip()
        for line in lines
    )


def demo_counts() -> dict:
    """Units of the demo tree by kind, and its members."""
    root = Unit.objects.filter(code=ROOT_CODE).first()
    if root is None:
        return {"units": {}, "members": 0}
    by_kind = dict(
        Unit.objects.filter(path__startswith=root.path)
        .order_by()
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    return {
        "units": {kind: by_kind[kind] for kind in UnitKind.values if kind in by_kind},
        "members": Member.objects.filter(unit__path__startswith=root.path).count(),
    }


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(f"{text}\n")


def refresh_statistics() -> None:
    """After a bulk load, let the query planner see the real table sizes (ANALYZE): without it
    PostgreSQL plans the province's member list as a nested loop over 80,000 rows (57 ms
    instead of 0.3 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def build_demo(*, scale: float = 1.0, reset: bool = False, plan: bool = True, stdout=None) -> dict:
    """Load the Đắk Lắk demo unless it is there; make sure the demo accounts work.

    Returns {"built": bool, "scale", "seconds", "units": {kind: count}, "members",
    "accounts": [rows]}.
    """
    if not 0 < scale <= 10:
        raise ValueError("scale must be greater than 0 and at most 10")
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            delete_demo()
            _say(stdout, "Removed the previous demo.")
        built = not Unit.objects.filter(code=PROVINCE_CODE).exists()
        if built:
            _say(stdout, f"Building the Đắk Lắk demo (scale {scale:g})…")
            _write_tree(plan_tree(scale), stdout)
        else:
            _say(stdout, "The Đắk Lắk demo is already loaded; keeping it.")
        ensure_accounts()
        if plan:
            province = Unit.objects.get(code=PROVINCE_CODE)
            seed_plan = load_demo_plan(
                province=province, acting_user=demo_plan_author(), stdout=stdout
            )
            if seed_plan is not None:  # first build: the modules fill their 2024 records
                load_module_demos(province=province, plan=seed_plan, stdout=stdout)
    if built:
        from chuyende.org import tallies

        tallies.rebuild()  # the tree and members were bulk-written: count them once
        refresh_statistics()
        if settings.FIGURES_STORED:  # what the dashboards read; the worker keeps it fresh
            from chuyende.reports.figures import refresh_all

            began = time.perf_counter()
            sets = refresh_all()
            _say(
                stdout,
                f"Report figures: {sum(s.rows for s in sets):,} stored for {len(sets)} "
                f"period(s) in {time.perf_counter() - began:.1f} s.",
            )
    return {
        "built": built,
        "scale": scale,
        "seconds": time.perf_counter() - started,
        **demo_counts(),
        "accounts": account_rows(),
    }
