"""Reading a question bank from a spreadsheet or a Word file in the common layout.

Spreadsheet (.xlsx, .xls, .ods, .csv): columns question, A, B, C, D, answer, category,
difficulty (Vietnamese headers too: "Câu hỏi", "Đáp án", "Chủ đề", "Mức độ"). The answer is one
letter ("B"), several ("A, C") or "Đúng"/"Sai" for true/false questions.

Word (.docx): numbered questions ("Câu 1: …" or "1. …"), options on their own lines "A. …" to
"D. …", then "Đáp án: B". Every problem is reported with its row (or question number), column
and message; nothing is imported while any remains.
"""

import io
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from chuyende.core.text import fold, nfc

from .models import QuestionKind

MAX_BYTES = 5 * 1024 * 1024
# A .docx unpacks to 3–20 times its size; a zip bomb posing as one, to thousands of times.
MAX_DOCX_UNPACKED = 100 * 1024 * 1024
MAX_ZIP_RATIO = 200
LETTERS = "ABCDEFGH"
HEADERS = {
    "text": ("question", "cau hoi", "noi dung", "noi dung cau hoi"),
    "A": ("a", "phuong an a", "dap an a"),
    "B": ("b", "phuong an b", "dap an b"),
    "C": ("c", "phuong an c", "dap an c"),
    "D": ("d", "phuong an d", "dap an d"),
    "answer": ("answer", "dap an", "dap an dung", "correct"),
    "category": ("category", "chu de", "linh vuc", "nhom"),
    "difficulty": ("difficulty", "muc do", "do kho"),
}
TRUE_WORDS = {"dung", "true", "d", "đ"}
FALSE_WORDS = {"sai", "false", "s"}


@dataclass
class RowError:
    row: int
    column: str
    message: str


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(nfc(str(value)).split())


def _difficulty(value):
    text = _text(value)
    if not text:
        return 1
    if text.isdigit() and 1 <= int(text) <= 3:
        return int(text)
    words = {"de": 1, "easy": 1, "trung binh": 2, "medium": 2, "kho": 3, "hard": 3}
    if fold(text) in words:
        return words[fold(text)]
    raise ValueError(_("Difficulty is 1, 2 or 3 (easy, medium, hard)."))


def question_from(text, options, answer, category="", difficulty=None) -> dict:
    """One question's fields from its cells; raises ValueError((column, message))."""
    text = _text(text)
    if not text:
        raise ValueError(("question", _("The question is empty.")))
    options = [_text(o) for o in options]
    while options and not options[-1]:
        options.pop()
    answer_text = fold(_text(answer))
    if answer_text in TRUE_WORDS | FALSE_WORDS and len(options) <= 2:
        return {
            "kind": QuestionKind.TRUE_FALSE,
            "text": text,
            "options": ["Đúng", "Sai"],
            "correct": [0 if answer_text in TRUE_WORDS else 1],
            "category": _text(category),
            "difficulty": _checked_difficulty(difficulty),
        }
    if len(options) < 2 or any(not o for o in options):
        raise ValueError(("A", _("Give at least two options, A and B, with no gap between them.")))
    letters = [ch for ch in re.split(r"[\s,;/]+", _text(answer).upper()) if ch]
    if not letters:
        raise ValueError(("answer", _("The answer is empty.")))
    correct = []
    for letter in letters:
        if len(letter) != 1 or letter not in LETTERS[: len(options)]:
            raise ValueError(
                (
                    "answer",
                    _("The answer %(answer)s is not one of the options.") % {"answer": letter},
                )
            )
        correct.append(LETTERS.index(letter))
    correct = sorted(set(correct))
    return {
        "kind": QuestionKind.MULTIPLE if len(correct) > 1 else QuestionKind.SINGLE,
        "text": text,
        "options": options,
        "correct": correct,
        "category": _text(category)[:100],
        "difficulty": _checked_difficulty(difficulty),
    }


def _checked_difficulty(value):
    try:
        return _difficulty(value)
    except ValueError as error:
        raise ValueError(("difficulty", str(error))) from None


def _rows(uploaded):
    """(header, [(row number, values)]) of the first sheet, through the shared reader when the
    project has it."""
    try:
        from chuyende.core import sheets
    except ImportError:  # pragma: no cover - until the shared reader lands
        sheets = None
    if sheets is not None:
        table = sheets.read_table(uploaded, aliases=HEADERS)
        return table.headers, list(table.rows())
    from python_calamine import CalamineWorkbook

    data = uploaded.read()
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    numbered = [(i + 1, r) for i, r in enumerate(rows) if any(_text(v) for v in r)]
    if not numbered:
        return [], []
    return [_text(v) for v in numbered[0][1]], numbered[1:]


def _columns(headers) -> dict[str, int]:
    found = {}
    for index, header in enumerate(headers):
        key = fold(_text(header)).rstrip(":.")
        for field, aliases in HEADERS.items():
            if key in aliases and field not in found:
                found[field] = index
    return found


def read_sheet(uploaded) -> tuple[list[dict], list[RowError]]:
    headers, rows = _rows(uploaded)
    columns = _columns(headers)
    missing = [f for f in ("text", "A", "B", "answer") if f not in columns]
    if missing:
        names = {"text": _("question"), "answer": _("answer")}
        return [], [
            RowError(
                1,
                ", ".join(names.get(m, m) for m in missing),
                _("This column is missing from the header row."),
            )
        ]

    def cell(values, field):
        index = columns.get(field)
        return values[index] if index is not None and index < len(values) else None

    questions, errors = [], []
    for number, values in rows:
        try:
            questions.append(
                question_from(
                    cell(values, "text"),
                    [cell(values, letter) for letter in "ABCD"],
                    cell(values, "answer"),
                    cell(values, "category"),
                    cell(values, "difficulty"),
                )
            )
        except ValueError as error:
            column, message = error.args[0]
            errors.append(RowError(number, column, message))
    return questions, errors


QUESTION_RE = re.compile(r"^(?:câu\s*(?:hỏi\s*)?)?(\d{1,4})\s*[:.)]\s*(.*)$", re.IGNORECASE)
OPTION_RE = re.compile(r"^([A-Ha-h])\s*[.)]\s*(.+)$")
ANSWER_RE = re.compile(r"^đáp\s*án(?:\s*đúng)?\s*[:.]?\s*(.+)$", re.IGNORECASE)
CATEGORY_RE = re.compile(r"^chủ\s*đề\s*[:.]\s*(.+)$", re.IGNORECASE)


def read_docx(uploaded) -> tuple[list[dict], list[RowError]]:
    from docx import Document

    data = uploaded.read()
    if _unpacks_too_big(data):
        raise ValidationError(
            _(
                "This Word file unpacks to far more than a document does, so it was refused. "
                "Open it and save it as a new file."
            )
        )
    try:
        document = Document(io.BytesIO(data))
    except Exception as error:  # noqa: BLE001 - any unreadable file is the same for the user
        raise ValidationError(_("This file cannot be read as a Word document.")) from error
    lines = [nfc(p.text).strip() for p in document.paragraphs]
    blocks, current, category = [], None, ""
    for line in lines:
        if not line:
            continue
        if match := CATEGORY_RE.match(line):
            category = match.group(1).strip()
            continue
        if (match := QUESTION_RE.match(line)) and not OPTION_RE.match(line):
            current = {
                "number": int(match.group(1)),
                "text": match.group(2),
                "options": [],
                "answer": "",
                "category": category,
            }
            blocks.append(current)
        elif current is None:
            continue
        elif match := OPTION_RE.match(line):
            current["options"].append(match.group(2))
        elif match := ANSWER_RE.match(line):
            current["answer"] = match.group(1)
        elif not current["options"]:
            current["text"] += " " + line
    questions, errors = [], []
    for block in blocks:
        try:
            questions.append(
                question_from(block["text"], block["options"], block["answer"], block["category"])
            )
        except ValueError as error:
            column, message = error.args[0]
            errors.append(RowError(block["number"], column, message))
    if not blocks:
        errors.append(RowError(1, _("question"), _("No numbered question was found.")))
    return questions, errors


def _unpacks_too_big(data: bytes) -> bool:
    """From the zip directory alone (python-docx would read every part into memory)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, NotImplementedError, ValueError, EOFError, OSError):
        return False  # not a zip: python-docx refuses it with its own message
    return unpacked > MAX_DOCX_UNPACKED or unpacked > MAX_ZIP_RATIO * max(len(data), 1)


def read_bank(uploaded) -> tuple[list[dict], list[RowError]]:
    """Questions and per-row errors of an uploaded bank (by the file's extension)."""
    name = (getattr(uploaded, "name", "") or "").lower()
    size = getattr(uploaded, "size", None)
    if size is not None and size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    if name.endswith(".docx"):
        return read_docx(uploaded)
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods", ".csv")):
        try:
            return read_sheet(uploaded)
        except ValidationError:
            raise
        except Exception as error:  # noqa: BLE001
            raise ValidationError(_("This file cannot be read as a spreadsheet.")) from error
    raise ValidationError(_("Upload an .xlsx or a .docx file."))
