"""Calendar arithmetic for time expressions: Hijri <-> Gregorian, month and year intervals.

Hijri dates use the Umm al-Qura calendar through ``hijridate`` (AH 1343-1500, i.e.
1924-08-01 .. 2077-11-16). Outside that window, or when ``hijridate`` is not installed, the
arithmetical (tabular, "Kuwaiti") Islamic calendar is used; it differs from Umm al-Qura by at
most a day or two.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

try:
    from hijridate import Gregorian as _UqGregorian
    from hijridate import Hijri as _UqHijri
except ImportError:  # pragma: no cover - exercised only without the dependency
    _UqGregorian = None
    _UqHijri = None

_UQ_FIRST_YEAR, _UQ_LAST_YEAR = 1343, 1500
_UQ_FIRST_DAY, _UQ_LAST_DAY = date(1924, 8, 1), date(2077, 11, 16)

_ORDINAL_OF_JDN0 = 1721425  # date.fromordinal(jdn - this) for a Julian day number
_ISLAMIC_EPOCH_JDN = 1948440  # 1 Muharram 1 AH = 622-07-19 (proleptic Gregorian)
_MIN_YEAR, _MAX_YEAR = 1, 9999


def tabular_hijri_to_jdn(year: int, month: int, day: int) -> int:
    """Julian day number of a date in the arithmetical Islamic calendar."""
    return (
        day
        + (295 * (month - 1) + 9) // 10  # ceil(29.5 * (month - 1))
        + (year - 1) * 354
        + (3 + 11 * year) // 30
        + _ISLAMIC_EPOCH_JDN
        - 1
    )


def tabular_hijri_to_gregorian(year: int, month: int, day: int) -> date:
    return date.fromordinal(tabular_hijri_to_jdn(year, month, day) - _ORDINAL_OF_JDN0)


def tabular_month_length(year: int, month: int) -> int:
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return tabular_hijri_to_jdn(*nxt, 1) - tabular_hijri_to_jdn(year, month, 1)


def tabular_gregorian_to_hijri(day: date) -> tuple[int, int, int]:
    jdn = day.toordinal() + _ORDINAL_OF_JDN0
    year = (30 * (jdn - _ISLAMIC_EPOCH_JDN) + 10646) // 10631
    month = 12
    for m in range(1, 13):
        if jdn < tabular_hijri_to_jdn(year, m, 1) + tabular_month_length(year, m):
            month = m
            break
    return year, month, jdn - tabular_hijri_to_jdn(year, month, 1) + 1


def _uq(year: int) -> bool:
    return _UqHijri is not None and _UQ_FIRST_YEAR <= year <= _UQ_LAST_YEAR


@lru_cache(maxsize=4096)
def hijri_month_length(year: int, month: int) -> int:
    if _uq(year):
        return _UqHijri(year, month, 1).month_length()
    return tabular_month_length(year, month)


@lru_cache(maxsize=4096)
def hijri_to_gregorian(year: int, month: int, day: int) -> date | None:
    """The Gregorian date of a Hijri date, or None when the date does not exist."""
    if not (1 <= year <= 9000 and 1 <= month <= 12 and 1 <= day <= 30):
        return None
    if day > hijri_month_length(year, month):
        return None
    if _uq(year):
        return _UqHijri(year, month, day).to_gregorian()
    try:
        return tabular_hijri_to_gregorian(year, month, day)
    except (ValueError, OverflowError):
        return None


@lru_cache(maxsize=4096)
def gregorian_to_hijri(day: date) -> tuple[int, int, int]:
    if _UqGregorian is not None and _UQ_FIRST_DAY <= day <= _UQ_LAST_DAY:
        h = _UqGregorian(day.year, day.month, day.day).to_hijri()
        return h.year, h.month, h.day
    return tabular_gregorian_to_hijri(day)


Interval = tuple[date, date]


def hijri_month_interval(year: int, month: int) -> Interval | None:
    first = hijri_to_gregorian(year, month, 1)
    if first is None:
        return None
    return first, first + timedelta(days=hijri_month_length(year, month) - 1)


def hijri_year_interval(year: int) -> Interval | None:
    first = hijri_to_gregorian(year, 1, 1)
    last = hijri_month_interval(year, 12)
    if first is None or last is None:
        return None
    return first, last[1]


def month_interval(year: int, month: int) -> Interval | None:
    if not (_MIN_YEAR <= year <= _MAX_YEAR and 1 <= month <= 12):
        return None
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def year_interval(year: int) -> Interval | None:
    if not _MIN_YEAR <= year <= _MAX_YEAR:
        return None
    return date(year, 1, 1), date(year, 12, 31)


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def add_months(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def cal_month_interval(cal: str, year: int, month: int) -> Interval | None:
    if cal == "hijri":
        return hijri_month_interval(year, month)
    return month_interval(year, month)


def cal_date(cal: str, year: int, month: int, day: int) -> date | None:
    if cal == "hijri":
        return hijri_to_gregorian(year, month, day)
    return make_date(year, month, day)


def cal_year_of(cal: str, day: date) -> int:
    return gregorian_to_hijri(day)[0] if cal == "hijri" else day.year
