"""The columns of a member sheet and of a unit sheet: their Vietnamese headers (in the template
and as the guesses for other files' headers) and what each must hold.

The aliases cover the headers seen in federations' own sheets; the shipped presets
(presets.py) add the headers we assume the Tổng Liên đoàn's membership software exports (an
assumption, not verified against its export: see presets.py). Matching ignores accents, case
and punctuation.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    name: str  # field name
    header: str  # the template's Vietnamese header (a document in Vietnamese, not translated)
    label: object  # the screen label (translated)
    aliases: tuple = field(default_factory=tuple)
    required: bool = False
    example: object = ""


MEMBER_COLUMNS = (
    Column(
        "unit_code",
        "Mã đơn vị",
        _("Unit code"),
        ("mã đơn vị", "mã cđcs", "mã công đoàn cơ sở", "mã công đoàn", "đơn vị mã", "ma dv"),
        required=True,
        example="DLK-BMT-0001",
    ),
    Column(
        "full_name",
        "Họ và tên",
        _("Full name"),
        ("họ và tên", "họ tên", "họ và tên đoàn viên", "tên đoàn viên", "ho ten dv"),
        required=True,
        example="Nguyễn Thị Hồng Nhung",
    ),
    Column("gender", "Giới tính", _("Gender"), ("giới tính", "giới", "nam nữ"), True, "Nữ"),
    Column(
        "date_of_birth",
        "Ngày sinh",
        _("Date of birth"),
        ("ngày sinh", "ngày tháng năm sinh", "sinh ngày"),
        example="02/03/1985",
    ),
    Column("ethnicity", "Dân tộc", _("Ethnicity"), ("dân tộc",), example="Kinh"),
    Column("religion", "Tôn giáo", _("Religion"), ("tôn giáo",), example="Không"),
    Column(
        "phone",
        "Số điện thoại",
        _("Phone"),
        ("số điện thoại", "điện thoại", "sđt", "số đt", "di động", "điện thoại di động"),
        example="0912345678",
    ),
    Column("email", "Email", _("Email"), ("email", "thư điện tử", "e mail")),
    Column(
        "id_number",
        "Số CCCD",
        _("Citizen ID number"),
        ("số cccd", "cccd", "căn cước công dân", "số căn cước", "số định danh", "cmnd cccd"),
        example="066185001234",
    ),
    Column(
        "card_number",
        "Số thẻ đoàn viên",
        _("Union card number"),
        ("số thẻ đoàn viên", "số thẻ", "mã thẻ", "số thẻ đv", "mã đoàn viên", "thẻ đoàn viên"),
        example="DLK-0000001",
    ),
    Column(
        "job_title",
        "Chức vụ",
        _("Job title"),
        ("chức vụ", "chức danh", "nghề nghiệp", "công việc", "chức vụ chính quyền"),
        example="Giáo viên",
    ),
    Column(
        "union_position",
        "Chức vụ công đoàn",
        _("Union position"),
        ("chức vụ công đoàn", "chức vụ cđ", "chức danh công đoàn"),
    ),
    Column(
        "joined_on",
        "Ngày vào công đoàn",
        _("Date joined the union"),
        ("ngày vào công đoàn", "ngày kết nạp", "ngày gia nhập", "ngày vào cđ"),
        example="15/09/2010",
    ),
    Column("status", "Trạng thái", _("Status"), ("trạng thái", "tình trạng")),
)

UNIT_COLUMNS = (
    Column("code", "Mã đơn vị", _("Unit code"), ("mã đơn vị", "mã"), True, "DLK-BMT-0100"),
    Column(
        "name",
        "Tên đơn vị",
        _("Name"),
        ("tên đơn vị", "tên công đoàn", "tên cđcs", "tên"),
        True,
        "Công đoàn Trường THCS Nguyễn Du",
    ),
    Column(
        "parent_code",
        "Mã đơn vị cấp trên",
        _("Parent unit code"),
        ("mã đơn vị cấp trên", "mã cấp trên", "cấp trên trực tiếp", "đơn vị cấp trên"),
        True,
        "DLK-BMT",
    ),
    Column("kind", "Cấp", _("Kind"), ("cấp", "loại đơn vị", "cấp công đoàn"), True, "CĐCS"),
    Column("sub_kind", "Loại hình", _("Sub-kind"), ("loại hình", "khối")),
    Column("short_name", "Tên viết tắt", _("Short name"), ("tên viết tắt", "tên ngắn")),
    Column("address", "Địa chỉ", _("Address"), ("địa chỉ",)),
    Column("phone", "Số điện thoại", _("Phone"), ("số điện thoại", "điện thoại", "sđt")),
    Column("email", "Email", _("Email"), ("email", "thư điện tử")),
)

COLUMNS = {"members": MEMBER_COLUMNS, "units": UNIT_COLUMNS}

# Extra names for choices, beside their key and their English and Vietnamese labels.
GENDER_ALIASES = {"male": ("nam", "m"), "female": ("nữ", "nu", "f")}
# The level names of the Confederation's software and of federations' own lists are assumed
# usual wordings (see presets.py).
KIND_ALIASES = {
    "grassroots": (
        "cđcs",
        "cơ sở",
        "công đoàn cơ sở",
        "công đoàn cơ sở thành viên",
        "cđcs thành viên",
        "nghiệp đoàn cơ sở",
        "nghiệp đoàn",
    ),
    "upper": (
        "cấp trên",
        "cấp trên cơ sở",
        "cđ cấp trên trực tiếp cơ sở",
        "công đoàn cấp trên trực tiếp cơ sở",
        "cấp trên trực tiếp cơ sở",
        "công đoàn cấp trên",
        "lđlđ huyện",
        "lđlđ quận",
        "lđlđ thị xã",
        "lđlđ cấp huyện",
        "liên đoàn lao động huyện",
        "liên đoàn lao động quận",
        "liên đoàn lao động thị xã",
        "công đoàn ngành địa phương",
        "công đoàn ngành",
        "công đoàn khu công nghiệp",
        "công đoàn các khu công nghiệp",
        "công đoàn khu kinh tế",
        "công đoàn tổng công ty",
        "công đoàn viên chức tỉnh",
    ),
    "section": (
        "cđbp",
        "tổ công đoàn",
        "tổ cđ",
        "công đoàn bộ phận",
        "bộ phận",
        "công đoàn cơ sở thành viên bộ phận",
    ),
    "province": (
        "lđlđ tỉnh",
        "tỉnh",
        "lđlđ tỉnh thành phố",
        "liên đoàn lao động tỉnh",
        "công đoàn ngành trung ương",
        "cấp tỉnh",
    ),
    "department": ("ban", "phòng ban"),
    "affiliate": ("trực thuộc", "đơn vị trực thuộc"),
}
STATUS_ALIASES = {
    "active": ("đang sinh hoạt", "sinh hoạt", "hoạt động", "đang hoạt động"),
    "transferred": (
        "chuyển đi",
        "chuyển sinh hoạt",
        "đã chuyển sinh hoạt",
        "chuyển công tác",
        "chuyển sinh hoạt công đoàn",
    ),
    "left": (
        "thôi",
        "ra khỏi",
        "nghỉ",
        "thôi sinh hoạt",
        "ra khỏi công đoàn",
        "ra khỏi tổ chức công đoàn",
        "đã ra khỏi",
        "nghỉ việc",
        "đã nghỉ việc",
        "nghỉ hưu",
        "đã nghỉ hưu",
        "từ trần",
        "đã mất",
    ),
}
# Union positions as lists write them ("Chủ tịch CĐCS", "UV BCH"…); "Đoàn viên": none.
UNION_POSITION_ALIASES = {
    "": ("đoàn viên", "không", "khong", "ko", "-"),
    "chair": ("chủ tịch công đoàn", "chủ tịch cđcs", "chủ tịch công đoàn cơ sở", "chủ tịch cđ"),
    "vice_chair": (
        "phó chủ tịch công đoàn",
        "phó chủ tịch cđcs",
        "phó chủ tịch công đoàn cơ sở",
        "phó chủ tịch cđ",
    ),
    "standing": ("ủy viên btv", "uv btv", "ủy viên thường vụ", "ủy viên ban thường vụ"),
    "committee": (
        "ủy viên bch",
        "uv bch",
        "ủy viên ban chấp hành",
        "ủy viên ban chấp hành công đoàn",
        "ủy viên bch công đoàn",
    ),
    "inspection": (
        "ủy viên ubkt",
        "uv ubkt",
        "ủy viên ủy ban kiểm tra",
        "chủ nhiệm ubkt",
        "chủ nhiệm ủy ban kiểm tra",
    ),
    "group_leader": ("tổ trưởng", "tổ trưởng công đoàn", "tổ trưởng tổ công đoàn"),
}
NO_RELIGION = ("không", "khong", "ko", "-")


def aliases(kind: str) -> dict[str, tuple]:
    """Field → every name its column may carry: the template's header first, its aliases, then
    the shipped presets' headers for it."""
    from .presets import synonyms

    extra = synonyms(kind)
    return {c.name: (c.header, *c.aliases, *extra.get(c.name, ())) for c in COLUMNS[kind]}


def column_namer(job, headers):
    """name(field) → the header of the file's column mapped to the field (for error rows), or
    the template's header when the field is not in the file."""
    mapping = {name: int(index) for name, index in job.mapping.items()}
    templates = {c.name: c.header for c in COLUMNS[job.kind]}

    def name(field):
        index = mapping.get(field)
        return headers[index] if index is not None and index < len(headers) else templates[field]

    return name
