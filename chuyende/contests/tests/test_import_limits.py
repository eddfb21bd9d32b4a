"""Question banks that once crashed the import or could exhaust memory (found by fuzzing):
refused with a clear message."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chuyende.contests.imports import read_bank


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def test_a_word_zip_bomb_is_refused_before_it_is_read():
    data = _docx(b"<w:document>" + b" " * 5_000_000 + b"</w:document>")
    with pytest.raises(ValidationError) as caught:
        read_bank(SimpleUploadedFile("bom.docx", data))
    assert "unpacks" in caught.value.messages[0] or "giải nén" in caught.value.messages[0]


def test_a_csv_bank_with_an_endless_cell_is_a_validation_error():
    data = 'Câu hỏi,A,B,Đáp án\n"'.encode() + b"x" * 200_000 + b'",1,2,A\n'
    with pytest.raises(ValidationError):
        read_bank(SimpleUploadedFile("bank.csv", data))
