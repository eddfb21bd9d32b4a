import unicodedata

import pytest

from chuyende.core.text import fold, name_sort_key, sort_key


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Nguyễn Văn An", "nguyen van an"),
        ("Đắk Lắk", "dak lak"),
        ("ĐOÀN TNCS HỒ CHÍ MINH", "doan tncs ho chi minh"),
        ("  H'Nga   Byă ", "h'nga bya"),
        (unicodedata.normalize("NFD", "Buôn Ma Thuột"), "buon ma thuot"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_drops_accents_case_and_extra_spaces(text, folded):
    assert fold(text) == folded


def test_sort_orders_by_given_name_then_full_name():
    names = [
        "Trần Văn Bình",
        "Nguyễn Thị An",
        "Lê Văn An",
        "Phạm Thị Ánh",
        "Hoàng Văn Đức",
        "Đỗ Thị Dung",
    ]
    assert sorted(names, key=sort_key) == [
        "Lê Văn An",
        "Nguyễn Thị An",
        "Phạm Thị Ánh",
        "Trần Văn Bình",
        "Đỗ Thị Dung",
        "Hoàng Văn Đức",
    ]


def test_vietnamese_letters_follow_the_vietnamese_alphabet():
    # a < ă < â, d < đ, o < ô < ơ, u < ư; tones: none < huyền < hỏi < ngã < sắc < nặng
    words = ["Ư", "U", "Ơ", "Ô", "O", "Đ", "D", "Â", "Ă", "A"]
    assert sorted(words, key=name_sort_key) == ["A", "Ă", "Â", "D", "Đ", "O", "Ô", "Ơ", "U", "Ư"]
    tones = ["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"]
    assert sorted(tones, key=name_sort_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


def test_sort_key_is_the_same_for_nfc_and_nfd_input():
    name = "Nguyễn Thị Hồng Nhung"
    assert sort_key(name) == sort_key(unicodedata.normalize("NFD", name))


def test_sort_key_is_digits_only_so_every_collation_agrees():
    assert sort_key("H'Yên Êban").isdigit()
    assert len(sort_key("A")) == len(sort_key("Nguyễn Thị Hồng Nhung Trần Lê"))


@pytest.mark.parametrize(
    ("full_name", "given"),
    [
        ("Nguyễn Thị Hồng Nhung", "Nhung"),
        ("Y Khu Niê", "Khu"),
        ("H'Nga Byă", "Nga"),
        ("H’Yên Êban", "Yên"),
        ("Ksor H'Bia", "H'Bia"),
        ("An", "An"),
    ],
)
def test_given_name_knows_kinh_and_ede_name_order(full_name, given):
    from chuyende.core.text import given_name

    assert given_name(full_name) == given
