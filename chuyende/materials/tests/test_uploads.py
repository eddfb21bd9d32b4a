"""Uploads are checked for type by extension and content, and for size, with clear messages."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from chuyende.materials.services import check_upload, original_name

from .factories import docx_upload, pdf_upload, pptx_upload, zip_bytes


def _error(upload, kind) -> str:
    """The message on the file field, in English (the msgids), whatever the catalogue holds."""
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        check_upload(upload, kind)
    return " ".join(caught.value.message_dict["file"])


def test_a_real_pdf_docx_and_pptx_with_vietnamese_names_pass():
    for upload, kind in ((pdf_upload(), "pdf"), (docx_upload(), "docx"), (pptx_upload(), "pptx")):
        check_upload(upload, kind)
        assert upload.tell() == 0  # left ready to be stored


def test_the_extension_is_not_case_sensitive():
    check_upload(pdf_upload(name="TAI-LIEU.PDF"), "pdf")


def test_a_file_named_pdf_whose_content_is_not_pdf_is_refused():
    fake = SimpleUploadedFile("Tài liệu.pdf", b"<html>not a pdf</html>")
    assert "not a real PDF" in _error(fake, "pdf")


def test_the_extension_must_match_the_kind_chosen():
    message = _error(docx_upload(), "pdf")
    assert ".pdf" in message
    message = _error(pdf_upload(name="tai-lieu.docx"), "pdf")
    assert ".pdf" in message


def test_a_pdf_renamed_docx_is_refused_as_not_a_word_document():
    renamed = SimpleUploadedFile("Đề cương.docx", pdf_upload().read())
    message = _error(renamed, "docx")
    assert "Đề cương.docx" in message and "Word document" in message


def test_a_zip_without_word_parts_is_not_a_docx_and_a_docx_is_not_a_pptx():
    plain_zip = SimpleUploadedFile("anh.docx", zip_bytes(["[Content_Types].xml", "photo.jpg"]))
    _error(plain_zip, "docx")
    docx_as_pptx = SimpleUploadedFile("Bài giảng.pptx", docx_upload().read())
    assert "PowerPoint" in _error(docx_as_pptx, "pptx")
    no_types = SimpleUploadedFile("x.docx", zip_bytes(["word/document.xml"]))
    _error(no_types, "docx")


def test_a_damaged_zip_is_refused_without_an_exception():
    damaged = SimpleUploadedFile("hong.docx", b"PK\x03\x04" + b"\x00" * 200)
    _error(damaged, "docx")


def test_an_empty_file_is_refused():
    assert "empty" in _error(SimpleUploadedFile("rong.pdf", b""), "pdf")


def test_a_file_over_the_limit_is_refused_and_the_message_gives_the_limit(settings):
    settings.MATERIALS_MAX_FILE_SIZE = 2 * 1024 * 1024
    big = SimpleUploadedFile("lon.pdf", b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024))
    message = _error(big, "pdf")
    assert "at most 2 MB" in message and "3.0 MB" in message
    settings.MATERIALS_MAX_FILE_SIZE = 4 * 1024 * 1024
    check_upload(big, "pdf")


def test_the_original_name_keeps_vietnamese_but_drops_folders_and_control_characters():
    assert original_name("C:\\Users\\Hà\\Tài liệu học tập.pdf") == "Tài liệu học tập.pdf"
    assert original_name("../../etc/Đề\x00 cương\n.docx") == "Đề cương.docx"
    # a name typed on a Mac arrives decomposed (NFD) and is kept composed (NFC)
    assert original_name("Ta\u0300i lie\u0323\u0302u.pdf") == "T\u00e0i li\u1ec7u.pdf"
    long_name = "a" * 300 + ".pdf"
    assert len(original_name(long_name)) == 255 and original_name(long_name).endswith(".pdf")
