"""Dates in Vietnamese text: 'ngày 22 tháng 02 năm 2024', '19/01/2024', 'Quý 1/2024'…"""

from __future__ import annotations

import calendar
import datetime as dt
import re

from .normalise import skeleton

_ROMAN_QUARTER = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# All patterns run on skeleton() text: upper case, no diacritics.
LONG_DATE_RE = re.compile(r"NGAY\s*(\d{1,2})\s*THANG\s*(\d{1,2})\s*,?\s*NAM\s*(\d{4})")
SHORT_DATE_RE = re.compile(r"(?<![\d/])(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)")
_DAY_MONTH_RE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{1,2})(?![\d/])")
_HALF_RE = re.compile(r"(\d{1,2})\s+THANG\s+(DAU|CUOI)\s+NAM(?:\s*(\d{4}))?")
_QUARTER_RE = re.compile(r"QUY\s+(IV|III|II|I|[1-4])\b(?:\s*(?:/|NAM)\s*(\d{4}))?")
_MONTH_RE = re.compile(
    r"THANG\s+(\d{1,2})((?:\s*(?:,|VA|-|–|—|DEN|DEN THANG)\s*\d{1,2}\b)*)"
    r"(?:\s*(?:/|,?\s*NAM)\s*(\d{4}))?"
)
_MONTH_YEAR_RE = re.compile(r"(?<![\d/])(\d{1,2})\s*/\s*(\d{4})(?!\d)")
_YEAR_RE = re.compile(r"NAM\s+(\d{4})|(?<!\d)(20\d\d)(?!\d)")
_WHOLE_YEAR_RE = re.compile(r"\b(CA NAM|TRONG NAM|CUOI NAM)\b")


def make_date(year: int | str, month: int | str, day: int | str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except (TypeError, ValueError, OverflowError):
        return None


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def month_end(year: int, month: int) -> dt.date | None:
    if not (1 <= month <= 12) or not (1 <= year <= 9999):
        return None
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_long_or_short(text_skeleton: str, pos: int = 0) -> tuple[dt.date | None, int, int]:
    """The first date at or after pos: (date, start, end), or (None, -1, -1)."""
    found = []
    for regex in (LONG_DATE_RE, SHORT_DATE_RE):
        match = regex.search(text_skeleton, pos)
        if match:
            found.append(match)
    if not found:
        return None, -1, -1
    match = min(found, key=lambda m: m.start())
    if match.re is LONG_DATE_RE:
        day, month, year = match.group(1), match.group(2), match.group(3)
    else:
        day, month, year = match.group(1), match.group(3), match.group(4)
    return make_date(year, month, day), match.start(), match.end()


def period_end(text: str | None, doc_date: dt.date | None = None) -> str | None:
    """Last day of the period named in a 'Thời gian:' line, or None if there is none."""
    if not text:
        return None
    work = skeleton(text)
    ends: list[dt.date] = []
    guessed: list[dt.date] = []
    years = [int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d\d)(?!\d)", work)]
    default_year = years[-1] if years else (doc_date.year if doc_date else None)

    def blank(match: re.Match) -> None:
        nonlocal work
        work = work[: match.start()] + " " * (match.end() - match.start()) + work[match.end() :]

    for match in list(LONG_DATE_RE.finditer(work)):
        day = make_date(match.group(3), match.group(2), match.group(1))
        if day:
            ends.append(day)
        blank(match)
    for match in list(SHORT_DATE_RE.finditer(work)):
        day = make_date(match.group(4), match.group(3), match.group(1))
        if day:
            ends.append(day)
        blank(match)
    for match in list(_HALF_RE.finditer(work)):
        months, which, year = int(match.group(1)), match.group(2), match.group(3)
        month = months if which == "DAU" else 12
        _add(ends, guessed, year, month, default_year)
        blank(match)
    for match in list(_QUARTER_RE.finditer(work)):
        _add(ends, guessed, match.group(2), _ROMAN_QUARTER[match.group(1)] * 3, default_year)
        blank(match)
    for match in list(_MONTH_RE.finditer(work)):
        months = [int(match.group(1))] + [int(n) for n in re.findall(r"\d{1,2}", match.group(2))]
        _add(ends, guessed, match.group(3), max(months), default_year)
        blank(match)
    for match in list(_MONTH_YEAR_RE.finditer(work)):
        _add(ends, guessed, match.group(2), int(match.group(1)), default_year)
        blank(match)
    for match in list(_DAY_MONTH_RE.finditer(work)):
        year = default_year
        day = make_date(year, match.group(2), match.group(1)) if year else None
        if day:
            (guessed if not years else ends).append(day)
        blank(match)
    if not ends and not guessed:
        match = _YEAR_RE.search(work)
        if match:
            ends.append(dt.date(int(match.group(1) or match.group(2)), 12, 31))
        elif _WHOLE_YEAR_RE.search(work) and doc_date:
            ends.append(dt.date(doc_date.year, 12, 31))
    if doc_date:  # a period without a year that already ended means next year's
        guessed = [
            d if d >= doc_date else (make_date(d.year + 1, d.month, d.day) or d) for d in guessed
        ]
    candidates = ends + guessed
    return iso(max(candidates)) if candidates else None


def _add(ends, guessed, year, month, default_year) -> None:
    if year:
        end = month_end(int(year), month)
        if end:
            ends.append(end)
    elif default_year:
        end = month_end(int(default_year), month)
        if end:
            guessed.append(end)
