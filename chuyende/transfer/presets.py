"""Column mapping presets shipped with the application, and how any preset is applied to a file
and suggested for it.

A preset maps fields to the headers a kind of file carries. Presets saved by officers
(`MappingPreset`, one header per field) belong to a unit and serve its subtree; the presets
below are defined here, in code, and serve every unit without any setup: nothing to migrate or
keep in step with the code, and nobody can change them by mistake.

The Tổng Liên đoàn's membership software
---------------------------------------
`TLD_MEMBERS` and `TLD_UNITS` describe the member and unit exports (.xlsx) of the Vietnam
General Confederation of Labour's membership management software ("Phần mềm quản lý đoàn viên
công đoàn", Tổng Liên đoàn Lao động Việt Nam).

THEIR HEADER LISTS ARE OUR ASSUMPTION of the headers such exports usually carry in Vietnamese
union practice (the member list forms of grassroots unions: họ và tên, ngày sinh, giới tính, dân
tộc, tôn giáo, số CCCD, số điện thoại, mã / số thẻ đoàn viên, ngày vào công đoàn, công đoàn cơ sở
and its code, chức vụ công đoàn, trình độ…). They were NOT verified against a file exported by
the software itself: none was at hand, and no public copy of its export layout was found. So the
matching is tolerant — accents, case, punctuation and spacing are ignored (`sheets.header_key`)
and every column has its known synonyms — a header the list does not know is still guessed from
the field aliases (fields.py), and the officer checks the match on screen before any row is
checked or written. When a real export shows other headers, add them to the synonyms here.

What is known: the software gives each member a code ("mã số đoàn viên", unique nationally) that
is printed on the union card, so the member code and the card number are one identifier, kept
in `Member.card_number` (unique where set) and used to match members on every re-import.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from chuyende.core import sheets

SYSTEM_PREFIX = "system:"
# A shipped preset is suggested when it knows at least this share of the file's headers, at
# least SUGGEST_MIN_COLUMNS of them, and at least SUGGEST_MIN_DISTINCTIVE headers that are not
# the application's own template headers (which it knows too, as synonyms: a file made from the
# template is the template's, not the software's).
SUGGEST_AT = 0.6
SUGGEST_MIN_COLUMNS = 6
SUGGEST_MIN_DISTINCTIVE = 2
TLD_NAME = "Phần mềm quản lý đoàn viên Tổng LĐLĐVN"  # a proper name, as officers call it


@dataclass(frozen=True)
class PresetColumn:
    """A column of a known export: its usual header, its synonyms, and the field it fills
    ("" for a column that is recognised but not imported, e.g. the unit's name beside its
    code: it is never guessed into a field)."""

    header: str
    field: str = ""
    synonyms: tuple = ()
    generic: bool = False  # a header any sheet has (STT, Ghi chú): no sign of the software

    def keys(self) -> set[str]:
        return {sheets.header_key(name) for name in (self.header, *self.synonyms)} - {""}


@dataclass(frozen=True)
class SystemPreset:
    key: str
    kind: str
    name: str
    description: object  # translated
    columns: tuple = field(default_factory=tuple)

    @property
    def value(self) -> str:
        """Its value in the upload form's list of presets."""
        return f"{SYSTEM_PREFIX}{self.key}"

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def mapping(self) -> dict[str, str]:
        """Field → the usual header of its first column (as a saved preset's mapping)."""
        found = {}
        for column in self.columns:
            if column.field:
                found.setdefault(column.field, column.header)
        return found

    def synonyms(self) -> dict[str, tuple]:
        """Field → every header name its columns may carry (extra aliases for guessing)."""
        found: dict[str, tuple] = {}
        for column in self.columns:
            if column.field:
                found[column.field] = (
                    *found.get(column.field, ()),
                    column.header,
                    *column.synonyms,
                )
        return found

    def locate(self, headers) -> list[tuple[int, PresetColumn]]:
        """(column index, preset column) for each of the file's headers the preset knows."""
        keys = [sheets.header_key(h) for h in headers]
        found = []
        for column in self.columns:
            names = column.keys()
            for index, key in enumerate(keys):
                if key in names:
                    found.append((index, column))
                    break
        return found

    def __str__(self):
        return self.name


STT = PresetColumn("STT", "", ("TT", "Số TT", "Số thứ tự"), generic=True)
NOTE = PresetColumn("Ghi chú", "", ("Ghi chú khác",), generic=True)

TLD_MEMBERS = SystemPreset(
    key="tld-members",
    kind="members",
    name=TLD_NAME,
    description=_(
        "Member list exported from the Confederation's membership management software. The "
        "header list is our assumption of the usual headers of such exports, not verified "
        "against the software's own export: check the matched columns before the check."
    ),
    columns=(
        STT,
        # The member code the software assigns, printed on the card: the identifier.
        PresetColumn(
            "Mã đoàn viên",
            "card_number",
            ("Mã số đoàn viên", "Mã ĐV", "Mã số ĐV", "Mã số thẻ đoàn viên", "Mã thẻ đoàn viên"),
        ),
        PresetColumn("Số thẻ đoàn viên", "card_number", ("Số thẻ", "Số thẻ ĐV", "Mã thẻ")),
        PresetColumn("Họ và tên", "full_name", ("Họ tên", "Họ và tên đoàn viên", "Tên đoàn viên")),
        PresetColumn(
            "Ngày sinh",
            "date_of_birth",
            ("Ngày tháng năm sinh", "Ngày, tháng, năm sinh", "Sinh ngày"),
        ),
        PresetColumn("Giới tính", "gender", ("Giới", "Nam/Nữ")),
        PresetColumn("Dân tộc", "ethnicity"),
        PresetColumn("Tôn giáo", "religion"),
        PresetColumn("Quốc tịch"),
        PresetColumn(
            "Số CCCD",
            "id_number",
            (
                "Số CCCD/CMND",
                "Số CMND/CCCD",
                "CCCD",
                "CCCD/CMND",
                "Số căn cước công dân",
                "Số căn cước",
                "Số định danh cá nhân",
                "Số định danh",
            ),
        ),
        PresetColumn("Ngày cấp", "", ("Ngày cấp CCCD", "Ngày cấp CMND/CCCD")),
        PresetColumn("Nơi cấp", "", ("Nơi cấp CCCD", "Nơi cấp CMND/CCCD")),
        PresetColumn("Quê quán", "", ("Nguyên quán",)),
        PresetColumn(
            "Nơi thường trú", "", ("Địa chỉ thường trú", "Hộ khẩu thường trú", "Thường trú")
        ),
        PresetColumn(
            "Nơi ở hiện nay", "", ("Chỗ ở hiện nay", "Nơi ở hiện tại", "Địa chỉ hiện nay")
        ),
        PresetColumn(
            "Số điện thoại", "phone", ("Điện thoại", "SĐT", "Số ĐT", "Điện thoại di động")
        ),
        PresetColumn("Email", "email", ("Thư điện tử", "E-mail")),
        PresetColumn("Trình độ học vấn", "", ("Trình độ văn hóa", "Trình độ giáo dục phổ thông")),
        PresetColumn(
            "Trình độ chuyên môn",
            "",
            ("Trình độ chuyên môn kỹ thuật", "Trình độ CMKT", "Trình độ chuyên môn nghiệp vụ"),
        ),
        PresetColumn("Lý luận chính trị", "", ("Trình độ lý luận chính trị", "Trình độ LLCT")),
        PresetColumn("Đảng viên", "", ("Là đảng viên", "Ngày vào Đảng")),
        # The job (our template's "Chức vụ"); the occupation when the file has no job column.
        PresetColumn(
            "Chức vụ", "job_title", ("Chức vụ chính quyền", "Chức danh", "Chức vụ chuyên môn")
        ),
        PresetColumn(
            "Nghề nghiệp",
            "job_title",
            ("Công việc", "Công việc đang làm", "Vị trí việc làm", "Việc làm"),
        ),
        PresetColumn("Chức vụ công đoàn", "union_position", ("Chức vụ CĐ", "Chức danh công đoàn")),
        PresetColumn(
            "Ngày vào công đoàn",
            "joined_on",
            (
                "Ngày gia nhập công đoàn",
                "Ngày kết nạp",
                "Ngày kết nạp đoàn viên",
                "Ngày kết nạp vào công đoàn",
                "Ngày vào CĐ",
            ),
        ),
        PresetColumn("Ngày cấp thẻ", "", ("Ngày cấp thẻ đoàn viên", "Ngày cấp thẻ ĐV")),
        PresetColumn(
            "Mã công đoàn cơ sở",
            "unit_code",
            ("Mã CĐCS", "Mã đơn vị", "Mã công đoàn", "Mã đơn vị sinh hoạt", "Mã nơi sinh hoạt"),
        ),
        PresetColumn(
            "Tên công đoàn cơ sở",
            "",
            ("Công đoàn cơ sở", "Tên CĐCS", "CĐCS", "Đơn vị", "Tên đơn vị", "Nơi sinh hoạt"),
        ),
        PresetColumn(
            "Công đoàn cấp trên",
            "",
            ("Công đoàn cấp trên trực tiếp", "Tên công đoàn cấp trên", "Đơn vị cấp trên"),
        ),
        PresetColumn(
            "Tình trạng sinh hoạt",
            "status",
            ("Trạng thái", "Tình trạng", "Trạng thái đoàn viên", "Trạng thái sinh hoạt"),
        ),
        NOTE,
    ),
)

TLD_UNITS = SystemPreset(
    key="tld-units",
    kind="units",
    name=TLD_NAME,
    description=_(
        "List of union units exported from the Confederation's membership management "
        "software; its unit codes are kept as the units' codes, so next month's file updates "
        "them. The header list is our assumption of the usual headers of such exports, not "
        "verified against the software's own export: check the matched columns before the "
        "check."
    ),
    columns=(
        STT,
        PresetColumn(
            "Mã công đoàn",
            "code",
            ("Mã đơn vị", "Mã CĐ", "Mã tổ chức công đoàn", "Mã CĐCS", "Mã công đoàn cơ sở"),
        ),
        PresetColumn(
            "Tên công đoàn",
            "name",
            ("Tên đơn vị", "Tên tổ chức công đoàn", "Tên CĐCS", "Tên công đoàn cơ sở"),
        ),
        PresetColumn("Tên viết tắt", "short_name", ("Tên ngắn",)),
        PresetColumn(
            "Mã công đoàn cấp trên",
            "parent_code",
            (
                "Mã đơn vị cấp trên",
                "Mã cấp trên",
                "Mã CĐ cấp trên",
                "Mã công đoàn cấp trên trực tiếp",
            ),
        ),
        PresetColumn(
            "Tên công đoàn cấp trên",
            "",
            ("Công đoàn cấp trên", "Công đoàn cấp trên trực tiếp", "Tên đơn vị cấp trên"),
        ),
        PresetColumn(
            "Cấp công đoàn",
            "kind",
            ("Cấp", "Loại công đoàn", "Loại đơn vị", "Loại tổ chức công đoàn"),
        ),
        # The kind of employer (state, private, foreign-invested…): not a unit sub-kind here.
        PresetColumn(
            "Loại hình", "", ("Loại hình doanh nghiệp", "Loại hình đơn vị", "Loại hình kinh tế")
        ),
        PresetColumn("Ngành nghề", "", ("Ngành nghề kinh doanh", "Ngành, nghề", "Khối")),
        PresetColumn("Địa chỉ", "address", ("Địa chỉ trụ sở",)),
        PresetColumn("Tỉnh/Thành phố", "", ("Tỉnh, thành phố", "Tỉnh/TP", "Tỉnh")),
        PresetColumn("Quận/Huyện", "", ("Quận, huyện", "Huyện")),
        PresetColumn("Xã/Phường", "", ("Xã, phường", "Phường/Xã", "Xã")),
        PresetColumn("Số điện thoại", "phone", ("Điện thoại", "SĐT", "Số ĐT")),
        PresetColumn("Email", "email", ("Thư điện tử", "E-mail")),
        PresetColumn("Ngày thành lập", "", ("Ngày thành lập công đoàn",)),
        PresetColumn("Chủ tịch công đoàn", "", ("Chủ tịch", "Họ tên chủ tịch")),
        PresetColumn("Tổng số CNVCLĐ", "", ("Số CNVCLĐ", "Tổng số lao động", "Số lao động")),
        PresetColumn("Tổng số đoàn viên", "", ("Số đoàn viên", "Số ĐVCĐ", "Tổng số ĐVCĐ")),
        NOTE,
    ),
)

SYSTEM_PRESETS = (TLD_MEMBERS, TLD_UNITS)


def system_presets(kind: str | None = None) -> list[SystemPreset]:
    return [p for p in SYSTEM_PRESETS if kind is None or p.kind == kind]


def system_preset(value: str) -> SystemPreset | None:
    """The shipped preset for a form value ("system:tld-members") or a key."""
    key = value[len(SYSTEM_PREFIX) :] if value.startswith(SYSTEM_PREFIX) else value
    return next((p for p in SYSTEM_PRESETS if p.key == key), None)


def synonyms(kind: str) -> dict[str, tuple]:
    """Field → the shipped presets' header names for it (added to the fields' aliases)."""
    found: dict[str, tuple] = {}
    for preset in system_presets(kind):
        for name, names in preset.synonyms().items():
            found[name] = (*found.get(name, ()), *names)
    return found


# Applying and suggesting ------------------------------------------------------------------------


def apply(preset, headers, guessed: dict[str, int]) -> dict[str, int]:
    """The file's mapping (field → column index) with a preset over the guesses.

    Columns the preset knows are its own: a guess that put another field in one of them is
    dropped (the unit's name is never read as its code). The guesses stay for the fields the
    preset does not find. A saved preset maps each field to one header."""
    if isinstance(preset, SystemPreset):
        located = preset.locate(headers)
        owned = {index for index, _column in located}
        chosen: dict[str, int] = {}
        for index, column in located:
            if column.field:
                chosen.setdefault(column.field, index)
    else:
        by_header = {sheets.header_key(h): i for i, h in enumerate(headers)}
        chosen = {}
        for name, header in (preset.mapping or {}).items():
            index = by_header.get(sheets.header_key(header))
            if index is not None and index not in chosen.values():
                chosen[name] = index
        owned = set(chosen.values())
    mapping = {
        name: index for name, index in guessed.items() if name not in chosen and index not in owned
    }
    mapping.update(chosen)
    return mapping


def score(preset, headers) -> float:
    """How well a preset fits the file's header row, from 0 to 1.

    A saved preset: the share of its headers found in the file. A shipped one: the share of the
    file's headers it knows, or 0 when it knows fewer than SUGGEST_MIN_COLUMNS of them or fewer
    than SUGGEST_MIN_DISTINCTIVE headers that are not the template's own."""
    if isinstance(preset, SystemPreset):
        from .fields import COLUMNS

        filled = [h for h in headers if sheets.header_key(h)]
        located = preset.locate(headers)
        template = {sheets.header_key(c.header) for c in COLUMNS[preset.kind]}
        distinctive = [
            index
            for index, column in located
            if not column.generic and sheets.header_key(headers[index]) not in template
        ]
        if (
            not filled
            or len(located) < SUGGEST_MIN_COLUMNS
            or len(distinctive) < SUGGEST_MIN_DISTINCTIVE
        ):
            return 0.0
        return len(located) / len(filled)
    wanted = {sheets.header_key(h) for h in (preset.mapping or {}).values()} - {""}
    if not wanted:
        return 0.0
    present = {sheets.header_key(h) for h in headers}
    return len(wanted & present) / len(wanted)


def suggest(kind: str, headers, saved=(), *, required=()):
    """The preset the file's headers match best, or None.

    A saved preset is suggested when every one of its headers is in the file (an officer's
    preset for this very file); a shipped one when it scores at least SUGGEST_AT. Both must
    find the required fields. On a tie the saved preset wins: it is the officer's own."""
    candidates = []
    for preset in saved:
        if preset.kind == kind and score(preset, headers) == 1.0:
            candidates.append((1.0, 1, preset))
    for preset in system_presets(kind):
        value = score(preset, headers)
        if value >= SUGGEST_AT:
            candidates.append((value, 0, preset))
    for _value, _saved, preset in sorted(candidates, key=lambda c: (-c[0], -c[1])):
        if set(required) <= set(apply(preset, headers, {})):
            return preset
    return None
