from datetime import date

import pytest

from chuyende.reports.periods import PeriodCodeError, parse_period


@pytest.mark.parametrize(
    ("code", "start", "end", "kind"),
    [
        ("2024", date(2024, 1, 1), date(2024, 12, 31), "year"),
        ("2024S1", date(2024, 1, 1), date(2024, 6, 30), "semester"),
        ("2024S2", date(2024, 7, 1), date(2024, 12, 31), "semester"),
        ("2024Q1", date(2024, 1, 1), date(2024, 3, 31), "quarter"),
        ("202402", date(2024, 2, 1), date(2024, 2, 29), "month"),
    ],
)
def test_period_codes_give_calendar_periods_by_default(code, start, end, kind):
    period = parse_period(code)
    assert (period["start"], period["end"], period["kind"]) == (start, end, kind)
    assert period["due"] > period["end"] and period["locks_on"] > period["due"]


def test_a_reporting_year_from_15_december(settings):
    settings.REPORTING_CUTOFF = "12-15"
    assert (parse_period("2024S1")["start"], parse_period("2024S1")["end"]) == (
        date(2023, 12, 15),
        date(2024, 6, 14),
    )
    assert (parse_period("2024S2")["start"], parse_period("2024S2")["end"]) == (
        date(2024, 6, 15),
        date(2024, 12, 14),
    )
    assert parse_period("2024")["end"] == date(2024, 12, 14)


@pytest.mark.parametrize("code", ["", "24S1", "2024S3", "2024Q5", "202413", "2024-S1"])
def test_unknown_codes_are_refused_with_a_message(code):
    with pytest.raises(PeriodCodeError):
        parse_period(code)
