"""Reading the spreadsheets people bring: formats, encodings, guards, headers and cells."""

import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from chuyende.core import sheets
from chuyende.core.sheets import CellError, SheetError


def xlsx(rows, name="sheet.xlsx"):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


ALIASES = {"full_name": ("họ và tên", "họ tên"), "dob": ("ngày sinh",)}


@pytest.mark.parametrize("header", ["Ho va ten", "Họ và tên", "HỌ TÊN", "Họ và tên (*)"])
def test_headers_match_whatever_the_accents_and_case(header):
    assert sheets.match_headers(["STT", header, "Ngày sinh"], ALIASES) == {
        "full_name": 1,
        "dob": 2,
    }


def test_an_exact_header_wins_over_a_longer_one_and_columns_serve_one_field():
    aliases = {"job": ("chức vụ",), "position": ("chức vụ công đoàn",)}
    assert sheets.match_headers(["Chức vụ công đoàn", "Chức vụ"], aliases) == {
        "position": 0,
        "job": 1,
    }


def test_title_rows_above_the_header_are_skipped():
    table = sheets.read_table(
        xlsx([["DANH SÁCH ĐOÀN VIÊN"], [], ["STT", "Họ và tên", "Ngày sinh"], [1, "An", None]]),
        aliases=ALIASES,
    )
    assert table.header_row == 3
    assert list(table.rows()) == [(4, [1, "An", None])]


@pytest.mark.parametrize(
    "value, expected",
    [
        ("02/03/1985", datetime.date(1985, 3, 2)),
        ("2/3/85", datetime.date(1985, 3, 2)),
        ("2-3-1985", datetime.date(1985, 3, 2)),
        ("1985-03-02", datetime.date(1985, 3, 2)),
        (31108, datetime.date(1985, 3, 2)),
        (31108.0, datetime.date(1985, 3, 2)),
        ("31108", datetime.date(1985, 3, 2)),
        (datetime.datetime(1985, 3, 2, 0, 0, tzinfo=datetime.UTC), datetime.date(1985, 3, 2)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_common_form(value, expected):
    assert sheets.parse_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/1990", "32/01/2000", "1/13/1990", "hôm qua", True])
def test_impossible_dates_are_errors_in_vietnamese_terms(value):
    with pytest.raises(CellError):
        sheets.parse_date(value)


def test_the_message_of_a_bad_date_names_it():
    with pytest.raises(CellError, match="31/02/1990"):
        sheets.parse_date("31/02/1990")


@pytest.mark.parametrize(
    "value, expected",
    [
        ("0912345678", "0912345678"),
        ("091 234 5678", "0912345678"),
        ("091.234.5678", "0912345678"),
        ("+84912345678", "0912345678"),
        ("84912345678", "0912345678"),
        (912345678, "0912345678"),
        (912345678.0, "0912345678"),
        ("02623812345", "02623812345"),
        ("", ""),
    ],
)
def test_vietnamese_phone_numbers(value, expected):
    assert sheets.parse_phone(value) == expected


@pytest.mark.parametrize("value", ["12345", "0123456789", "091234567890", "abc"])
def test_phone_numbers_that_are_not_vietnamese(value):
    with pytest.raises(CellError):
        sheets.parse_phone(value)


def test_id_numbers_have_12_digits_and_a_number_cell_gets_its_zero_back():
    assert sheets.parse_id_number("066185001234") == "066185001234"
    assert sheets.parse_id_number(66185001234) == "066185001234"
    for bad in ("66185001234", "0661850012345", "06618500123A"):
        with pytest.raises(CellError, match="12"):
            sheets.parse_id_number(bad)


def test_choices_by_key_english_or_vietnamese_label():
    choices = [("male", "Male"), ("female", "Female")]
    aliases = {"male": ("nam",), "female": ("nữ",)}
    assert sheets.parse_choice("Nữ", choices, aliases=aliases) == "female"
    assert sheets.parse_choice("NAM", choices, aliases=aliases) == "male"
    assert sheets.parse_choice("female", choices) == "female"
    with pytest.raises(CellError):
        sheets.parse_choice("khác", choices, aliases=aliases)


def csv_file(data: bytes):
    return SimpleUploadedFile("members.csv", data)


def test_csv_in_utf8_with_or_without_bom_and_semicolons():
    text = "Họ và tên;Ngày sinh\nNguyễn Văn An;02/03/1985\n"
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode()):
        table = sheets.read_table(csv_file(data), aliases=ALIASES)
        assert table.headers == ["Họ và tên", "Ngày sinh"]
        assert list(table.rows()) == [(2, ["Nguyễn Văn An", "02/03/1985"])]


def test_csv_in_a_windows_code_page_is_refused_not_garbled():
    data = "Họ và tên,Ngày sinh\nNguyễn Văn An,02/03/1985\n".encode("cp1258", errors="replace")
    with pytest.raises(SheetError, match="UTF-8") as caught:
        sheets.read_table(csv_file(data))
    assert caught.value.code == "encoding"


def test_csv_garbled_once_already_is_reported():
    mangled = "Họ và tên,Ngày sinh\nNguyễn Văn An,02/03/1985\n".encode().decode("cp1252", "replace")
    with pytest.raises(SheetError) as caught:
        sheets.read_table(csv_file(mangled.encode()))
    assert caught.value.code == "mojibake"


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.IMPORT_MAX_BYTES = 1000
    with pytest.raises(SheetError) as caught:
        sheets.read_table(csv_file(b"a,b\n" + b"1,2\n" * 500))
    assert caught.value.code == "too_big"


def test_an_unknown_extension_or_a_fake_xlsx_is_refused():
    with pytest.raises(SheetError) as caught:
        sheets.read_table(SimpleUploadedFile("members.pdf", b"%PDF"))
    assert caught.value.code == "extension"
    with pytest.raises(SheetError) as caught:
        sheets.read_table(SimpleUploadedFile("members.xlsx", b"not a zip at all"))
    assert caught.value.code == "not_zip"


def test_a_zip_bomb_posing_as_xlsx_is_refused_quickly():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (200 * 1024 * 1024))
    packed = buffer.getvalue()
    assert len(packed) < 1024 * 1024
    with pytest.raises(SheetError) as caught:
        sheets.read_table(SimpleUploadedFile("bomb.xlsx", packed))
    assert caught.value.code == "zip_bomb"


def _with_sheet_xml(xml: str) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(xlsx([["a", "b"]]).read()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = xml.encode()
            archive.writestr(info.filename, data)
    return out.getvalue()


def _sheet_xml(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>Họ và tên'
        '</t></is></c><c r="B1" t="inlineStr"><is><t>Ngày sinh</t></is></c></row>'
        f"{body}</sheetData></worksheet>"
    )


def test_a_million_empty_formatted_rows_read_as_no_rows():
    body = "".join(f'<row r="{i}"><c r="A{i}" s="0"/></row>' for i in range(2, 1_000_001))
    table = sheets.read_table(SimpleUploadedFile("empty.xlsx", _with_sheet_xml(_sheet_xml(body))))
    assert list(table.rows()) == []


def test_a_sheet_with_more_rows_than_the_limit_is_refused(settings):
    settings.IMPORT_MAX_ROWS = 100
    body = "".join(
        f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>x</t></is></c></row>' for i in range(2, 400)
    )
    with pytest.raises(SheetError) as caught:
        sheets.read_table(SimpleUploadedFile("big.xlsx", _with_sheet_xml(_sheet_xml(body))))
    assert caught.value.code == "too_many_rows"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("=1+1", "'=1+1"),
        ("+84912", "'+84912"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("Nguyễn", "Nguyễn"),
        (12, 12),
    ],
)
def test_cells_from_user_text_never_start_a_formula(value, expected):
    assert sheets.safe_cell(value) == expected


def test_the_annotated_copy_adds_an_error_column_next_to_each_row():
    upload = csv_file("Tiêu đề\nHọ và tên,Ngày sinh\nAn,31/02/1990\n=Bình,\n".encode())
    data = sheets.annotated_copy(upload, {3: "Ngày sinh: sai"}, column_title="Lỗi")
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[1] == ("Họ và tên", "Ngày sinh", "Lỗi")
    assert rows[2] == ("An", "31/02/1990", "Ngày sinh: sai")
    assert rows[3][0] == "'=Bình" and rows[3][2] is None
