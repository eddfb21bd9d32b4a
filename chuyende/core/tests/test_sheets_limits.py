"""Files found by fuzzing the sheet reader (fuzz/, tests/test_parsers_fuzz.py): each is refused
with a clear SheetError, or read, never a crash or minutes of work."""

import io
import time

import pytest

from chuyende.core import sheets
from chuyende.core.sheets import SheetError
from chuyende.transfer.fields import aliases


class Upload(io.BytesIO):
    def __init__(self, data, name):
        super().__init__(data)
        self.name, self.size = name, len(data)


def test_a_csv_cell_over_the_csv_modules_limit_is_a_sheet_error_not_a_crash():
    data = 'Họ và tên,Giới tính\n"'.encode() + b"x" * 200_000 + b'",Nam\n'
    with pytest.raises(SheetError) as caught:
        sheets.read_table(Upload(data, "dv.csv"), aliases=aliases("members"))
    assert caught.value.code == "csv" and "2" in caught.value.messages[0]


def test_a_sheet_of_a_hundred_thousand_columns_is_refused_at_once():
    data = b"a," * 100_000 + b"\n" + b"1," * 100_000
    started = time.monotonic()
    with pytest.raises(SheetError) as caught:
        sheets.read_table(Upload(data, "rong.csv"), aliases=aliases("members"))
    assert caught.value.code == "too_many_columns"
    assert time.monotonic() - started < 5  # it took a minute before


def test_empty_columns_beyond_the_limit_are_no_problem():
    header = ["Họ và tên", "Giới tính"] + [""] * 700
    row = ["Nguyễn Văn An", "Nam"] + [""] * 700
    data = "\n".join(",".join(r) for r in (header, row)).encode()
    table = sheets.read_table(Upload(data, "dv.csv"), aliases=aliases("members"))
    assert table.headers == ["Họ và tên", "Giới tính"]
    assert list(table.rows()) == [(2, ["Nguyễn Văn An", "Nam"])]


def test_nul_characters_are_dropped_from_csv_cells():
    """PostgreSQL refuses NUL in text and JSON: a NUL in a cell made the imports fail there."""
    data = "Họ và tên,Giới tính\nNguyễn\x00 Văn An,N\x00am\n".encode()
    table = sheets.read_table(Upload(data, "dv.csv"), aliases=aliases("members"))
    assert list(table.rows()) == [(2, ["Nguyễn Văn An", "Nam"])]


def test_nul_characters_are_dropped_from_xls_cells():
    rows = sheets._without_nul(iter([["a\x00b", 1, None], ["c"]]))
    assert list(rows) == [["ab", 1, None], ["c"]]


def _unreadable_zip_version(data: bytes) -> bytes:
    """The zip with its first central directory entry asking for zip "version 24.5", which
    Python's zipfile refuses with NotImplementedError (the crash fuzz/ found in the pledge
    import: fuzz/corpus/pledge_import/regression-zip-version-24.5)."""
    at = data.index(b"PK\x01\x02")
    return data[: at + 6] + (245).to_bytes(2, "little") + data[at + 8 :]


def _xlsx() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["Họ và tên", "Giới tính"])
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_zip_of_a_version_python_cannot_read_is_a_sheet_error():
    data = _unreadable_zip_version(_xlsx())
    with pytest.raises(SheetError) as caught:
        sheets.read_table(Upload(data, "dv.xlsx"), aliases=aliases("members"))
    assert caught.value.code == "not_zip"


def test_the_same_zip_is_refused_by_the_upload_check_and_the_plan_reader():
    import docx
    from django.core.exceptions import ValidationError

    from chuyende.core.uploads import check_upload
    from chuyende.materials.services import _zip_names
    from chuyende.plans.parsing import PlanReadError
    from chuyende.plans.parsing.readers import read_plan_file

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    data = _unreadable_zip_version(buffer.getvalue())
    with pytest.raises(ValidationError) as caught:
        check_upload(Upload(data, "a.docx"), ("docx",))
    assert caught.value.code == "content"
    with pytest.raises(PlanReadError):
        read_plan_file(io.BytesIO(data), "a.docx")
    assert _zip_names(Upload(data, "a.pptx")) is None
