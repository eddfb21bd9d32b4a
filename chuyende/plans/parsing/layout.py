"""Where the parts of a document sit: header, document type, title, body, footer."""

from __future__ import annotations

import re

from .normalise import fold_spaces, is_separator, is_upper_text, key, skeleton, starts_lower

KINDS = (
    "KE HOACH LIEN TICH",
    "KE HOACH",
    "BAO CAO",
    "HUONG DAN LIEN TICH",
    "HUONG DAN",
    "CONG VAN",
    "THONG BAO",
    "QUYET DINH",
    "CHUONG TRINH HANH DONG",
    "CHUONG TRINH PHOI HOP",
    "CHUONG TRINH",
    "NGHI QUYET LIEN TICH",
    "NGHI QUYET",
    "CHI THI",
    "TO TRINH",
    "KET LUAN",
    "QUY CHE",
    "QUY DINH",
    "DE AN",
    "PHUONG AN",
    "THONG TRI",
    "CONG DIEN",
    "BIEN BAN",
    "DIEU LE",
    "DU AN",
    "GIAY MOI",
    "THU MOI",
)
_PREAMBLE_STARTS = (
    "CAN CU",
    "THUC HIEN",
    "NHAM ",
    "DE ",
    "THEO ",
    "KINH GUI",
    "TREN CO SO",
    "DUOC SU",
    "HUONG UNG",
    "TIEP TUC",
    "BAN THUONG VU",
    "BAN CHAP HANH",
    "THUONG TRUC",
    "UY BAN NHAN DAN",
    "UBND",
    "NAM 20",
    "QUA ",
    "TRONG ",
    "SAU ",
    "NHAN DIP",
    "CHAO MUNG",
    "VOI MUC DICH",
    "TINH UY",
    "HUYEN UY",
    "DANG UY",
    "BCH",
    "BTV",
)
ROMAN = {
    r: i + 1
    for i, r in enumerate(
        "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split()
    )
}
ROMAN_RE = re.compile(r"^\s*([IVX]{1,5})\s*[.)\-–:]\s*(\S.*)$")
_FOOTER_NOI_NHAN_RE = re.compile(r"^\s*[-–*]?\s*NOI\s+NHAN\b")
AUTHORITY_RE = re.compile(
    r"^\s*(?:(?:T\s*[./]?\s*M|K\s*[./]?\s*T|T\s*[./]?\s*L|TUQ)(?:\s*[./:]\s*|\s+)|Q\s*\.\s*)"
    r"(?=[A-Z])"
)


def find_kind(lines: list[str]) -> tuple[int, str, str] | None:
    """(line index, kind as printed, the rest of that line) of the document type line."""
    for index, line in enumerate(lines[:120]):
        stripped = fold_spaces(line)
        if not stripped:
            continue
        if is_section_line(stripped):
            return None  # the body began without a document type
        skel = skeleton(stripped)
        for kind in KINDS:
            if not skel.startswith(kind):
                continue
            after = skel[len(kind) : len(kind) + 1]
            if after and after not in " :":
                continue
            printed = stripped[: len(kind)]
            if not is_upper_text(printed, 1.0):
                continue
            rest = stripped[len(kind) :].strip(" :")
            if rest and key(rest).startswith(("SO ", "SO:")):
                continue  # 'KẾ HOẠCH SỐ 12' cited in a header note, not the type line
            return index, printed.upper(), rest
    return None


def is_section_line(line: str) -> bool:
    match = ROMAN_RE.match(line)
    return bool(match and match.group(1) in ROMAN)


def parse_title(lines: list[str], start: int, first: str) -> tuple[str | None, int]:
    """The summary lines after the document type; returns (title, index of the first body line)."""
    parts = [first] if first else []
    index = start
    blank_seen = False
    while index < len(lines) and len(parts) < 8:
        line = fold_spaces(lines[index])
        if not line:
            blank_seen = bool(parts)
            index += 1
            continue
        if is_separator(line):
            if parts:
                index += 1
                break
            index += 1
            continue
        if _ends_title(line, parts, blank_seen):
            break
        parts.append(line)
        index += 1
        if line.endswith((".", ":")) and not line.endswith("..."):
            break
    title = fold_spaces(" ".join(parts)) or None
    return title, index


def _ends_title(line: str, parts: list[str], blank_seen: bool) -> bool:
    if is_section_line(line) or _FOOTER_NOI_NHAN_RE.match(skeleton(line)):
        return True
    if not parts:
        return False
    if line.lstrip()[:1] in "-–—+•*" or re.match(r"^\d{1,2}[.)]\s", line):
        return True
    upper_title = all(is_upper_text(p) for p in parts)
    if upper_title and not is_upper_text(line):
        return True
    if starts_lower(line) and not upper_title:
        return False
    if key(line).startswith(_PREAMBLE_STARTS):
        return True
    if blank_seen:
        return not (upper_title and is_upper_text(line))
    # A line that fills the width continues a wrapped title; a new sentence ends it.
    return not upper_title and parts[-1].endswith((".", ";"))


def find_footer(lines: list[str], start: int) -> int:
    """Index of the first footer line (Nơi nhận or the signer's authority), or len(lines)."""
    for index in range(start, len(lines)):
        line = lines[index]
        if not line.strip():
            continue
        for fragment in re.split(r"\t+|\s{3,}", line.strip()):
            skel = skeleton(fragment)
            if _FOOTER_NOI_NHAN_RE.match(skel):
                return index
            if AUTHORITY_RE.match(skel) and is_upper_text(fragment):
                return index
    return len(lines)
