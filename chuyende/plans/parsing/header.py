"""The two header blocks: issuer (and its superior), number, motto, place and date."""

from __future__ import annotations

import re

from .dates import LONG_DATE_RE, SHORT_DATE_RE, iso, make_date
from .normalise import (
    UPPER,
    dash_to_hyphen,
    fold_spaces,
    is_separator,
    is_upper_text,
    key,
    skeleton,
)

_FRAGMENT_SPLIT_RE = re.compile(r"\t+|\s{3,}|\s*\|\s*")
_MOTTO_RES = [
    re.compile(r"CONG\s*HOA\s*XA\s*HOI\s*CHU\s*NGH\w{0,3}\s*VIET\s*NAM"),
    re.compile(r"DOC\s*LAP\s*[-–—−,.]*\s*TU\s*DO\s*[-–—−,.]*\s*HANH\s*PHUC[\s\-–—_*]*", re.I),
    re.compile(r"DANG\s+CONG\s+SAN\s+VIET\s+NAM"),
]
_YOUTH_MOTTO_RE = re.compile(
    r"(?m)^\s*DOAN\s+(?:TNCS|THANH\s+NIEN\s+CONG\s+SAN)\s+HO\s+CHI\s+MINH\s*$"
)
_NUMBER_LABEL_RE = re.compile(r"(?m)^[ \t]*SO(?![A-Z])[ \t]*[:.]?")
NUMBER_BODY = rf"\d{{1,5}}[A-Za-z]?(?:[ \t]*[-/–][ \t]*(?:TTg|[{UPPER}0-9][{UPPER}0-9]*)(?![a-z]))+"
_NUMBER_RE = re.compile(NUMBER_BODY)
_NUMBER_ALONE_RE = re.compile(rf"^\s*(?:Số|SỐ)?\s*[:.]?\s*({NUMBER_BODY})\s*$", re.M)
_VV_RE = re.compile(r"(?m)^\s*V\s*/\s*V\s*[:.]?\s*")
_IGNORED_KEYS = re.compile(
    r"^(DU THAO|BAN DU THAO|MAT|TOI MAT|KHAN|HOA TOC|THUONG KHAN|SO|O0O)"
    r"( LAN \d+)?$"
)

# Words an organisation name starts with; a header line starting otherwise continues the line above.
ORG_STARTS = (
    "TONG LIEN DOAN",
    "LIEN DOAN",
    "LDLD",
    "CONG DOAN",
    "CD ",
    "CDCS",
    "BAN ",
    "BCH",
    "BTV",
    "DANG BO",
    "DANG UY",
    "CHI BO",
    "TINH UY",
    "HUYEN UY",
    "THANH UY",
    "QUAN UY",
    "THI UY",
    "UY BAN",
    "UBND",
    "UBKT",
    "HOI DONG",
    "HDND",
    "DOAN ",
    "TINH DOAN",
    "HUYEN DOAN",
    "THANH DOAN",
    "QUAN DOAN",
    "THI DOAN",
    "CHI DOAN",
    "HOI ",
    "SO ",
    "PHONG ",
    "VAN PHONG",
    "TRUONG ",
    "CONG TY",
    "TONG CONG TY",
    "MAT TRAN",
    "TRUNG TAM",
    "BO ",
    "CUC ",
    "VIEN ",
    "HOC VIEN",
    "BENH VIEN",
    "NGAN HANG",
    "KHOI ",
    "CUM ",
    "THUONG TRUC",
    "HOI LIEN HIEP",
    "TAP DOAN",
    "DAI HOC",
    "CHI CUC",
    "TOA AN",
    "VIEN KIEM SAT",
    "CONG AN",
    "BO CHI HUY",
    "BAO ",
    "DAI ",
    "LIEN HIEP",
    "NHA ",
    "THU VIEN",
    "BQL",
    "HOP TAC XA",
    "DANG CONG SAN",
)
# Organisation starts that split one line holding both the superior and the issuer.
_INLINE_STARTS = (
    "LIEN DOAN LAO DONG",
    "LDLD",
    "CONG DOAN",
    "CDCS",
    "BAN CHAP HANH",
    "BCH",
    "DANG UY",
    "DANG BO",
    "CHI BO",
    "UY BAN NHAN DAN",
    "UBND",
    "TINH UY",
    "HUYEN UY",
    "THANH UY",
    "TINH DOAN",
    "HUYEN DOAN",
    "THANH DOAN",
    "CHI DOAN",
)
_LINKING_WORDS = {"TONG", "BCH", "HANH", "CUA", "VA", "VU", "TRUC", "VOI", "BAN", "THUOC", "UY"}
_DANGLING_RE = re.compile(
    r"(^(BAN CHAP HANH|BCH|BAN THUONG VU|BTV|THUONG TRUC)( TRUNG UONG| TW)?$)"
    r"|( (TONG|CUA|VA|BAN|CHAP|HANH|LIEN|LAO|VIET|DOAN TNCS|HO|CHI)$)|(^TONG$)|[-–,&]$"
)


def _fragments(lines: list[str]) -> list[str]:
    fragments = []
    for line in lines:
        for part in _FRAGMENT_SPLIT_RE.split(line):
            part = part.strip()
            if part and not is_separator(part):
                fragments.append(part.strip(" *"))
    return [f for f in fragments if f]


def _blank(chars: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        chars[i] = "\n"


def parse_header(lines: list[str]) -> dict:
    """Fields of the header lines (everything above the document type)."""
    result = {
        "number": None,
        "issuer": None,
        "issuer_parent": None,
        "place": None,
        "date": None,
        "subject": None,
        "has_motto": False,
    }
    text = "\n".join(_fragments(lines))
    if not text:
        return result
    chars = list(text)
    skel = skeleton(text)
    for regex in _MOTTO_RES:
        for match in regex.finditer(skel):
            result["has_motto"] = True
            _blank(chars, match.start(), match.end())
    if not result["has_motto"]:
        for match in _YOUTH_MOTTO_RE.finditer(skel):
            result["has_motto"] = True
            _blank(chars, match.start(), match.end())
    text = "".join(chars)
    _take_number(text, chars, result)
    text = "".join(chars)
    _take_date(text, chars, result)
    text = "".join(chars)
    _take_subject(text, chars, result)
    orgs = _organisations("".join(chars))
    if orgs:
        result["issuer"] = orgs[-1]
        result["issuer_parent"] = orgs[-2] if len(orgs) > 1 else None
    return result


def _find_date(skel: str) -> tuple[re.Match, bool] | None:
    """The header date: 'ngày 22 tháng 02 năm 2024' or 'ngày 22/02/2024'."""
    long = LONG_DATE_RE.search(skel)
    if long:
        return long, True
    for match in SHORT_DATE_RE.finditer(skel):
        if re.search(r"NGAY\s*$", skel[max(0, match.start() - 12) : match.start()]):
            return match, False
    return None


def _take_date(text: str, chars: list[str], result: dict) -> None:
    skel = skeleton(text)
    found = _find_date(skel)
    if not found:
        return
    match, is_long = found
    if is_long:
        day = make_date(match.group(3), match.group(2), match.group(1))
        start = match.start()
    else:
        day = make_date(match.group(4), match.group(3), match.group(1))
        start = skel.rfind("NGAY", 0, match.start())
    result["date"] = iso(day)
    line_start = text.rfind("\n", 0, start) + 1
    place = text[line_start:start].rstrip(" ,")
    begin = line_start
    if line_start > 0:  # a place name broken over two lines: 'Đắk' / 'Lắk, ngày …'
        prev_start = text.rfind("\n", 0, line_start - 1) + 1
        prev = text[prev_start : line_start - 1].strip()
        if (
            prev
            and not is_upper_text(prev)
            and not re.search(r"\d", prev)
            and len(prev.split()) <= 2
            and len(place.split()) <= 2
            and prev[0].isupper()
            and not key(prev).startswith(("SO", "V/V"))
            and not prev.endswith((",", ":"))
        ):
            place = prev + " " + place
            begin = prev_start
    place = fold_spaces(place).strip(" ,")
    if place and len(place.split()) <= 6 and not re.search(r"\d", place):
        result["place"] = place
    else:
        begin = start
    _blank(chars, begin, match.end())


def _take_number(text: str, chars: list[str], result: dict) -> None:
    skel = skeleton(text)
    orphans = []
    for label in _NUMBER_LABEL_RE.finditer(skel):
        after = re.compile(r"\s*").match(text, label.end()).end()
        match = _NUMBER_RE.match(text, after)
        if match:
            result["number"] = _clean_number(match.group(0))
            _blank(chars, label.start(), match.end())
            return
        line_end = text.find("\n", label.end())
        if not text[label.end() : line_end if line_end >= 0 else len(text)].strip():
            orphans.append(label)
    for match in _NUMBER_ALONE_RE.finditer(text):
        result["number"] = _clean_number(match.group(1))
        _blank(chars, match.start(), match.end())
        for label in orphans:  # the 'Số:' label printed apart from its number
            _blank(chars, label.start(), label.end())
        return


def _clean_number(value: str) -> str:
    return dash_to_hyphen(re.sub(r"\s+", "", value))


def _take_subject(text: str, chars: list[str], result: dict) -> None:
    match = _VV_RE.search(skeleton(text))
    if not match:
        return
    end = text.find("\n", match.end())
    end = len(text) if end < 0 else end
    subject = text[match.end() : end]
    nxt_end = text.find("\n", end + 1)
    nxt = text[end + 1 : nxt_end if nxt_end >= 0 else len(text)]
    if nxt.strip() and nxt.strip()[0].islower():
        subject += " " + nxt
        end = nxt_end if nxt_end >= 0 else len(text)
    result["subject"] = fold_spaces(subject) or None
    _blank(chars, match.start(), end)


def _organisations(text: str) -> list[str]:
    pieces = []
    for line in text.split("\n"):
        for piece in re.split(r"\s{2,}", line.strip()):
            piece = fold_spaces(piece.strip(" *-_,;:"))
            if not piece or not is_upper_text(piece) or _IGNORED_KEYS.match(key(piece)):
                continue
            if piece.startswith("(") and piece.endswith(")"):
                continue
            pieces.extend(_split_inline(piece))
    orgs: list[str] = []
    for piece in pieces:
        if orgs and (not _starts_org(piece) or _DANGLING_RE.search(key(orgs[-1]))):
            orgs[-1] = orgs[-1] + " " + piece
        else:
            orgs.append(piece)
    return orgs


def _starts_org(piece: str) -> bool:
    return (key(piece) + " ").startswith(ORG_STARTS)


def _split_inline(piece: str) -> list[str]:
    words = piece.split()
    keys = key(piece).split()
    if len(words) != len(keys):
        return [piece]
    for i in range(2, len(words) - 1):
        rest = " ".join(keys[i:]) + " "
        if not rest.startswith(tuple(s + " " for s in _INLINE_STARTS)):
            continue
        if keys[i - 1] in _LINKING_WORDS:
            continue
        return [" ".join(words[:i])] + _split_inline(" ".join(words[i:]))
    return [piece]
