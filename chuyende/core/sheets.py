"""Reading spreadsheets that people bring: .xlsx/.xls/.ods (python-calamine) and .csv.

    table = read_table(uploaded_file, aliases=MEMBER_ALIASES)   # SheetError on a bad file
    columns = match_headers(table.headers, MEMBER_ALIASES)       # {"full_name": 1, ...}
    for row_number, values in table.rows():
        try:
            born = parse_date(values[columns["date_of_birth"]])
        except CellError as error:
            errors.append(RowError(row_number, "Ngày sinh", str(error)))

Whole-file problems (too big, a zip bomb posing as .xlsx, too many rows, text that is not UTF-8 or
that was garbled by a wrong code page) raise `SheetError` with a Vietnamese message before any
row is read. Cell parsers raise `CellError` with a message fit for the row's error column. Cells
written back to a sheet from user text go through `safe_cell`, so nothing runs as a formula.
"""

import csv
import datetime
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .text import fold

SPREADSHEET_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".ods"}
ZIP_EXTENSIONS = {".xlsx", ".xlsm", ".ods"}
EXTENSIONS = SPREADSHEET_EXTENSIONS | {".csv"}
HEADER_SEARCH_ROWS = 30
# Columns read: far more than any member or unit sheet has. Matching headers costs columns ×
# aliases, so a sheet of 100,000 columns would tie a worker up for minutes.
MAX_COLUMNS = 500
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# UTF-8 text that was read as Windows-1252/1258 and saved again ("Nguyá»…n", "Ä‘", "Æ°").
MOJIBAKE = re.compile(
    r"Ã[\u0080-\u00bf]|Ä[\u0080-\u00bf‘’]|Æ[°¡]|á[º»][\u0080-\u00bf‘’“”•–—˜™š›œžŸ]"
)


class SheetError(ValidationError):
    """The file as a whole cannot be read; nothing from it is used."""


class CellError(ValueError):
    """One cell's value is wrong; the message goes into the row's error column."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_bytes() -> int:
    return _limit("IMPORT_MAX_BYTES", 20 * 1024 * 1024)


def max_rows() -> int:
    return _limit("IMPORT_MAX_ROWS", 200_000)


def max_unpacked_bytes() -> int:
    return _limit("IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)


MAX_ZIP_RATIO = 100  # real spreadsheets pack 4–20 times; a bomb packs thousands of times


class Table:
    """The first sheet of a file: its header row and the rows below it, read as they are
    iterated (`rows()` and `all_rows()` can be iterated once: read the file again for a second
    pass)."""

    def __init__(self, *, headers, header_row, head, rest, first_row, source_format, encoding=""):
        self.headers: list[str] = headers
        self.header_row: int = header_row
        self.source_format: str = source_format
        self.encoding: str = encoding
        self._head = head
        self._rest = rest
        self._first_row = first_row

    def all_rows(self) -> Iterator[tuple[int, list]]:
        """(sheet row number, raw values) of every row, title rows and the header included."""
        for index, raw in enumerate(itertools.chain(self._head, self._rest)):
            yield self._first_row + index, raw

    def rows(self) -> Iterator[tuple[int, list]]:
        """(sheet row number, values) for each row below the header with any value in it."""
        width = len(self.headers)
        for number, raw in self.all_rows():
            if number <= self.header_row:
                continue
            values = [
                None if v is None or v == "" or (v.__class__ is str and v.isspace()) else v
                for v in raw[:width]
            ]
            if values.count(None) == len(values):
                continue
            if len(values) < width:
                values.extend([None] * (width - len(values)))
            yield number, values


def _blank_to_none(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    return value


def _name_of(file) -> str:
    return str(getattr(file, "name", "") or file)


def _read_bytes(file) -> bytes:
    if isinstance(file, str | Path):
        path = Path(file)
        if path.stat().st_size > max_bytes():
            raise _too_big(path.stat().st_size)
        return path.read_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > max_bytes():
        raise _too_big(size)
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise _too_big(len(data))
    return data


def _too_big(size: int) -> SheetError:
    return SheetError(
        _("The file is %(size).1f MB; the limit is %(limit).0f MB. Split it and import the parts.")
        % {"size": size / 2**20, "limit": max_bytes() / 2**20},
        code="too_big",
    )


def read_table(file, *, aliases: dict[str, Sequence[str]] | None = None) -> Table:
    """The first sheet of an uploaded file (or a path) as a Table; SheetError when unreadable.

    With `aliases`, the header row is the row (among the first 30) that names most fields;
    otherwise the first row with at least two filled cells. Title rows above it are skipped.
    """
    name = _name_of(file)
    extension = Path(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise SheetError(
            _("Upload an .xlsx, .xls, .ods or .csv file (this one is “%(name)s”).")
            % {"name": Path(name).name},
            code="extension",
        )
    data = _read_bytes(file)
    if not data:
        raise SheetError(_("The file is empty."), code="empty")
    if extension == ".csv":
        rows, encoding = _csv_rows(data)
        return _table(
            iter(rows), first_row=1, aliases=aliases, source_format="csv", encoding=encoding
        )
    if extension in ZIP_EXTENSIONS:
        _check_zip(data)
    try:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
    except Exception as error:  # calamine raises its own error types for every kind of damage
        raise SheetError(
            _(
                "The file cannot be read as a spreadsheet (%(reason)s). Open it in Excel and save it again as .xlsx."
            )
            % {"reason": type(error).__name__},
            code="unreadable",
        ) from error
    if sheet.height > max_rows() + HEADER_SEARCH_ROWS:
        raise SheetError(
            _(
                "The sheet has %(rows)s rows; the limit is %(limit)s. If most of them are empty, "
                "delete the empty rows below the data and save again."
            )
            % {
                "rows": f"{sheet.height:,}".replace(",", "."),
                "limit": f"{max_rows():,}".replace(",", "."),
            },
            code="too_many_rows",
        )
    start_row = (sheet.start[0] if sheet.start else 0) + 1
    rows = sheet.iter_rows()
    if extension == ".xls":  # binary cells may hold NUL (XML ones cannot; CSV drops it)
        rows = _without_nul(rows)
    return _table(rows, first_row=start_row, aliases=aliases, source_format=extension[1:])


def _without_nul(rows):
    """NUL is never meant in a cell, and PostgreSQL refuses it in text."""
    for row in rows:
        yield [v.replace("\x00", "") if v.__class__ is str and "\x00" in v else v for v in row]


def _check_zip(data: bytes) -> None:
    """Refuse what is not a zip or unpacks to far more than a real spreadsheet would."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, OSError) as error:
        # NotImplementedError: a zip "version" or method Python cannot read (found by fuzzing)
        raise SheetError(
            _("The file is not a valid spreadsheet (.xlsx). Open it in Excel and save it again."),
            code="not_zip",
        ) from error
    if unpacked > max_unpacked_bytes() or unpacked > MAX_ZIP_RATIO * max(len(data), 1):
        raise SheetError(
            _(
                "The file unpacks to %(unpacked).0f MB from %(packed).1f MB, far more than a "
                "spreadsheet does; it was refused. Save the data alone in a new file."
            )
            % {"unpacked": unpacked / 2**20, "packed": len(data) / 2**20},
            code="zip_bomb",
        )


def _csv_rows(data: bytes) -> tuple[list[list], str]:
    encoding = "utf-8"
    if data.startswith(b"\xef\xbb\xbf"):
        data, encoding = data[3:], "utf-8-sig"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SheetError(
            _(
                "The file is not in UTF-8: it looks like a Windows code page (1258 or 1252), "
                "which would garble Vietnamese letters. In Excel choose Save As → “CSV UTF-8 "
                "(Comma delimited)” and upload again."
            ),
            code="encoding",
        ) from error
    if MOJIBAKE.search(text[:200_000]):
        raise SheetError(
            _(
                "The Vietnamese letters in this file are already garbled (e.g. “Nguyá»…n” for "
                "“Nguyễn”): it was opened with the wrong code page and saved. Export it again "
                "from the original as “CSV UTF-8”."
            ),
            code="mojibake",
        )
    text = unicodedata.normalize("NFC", text.replace("\x00", ""))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = []
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > max_rows() + HEADER_SEARCH_ROWS:
                raise SheetError(
                    _("The file has more than %(limit)s rows; split it and import the parts.")
                    % {"limit": f"{max_rows():,}".replace(",", ".")},
                    code="too_many_rows",
                )
    except csv.Error as error:  # a cell over 128 KB: an unclosed quote swallowing the file
        raise SheetError(
            _(
                "Row %(row)s of the file cannot be read: a cell is far too long, often a quote "
                '(") that is opened and never closed. Correct it, or save the sheet again as '
                "“CSV UTF-8” from Excel."
            )
            % {"row": len(rows) + 1},
            code="csv",
        ) from error
    return rows, encoding


def _table(rows, *, first_row, aliases, source_format, encoding="") -> Table:
    head = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    index = _header_index([list(row)[:MAX_COLUMNS] for row in head], aliases)
    if index is None:
        raise SheetError(
            _("No header row was found: the first rows of the sheet should name the columns."),
            code="no_header",
        )
    header_row = list(head[index])
    if any(_blank_to_none(v) is not None for v in header_row[MAX_COLUMNS:]):
        raise SheetError(
            _(
                "The sheet has more than %(limit)s columns. Delete the columns that are not "
                "needed (or copy the needed ones to a new sheet) and upload it again."
            )
            % {"limit": MAX_COLUMNS},
            code="too_many_columns",
        )
    headers = [text(v) for v in header_row[:MAX_COLUMNS]]
    while headers and not headers[-1]:
        headers.pop()
    return Table(
        headers=headers,
        header_row=first_row + index,
        head=head,
        rest=rows,
        first_row=first_row,
        source_format=source_format,
        encoding=encoding,
    )


def _header_index(rows, aliases) -> int | None:
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        filled = [v for v in row if _blank_to_none(v) is not None]
        if aliases:
            score = len(match_headers([text(v) for v in row], aliases))
            if score > best_score:
                best, best_score = index, score
        elif len(filled) >= 2:
            return index
    if aliases and best is None:
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            if sum(1 for v in row if _blank_to_none(v) is not None) >= 2:
                return index
    return best


# Headers ---------------------------------------------------------------------------------------


def header_key(value) -> str:
    """'HỌ VÀ TÊN (*)' -> 'ho va ten': accents, case, punctuation and extra spaces ignored."""
    return _key(text(value))


@functools.lru_cache(maxsize=4096)  # cells repeat: "Nữ", "Kinh", unit codes…
def _key(value: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(value)).split())


def match_headers(headers: Sequence[str], aliases: dict[str, Sequence[str]]) -> dict[str, int]:
    """Field → column index, guessed from the headers; each column serves one field at most.

    A header equal to an alias wins; then a header that contains an alias as whole words
    ('Họ và tên đoàn viên' for 'họ và tên'), longest alias first.
    """
    keys = [header_key(h) for h in headers]
    found: dict[str, int] = {}
    used: set[int] = set()
    for exact in (True, False):
        candidates = []
        for field, names in aliases.items():
            if field in found:
                continue
            for alias in names:
                alias_key = header_key(alias)
                if not alias_key:
                    continue
                for column, key in enumerate(keys):
                    if column in used or not key:
                        continue
                    hit = key == alias_key if exact else f" {alias_key} " in f" {key} "
                    if hit:
                        candidates.append((-len(alias_key), column, field))
        for _length, column, field in sorted(candidates):
            if field in found or column in used:
                continue
            found[field] = column
            used.add(column)
    return found


# Cells -----------------------------------------------------------------------------------------


def text(value) -> str:
    """A cell as clean text: NFC, single spaces; 12.0 -> '12'; dates as dd/mm/yyyy."""
    if value.__class__ is str:  # most cells: the fast path
        if value.isascii():
            return " ".join(value.split())
        return " ".join(unicodedata.normalize("NFC", value).split())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return " ".join(unicodedata.normalize("NFC", str(value)).split())


DATE_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
DATE_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


def parse_date(value) -> datetime.date | None:
    """A date from a date cell, an Excel serial number, dd/mm/yyyy, d/m/yy or yyyy-mm-dd."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a date.") % {"value": value})
    if isinstance(value, int | float):
        return _serial(value)
    raw = text(value)
    if len(raw) == 10 and raw[2] == "/" and raw[5] == "/":  # dd/mm/yyyy, most cells: no regex
        day, month, year = raw[:2], raw[3:5], raw[6:]
        if day.isdigit() and month.isdigit() and year.isdigit():
            try:
                return datetime.date(int(year), int(month), int(day))
            except ValueError as error:
                raise CellError(
                    _("“%(value)s” is not a real date: check the day and the month.")
                    % {"value": raw}
                ) from error
    if raw.isdigit() and len(raw) == 5:
        return _serial(int(raw))
    match = DATE_DMY.match(raw)
    if match:
        day, month, year = (int(g) for g in match.groups())
        if len(match.group(3)) == 2:
            pivot = timezone.localdate().year % 100  # 05 -> 2005, 85 -> 1985
            year += 2000 if year <= pivot else 1900
    else:
        match = DATE_YMD.match(raw)
        if not match:
            raise CellError(
                _("“%(value)s” is not a date; write day/month/year, e.g. 02/03/1985.")
                % {"value": raw}
            )
        year, month, day = (int(g) for g in match.groups())
    try:
        return datetime.date(year, month, day)
    except ValueError as error:
        raise CellError(
            _("“%(value)s” is not a real date: check the day and the month.") % {"value": raw}
        ) from error


def _serial(number) -> datetime.date:
    if not 1 <= number < 2958466:
        raise CellError(_("“%(value)s” is not a date.") % {"value": text(number)})
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


PHONE_MOBILE = re.compile(r"^0[35789]\d{8}$")
PHONE_LANDLINE = re.compile(r"^02\d{9}$")


def parse_phone(value) -> str:
    """'091 234 5678', '+84912345678', 912345678 (a number cell lost its 0) -> '0912345678'."""
    raw = text(value)
    if not raw:
        return ""
    digits = re.sub(r"[\s.\-()]", "", raw)
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    elif isinstance(value, int | float) and len(digits) in (9, 10) and not digits.startswith("0"):
        digits = "0" + digits
    if PHONE_MOBILE.match(digits) or PHONE_LANDLINE.match(digits):
        return digits
    raise CellError(
        _(
            "“%(value)s” is not a Vietnamese phone number (10 digits starting with 0, "
            "e.g. 0912345678)."
        )
        % {"value": raw}
    )


def parse_id_number(value) -> str:
    """A citizen ID (CCCD): 12 digits; a number cell that lost its leading 0 gets it back."""
    raw = text(value)
    if not raw:
        return ""
    digits = raw.replace(" ", "")
    if isinstance(value, int | float) and digits.isdigit() and len(digits) == 11:
        digits = "0" + digits
    if not (digits.isdigit() and len(digits) == 12):
        raise CellError(
            _("The citizen ID number must have exactly 12 digits (“%(value)s” does not).")
            % {"value": raw}
        )
    return digits


def parse_int(value, *, minimum=None, maximum=None) -> int | None:
    """A whole number; '1.234' and '1,234' (thousands separators) are 1234."""
    raw = text(value)
    if not raw:
        return None
    try:
        number = int(re.sub(r"(?<=\d)[.,](?=\d{3}\b)", "", raw))
    except ValueError as error:
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": raw}) from error
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        raise CellError(_("%(value)s is out of range.") % {"value": number})
    return number


def choice_parser(choices, *, aliases: dict[str, Sequence[str]] | None = None):
    """A parser for one set of choices, its lookup table built once: the key of a choice named
    by its key, its English or Vietnamese label, or an alias (accents and case ignored)."""
    table = {}
    for key, label in choices:
        names = {str(key), *(aliases or {}).get(key, ())}
        for language in ("vi", "en"):
            with translation.override(language):
                names.add(str(label))
        for name in names:
            table.setdefault(header_key(name), key)

    def parse(value) -> str:
        raw = text(value)
        if not raw:
            return ""
        found = table.get(header_key(raw))
        if found is None:
            raise CellError(_("“%(value)s” is not one of the allowed values.") % {"value": raw})
        return found

    return parse


def parse_choice(value, choices, *, aliases: dict[str, Sequence[str]] | None = None) -> str:
    """One value against a set of choices (for many rows, build `choice_parser` once)."""
    return choice_parser(choices, aliases=aliases)(value)


# Writing ---------------------------------------------------------------------------------------


def safe_cell(value):
    """A spreadsheet cell from user text that can never run as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def annotated_copy(file, errors: dict[int, str], *, column_title: str | None = None) -> bytes:
    """The original sheet as .xlsx with an error column: each row's message next to its data."""
    from openpyxl import Workbook

    table = read_table(file)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    title = column_title or _("Errors")
    width = len(table.headers)
    for number, raw in table.all_rows():
        values = [_blank_to_none(v) for v in list(raw)[:width]]
        values.extend([None] * (width - len(values)))
        if number == table.header_row:
            extra = title
        else:
            extra = errors.get(number)
        sheet.append([safe_cell(v) for v in values] + [safe_cell(extra)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
