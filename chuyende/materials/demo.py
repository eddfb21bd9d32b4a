"""Demo materials for 2024: what the province supplied for studying the topic (the seed's III.1),
as small real files made in memory (PDF, Word) and links, with downloads spread across the tree.

Everything is bulk-inserted and deterministic: values come from the given `random.Random` only.
"""

import io
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from docx import Document

from chuyende.core.text import fold
from chuyende.org.choices import UnitKind
from chuyende.org.models import Unit

from . import selectors
from .choices import FILE_EXTENSIONS, MaterialKind
from .models import Material, MaterialDownload, audience_keys

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_END = date(2024, 12, 31)
BATCH = 2_000
CITY_CODE = "DLK-BMT"
TOPIC = (
    "Học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh về giữ gìn và phát huy bản sắc "
    "văn hóa dân tộc tỉnh Đắk Lắk trong sự nghiệp xây dựng và bảo vệ Tổ quốc"
)
MEMBERS = "Đoàn viên, CNVCLĐ"
OFFICERS = "Cán bộ công đoàn các cấp"
GRASSROOTS_BOARD = "Ban Chấp hành công đoàn cơ sở"
SPEAKERS = "Báo cáo viên LĐLĐ tỉnh"
# Who downloads: share of units of each kind that take a material, for a main and a side one.
REACH = {
    UnitKind.UPPER: (0.95, 0.7),
    UnitKind.GRASSROOTS: (0.7, 0.35),
    UnitKind.DEPARTMENT: (0.6, 0.3),
    UnitKind.AFFILIATE: (0.6, 0.3),
}


@dataclass
class Spec:
    title: str
    kind: str
    created: date
    name: str = ""  # the file name as uploaded
    url: str = ""
    description: str = ""
    body: list[str] = field(default_factory=list)
    audiences: list[str] = field(default_factory=list)
    main: bool = False  # widely downloaded
    published: bool = True
    by_city: bool = False  # published by the city federation rather than the province


def _specs(task_audiences: list[str]) -> list[Spec]:
    return [
        Spec(
            title="Tài liệu học tập Chuyên đề năm 2024",
            kind=MaterialKind.PDF,
            created=date(2024, 3, 1),
            name="Tài liệu học tập Chuyên đề năm 2024.pdf",
            description=f"Chuyên đề năm 2024: “{TOPIC}”. Tài liệu dùng cho hội nghị học tập, "
            "quán triệt và sinh hoạt định kỳ.",
            body=[
                "Phan I. Tu tuong Ho Chi Minh ve van hoa va ban sac van hoa dan toc",
                "Phan II. Gia tri ban sac van hoa cac dan toc tinh Dak Lak",
                "Phan III. Trach nhiem cua doan vien, CNVCLD trong hoc tap va lam theo Bac",
            ],
            audiences=[*task_audiences, MEMBERS],
            main=True,
        ),
        Spec(
            title="Đề cương tuyên truyền Chuyên đề năm 2024 (bản dự thảo)",
            kind=MaterialKind.DOCX,
            created=date(2024, 2, 28),
            name="De cuong tuyen truyen - du thao.docx",
            description="Bản dự thảo, đã thay bằng bản chính thức.",
            body=["Dự thảo đề cương tuyên truyền Chuyên đề năm 2024."],
            audiences=[SPEAKERS],
            published=False,
        ),
        Spec(
            title="Đề cương tuyên truyền Chuyên đề năm 2024",
            kind=MaterialKind.DOCX,
            created=date(2024, 3, 5),
            name="Đề cương tuyên truyền Chuyên đề năm 2024.docx",
            description="Đề cương dành cho báo cáo viên và cán bộ làm công tác tuyên giáo.",
            body=[
                "I. Mục đích, yêu cầu",
                "II. Nội dung cơ bản của Chuyên đề năm 2024",
                "III. Gợi ý hình thức tuyên truyền: hội nghị, sinh hoạt định kỳ, mạng xã hội "
                "(Facebook, fanpage, Zalo), thi tìm hiểu, hỏi – đáp.",
            ],
            audiences=[SPEAKERS, OFFICERS],
            main=True,
        ),
        Spec(
            title="Mẫu Bản cam kết tu dưỡng, rèn luyện năm 2024",
            kind=MaterialKind.DOCX,
            created=date(2024, 3, 12),
            name="Mẫu bản cam kết tu dưỡng, rèn luyện 2024.docx",
            description="Mẫu dùng cho đoàn viên, công chức, viên chức, người lao động; lưu tại "
            "CĐCS làm căn cứ đánh giá, xếp loại cuối năm.",
            body=[
                "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
                "Độc lập - Tự do - Hạnh phúc",
                "BẢN CAM KẾT TU DƯỠNG, RÈN LUYỆN NĂM 2024",
                "Họ và tên: ................................ Đơn vị: ................................",
                "Nội dung cam kết học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh:",
            ],
            audiences=[MEMBERS],
            main=True,
        ),
        Spec(
            title="Hướng dẫn đưa Chuyên đề năm 2024 vào sinh hoạt định kỳ của CĐCS",
            kind=MaterialKind.PDF,
            created=date(2024, 3, 20),
            name="Hướng dẫn sinh hoạt định kỳ - Chuyên đề 2024.pdf",
            body=[
                "1. Dua noi dung Chuyen de vao sinh hoat dinh ky cua to cong doan, CDCS",
                "2. Ket hop tuyen truyen Nghi quyet Trung uong 4 (khoa XII), Ket luan 21-KL/TW",
                "3. Bao cao ket qua ve cong doan cap tren (6 thang, nam)",
            ],
            audiences=[GRASSROOTS_BOARD],
        ),
        Spec(
            title="Hướng dẫn học tập Chuyên đề năm 2024 của LĐLĐ thành phố Buôn Ma Thuột",
            kind=MaterialKind.PDF,
            created=date(2024, 3, 25),
            name="LĐLĐ TP BMT - hướng dẫn học tập Chuyên đề 2024.pdf",
            body=["Huong dan cac CDCS truc thuoc to chuc hoc tap Chuyen de nam 2024"],
            audiences=[GRASSROOTS_BOARD, MEMBERS],
            by_city=True,
        ),
        Spec(
            title="Video: học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
            kind=MaterialKind.VIDEO,
            created=date(2024, 4, 2),
            url="https://www.youtube.com/results?search_query="
            "h%E1%BB%8Dc+t%E1%BA%ADp+v%C3%A0+l%C3%A0m+theo+t%C6%B0+t%C6%B0%E1%BB%9Fng+H%E1%BB%93"
            "+Ch%C3%AD+Minh+2024",
            description="Phóng sự, tọa đàm về Chuyên đề năm 2024, dùng trong sinh hoạt định kỳ.",
            audiences=[MEMBERS],
        ),
        Spec(
            title="Cổng thông tin điện tử tỉnh Đắk Lắk: tin bài về Chuyên đề năm 2024",
            kind=MaterialKind.LINK,
            created=date(2024, 4, 10),
            url="https://daklak.gov.vn/",
            audiences=[OFFICERS],
        ),
        Spec(
            title="Tài liệu tuyên truyền kỷ niệm 95 năm Ngày thành lập Công đoàn Việt Nam "
            "(28/7/1929 – 28/7/2024)",
            kind=MaterialKind.PDF,
            created=date(2024, 7, 1),
            name="95 năm Công đoàn Việt Nam - tài liệu tuyên truyền.pdf",
            body=[
                "95 nam Ngay thanh lap Cong doan Viet Nam (28/7/1929 - 28/7/2024)",
                "Truyen thong ve vang cua giai cap cong nhan va to chuc Cong doan Viet Nam",
            ],
            audiences=[MEMBERS, OFFICERS],
            main=True,
        ),
        Spec(
            title="Tài liệu tuyên truyền 120 năm Ngày thành lập tỉnh Đắk Lắk "
            "(22/11/1904 – 22/11/2024)",
            kind=MaterialKind.PDF,
            created=date(2024, 10, 15),
            name="120 năm tỉnh Đắk Lắk - tài liệu tuyên truyền.pdf",
            body=[
                "120 nam Ngay thanh lap tinh Dak Lak (22/11/1904 - 22/11/2024)",
                "Ban sac van hoa cac dan toc Tay Nguyen; Khong gian van hoa Cong chieng",
            ],
            audiences=[MEMBERS],
        ),
    ]


# --- Files made in memory ------------------------------------------------------------------------


def _pdf_text(text: str) -> str:
    """Text a standard PDF font can show: accents taken off (case kept), delimiters escaped."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = plain.replace("–", "-").replace("“", '"').replace("”", '"')
    plain = plain.encode("ascii", "replace").decode("ascii")
    return plain.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int = 80) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    return [*lines, current] if current else lines


def make_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a valid structure (catalog, page tree, font, content, info, xref).

    The page uses Helvetica, so its text is written without accents; the document title in the
    metadata keeps them (UTF-16)."""
    text_lines = [*_wrap(title.upper(), 60), "", *[w for line in lines for w in _wrap(line)]]
    ops = ["BT", "/F1 12 Tf", "16 TL", "56 780 Td"]
    ops += [f"({_pdf_text(line)}) Tj T*" for line in text_lines]
    ops.append("ET")
    content = "\n".join(ops).encode("ascii")
    title_hex = "FEFF" + title.encode("utf-16-be").hex().upper()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Title <" + title_hex.encode("ascii") + b"> /Producer (chuyende demo) >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, xref)
    )
    return out.getvalue()


FIXED_TIME = datetime(2024, 3, 1, 1, 0, tzinfo=UTC)  # 08:00 in Đắk Lắk; no clock read


def make_docx(title: str, lines: list[str]) -> bytes:
    """A Word document (python-docx), repacked with fixed timestamps so it is the same each run."""
    document = Document()
    document.core_properties.title = title
    document.core_properties.author = "LĐLĐ tỉnh Đắk Lắk"
    document.core_properties.created = FIXED_TIME
    document.core_properties.modified = FIXED_TIME
    document.core_properties.last_modified_by = "LĐLĐ tỉnh Đắk Lắk"
    document.add_heading(title, level=1)
    for line in lines:
        document.add_paragraph(line)
    raw = io.BytesIO()
    document.save(raw)
    raw.seek(0)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()


def _store(spec: Spec, rng) -> tuple[str, int]:
    """Write the spec's file under a random safe name (drawn from rng); (name, size)."""
    data = (
        make_pdf(spec.title, spec.body)
        if spec.kind == MaterialKind.PDF
        else make_docx(spec.title, spec.body)
    )
    name = f"materials/2024/{rng.getrandbits(128):032x}{FILE_EXTENSIONS[spec.kind]}"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data)), len(data)


# --- Records ---------------------------------------------------------------------------------------


def _at(day: date, rng) -> datetime:
    return datetime(day.year, day.month, day.day, rng.randint(7, 21), rng.randint(0, 59), tzinfo=TZ)


def _materials(province, city, plan, rng) -> list[Material]:
    task_audiences = list(plan.tasks.filter(ref="II.1").values_list("audiences", flat=True))
    author = plan.created_by
    rows = []
    for spec in _specs([a for row in task_audiences for a in row]):
        if spec.by_city and city is None:
            continue
        material = Material(
            unit=city if spec.by_city else province,
            title=spec.title,
            description=spec.description,
            kind=spec.kind,
            url=spec.url,
            plan=plan,
            audiences=list(spec.audiences),
            published=spec.published,
            uploaded_by=None if spec.by_city else author,
            created_at=_at(spec.created, rng),
        )
        if spec.name:
            material.file, material.file_size = _store(spec, rng)
            material.original_name = spec.name
        material.search_title = fold(material.title)[:255]
        material.audience_keys = audience_keys(material.audiences)
        material.main = spec.main
        rows.append(material)
    return rows


def _demo_users(province):
    """Demo accounts by the unit their downloads count for (a handful of queries)."""
    users = get_user_model().objects.filter(username__in=["tinh", "captren", "coso", "doanvien"])
    by_unit: dict[int, list] = {}
    for user in users.order_by("username"):
        unit = selectors.downloader_unit(user=user)
        if unit is not None and unit.path.startswith(province.path):
            by_unit.setdefault(unit.pk, []).append(user)
    return by_unit


def _downloads(materials, units, users_by_unit, rng) -> list[MaterialDownload]:
    rows = []
    for material in materials:
        if not material.published:
            continue
        start = material.created_at.date()
        span = (YEAR_END - start).days
        for unit_id, path, kind in units:
            if not path.startswith(material.unit.path) or kind not in REACH:
                continue
            main, side = REACH[kind]
            if rng.random() >= (main if material.main else side):
                continue
            people = users_by_unit.get(unit_id, [])
            for _ in range(rng.randint(1, 4 if kind == UnitKind.GRASSROOTS else 2)):
                day = start + timedelta(days=int(span * rng.random() ** 2))
                user = rng.choice(people) if people and rng.random() < 0.5 else None
                rows.append(
                    MaterialDownload(
                        material=material, unit_id=unit_id, user=user, at=_at(day, rng)
                    )
                )
    return rows


def load_demo(*, province, plan, rng, stdout=None) -> None:
    """The province's study materials for 2024 and their downloads across the tree."""
    if Material.objects.filter(unit__path__startswith=province.path).exists():
        return
    city = Unit.objects.filter(code=CITY_CODE, path__startswith=province.path).first()
    materials = _materials(province, city, plan, rng)
    Material.objects.bulk_create(materials)
    units = list(
        Unit.objects.filter(path__startswith=province.path, depth__gt=province.depth, active=True)
        .order_by("path")
        .values_list("id", "path", "kind")
    )
    downloads = _downloads(materials, units, _demo_users(province), rng)
    MaterialDownload.objects.bulk_create(downloads, batch_size=BATCH)
    if stdout is not None:
        files = sum(1 for m in materials if m.file)
        stdout.write(
            f"  materials: {len(materials)} ({files} files), {len(downloads):,} downloads\n"
        )
