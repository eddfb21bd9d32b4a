"""Files -> plain text: .txt in any common encoding, .docx (python-docx), .pdf (pypdf text layer)."""

from __future__ import annotations

import codecs
import io
import logging
import os
import re
import zipfile
from pathlib import Path
from typing import IO

from .plan import parse_plan_text

MSG_NOT_FOUND = "Không tìm thấy tệp: {name}"
MSG_CANNOT_OPEN = "Không đọc được tệp: {name}"
MSG_EXTENSION = "Không đọc được tệp: tệp không phải .txt, .docx hoặc .pdf"
MSG_OLD_WORD = (
    "Không đọc được tệp: tệp Word cũ (.doc) chưa được hỗ trợ — hãy lưu lại thành .docx hoặc .pdf"
)
MSG_BINARY = "Không đọc được tệp: nội dung không phải văn bản (tệp nhị phân hoặc bị hỏng)"
MSG_DOCX = "Không đọc được tệp Word (.docx): tệp bị hỏng hoặc không đúng định dạng"
MSG_DOCX_TOO_BIG = (
    "Không đọc được tệp Word (.docx): nội dung giải nén lớn bất thường so với tệp — "
    "hãy mở tệp và lưu lại thành tệp mới"
)
MSG_PDF = "Không đọc được tệp PDF: tệp bị hỏng hoặc không đúng định dạng"
MSG_PDF_LOCKED = "Không đọc được tệp PDF: tệp có mật khẩu — hãy dùng bản không khoá"
MSG_PDF_IMAGES = "Tệp PDF chỉ chứa ảnh, không có lớp chữ — hãy dùng bản Word hoặc PDF có chữ"
MSG_EMPTY = "Không đọc được tệp: tệp rỗng"
MSG_NOT_A_PLAN = "Tệp không giống một văn bản kế hoạch: không tìm thấy tên loại văn bản và nội dung"

_TEXT_EXTENSIONS = {".txt", ".text"}
# A .docx unpacks to 3–20 times its size; a zip bomb posing as one, to thousands of times.
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
MAX_ZIP_RATIO = 200
_BINARY_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\ufffd]")


class PlanReadError(Exception):
    """A file that cannot be read as a plan; str(error) is a Vietnamese message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def parse_plan_file(source: str | os.PathLike | IO, filename: str | None = None) -> dict:
    """The structured plan of a .txt, .docx or .pdf file (a path or a binary file object)."""
    plan = parse_plan_text(read_plan_file(source, filename))
    if plan["kind"] is None and not plan["sections"]:
        raise PlanReadError(MSG_NOT_A_PLAN)
    return plan


def read_plan_file(source: str | os.PathLike | IO, filename: str | None = None) -> str:
    """The text of a plan file; raises PlanReadError when it cannot be read."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        name = filename or path.name
        try:
            data = path.read_bytes()
        except FileNotFoundError as error:
            raise PlanReadError(MSG_NOT_FOUND.format(name=path)) from error
        except OSError as error:
            raise PlanReadError(MSG_CANNOT_OPEN.format(name=path)) from error
    else:
        name = filename or getattr(source, "name", None)
        try:
            data = source.read()
        except (OSError, ValueError) as error:
            raise PlanReadError(MSG_CANNOT_OPEN.format(name=name or "")) from error
        if isinstance(data, str):
            data = data.encode("utf-8", errors="surrogatepass")
    if not isinstance(data, (bytes, bytearray)):
        raise PlanReadError(MSG_CANNOT_OPEN.format(name=name or ""))
    data = bytes(data)
    extension = Path(str(name)).suffix.lower() if name else _sniff(data)
    if extension == ".doc":
        raise PlanReadError(MSG_OLD_WORD)
    if extension not in _TEXT_EXTENSIONS | {".docx", ".pdf"}:
        raise PlanReadError(MSG_EXTENSION)
    if not data.strip():
        raise PlanReadError(MSG_EMPTY)
    if extension == ".docx":
        return read_docx(data)
    if extension == ".pdf":
        return read_pdf(data)
    return read_txt(data)


def _sniff(data: bytes) -> str:
    if data.startswith(b"%PDF"):
        return ".pdf"
    if data.startswith(b"PK\x03\x04"):
        return ".docx"
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        return ".doc"
    return ".txt"


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16/32, then Windows-1258; never raises."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace")
    if len(data) >= 4 and data.count(0) >= len(data) // 4:
        little = data[1::2].count(0) > data[0::2].count(0)
        return data.decode("utf-16-le" if little else "utf-16-be", errors="replace")
    for encoding in ("utf-8", "cp1258"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def read_txt(data: bytes) -> str:
    text = decode_text(data)
    if len(_BINARY_RE.findall(text)) > max(2, len(text) // 20):
        raise PlanReadError(MSG_BINARY)
    return text


def _check_zip(data: bytes) -> None:
    """Refuse what is not a zip, or unpacks to far more than a Word file (before python-docx
    would read it all into memory). The sizes are the zip directory's: reading stops there."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError) as error:
        raise PlanReadError(MSG_DOCX) from error
    if unpacked > MAX_DOCX_UNPACKED or unpacked > MAX_ZIP_RATIO * max(len(data), 1):
        raise PlanReadError(MSG_DOCX_TOO_BIG)


def read_docx(data: bytes) -> str:
    _check_zip(data)
    try:
        import docx
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for child in document.element.body.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                lines.append(Paragraph(child, document).text)
            elif tag == "tbl":
                lines.extend(_table_lines(Table(child, document)))
    except Exception as error:  # python-docx raises many kinds on a broken file
        raise PlanReadError(MSG_DOCX) from error
    return "\n".join(lines)


def _table_lines(table) -> list[str]:
    """A small layout table (the header, the footer) column by column; a data table row by row."""
    grid = [list(row.cells) for row in table.rows]
    columns = max((len(row) for row in grid), default=0)
    lines: list[str] = []
    seen: set[int] = set()

    def cell_lines(cell) -> list[str]:
        if id(cell._tc) in seen:
            return []
        seen.add(id(cell._tc))
        out = [p.text for p in cell.paragraphs]
        for inner in cell.tables:
            out.extend(_table_lines(inner))
        return out

    if columns <= 3 and len(grid) <= 6:
        for column in range(columns):
            for row in grid:
                if column < len(row):
                    lines.extend(cell_lines(row[column]))
            lines.append("")
    else:
        for row in grid:
            texts = [" ".join(cell_lines(cell)).strip() for cell in row]
            lines.append("\t".join(t for t in texts if t))
    return lines


def read_pdf(data: bytes) -> str:
    try:
        from pypdf import PdfReader

        logging.getLogger("pypdf").setLevel(logging.ERROR)
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PlanReadError(MSG_PDF_LOCKED)
        pages = [_page_text(page) for page in reader.pages]
    except PlanReadError:
        raise
    except Exception as error:  # pypdf raises many kinds on a broken file
        raise PlanReadError(MSG_PDF) from error
    text = "\n".join(pages)
    if not text.strip():
        raise PlanReadError(MSG_PDF_IMAGES)
    return text


def _page_text(page) -> str:
    try:
        text = page.extract_text(extraction_mode="layout")
    except Exception:  # layout mode is newer and pickier; plain mode is the fallback
        text = ""
    return text if text and text.strip() else (page.extract_text() or "")
