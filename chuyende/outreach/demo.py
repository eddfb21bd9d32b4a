"""Outreach in the Đắk Lắk demo: the national calendar, the federation's website, and the posts
of 2024 across the tree, clustered around 28/7 (95 years of the Vietnam Trade Union) and 22/11
(120 years of Đắk Lắk), as the seed's II.2 asks. Deterministic: only the given generator."""

import datetime
import random
import string

from django.contrib.auth import get_user_model

from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit
from chuyende.plans.models import Occasion, Plan

from .choices import Channel, PostStatus
from .models import OutreachPost, UnitWebsite
from .services import occasions_seed_national

YEAR = 2024
WEBSITE = "ldldaklak.org.vn"
BATCH = 1000
UNION_DAY = datetime.date(YEAR, 7, 28)
PROVINCE_DAY = datetime.date(YEAR, 11, 22)
# Local anniversaries of the province, besides those the plan names.
LOCAL_OCCASIONS = [(datetime.date(1975, 3, 10), "Ngày Chiến thắng Buôn Ma Thuột")]

# How many posts a unit of each kind records in the year (low, high), and its channel mix.
POSTS_PER_UNIT = {
    UnitKind.PROVINCE: (70, 90),
    UnitKind.UPPER: (10, 30),
    UnitKind.GRASSROOTS: (0, 5),
    UnitKind.AFFILIATE: (0, 3),
    UnitKind.DEPARTMENT: (0, 0),
}
CHANNEL_MIX = {
    UnitKind.PROVINCE: [
        (Channel.WEBSITE, 40),
        (Channel.FANPAGE, 30),
        (Channel.ZALO, 10),
        (Channel.VIDEO, 6),
        (Channel.CONTEST, 7),
        (Channel.QA, 7),
    ],
    UnitKind.UPPER: [
        (Channel.FANPAGE, 40),
        (Channel.FACEBOOK, 15),
        (Channel.ZALO, 20),
        (Channel.BOARD, 10),
        (Channel.CONTEST, 8),
        (Channel.QA, 7),
    ],
    "default": [
        (Channel.FACEBOOK, 34),
        (Channel.ZALO, 28),
        (Channel.FANPAGE, 8),
        (Channel.BOARD, 14),
        (Channel.RADIO, 6),
        (Channel.CONTEST, 5),
        (Channel.QA, 5),
    ],
}
# (low, high) views by channel; reactions and shares follow as shares of the views.
VIEWS = {
    Channel.WEBSITE: (400, 6000),
    Channel.FANPAGE: (150, 9000),
    Channel.FACEBOOK: (40, 1500),
    Channel.ZALO: (20, 400),
    Channel.VIDEO: (100, 4000),
    Channel.CONTEST: (50, 3000),
    Channel.QA: (30, 800),
}
REJECTIONS = [
    "Đường dẫn không mở được, đề nghị kiểm tra lại.",
    "Nội dung chưa gắn với Chuyên đề năm 2024.",
    "Trùng với tin đã báo cáo.",
]

UNION_TITLES = [
    "{unit} tổ chức các hoạt động chào mừng 95 năm Ngày thành lập Công đoàn Việt Nam",
    "Kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)",
    "{unit} gặp mặt cán bộ công đoàn qua các thời kỳ nhân kỷ niệm 95 năm Công đoàn Việt Nam",
    "Tự hào 95 năm truyền thống Công đoàn Việt Nam",
    "{unit} trao quà cho đoàn viên có hoàn cảnh khó khăn nhân ngày 28/7",
]
PROVINCE_TITLES = [
    "Chào mừng 120 năm Ngày thành lập tỉnh Đắk Lắk (22/11/1904 – 22/11/2024)",
    "{unit} hưởng ứng các hoạt động kỷ niệm 120 năm Ngày thành lập tỉnh Đắk Lắk",
    "Đắk Lắk 120 năm: giữ gìn và phát huy bản sắc văn hóa các dân tộc",
    "Đoàn viên {unit} tìm hiểu lịch sử 120 năm tỉnh Đắk Lắk",
]
TOPIC_TITLES = [
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về giữ gìn bản sắc văn hóa"
    " dân tộc",
    "{unit} quán triệt Chuyên đề năm 2024 đến đoàn viên, người lao động",
    "Gương người tốt việc tốt tại {unit}",
    "{unit} đưa nội dung Chuyên đề năm 2024 vào sinh hoạt định kỳ",
    "Giữ gìn cồng chiêng, trang phục truyền thống trong đoàn viên {unit}",
    "Mô hình hay, cách làm hiệu quả trong học tập và làm theo Bác tại {unit}",
]
BOARD_TITLES = [
    "Pano, khẩu hiệu tuyên truyền Chuyên đề năm 2024 tại trụ sở {unit}",
    "Bảng tin công đoàn: chào mừng các ngày lễ lớn năm 2024",
]
RADIO_TITLES = ["Phát thanh nội bộ về Chuyên đề năm 2024 tại {unit}"]
CONTEST_TITLES = [
    "Cuộc thi tìm hiểu 95 năm lịch sử Công đoàn Việt Nam",
    "Hội thi tìm hiểu Chuyên đề năm 2024 tại {unit}",
    "Cuộc thi trực tuyến tìm hiểu 120 năm tỉnh Đắk Lắk",
]
NATIONAL_TITLES = [
    "Kỷ niệm {years} năm {name} ({founded.day}/{founded.month}/{founded.year} –"
    " {founded.day}/{founded.month}/{year})",
    "{unit} tuyên truyền kỷ niệm {years} năm {name}",
]
QA_TITLES = [
    "Hỏi – đáp về Chuyên đề năm 2024 (kỳ {n})",
    "Hỏi – đáp pháp luật lao động và văn hóa dân tộc (kỳ {n})",
]
ALPHANUMERIC = string.ascii_letters + string.digits


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())[:90]


def _pick(rng: random.Random, pairs):
    channels, weights = zip(*pairs, strict=True)
    return rng.choices(channels, weights)[0]


def _day(rng: random.Random) -> datetime.date:
    """Clustered: a third around 28/7, a third around 22/11, the rest from March to December."""
    roll = rng.random()
    if roll < 0.35:
        centre, spread = UNION_DAY, 9
    elif roll < 0.65:
        centre, spread = PROVINCE_DAY, 9
    else:
        return datetime.date(YEAR, 3, 1) + datetime.timedelta(days=rng.randrange(300))
    offset = int(rng.triangular(-2.5 * spread, spread, -spread / 3))
    return centre + datetime.timedelta(days=offset)


def _occasion_for(day: datetime.date, occasions: dict, national: list):
    if abs((day - UNION_DAY).days) <= 20:
        return occasions.get(UNION_DAY)
    if abs((day - PROVINCE_DAY).days) <= 20:
        return occasions.get(PROVINCE_DAY)
    for occasion in national:
        when = occasion.date.replace(year=YEAR)
        if 0 <= (when - day).days <= 6 or 0 <= (day - when).days <= 1:
            return occasion
    return None


def _title(rng, channel, day, unit_name, counter, occasion):
    if occasion is not None and occasion.recurring:
        years = YEAR - occasion.date.year
        return rng.choice(NATIONAL_TITLES).format(
            unit=unit_name, years=years, name=occasion.name, founded=occasion.date, year=YEAR
        )
    if channel == Channel.BOARD:
        pool = BOARD_TITLES
    elif channel == Channel.RADIO:
        pool = RADIO_TITLES
    elif channel == Channel.CONTEST:
        pool = CONTEST_TITLES
    elif channel == Channel.QA:
        pool = QA_TITLES
    elif abs((day - UNION_DAY).days) <= 25:
        pool = UNION_TITLES
    elif abs((day - PROVINCE_DAY).days) <= 25:
        pool = PROVINCE_TITLES
    else:
        pool = TOPIC_TITLES
    return rng.choice(pool).format(unit=unit_name, n=counter)


def _link(rng, channel, unit, day, title, serial):
    handle = unit.code.lower().replace("-", "")
    token = "".join(rng.choice(ALPHANUMERIC) for _ in range(24))
    if channel == Channel.WEBSITE:
        return f"https://{WEBSITE}/{day:%Y/%m/%d}/{_slug(title)}-{serial}/"
    if channel == Channel.FANPAGE:
        return f"https://www.facebook.com/congdoan.{handle}/posts/pfbid0{token}"
    if channel == Channel.FACEBOOK:
        return f"https://www.facebook.com/groups/cd{handle}/posts/{rng.randrange(10**15, 10**16)}/"
    if channel == Channel.ZALO:
        return f"https://zalo.me/g/{token[:10].lower()}" if rng.random() < 0.3 else ""
    if channel == Channel.VIDEO:
        return f"https://www.youtube.com/watch?v={token[:11]}"
    if channel in (Channel.CONTEST, Channel.QA) and unit.kind == UnitKind.PROVINCE:
        return f"https://{WEBSITE}/{day:%Y/%m/%d}/{_slug(title)}-{serial}/"
    return ""


def _reach(rng, channel):
    bounds = VIEWS.get(channel)
    if bounds is None or rng.random() < 0.15:
        return None, None, None
    low, high = bounds
    views = int(low * (high / low) ** rng.random())
    reactions = int(views * rng.uniform(0.02, 0.12))
    shares = int(views * rng.uniform(0.0, 0.03))
    return views, reactions, shares


def _status(rng, day):
    roll = rng.random()
    late = day >= datetime.date(YEAR, 11, 25)
    if roll < (0.35 if late else 0.07):
        return PostStatus.SUBMITTED
    if roll > 0.95:
        return PostStatus.REJECTED
    return PostStatus.APPROVED


def _seed_calendar(province: Unit) -> None:
    root = Unit.objects.get(path=province.path[: Unit.steplen])
    superusers = get_user_model().objects.filter(is_superuser=True, is_active=True)
    admin = superusers.filter(username="admin").first() or superusers.order_by("pk").first()
    if admin is not None:
        occasions_seed_national(root=root, acting_user=admin)
    have = set(Occasion.objects.filter(unit=province).values_list("name", flat=True))
    Occasion.objects.bulk_create(
        Occasion(unit=province, date=day, name=name, recurring=True)
        for day, name in LOCAL_OCCASIONS
        if name not in have
    )
    if not UnitWebsite.objects.filter(domain=WEBSITE).exists():
        UnitWebsite.objects.create(unit=province, domain=WEBSITE)


def load_demo(*, province: Unit, plan: Plan, rng: random.Random, stdout=None) -> None:
    author = get_user_model().objects.filter(username="tinh").first()
    _seed_calendar(province)
    occasions = {o.date: o for o in Occasion.objects.filter(plan=plan)}
    root_path = province.path[: Unit.steplen]
    national = list(Occasion.objects.filter(unit__path=root_path, recurring=True).order_by("date"))
    task = plan.tasks.filter(ref="II.2").first()
    units = list(
        Unit.objects.filter(path__startswith=province.path, active=True)
        .exclude(kind=UnitKind.SECTION)
        .order_by("path")
        .only("id", "code", "name", "short_name", "kind", "path")
    )
    reviewed_at = datetime.datetime(YEAR, 12, 1, 2, 0, tzinfo=datetime.UTC)
    rows, serial, written = [], 0, 0
    for unit in units:
        low, high = POSTS_PER_UNIT.get(unit.kind, (0, 2))
        mix = CHANNEL_MIX.get(unit.kind, CHANNEL_MIX["default"])
        name = unit.short_name or unit.name
        for counter in range(1, rng.randint(low, high) + 1):
            serial += 1
            day = _day(rng)
            channel = _pick(rng, mix)
            occasion = _occasion_for(day, occasions, national)
            if channel in (Channel.CONTEST, Channel.QA) and occasion is not None:
                occasion = occasion if not occasion.recurring else None
            title = _title(rng, channel, day, name, counter, occasion)
            status = _status(rng, day)
            views, reactions, shares = _reach(rng, channel)
            rows.append(
                OutreachPost(
                    unit=unit,
                    channel=channel,
                    link=_link(rng, channel, unit, day, title, serial),
                    title=title[:255],
                    search_title=fold(title)[:255],
                    published_on=day,
                    occasion=occasion,
                    task=task,
                    views=views,
                    reactions=reactions,
                    shares=shares,
                    status=status,
                    review_note=rng.choice(REJECTIONS) if status == PostStatus.REJECTED else "",
                    reviewed_by=author if status != PostStatus.SUBMITTED else None,
                    reviewed_at=reviewed_at if status != PostStatus.SUBMITTED else None,
                )
            )
        if len(rows) >= BATCH:
            OutreachPost.objects.bulk_create(rows, batch_size=BATCH)
            written += len(rows)
            rows = []
    OutreachPost.objects.bulk_create(rows, batch_size=BATCH)
    written += len(rows)
    if stdout is not None:
        stdout.write(f"  outreach: {written:,} posts, national and local occasions\n")
