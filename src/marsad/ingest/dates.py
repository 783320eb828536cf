"""Calendar dates in metadata lines and datelines ("12 نوفمبر 2019", "2024-03-03", "3/3/2024").

Readers only need a report's publication *day*. Patterns run on normalised text
(``marsad.text.normalise``: hamza forms folded, Arabic-Indic digits as ASCII), so one pattern
covers every spelling. When the time-expression module is installed it is tried for the
forms these patterns miss (Hijri dates, for instance).
"""

from __future__ import annotations

import re
from datetime import date, datetime

from marsad.text.normalise import norm

# Month names as they appear after ``norm``: Egyptian/Gulf, Levantine/Iraqi, Maghrebi, English.
_MONTH_NAMES: dict[int, tuple[str, ...]] = {
    1: ("يناير", "كانون الثاني", "جانفي", "january", "jan"),
    2: ("فبراير", "شباط", "فيفري", "فبرير", "february", "feb"),
    3: ("مارس", "اذار", "march", "mar"),
    4: ("ابريل", "نيسان", "افريل", "april", "apr"),
    5: ("مايو", "ايار", "ماي", "may"),
    6: ("يونيو", "يونيه", "حزيران", "جوان", "june", "jun"),
    7: ("يوليو", "يوليه", "تموز", "جويليه", "يوليوز", "july", "jul"),
    8: ("اغسطس", "اب", "اوت", "غشت", "august", "aug"),
    9: ("سبتمبر", "ايلول", "شتنبر", "september", "sept", "sep"),
    10: ("اكتوبر", "تشرين الاول", "october", "oct"),
    11: ("نوفمبر", "تشرين الثاني", "نونبر", "november", "nov"),
    12: ("ديسمبر", "كانون الاول", "دجنبر", "december", "dec"),
}
MONTHS: dict[str, int] = {name: m for m, names in _MONTH_NAMES.items() for name in names}

# Longest names first so "كانون الثاني" wins over a shorter prefix.
MONTH_RE = "|".join(sorted((re.escape(n) for n in MONTHS), key=len, reverse=True))
_WS = r"[ \t\u00a0]"

# "12 تشرين الثاني/نوفمبر 2019", "3 من مارس، 2024", "12 نوفمبر (تشرين الثاني) 2019"
_DAY_MONTH_YEAR = (
    rf"(?P<d1>\d{{1,2}}){_WS}*(?:من{_WS}+)?(?P<m1>{MONTH_RE})"
    rf"(?:{_WS}*[/(-]{_WS}*(?:{MONTH_RE}){_WS}*\)?)?{_WS}*[,،]?{_WS}*(?P<y1>\d{{4}})"
)
_MONTH_DAY_YEAR = rf"(?P<m2>{MONTH_RE}){_WS}+(?P<d2>\d{{1,2}}),?{_WS}+(?P<y2>\d{{4}})"
_ISO = r"(?P<y3>\d{4})[-/.](?P<m3>\d{1,2})[-/.](?P<d3>\d{1,2})"
_DMY_NUMERIC = r"(?P<d4>\d{1,2})[-/.](?P<m4>\d{1,2})[-/.](?P<y4>\d{4})"

# A date pattern for normalised text; the dateline detector embeds it.
DATE_RE = rf"(?:{_DAY_MONTH_YEAR}|{_MONTH_DAY_YEAR}|{_ISO}|{_DMY_NUMERIC})"
_DATE = re.compile(rf"(?<![\w\d]){DATE_RE}(?![\d])")


def date_from_match(m: re.Match[str]) -> date | None:
    """The date captured by a match of ``DATE_RE`` (None when it is not a real day)."""
    g = m.groupdict()
    for d, mo, y in (
        ("d1", "m1", "y1"),
        ("d2", "m2", "y2"),
        ("d3", "m3", "y3"),
        ("d4", "m4", "y4"),
    ):
        if g.get(y):
            month_text = g[mo]
            month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text, 0)
            return _make_date(int(g[y]), month, int(g[d]))
    return None


def _make_date(year: int, month: int, day: int) -> date | None:
    if not 1800 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The first full calendar date (day, month, year) written in ``text``, or None."""
    text = text.strip()
    if not text:
        return None
    iso = _parse_iso_datetime(text)
    if iso is not None:
        return iso
    normalised = norm(text)
    for m in _DATE.finditer(normalised):
        found = date_from_match(m)
        if found is not None:
            return found
    return _parse_with_timex(text)


def _parse_iso_datetime(text: str) -> date | None:
    candidate = text.replace("Z", "+00:00") if text.endswith("Z") else text
    try:
        return datetime.fromisoformat(candidate).date()
    except ValueError:
        return None


def _parse_with_timex(text: str) -> date | None:
    """Day-precise absolute dates the patterns above miss, via ``marsad.text.timex``."""
    try:
        from marsad.text.timex import find_timexes
    except ImportError:
        return None
    try:
        found = find_timexes(text, None)
    except Exception:  # a bug there must not stop a file from being read
        return None
    for t in found:
        if t.granularity == "day" and not t.relative:
            try:
                return date.fromisoformat(t.value_start)
            except ValueError:
                continue
    return None
