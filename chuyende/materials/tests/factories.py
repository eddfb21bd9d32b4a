"""Small real files and materials for the tests."""

import io
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from chuyende.materials.demo import make_docx, make_pdf
from chuyende.materials.models import Material

CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/"/>'


def pdf_upload(name="Tài liệu học tập Chuyên đề 2024.pdf", title="Tài liệu học tập"):
    return SimpleUploadedFile(name, make_pdf(title, ["Noi dung"]), "application/pdf")


def docx_upload(name="Đề cương tuyên truyền.docx", title="Đề cương"):
    return SimpleUploadedFile(name, make_docx(title, ["Nội dung"]))


def zip_bytes(parts) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for part in parts:
            archive.writestr(part, b"<x/>" if part != "[Content_Types].xml" else CONTENT_TYPES)
    return out.getvalue()


def pptx_upload(name="Bài giảng.pptx"):
    parts = ["[Content_Types].xml", "_rels/.rels", "ppt/presentation.xml", "ppt/slides/slide1.xml"]
    return SimpleUploadedFile(name, zip_bytes(parts))


def make_material(unit, title="Tài liệu", kind="pdf", **extra) -> Material:
    """A material saved directly (no service, no audit): for reading tests."""
    values = {"audiences": [], "published": True, **extra}
    material = Material(unit=unit, title=title, kind=kind, **values)
    if kind in ("pdf", "docx", "pptx") and not material.file:
        material.original_name = material.original_name or f"{title}.{kind}"
        data = make_pdf(title, []) if kind == "pdf" else make_docx(title, [])
        material.file.save(f"test.{kind}", ContentFile(data), save=False)
        material.file_size = len(data)
    elif kind in ("video", "link") and not material.url:
        material.url = "https://www.youtube.com/watch?v=abc"
    material.refresh_derived()
    material.save()
    return material
