"""Reporting periods with DHIS2-like codes: 2024 (year), 2024S1 / 2024S2 (6 months),
2024Q1…Q4 (quarter), 202403 (month).

Vietnamese 6-month and annual reports often count from 15/12 of the year before: the cut-off is
a setting, REPORTING_CUTOFF = "12-15" (month-day the reporting year starts, in the previous
calendar year), default "01-01" (calendar periods).
"""

import calendar
import re
from datetime import date, timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from .choices import PeriodKind

_CODE = re.compile(r"^(?P<year>\d{4})(?:(?P<s>S[12])|(?P<q>Q[1-4])|(?P<m>0[1-9]|1[0-2]))?$")
DUE_AFTER_DAYS = 10
LOCK_AFTER_DAYS = 60


class PeriodCodeError(ValueError):
    pass


def _cutoff():
    month, day = (int(x) for x in getattr(settings, "REPORTING_CUTOFF", "01-01").split("-"))
    return month, day


def _year_start(year: int) -> date:
    month, day = _cutoff()
    if (month, day) == (1, 1):
        return date(year, 1, 1)
    return date(year - 1, month, day)


def parse_period(code: str) -> dict:
    """The fields of a ReportingPeriod for a code; PeriodCodeError when it is not one."""
    match = _CODE.match((code or "").strip().upper())
    if not match:
        raise PeriodCodeError(
            _("Unknown period code %(code)s: use 2024, 2024S1, 2024Q1 or 202403.") % {"code": code}
        )
    year = int(match["year"])
    if match["s"]:
        half = int(match["s"][1])
        year_start, next_year_start = _year_start(year), _year_start(year + 1)
        middle = _add_months(year_start, 6)
        start, end = (
            (year_start, middle - timedelta(days=1))
            if half == 1
            else (middle, next_year_start - timedelta(days=1))
        )
        kind = PeriodKind.SEMESTER
        name = _("First 6 months of %(year)s") if half == 1 else _("Last 6 months of %(year)s")
    elif match["q"]:
        quarter = int(match["q"][1])
        start = date(year, 3 * quarter - 2, 1)
        end = date(year, 3 * quarter, calendar.monthrange(year, 3 * quarter)[1])
        kind, name = PeriodKind.QUARTER, _("Quarter %(q)s/%(year)s")
    elif match["m"]:
        month = int(match["m"])
        start, end = date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        kind, name = PeriodKind.MONTH, _("Month %(m)s/%(year)s")
    else:
        start, end = _year_start(year), _year_start(year + 1) - timedelta(days=1)
        kind, name = PeriodKind.YEAR, _("Year %(year)s")
    due = end + timedelta(days=DUE_AFTER_DAYS)
    return {
        "code": match.group(0),
        "kind": kind,
        "start": start,
        "end": end,
        "due": due,
        "locks_on": due + timedelta(days=LOCK_AFTER_DAYS),
        "name": name % {"year": year, "q": match["q"] and match["q"][1], "m": match["m"]},
    }


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
