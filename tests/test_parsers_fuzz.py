"""The importers and parsers never crash: whatever file comes in, they answer with their result or
their own clear error type (PlanReadError, SheetError / ValidationError; a bad cell or row is a
row error), never another exception.

Property-based (hypothesis), a bounded number of examples each, on the fuzz targets of fuzz/
(the same test_one_input that atheris runs for a long time in `make fuzz`): random bytes, the
seed files of fuzz/corpus/ mutated (bytes flipped, cut, inserted), and well-formed sheets and
documents whose cells hold anything.
"""

import datetime
import io
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz import seeds as seed_files
from fuzz.harness import MIN_ITEMS, join
from fuzz.targets import (
    member_import,
    plan_file,
    plan_text,
    pledge_import,
    question_bank,
    read_table,
)

CORPUS = Path(__file__).resolve().parent.parent / "fuzz" / "corpus"
BOUNDED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
FEW = settings(BOUNDED, max_examples=25)


def _seeds(target) -> list[bytes]:
    return [path.read_bytes() for path in sorted((CORPUS / target).iterdir())]


@st.composite
def mutated(draw, target):
    """A seed file of the target with a few bytes flipped, cut out or inserted."""
    data = bytearray(draw(st.sampled_from(_seeds(target))))
    for _ in range(draw(st.integers(1, 6))):
        if len(data) < 2:
            break
        at = draw(st.integers(1, len(data) - 1))  # byte 0 picks the kind: keep it
        action = draw(st.sampled_from(("flip", "cut", "insert", "truncate")))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 64))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        else:
            del data[at:]
    return bytes(data)


def raw(target):
    return st.binary(max_size=2048) | mutated(target)


# Cells that break parsers: formulas, control characters, long and odd text, numbers that look
# like dates or phone numbers, real dates and booleans.
ODD_TEXT = st.sampled_from(
    [
        '=HYPERLINK("http://x","a")',
        "+84912345678",
        "-",
        "@SUM(A1)",
        "\t",
        "\r\n",
        "31/02/1985",
        "29/02/2023",
        "00/00/0000",
        "1985-13-45",
        "02/03/85",
        "9" * 40,
        "0912 345 678",
        "84 912345678",
        "Nguyễn Văn An",
        "H'Nga Byă",
        "Đúng",
        "sai",
        "A, C",
        "Z",
        "A;B;C;D;E",
        "ＡＢＣ",
        "²³",
        "١٢٣",
        "\u0301\u0303",
        "\x00\x01",
        "\ufeff",
        "Không",
        "Nữ",
        "Câu 1: x",
        "Đáp án: B",
        "- Việc một\n- Việc hai",
        "1) a; 2) b",
        "x" * 600,
    ]
)
CELL = st.one_of(
    st.none(),
    ODD_TEXT,
    st.text(max_size=40),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=False, width=32),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(2100, 1, 1)),
    st.booleans(),
)


def _sheet_bytes(rows, fmt, delimiter=","):
    if fmt == "xlsx":
        return seed_files.xlsx([[_xlsx_safe(v) for v in row] for row in rows])
    return seed_files.csv_bytes(rows, delimiter=delimiter)


def _xlsx_safe(value):
    """openpyxl refuses control characters in cells (a sheet could not hold them either)."""
    if isinstance(value, str):
        return "".join(ch for ch in value if ch >= " " or ch in "\t\n\r")
    return value


@st.composite
def sheet(draw, headers, fmt=None):
    """A well-formed .csv or .xlsx with the given headers (some dropped, shuffled or doubled)
    over rows of odd cells."""
    columns = draw(st.lists(st.sampled_from(headers), min_size=1, max_size=len(headers) + 2))
    rows = [columns]
    if draw(st.booleans()):
        rows.insert(0, [draw(st.text(max_size=30))])  # a title row above the headers
    width = len(columns)
    body = draw(st.lists(st.lists(CELL, min_size=0, max_size=width + 1), min_size=0, max_size=12))
    rows.extend(body)
    fmt = fmt or draw(st.sampled_from(["csv", "xlsx"]))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    return fmt, _sheet_bytes(rows, fmt, delimiter)


# Plan documents ---------------------------------------------------------------------------------


@BOUNDED
@given(data=raw("plan_file"))
def test_plan_files_raise_only_plan_read_errors(data):
    plan_file.test_one_input(data)


@FEW
@given(
    lines=st.lists(
        st.sampled_from(seed_files.DEMO_PLAN.read_text(encoding="utf-8").split("\n"))
        | st.text(max_size=80),
        max_size=60,
    ),
    kind=st.sampled_from([".docx", ".pdf"]),
)
def test_plan_documents_built_from_shuffled_plan_lines_parse(lines, kind):
    if kind == ".docx":
        import docx

        document = docx.Document()
        for line in lines:
            document.add_paragraph("".join(ch for ch in line if ch >= " " or ch == "\t"))
        buffer = io.BytesIO()
        document.save(buffer)
        content = buffer.getvalue()
    else:
        from chuyende.core.text import fold

        content = seed_files.minimal_pdf([seed_files._text_stream([fold(x) for x in lines])])
    plan_file.test_one_input(join(kind, content, plan_file.KINDS))


@BOUNDED
@given(data=st.binary(max_size=2048) | mutated("plan_text"))
def test_every_stage_of_the_plan_parser_survives_any_text(data):
    plan_text.test_one_input(data)


# Spreadsheets -----------------------------------------------------------------------------------


@BOUNDED
@given(data=raw("read_table"))
def test_any_file_read_as_a_sheet_raises_only_sheet_errors(data):
    read_table.test_one_input(data)


def _member_headers():
    from chuyende.transfer.fields import MEMBER_COLUMNS, UNIT_COLUMNS

    return [c.header for c in MEMBER_COLUMNS], [c.header for c in UNIT_COLUMNS]


@BOUNDED
@given(sheet=sheet(_member_headers()[0] + ["Ghi chú", ""]))
def test_member_sheets_with_odd_cells_read_and_parse(sheet):
    fmt, content = sheet
    read_table.test_one_input(join(f".{fmt}", content, read_table.KINDS))


@pytest.fixture
def fuzz_world(world):
    """The fuzz targets' context on the test database (fuzz.harness.make_world's twin)."""
    from chuyende.pledges.models import PledgeSection, PledgeTemplate

    world.an.card_number = "DLK-0000001"
    world.an.save()
    template = PledgeTemplate.objects.create(
        unit=world.province, year=2024, title="Bản cam kết năm 2024", topic="Văn hóa"
    )
    PledgeSection.objects.bulk_create(
        PledgeSection(
            template=template, code=code, title=title, min_items=MIN_ITEMS[code], position=i
        )
        for i, (code, title) in enumerate(seed_files.PLEDGE_SECTIONS, start=1)
    )
    return SimpleNamespace(
        province=world.province, union=world.a1, user=world.alice, template=template
    )


@pytest.mark.django_db
@BOUNDED
@given(data=raw("member_import"))
def test_member_and_unit_imports_raise_only_validation_errors(fuzz_world, data):
    member_import.test_one_input(data, fuzz_world)


@pytest.mark.django_db
@BOUNDED
@given(
    engine=st.sampled_from(["members", "units"]),
    members=sheet(_member_headers()[0] + ["Ghi chú"]),
    units=sheet(_member_headers()[1]),
)
def test_member_and_unit_sheets_with_odd_cells_give_row_errors(fuzz_world, engine, members, units):
    fmt, content = members if engine == "members" else units
    member_import.test_one_input(join(f"{engine}.{fmt}", content, member_import.KINDS), fuzz_world)


# Question banks ---------------------------------------------------------------------------------

QUESTION_HEADERS = ["Câu hỏi", "A", "B", "C", "D", "Đáp án", "Chủ đề", "Mức độ", "Phương án E"]


@BOUNDED
@given(
    data=raw("question_bank")
    | sheet(QUESTION_HEADERS).map(lambda s: join(f".{s[0]}", s[1], question_bank.KINDS))
)
def test_question_banks_raise_only_validation_errors(data):
    question_bank.test_one_input(data)


@FEW
@given(
    paragraphs=st.lists(
        st.sampled_from(
            [
                "Câu 1: Hỏi gì?",
                "Câu hỏi 2. Gì nữa",
                "A. Một",
                "b) Hai",
                "Đáp án: B",
                "Đáp án:",
                "Đáp án đúng: A, C",
                "Chủ đề: Văn hóa",
                "Đáp án: Đúng",
                "99999. x",
                "Câu 0:",
            ]
        )
        | st.text(max_size=40),
        max_size=30,
    )
)
def test_word_question_banks_with_any_paragraphs(paragraphs):
    import docx

    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph("".join(ch for ch in text if ch >= " " or ch == "\t"))
    buffer = io.BytesIO()
    document.save(buffer)
    question_bank.test_one_input(join(".docx", buffer.getvalue(), question_bank.KINDS))


# Pledge imports ---------------------------------------------------------------------------------


def _pledge_headers():
    return seed_files.pledge_rows()[0] + ["Năm sinh", "Họ tên"]


@pytest.mark.django_db
@BOUNDED
@given(data=raw("pledge_import"))
def test_pledge_imports_raise_only_validation_errors(fuzz_world, data):
    pledge_import.test_one_input(data, fuzz_world)


@pytest.mark.django_db
@BOUNDED
@given(sheet=sheet(_pledge_headers()))
def test_pledge_sheets_with_odd_cells_give_row_errors(fuzz_world, sheet):
    fmt, content = sheet
    pledge_import.test_one_input(join(f".{fmt}", content, pledge_import.KINDS), fuzz_world)


# The seeds themselves are read whole (the fuzzers start from real, valid files) --------------


@pytest.mark.django_db
def test_every_seed_file_is_read_without_an_error(fuzz_world):
    from django.core.exceptions import ValidationError

    from chuyende.plans.parsing import PlanReadError

    for module in (plan_file, plan_text, read_table, question_bank):
        for data in _seeds(module.__name__.rsplit(".", 1)[-1]):
            module.test_one_input(data)
    for module in (member_import, pledge_import):
        for data in _seeds(module.__name__.rsplit(".", 1)[-1]):
            module.test_one_input(data, fuzz_world)
    # and they are not refused as a whole: they are real files of their kind
    from chuyende.core import sheets
    from chuyende.plans.parsing import parse_plan_file

    assert parse_plan_file(io.BytesIO(seed_files.plan_docx()), "a.docx")["tasks"]
    assert parse_plan_file(io.BytesIO(seed_files.plan_pdf()), "a.pdf")["kind"]
    with pytest.raises((ValidationError, PlanReadError)):
        sheets.read_table(io.BytesIO(b"\x00"), aliases={})


# Regressions: inputs that crashed an importer --------------------------------------------------


@pytest.mark.django_db
def test_nul_characters_in_a_sheet_do_not_break_the_imports_on_postgresql(fuzz_world):
    """PostgreSQL refuses NUL in text and JSON: a CSV cell holding one made the pledge import
    (its rows are kept as JSON) and the member check (card numbers looked up) fail there."""
    from chuyende.pledges.models import PledgeImport

    rows = seed_files.pledge_rows()
    rows[1][5] = "Trung thành\x00 với Đảng"
    rows[2][2] = "19\x0082"
    pledge_import.test_one_input(
        join(".csv", seed_files.csv_bytes(rows), pledge_import.KINDS), fuzz_world
    )
    members = seed_files.member_rows(3)
    members[2][0] = "BMT\x00-001"
    members[3][10] = "DLK-\x000000002"
    member_import.test_one_input(
        join("members.csv", seed_files.csv_bytes(members), member_import.KINDS), fuzz_world
    )
    assert not PledgeImport.objects.exists()  # each input is rolled back


def test_a_csv_cell_over_128_kb_is_refused_by_every_sheet_importer(db, fuzz_world):
    data = 'Họ và tên,Giới tính\n"'.encode() + b"x" * 200_000 + b'",Nam\n'
    read_table.test_one_input(join(".csv", data, read_table.KINDS))
    member_import.test_one_input(join("members.csv", data, member_import.KINDS), fuzz_world)
    pledge_import.test_one_input(join(".csv", data, pledge_import.KINDS), fuzz_world)
    question_bank.test_one_input(join(".csv", data, question_bank.KINDS))
