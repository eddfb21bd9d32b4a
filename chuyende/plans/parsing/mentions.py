"""Things named inside the text: cited documents and dated anniversaries."""

from __future__ import annotations

import datetime as dt
import re

from .dates import SHORT_DATE_RE, iso, make_date
from .normalise import UPPER, dash_to_hyphen, fold_spaces, skeleton

_CODE = rf"(?:TTg|[{UPPER}][{UPPER}0-9]*)(?![\w])"
_REFERENCE_RE = re.compile(
    rf"(?<![\w/.-])(\d{{1,5}}(?:/\d{{4}})?)[ ]?([-/–])[ ]?({_CODE}(?:[ ]?[-/–][ ]?{_CODE})*)"
)
_DAY_MONTH_YEAR_RE = re.compile(r"(\d{1,2})\s*THANG\s*(\d{1,2})\s*,?\s*NAM\s*(\d{4})")
_AFTER_REF_RE = re.compile(r"^\s*[,;]?\s*(?:BAN HANH\s+)?(?:NGAY\s*)")
_RANGE_RE = re.compile(
    r"\(\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*[-–—]\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*"
    r"(\d{4})\s*\)"
)
_YEAR_RANGE_RE = re.compile(r"\(\s*(\d{4})\s*[-–—]\s*(\d{4})\s*\)")
_ANNIVERSARY_RE = re.compile(r"(\d{1,4})\s+năm\s+", re.I)
# '114 năm Ngày Quốc tế Phụ nữ 8/3': a day and month only, in the plan's year.
_DAY_MONTH_RE = re.compile(
    r"(?<![\d/])(\d{1,4})\s+năm\s+(Ngày[^()\n;,.]{3,100}?)\s*\(?\s*(\d{1,2})\s*/\s*(\d{1,2})\s*\)?"
    r"(?![\d/])"
)


def find_references(text: str, own_number: str | None) -> list[dict]:
    """Cited documents in order of first mention: [{'number', 'date'}]."""
    skel = skeleton(text)
    found: dict[str, dict] = {}
    for match in _REFERENCE_RE.finditer(text):
        codes = match.group(3)
        if not re.search(rf"[{UPPER}]{{2}}|[{UPPER}]-|TTg", codes) and "/" not in match.group(0):
            continue
        number = dash_to_hyphen(re.sub(r"\s+", "", match.group(0)))
        if number == own_number:
            continue
        day = None
        after = _AFTER_REF_RE.match(skel[match.end() : match.end() + 40])
        if after:
            day = _date_at(skel, match.end() + after.end())
        entry = found.get(number)
        if entry is None:
            found[number] = {"number": number, "date": iso(day)}
        elif entry["date"] is None and day:
            entry["date"] = iso(day)
    return list(found.values())


def _date_at(skel: str, pos: int):
    """A date starting at pos (just after 'ngày'): 'D/M/YYYY' or 'D tháng M năm YYYY'."""
    short = SHORT_DATE_RE.match(skel, pos)
    if short:
        return make_date(short.group(4), short.group(3), short.group(1))
    long = _DAY_MONTH_YEAR_RE.match(skel, pos)
    if long:
        return make_date(long.group(3), long.group(2), long.group(1))
    return None


def find_occasions(text: str, doc_date: dt.date | None = None) -> list[dict]:
    """'95 năm Ngày thành lập Công đoàn Việt Nam (28/7/1929 – 28/7/2024)' -> date and name."""
    found: list[dict] = []
    spans = [(m, True) for m in _RANGE_RE.finditer(text)]
    spans += [(m, False) for m in _YEAR_RANGE_RE.finditer(text)]
    for match, has_days in sorted(spans, key=lambda item: item[0].start()):
        before = text[max(0, match.start() - 200) : match.start()]
        cut = max(before.rfind(c) for c in "();\n")
        before = before[cut + 1 :]
        hits = list(_ANNIVERSARY_RE.finditer(before))
        if not hits:
            continue
        hit = hits[-1]
        name = fold_spaces(f"{hit.group(1)} năm {before[hit.end() :]}").rstrip(" ,")
        if len(name.split()) < 3:
            continue
        if has_days:
            start = make_date(match.group(3), match.group(2), match.group(1))
            day = make_date(match.group(6), match.group(5), match.group(4))
            if not start or not day or day < start:
                continue
        else:
            if "NGAY" not in skeleton(name) or int(match.group(2)) < int(match.group(1)):
                continue
            day = None
        entry = {"date": iso(day), "name": name}
        if entry not in found:
            found.append(entry)
    if doc_date:
        for match in _DAY_MONTH_RE.finditer(text):
            day = make_date(doc_date.year, match.group(4), match.group(3))
            if day and day < doc_date:
                day = make_date(doc_date.year + 1, match.group(4), match.group(3))
            name = fold_spaces(f"{match.group(1)} năm {match.group(2)}")
            entry = {"date": iso(day), "name": name}
            if day and entry not in found and all(e["name"] != name for e in found):
                found.append(entry)
    return found
