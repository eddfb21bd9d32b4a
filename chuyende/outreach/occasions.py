"""The national calendar of anniversaries, and where an occasion falls in a given year."""

import datetime

# Recurring national occasions, with the date of the event they remember (so the calendar can
# say "95th anniversary"). Created on the root unit by `occasions_seed_national`.
NATIONAL_OCCASIONS = [
    (datetime.date(1930, 2, 3), "Ngày thành lập Đảng Cộng sản Việt Nam"),
    (datetime.date(1955, 2, 27), "Ngày Thầy thuốc Việt Nam"),
    (datetime.date(1910, 3, 8), "Ngày Quốc tế Phụ nữ"),
    (datetime.date(1931, 3, 26), "Ngày thành lập Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
    (datetime.date(2008, 4, 19), "Ngày Văn hóa các dân tộc Việt Nam"),
    (datetime.date(1975, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (datetime.date(1886, 5, 1), "Ngày Quốc tế Lao động"),
    (datetime.date(1954, 5, 7), "Ngày Chiến thắng Điện Biên Phủ"),
    (datetime.date(1890, 5, 19), "Ngày sinh Chủ tịch Hồ Chí Minh"),
    (datetime.date(2001, 6, 28), "Ngày Gia đình Việt Nam"),
    (datetime.date(1947, 7, 27), "Ngày Thương binh – Liệt sĩ"),
    (datetime.date(1929, 7, 28), "Ngày thành lập Công đoàn Việt Nam"),
    (datetime.date(1945, 8, 19), "Ngày Cách mạng tháng Tám thành công"),
    (datetime.date(1945, 9, 2), "Ngày Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam"),
    (datetime.date(1930, 10, 20), "Ngày thành lập Hội Liên hiệp Phụ nữ Việt Nam"),
    (datetime.date(1930, 11, 18), "Ngày truyền thống Mặt trận Tổ quốc Việt Nam"),
    (datetime.date(1982, 11, 20), "Ngày Nhà giáo Việt Nam"),
    (datetime.date(1944, 12, 22), "Ngày thành lập Quân đội nhân dân Việt Nam"),
]


def occurrence(date: datetime.date, recurring: bool, year: int) -> datetime.date | None:
    """The day the occasion falls on in `year` (29/2 falls on 28/2 in other years); None when a
    one-off occasion is in another year."""
    if not recurring:
        return date if date.year == year else None
    try:
        return date.replace(year=year)
    except ValueError:
        return datetime.date(year, 2, 28)


def anniversary(date: datetime.date, recurring: bool, year: int) -> int | None:
    """Years since the event remembered (95 for 28/7/1929 in 2024); None for one-off occasions."""
    if not recurring or date.year >= year:
        return None
    return year - date.year


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)
