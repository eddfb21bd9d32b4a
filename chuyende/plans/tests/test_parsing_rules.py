"""Focused rules of the plan parser: dates, numbers, headers, references, footers."""

import datetime as dt

import pytest

from chuyende.plans.parsing import parse_plan_text
from chuyende.plans.parsing.dates import period_end
from chuyende.plans.parsing.header import parse_header
from chuyende.plans.parsing.mentions import find_occasions, find_references
from chuyende.plans.parsing.normalise import (
    fold_old_spelling,
    normalise_text,
    skeleton,
    strip_entry,
)

PLAN_DATE = dt.date(2024, 2, 22)


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Quý 1/2024", "2024-03-31"),
        ("Quý II năm 2024", "2024-06-30"),
        ("6 tháng đầu năm 2024", "2024-06-30"),
        ("6 tháng cuối năm 2024", "2024-12-31"),
        ("năm 2024", "2024-12-31"),
        ("Tháng 3/2024", "2024-03-31"),
        ("tháng 02 năm 2024", "2024-02-29"),
        ("từ ngày 15/3 đến ngày 20/4/2024", "2024-04-20"),
        ("Từ tháng 3 đến tháng 5/2024", "2024-05-31"),
        ("Trước ngày 30/11/2024", "2024-11-30"),
        ("ngày 15 tháng 5 năm 2024", "2024-05-15"),
        ("Quý III", "2024-09-30"),
        ("Tháng 1", "2025-01-31"),  # already past on the plan's date: next year
        ("Thường xuyên", None),
        ("", None),
        (None, None),
    ],
)
def test_due_is_the_last_day_of_the_period(text, due):
    assert period_end(text, PLAN_DATE) == due


def test_period_without_year_and_without_plan_date_has_no_due():
    assert period_end("Quý 2", None) is None


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Số: 26 /KH-LĐLĐ", "26/KH-LĐLĐ"),
        ("Số 07/KH-CĐ", "07/KH-CĐ"),
        ("Số: 48 - KH/ĐTN", "48-KH/ĐTN"),
        ("Số: 05/ KH-CĐCS", "05/KH-CĐCS"),
        ("Số 195-KH/TU", "195-KH/TU"),
        ("Số: 12 – KH/CĐN", "12-KH/CĐN"),
        ("Số: 1234/QĐ-TTg", "1234/QĐ-TTg"),
    ],
)
def test_number_is_read_with_spaces_removed(line, number):
    assert parse_header(["CÔNG ĐOÀN NGÀNH Y TẾ", line])["number"] == number


def test_number_label_printed_apart_from_its_number():
    header = parse_header(["LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK", "Số:", "", "26/KH-LĐLĐ"])
    assert header["number"] == "26/KH-LĐLĐ"
    assert header["issuer"] == "LIÊN ĐOÀN LAO ĐỘNG TỈNH ĐẮK LẮK"


def test_so_in_an_issuer_name_is_not_a_number_label():
    header = parse_header(["UBND TỈNH ĐẮK LẮK", "SỞ Y TẾ", "12/KH-SYT"])
    assert header["issuer"] == "SỞ Y TẾ"
    assert header["issuer_parent"] == "UBND TỈNH ĐẮK LẮK"
    assert header["number"] == "12/KH-SYT"


def test_header_without_number_or_date_leaves_them_null():
    header = parse_header(
        ["CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS LÊ LỢI", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    )
    assert header["number"] is None
    assert header["date"] is None
    assert header["place"] is None
    assert header["issuer"] == "CÔNG ĐOÀN CƠ SỞ TRƯỜNG THCS LÊ LỢI"


def test_impossible_header_date_is_null_not_guessed():
    header = parse_header(["CĐCS", "Đắk Lắk, ngày 31 tháng 02 năm 2024"])
    assert header["date"] is None


def test_motto_with_typos_and_old_spelling_is_not_taken_for_the_issuer():
    header = parse_header(
        ["LĐLĐ TỈNH ĐẮK LẮK   CỘNG HOÀ XÃ HỘI CHỦ NGHIÃ VIỆT NAM", "Độc Lập-Tự Do-Hạnh Phúc"]
    )
    assert header["issuer"] == "LĐLĐ TỈNH ĐẮK LẮK"
    assert header["issuer_parent"] is None


def test_people_committee_name_broken_over_two_lines_is_one_issuer():
    header = parse_header(["ỦY BAN NHÂN DÂN", "HUYỆN KRÔNG PẮC"])
    assert header["issuer"] == "ỦY BAN NHÂN DÂN HUYỆN KRÔNG PẮC"
    assert header["issuer_parent"] is None


def test_references_keep_first_mention_order_and_pick_up_a_later_date():
    text = (
        "Thực hiện Chỉ thị 05-CT/TW và Nghị định 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020; "
        "Chỉ thị số 05-CT/TW, ngày 15/5/2016 của Bộ Chính trị; Kế hoạch 26/KH-LĐLĐ."
    )
    assert find_references(text, "26/KH-LĐLĐ") == [
        {"number": "05-CT/TW", "date": "2016-05-15"},
        {"number": "30/2020/NĐ-CP", "date": "2020-03-05"},
    ]


def test_plain_dates_and_ranges_are_not_references():
    assert find_references("từ 28/7/1929 – 28/7/2024, năm 2021-2025, 6 tháng/năm", None) == []


def test_occasion_needs_an_anniversary_and_a_date_range():
    text = (
        "Sơ kết 03 năm thực hiện Kết luận; kỷ niệm 79 năm Cách mạng tháng Tám "
        "(19/8/1945 - 19/8/2024) và Ngày Quốc khánh 2/9."
    )
    assert find_occasions(text) == [{"date": "2024-08-19", "name": "79 năm Cách mạng tháng Tám"}]


def test_normalisation_folds_nfd_nbsp_and_zero_width():
    import unicodedata

    raw = unicodedata.normalize("NFD", "Kế\u00a0hoạch\u200b số\r\n")
    assert normalise_text(raw) == "Kế hoạch số\n"


def test_old_spelling_folding_and_skeleton():
    assert fold_old_spelling("CỘNG HOÀ, UỶ BAN, Thuý") == "CỘNG HÒA, ỦY BAN, Thúy"
    assert skeleton("Đắk Lắk") == "DAK LAK"
    assert len(skeleton("Nghiã")) == len("Nghiã")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("- Như trên;", "Như trên"),
        ("+ Lưu: VT, TG-NC.", "Lưu: VT, TG-NC"),
        ("– hướng dẫn./.", "hướng dẫn"),
        ("— a, b,", "a, b"),
        ("hỏi – đáp, …", "hỏi – đáp, …"),
    ],
)
def test_list_entries_lose_bullet_and_trailing_punctuation(raw, clean):
    assert strip_entry(raw) == clean


def test_signer_with_ascii_placeholder_and_name_after_recipients():
    plan = parse_plan_text(
        "KẾ HOẠCH\nTổ chức hội nghị\nI. NỘI DUNG\n1. Tổ chức hội nghị.\n"
        "Nơi nhận:\n- Như trên;\n- Lưu: VT.\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\n(DA KY)\nNguyễn Văn An\n"
    )
    assert plan["signer"] == {
        "authority": "KT. CHỦ TỊCH",
        "position": "PHÓ CHỦ TỊCH",
        "name": "Nguyễn Văn An",
    }
    assert plan["recipients"] == [
        {"name": "Như trên", "purpose": None},
        {"name": "Lưu: VT", "purpose": None},
    ]


def test_lower_case_roman_headings_and_bullet_kinds():
    plan = parse_plan_text(
        "KẾ HOẠCH\nHoạt động năm 2024\nI. Mục đích, yêu cầu\n• Đoàn kết.\nII. Nội dung\n"
        "1. Tổ chức hội thi\n– Thời gian: tháng 4/2024\n— Đối tượng:\n+ Đoàn viên;\n"
        "+ Người lao động.\n– Hình thức: trực tuyến\nIII. Tổ chức thực hiện\n"
        "1. Các CĐCS\n- Triển khai thực hiện.\n"
    )
    assert [s["heading"] for s in plan["sections"]] == [
        "Mục đích, yêu cầu",
        "Nội dung",
        "Tổ chức thực hiện",
    ]
    task = plan["tasks"][0]
    assert task["ref"] == "II.1"
    assert task["audiences"] == ["Đoàn viên", "Người lao động"]
    assert (task["time"], task["due"], task["form"]) == ("tháng 4/2024", "2024-04-30", "trực tuyến")
    assert plan["tasks"][1]["responsible"] == ["Các CĐCS"]


def test_document_without_type_line_keeps_kind_null_but_reads_sections():
    plan = parse_plan_text("I. MỤC ĐÍCH\n1. Một.\nII. NỘI DUNG\n1. Tổ chức hội nghị\n- Làm.\n")
    assert plan["kind"] is None
    assert plan["title"] is None
    assert [t["ref"] for t in plan["tasks"]] == ["II.1"]


def test_official_letter_with_vv_subject_is_a_cong_van():
    plan = parse_plan_text(
        "LĐLĐ TỈNH ĐẮK LẮK      CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\n"
        "Số: 101/LĐLĐ           Đắk Lắk, ngày 01 tháng 3 năm 2024\n"
        "V/v triển khai Tháng Công nhân\n"
        "Kính gửi: Các công đoàn cấp trên trực tiếp cơ sở. Ban Thường vụ Liên đoàn Lao động tỉnh "
        "đề nghị các đơn vị triển khai thực hiện.\n"
    )
    assert plan["kind"] == "CÔNG VĂN"
    assert plan["title"] == "triển khai Tháng Công nhân"
    assert plan["number"] == "101/LĐLĐ"
