"""A .docx that unpacks to far more than a Word file (a zip bomb) is refused from the zip's
directory, before python-docx would read it all into memory."""

import io
import zipfile

import pytest

from chuyende.plans.parsing import PlanReadError, readers
from chuyende.plans.parsing.readers import read_plan_file


def _docx(document_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document_xml)
    return buffer.getvalue()


def test_a_docx_packed_thousands_of_times_is_refused():
    data = _docx(b"<w:document>" + b" " * 5_000_000 + b"</w:document>")
    assert len(data) < 20_000  # 5 MB packed into a few KB
    with pytest.raises(PlanReadError) as caught:
        read_plan_file(io.BytesIO(data), "bom.docx")
    assert caught.value.message == readers.MSG_DOCX_TOO_BIG


def test_a_docx_over_the_unpacked_limit_is_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_DOCX_UNPACKED", 1000)
    data = _docx(bytes(range(256)) * 8)  # barely compressible: the ratio is fine
    with pytest.raises(PlanReadError) as caught:
        read_plan_file(io.BytesIO(data), "to.docx")
    assert caught.value.message == readers.MSG_DOCX_TOO_BIG


def test_a_file_that_is_not_a_zip_keeps_its_message():
    with pytest.raises(PlanReadError) as caught:
        read_plan_file(io.BytesIO(b"PK\x03\x04 not a zip"), "hong.docx")
    assert caught.value.message == readers.MSG_DOCX
