"""Arabic time expressions: find them in a report and resolve them to ISO date intervals.

``find_timexes(text, published)`` returns non-overlapping ``TimeExpr`` spans over the original
text, sorted by position; where candidates overlap, the one that starts first wins, and among
those the longest. Matching runs a compiled regex grammar (timex_grammar.py) over normalised
text; spans are mapped back to the original characters (diacritics, tatweel, Arabic-Indic or
Persian digits included).

Resolution policy:
- Absolute expressions ("5 نوفمبر 2019", "2019-11-05", "عام 2019", "رمضان 1445 هـ") never
  need the report's date.
- Anything that needs it - "أمس", "الخميس الماضي", "الشهر الجاري", and also a day or month
  without a year ("5 نوفمبر", "في نوفمبر") - is resolved against ``published`` and marked
  ``relative=True``. A day or month without a year takes the closest such date to
  ``published`` (ties go to the earlier one); "الماضي"/"المقبل" pick the previous/next one.
- With ``published=None`` such expressions are *omitted*, not guessed: a wrong date is worse
  than none for comparing reports.
- A bare weekday or "يوم الأحد" is the nearest such day on or before ``published``;
  "الماضي" makes it strictly before, "المقبل"/"القادم" strictly after.
- "الأسبوع الماضي/الجاري/المقبل" are ISO weeks (Monday..Sunday), granularity ``range``.
- Hijri expressions are converted with the Umm al-Qura calendar (timex_calendar.py) and carry
  ``calendar="hijri"``; their granularity is the Hijri unit (day, month, year) while
  ``value_start``/``value_end`` are the Gregorian interval.
- A bare number is a year only with a cue: عام/سنة/العام before it, an era sign (م, هـ) after
  it, or a preposition (في منذ حتى خلال قبل بعد مطلع ...) before it and no counted noun after
  it ("في 2019" but not "في 2019 جندياً" or "1500 دولار").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from itertools import chain

from marsad.model import TimeExpr
from marsad.text import timex_grammar as g
from marsad.text.normalise import Normalised, normalise_char
from marsad.text.timex_calendar import (
    Interval,
    add_months,
    cal_date,
    cal_month_interval,
    cal_year_of,
    hijri_year_interval,
    month_interval,
    year_interval,
)
from marsad.text.timex_lexicon import (
    WEEKDAYS,
    MonthName,
    alternation,
    key,
    month_names,
    ordinal_days,
)

__all__ = ["find_timexes"]

# --- normalisation with an offset map, fast path -------------------------------------------
# The same character mapping as marsad.text.normalise (1:1 or dropped), applied with
# str.translate; offsets are recovered from the positions of the dropped characters.


def _build_table() -> tuple[dict[int, str | None], re.Pattern[str]]:
    table: dict[int, str | None] = {}
    dropped: list[str] = []
    for cp in chain(range(0x3000), range(0xFB00, 0x10000)):
        if 0xD800 <= cp < 0xE000:
            continue
        ch = chr(cp)
        out = normalise_char(ch)
        if out == ch or len(out) > 1:
            continue
        table[cp] = out or None
        if not out:
            dropped.append(ch)
    return table, re.compile("[" + "".join(re.escape(c) for c in dropped) + "]")


_TABLE, _DROPPED = _build_table()


class _View:
    """Normalised text plus the map from normalised to original offsets."""

    def __init__(self, text: str, normalised: Normalised | None = None) -> None:
        self.text = text
        self._offsets: tuple[int, ...] | None = None
        self._shift: list[int] = []
        if normalised is not None:
            self.norm = normalised.text
            self._offsets = normalised.offsets
            return
        self.norm = text.translate(_TABLE)
        if len(self.norm) != len(text):
            # _shift[j]: normalised index of the first kept character after the j-th drop.
            self._shift = [m.start() - j for j, m in enumerate(_DROPPED.finditer(text))]

    def _orig(self, k: int) -> int:
        if self._offsets is not None:
            return self._offsets[k]
        return k + bisect_right(self._shift, k) if self._shift else k

    def span(self, start: int, end: int) -> tuple[int, int]:
        ostart, oend = self._orig(start), self._orig(end - 1) + 1
        text = self.text
        while oend < len(text) and (
            text[oend] == "\u0640" or unicodedata.category(text[oend]) == "Mn"
        ):
            oend += 1  # harakat, tanwin and tatweel after the last letter belong to the word
        return ostart, oend


# --- hits and context ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Hit:
    start: int  # normalised offsets
    end: int
    first: date
    last: date
    granularity: str
    relative: bool = False
    calendar: str = "gregorian"


@dataclass(frozen=True)
class _Ctx:
    text: str
    published: date | None


_NAMES = month_names()
_ORDINALS = ordinal_days()
_PREV_WORD = re.compile(r"(\w+)\W{0,2}$")
_NEXT_WORD = re.compile(r"\W{0,2}?(\w+)")


def _prev_word(ctx: _Ctx, pos: int) -> str:
    m = _PREV_WORD.search(ctx.text, max(0, pos - 30), pos)
    return m.group(1) if m else ""


def _next_word(ctx: _Ctx, pos: int) -> str:
    m = _NEXT_WORD.match(ctx.text, pos)
    return m.group(1) if m else ""


def _bare(word: str) -> str:
    """A word without a leading و/ف conjunction."""
    return word[1:] if len(word) > 3 and word[0] in "وف" else word


# Nouns after which العام is the adjective "general" (الأمين العام السابق = former SG).
_GENERAL_NOUNS = {
    "الامين",
    "امين",
    "المدعي",
    "مدعي",
    "النائب",
    "الراي",
    "الامن",
    "المدير",
    "مدير",
    "القطاع",
    "الصالح",
    "الاضراب",
    "المؤتمر",
    "المفوض",
    "المراقب",
    "المنسق",
    "المفتش",
    "القائد",
    "المرشد",
    "المشرف",
    "الاتحاد",
    "التعليم",
    "النظام",
    "الشان",
    "المال",
    "العفو",
    "الاطار",
    "الوضع",
    "الطابع",
    "المستوي",
    "المشهد",
    "الموقف",
    "الحس",
    "الذوق",
    "النفع",
    "الاتجاه",
    "التوجه",
    "السياق",
    "المجلس",
    "الرقم",
    "المعدل",
    "المتوسط",
}
# Words after اليوم that make it "the day" rather than "today".
_NOT_TODAY_NEXT = {
    "التالي",
    "السابق",
    "الاول",
    "الثاني",
    "الثالث",
    "الرابع",
    "الخامس",
    "الاخير",
    "الذي",
    "نفسه",
    "ذاته",
    "الموعود",
    "المحدد",
    "الواحد",
    "عينه",
}
_NOT_TODAY_PREV = {"ذلك", "نفس", "مثل", "طوال", "طيله", "هذا", "ذات", "كل", "ذلكم"}
_NOT_TODAY_PREV |= {"عين", "صحيفه", "جريده", "لصحيفه", "لجريده", "بصحيفه", "بجريده"}
# Nouns that a bare number counts ("2019 جندي", "1500 دولار"): then it is not a year.
_COUNTED = {
    "دولار",
    "يورو",
    "جنيه",
    "ريال",
    "درهم",
    "دينار",
    "ليره",
    "شخص",
    "اشخاص",
    "قتيل",
    "قتيلا",
    "قتلي",
    "جريح",
    "جريحا",
    "جرحي",
    "مليون",
    "مليار",
    "الف",
    "الاف",
    "طن",
    "كيلو",
    "كيلومتر",
    "كلم",
    "كم",
    "متر",
    "ميل",
    "مواطن",
    "جندي",
    "جنديا",
    "عسكري",
    "عسكريا",
    "عنصر",
    "عنصرا",
    "طفل",
    "طفلا",
    "اطفال",
    "امراه",
    "منزل",
    "منزلا",
    "لاجئ",
    "لاجئا",
    "حاله",
    "اصابه",
    "مصاب",
    "نسمه",
    "فرد",
    "فردا",
    "عامل",
    "طالب",
    "موظف",
    "سجين",
    "معتقل",
    "معتقلا",
    "اسير",
    "اسيرا",
    "صاروخ",
    "صاروخا",
    "قذيفه",
    "غاره",
    "مقاتل",
    "مقاتلا",
    "مسلح",
    "مسلحا",
    "مره",
    "يوم",
    "يوما",
    "ايام",
    "ساعه",
    "دقيقه",
    "شهر",
    "شهرا",
    "اشهر",
    "سنه",
    "عام",
    "عاما",
    "صوت",
    "صوتا",
    "مشارك",
    "سائح",
    "برميل",
    "ميغاواط",
    "هكتار",
    "دونم",
    "سيارة",
    "سياره",
    "وحده",
}


def _not_counted(ctx: _Ctx, end: int) -> bool:
    return _next_word(ctx, end) not in _COUNTED and not ctx.text.startswith("%", end)


# --- shared pieces of the handlers -------------------------------------------------------------


# Nouns named after a day of the year: "ثورة 25 يناير", "حرب 6 أكتوبر", "جسر 15 مايو".
_NAMED_AFTER_DATES = {
    "ثوره",
    "ثورتي",
    "حرب",
    "مدينه",
    "حي",
    "شارع",
    "ميدان",
    "جسر",
    "كوبري",
    "محور",
    "قسم",
    "جامعه",
    "حركه",
    "تيار",
    "حزب",
    "احداث",
    "انتفاضه",
    "ذكري",
    "مجزره",
    "هجمات",
    "اعتداءات",
    "تفجيرات",
}
# Words in ال that do not take an ordinal adjective (إلى, إلا, اليوم, الموافق).
_NOT_NOUNS = {"الي", "الا", "اليوم", "الموافق", "الذي", "التي"}


def _day(m: re.Match[str], p: str, ctx: _Ctx) -> int | None:
    num = m.group(f"dn{p}")
    if num is not None:
        value = int(num)
        return value if 1 <= value <= 31 else None
    word = m.group(f"do{p}")
    prev = _bare(_prev_word(ctx, m.start(f"do{p}")))
    # "الأسبوع الأول من نوفمبر": the ordinal qualifies a noun, it is not a day.
    if prev.startswith("ال") and prev not in WEEKDAYS and prev not in _NOT_NOUNS:
        return None
    return _ORDINALS.get(key(word))


def _month(m: re.Match[str], p: str) -> MonthName | None:
    first = _NAMES.get(key(m.group(f"ma{p}")))
    second = m.group(f"mb{p}") or m.group(f"mp{p}") or m.group(f"ms{p}")
    if first is None:
        return None
    if second is not None:
        other = _NAMES.get(key(second))
        if other is None or (other.calendar, other.month) != (first.calendar, first.month):
            return None
    return first


def _era_calendar(era: str | None) -> str | None:
    if era is None:
        return None
    return "hijri" if era in g.HIJRI_ERAS else "gregorian"


def _valid_year(value: int, cal: str, era: str | None) -> bool:
    era_cal = _era_calendar(era)
    if era_cal is not None and era_cal != cal:
        return False
    if cal == "hijri":
        return 1 <= value <= 1600
    return 1000 <= value <= 2200


@dataclass(frozen=True)
class _Tail:
    year: int | None  # explicit or relative year, None when it must be inferred
    direction: int | None  # for inferred years: -1 previous, 0 current, 1 next, None closest
    relative: bool
    end: int


def _tail(m: re.Match[str], p: str, cal: str, ctx: _Ctx) -> _Tail | None:
    if m.group(f"y{p}") is not None:
        value = int(m.group(f"y{p}"))
        if _valid_year(value, cal, m.group(f"era{p}")):
            return _Tail(value, None, False, m.end(f"yr{p}"))
        return _Tail(None, None, True, m.end(f"mon{p}"))  # not a year of this month: drop it
    if m.group(f"ry{p}") is not None:
        if ctx.published is None:
            return None
        shift = g.DIRECTIONS[m.group(f"ryd{p}")] if m.group(f"ryd{p}") else 0
        return _Tail(cal_year_of(cal, ctx.published) + shift, None, True, m.end(f"ry{p}"))
    if m.group(f"md{p}") is not None:
        return _Tail(None, g.DIRECTIONS[m.group(f"md{p}")], True, m.end(f"md{p}"))
    return _Tail(None, None, True, m.end(f"mon{p}"))


def _pick(
    cal: str, published: date, make: Callable[[int], Interval | None], direction: int | None
) -> Interval | None:
    """The interval, among the years around ``published``, that the expression means."""
    base = cal_year_of(cal, published)
    if direction == 0:
        return make(base)
    candidates = [iv for y in (base - 1, base, base + 1) if (iv := make(y)) is not None]
    if direction == -1:
        past = [iv for iv in candidates if iv[1] < published]
        return past[-1] if past else None
    if direction == 1:
        future = [iv for iv in candidates if iv[0] > published]
        return future[0] if future else None

    def distance(iv: Interval) -> int:
        if iv[0] <= published <= iv[1]:
            return 0
        if iv[1] < published:
            return (published - iv[1]).days
        return 2 * (iv[0] - published).days  # reports look back more often than ahead

    return min(candidates, key=distance, default=None)


def _resolve(
    make: Callable[[int], Interval | None], cal: str, tail: _Tail, ctx: _Ctx
) -> Interval | None:
    if tail.year is not None:
        return make(tail.year)
    if ctx.published is None:
        return None
    return _pick(cal, ctx.published, make, tail.direction)


def _day_maker(cal: str, month: int, day: int) -> Callable[[int], Interval | None]:
    def make(y: int) -> Interval | None:
        d = cal_date(cal, y, month, day)
        return (d, d) if d else None

    return make


# --- handlers, one per rule ------------------------------------------------------------------


def _h_date(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    day, mon = _day(m, "", ctx), _month(m, "")
    if day is None or mon is None:
        return None
    tail = _tail(m, "", mon.calendar, ctx)
    if tail is None or (tail.year is None and mon.needyear):
        return None
    if tail.year is None and _bare(_prev_word(ctx, m.start())) in _NAMED_AFTER_DATES:
        return None  # "ثورة 25 يناير", "مدينة 6 أكتوبر": a name, not a date of this year
    iv = _resolve(_day_maker(mon.calendar, mon.month, day), mon.calendar, tail, ctx)
    if iv is None:
        return None
    return _Hit(m.start("t"), tail.end, *iv, "day", tail.relative, mon.calendar)


def _h_day_of_relative_month(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    day = _day(m, "", ctx)
    if day is None or ctx.published is None:
        return None
    shift = g.DIRECTIONS[m.group("dir")] if m.group("dir") else 0
    y, mo = add_months(ctx.published.year, ctx.published.month, shift)
    d = cal_date("gregorian", y, mo, day)
    if d is None:
        return None
    return _Hit(m.start("t"), m.end("t"), d, d, "day", True)


def _h_month_year(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    mon = _month(m, "")
    if mon is None:
        return None
    tail = _tail(m, "", mon.calendar, ctx)
    if tail is None:
        return None
    if tail.year is None and tail.direction is None:
        # A month name alone: only after "شهر", in the two-name form ("يونيو (حزيران)"), or
        # after a preposition for names that are not also ordinary words.
        cued = m.group("cue") is not None and not mon.weak
        double = m.group("mb") or m.group("mp") or m.group("ms")
        if m.group("shahr") is None and not cued and not double:
            return None
    iv = _resolve(lambda y: cal_month_interval(mon.calendar, y, mon.month), mon.calendar, tail, ctx)
    if iv is None:
        return None
    return _Hit(m.start("t"), tail.end, *iv, "month", tail.relative, mon.calendar)


def _range_sep_ok(m: re.Match[str], plural: bool = False) -> bool:
    """ "12 و14 مارس" is a span only after بين (or يومي/عامي...); "مارس ومايو" is two months."""
    if m.group("sep") != "و":
        return True
    frm = m.group("frm") or ""
    return frm.endswith("بين") or plural


def _h_day_range(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    # "20 و21 شوال" is read as the span from the first day to the last, like "بين 20 و21".
    d1, d2, mon = _day(m, "1", ctx), _day(m, "2", ctx), _month(m, "")
    if d1 is None or d2 is None or mon is None or d1 >= d2:
        return None
    if m.group("sep") == "و" and m.group("do1") and m.group("do2") and d2 in (20, 30):
        return None  # "الرابع والعشرين" is one ordinal, the 24th
    tail = _tail(m, "", mon.calendar, ctx)
    if tail is None or (tail.year is None and mon.needyear):
        return None
    cal = mon.calendar

    def make(y: int) -> Interval | None:
        a, b = cal_date(cal, y, mon.month, d1), cal_date(cal, y, mon.month, d2)
        return (a, b) if a and b else None

    iv = _resolve(make, cal, tail, ctx)
    if iv is None:
        return None
    return _Hit(m.start("t"), tail.end, *iv, "range", tail.relative, cal)


def _h_date_range(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if not _range_sep_ok(m):
        return None
    d1, d2 = _day(m, "1", ctx), _day(m, "2", ctx)
    m1, m2 = _month(m, "1"), _month(m, "2")
    if d1 is None or d2 is None or m1 is None or m2 is None or m1.calendar != m2.calendar:
        return None
    cal = m1.calendar
    y1 = None
    if m.group("y1") is not None:
        y1 = int(m.group("y1"))
        if not _valid_year(y1, cal, m.group("era1")):
            return None
    tail = _tail(m, "2", cal, ctx)
    if tail is None or tail.end != m.end("t"):
        return None
    wraps = (m1.month, d1) > (m2.month, d2)  # "من 28 ديسمبر إلى 3 يناير 2020"
    if y1 is not None and tail.year is None and tail.direction is None:
        tail = _Tail(y1 + wraps, None, False, tail.end)

    def make(y: int) -> Interval | None:
        start_year = y1 if y1 is not None else y - wraps
        a, b = cal_date(cal, start_year, m1.month, d1), cal_date(cal, y, m2.month, d2)
        return (a, b) if a and b and a < b else None

    iv = _resolve(make, cal, tail, ctx)
    if iv is None:
        return None
    return _Hit(m.start("t"), tail.end, *iv, "range", tail.relative, cal)


def _h_month_range(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if not _range_sep_ok(m, m.group("sh") == "شهري"):
        return None
    m1, m2 = _month(m, "1"), _month(m, "2")
    if m1 is None or m2 is None or m1.calendar != m2.calendar:
        return None
    cal = m1.calendar
    y1 = None
    if m.group("y1") is not None:
        y1 = int(m.group("y1"))
        if not _valid_year(y1, cal, m.group("era1")):
            return None
    if m.group("y2") is not None or m.group("ry2") is not None:
        tail = _tail(m, "2", cal, ctx)
        if tail is None or tail.year is None:
            return None
    elif y1 is not None:
        tail = _Tail(None, None, False, m.end("mon2"))
    else:
        if m.group("frm") is None:  # "مارس - مايو" without a year or "من": too weak
            return None
        tail = _Tail(None, None, True, m.end("mon2"))
    if m.group("frm") is None and m.group("sep") == "-" and y1 is None and tail.year is None:
        return None
    wraps = m1.month > m2.month
    if y1 is not None and tail.year is None:
        tail = _Tail(y1 + wraps, None, False, tail.end)

    def make(y: int) -> Interval | None:
        a = cal_month_interval(cal, y1 if y1 is not None else y - wraps, m1.month)
        b = cal_month_interval(cal, y, m2.month)
        return (a[0], b[1]) if a and b and a[0] < b[0] else None

    iv = _resolve(make, cal, tail, ctx)
    if iv is None:
        return None
    return _Hit(m.start("t"), tail.end, *iv, "range", tail.relative, cal)


def _h_year_range(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    eras = {_era_calendar(m.group("era1")), _era_calendar(m.group("era2"))} - {None}
    if len(eras) > 1 or y1 >= y2:
        return None
    cal_from_era = eras.pop() if eras else None
    cal = cal_from_era or "gregorian"
    yc = m.group("yc") or ""
    plural = yc.removeprefix("لل").removeprefix("ال") in g.PLURAL_YEAR_NOUNS
    if not _range_sep_ok(m, plural):
        return None
    cued = bool(m.group("frm") or yc or m.group("cue") or m.group("era1") or m.group("era2"))
    sep = m.group("sep")
    if sep == "/" and y2 != y1 + 1:  # "2019/2020": a season or a school year
        return None
    if not cued or (m.group("frm") and not yc and cal_from_era is None):
        if not (1900 <= y1 and y2 <= 2100 and y2 - y1 <= 50 and _not_counted(ctx, m.end("t"))):
            return None
    if cal == "hijri":
        a, b = hijri_year_interval(y1), hijri_year_interval(y2)
    else:
        if not (_valid_year(y1, cal, None) and _valid_year(y2, cal, None)):
            return None
        a, b = year_interval(y1), year_interval(y2)
    if a is None or b is None:
        return None
    return _Hit(m.start("t"), m.end("t"), a[0], b[1], "range", False, cal)


def _h_numeric_date(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if m.group("y") is not None:
        if m.group("s") != m.group("s_"):
            return None
        y, mo, d = int(m.group("y")), int(m.group("mo")), int(m.group("d"))
        if mo > 12 and d <= 12:  # month-first order
            mo, d = d, mo
    else:
        if m.group("s2") != m.group("s2_"):
            return None
        y, mo, d = int(m.group("y2")), int(m.group("mo2")), int(m.group("d2"))
    era = _era_calendar(m.group("era"))
    # Without an era sign, a year in 1340..1500 in a numeric date is Hijri (Saudi usage).
    cal = era or ("hijri" if 1340 <= y <= 1500 else "gregorian")
    if not _valid_year(y, cal, m.group("era")):
        return None
    value = cal_date(cal, y, mo, d)
    if value is None:
        return None
    return _Hit(m.start("t"), m.end("t"), value, value, "day", False, cal)


def _h_year(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    digits, era = m.group("y"), m.group("era")
    value = int(digits)
    strong, cue = m.group("strong"), m.group("cue")
    cal = _era_calendar(era) or "gregorian"
    if len(digits) == 3 and era is None:
        return None
    if era is None and not strong:
        if cue is None or not 1900 <= value <= 2100 or not _not_counted(ctx, m.end("t")):
            return None
    if not era and strong and not _not_counted(ctx, m.end("t")):
        return None
    if cal == "hijri":
        iv = hijri_year_interval(value) if 1 <= value <= 1600 else None
    elif len(digits) == 3 or 1000 <= value <= 2200:
        iv = year_interval(value)
    else:
        iv = None
    if iv is None:
        return None
    return _Hit(m.start("t"), m.end("t"), *iv, "year", False, cal)


def _h_relative_day(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if ctx.published is None:
        return None
    anchor = key(m.group("anc"))
    if anchor == "امس" and any(c in m.group("cl") for c in "بلك"):
        return None  # "بأمس الحاجة", "لامس"
    if anchor in ("الغد", "غد") and not (m.group("tod") or m.group("yawm")):
        return None  # "الغد" alone is also a newspaper's name
    if anchor == "اليوم" and not (m.group("wd") or m.group("wdp") or m.group("tod")):
        nxt, prev = _next_word(ctx, m.end("t")), _bare(_prev_word(ctx, m.start()))
        if nxt in _NOT_TODAY_NEXT or prev in _NOT_TODAY_PREV:
            return None
        if ctx.text[m.start() - 1 : m.start()] == '"' or ctx.text.startswith('"', m.end()):
            return None  # «اليوم» is a newspaper's name
        if nxt.startswith("ال") and nxt.endswith("ي") and len(nxt) > 4:
            return None  # "اليوم الوطني", "اليوم العالمي"
    d = ctx.published + timedelta(days=g.DAY_ANCHORS[anchor])
    return _Hit(m.start("t"), m.end("t"), d, d, "day", True)


_TENS = re.compile(r"و(?:ال)?(?:عشر|ثلاث|اربع|خمس|ست|سبع|ثمان|تسع)ين$")


def _weekday_ambiguous(m: re.Match[str], ctx: _Ctx, wd: str) -> bool:
    prev, nxt = _bare(_prev_word(ctx, m.start())), _next_word(ctx, m.end("t"))
    if wd == "الاحد":
        return nxt == "عشر"  # "الأحد عشر" = eleven
    if wd == "الاثنين":  # also "the two", and "الاثنين والعشرين" = twenty-two
        return (
            prev in {"كلا", "بين", "ان", "هذين", "هذان", "او", "لان", "بان"}
            or nxt in {"معا", "منهما", "منهم"}
            or _TENS.match(nxt) is not None
        )
    if wd == "الجمعه":
        return prev in {"صلاه", "لصلاه", "بصلاه", "خطبه", "خطيب", "صلوات", "امام"}
    return False


def _h_weekday(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if ctx.published is None:
        return None
    wd = m.group("wd")
    direction = g.DIRECTIONS[m.group("dir")] if m.group("dir") else 0
    explicit = m.group("yawm") or m.group("tod") or m.group("dir")
    if not explicit and _weekday_ambiguous(m, ctx, wd):
        return None
    back = (ctx.published.weekday() - WEEKDAYS[wd]) % 7
    if direction == -1:
        d = ctx.published - timedelta(days=(back or 7) + (7 if m.group("bef") else 0))
    elif direction == 1:
        d = ctx.published + timedelta(days=(7 - back) % 7 or 7)
    else:
        d = ctx.published - timedelta(days=back)
    return _Hit(m.start("t"), m.end("t"), d, d, "day", True)


def _h_relative_period(m: re.Match[str], ctx: _Ctx) -> _Hit | None:
    if ctx.published is None:
        return None
    this, direction = m.group("this"), m.group("dir")
    if (this is None) == (direction is None):
        return None
    unit = m.group("unit").removeprefix("لل").removeprefix("ال")
    if unit == "عام" and _bare(_prev_word(ctx, m.start())) in _GENERAL_NOUNS:
        return None
    shift = 0 if this else g.DIRECTIONS[direction] * (2 if m.group("bef") else 1)
    pub = ctx.published
    if unit == "اسبوع":
        monday = pub - timedelta(days=pub.weekday()) + timedelta(weeks=shift)
        return _Hit(m.start("t"), m.end("t"), monday, monday + timedelta(days=6), "range", True)
    if unit == "شهر":
        iv = month_interval(*add_months(pub.year, pub.month, shift))
        gran = "month"
    else:
        iv = year_interval(pub.year + shift)
        gran = "year"
    if iv is None:
        return None
    return _Hit(m.start("t"), m.end("t"), *iv, gran, True)


@dataclass(frozen=True)
class _Rule:
    name: str
    regex: re.Pattern[str]
    handler: Callable[[re.Match[str], _Ctx], _Hit | None]


_RULE_SPECS: list[tuple[str, str, Callable[[re.Match[str], _Ctx], _Hit | None]]] = [
    ("date_range", g.DATE_RANGE, _h_date_range),
    ("day_range", g.DAY_RANGE, _h_day_range),
    ("month_range", g.MONTH_RANGE, _h_month_range),
    ("year_range", g.YEAR_RANGE, _h_year_range),
    ("date", g.DATE, _h_date),
    ("day_of_relative_month", g.DAY_OF_RELATIVE_MONTH, _h_day_of_relative_month),
    ("numeric_date", g.NUMERIC_DATE, _h_numeric_date),
    ("month_year", g.MONTH_YEAR, _h_month_year),
    ("year", g.YEAR, _h_year),
    ("relative_day", g.RELATIVE_DAY, _h_relative_day),
    ("weekday", g.WEEKDAY_EXPR, _h_weekday),
    ("relative_period", g.RELATIVE_PERIOD, _h_relative_period),
]


def _anchor_words() -> set[str]:
    """Words one of which every expression contains (besides digits)."""
    words = set(WEEKDAYS) | {"اليوم", "امس", "الامس", "البارحه", "غدا", "غد"}
    words |= {"اسبوع", "شهر", "عام", "سنه"}
    for name in _NAMES:
        parts = name.split(" ")
        words.add(parts[-1] if parts[0] in ("ذو", "ذي", "ذا") else parts[0])
    return words


@dataclass(frozen=True)
class _Grammar:
    rules: list[_Rule]
    master: re.Pattern[str]  # matches where any rule matches
    anchors: re.Pattern[str]


@cache
def _grammar() -> _Grammar:
    """Compiled on first use (about 0.1-0.2 s), so that importing this module stays cheap."""
    rules = [_Rule(n, re.compile(r"(?<!\w)" + p), h) for n, p, h in _RULE_SPECS]
    unnamed = (re.sub(r"\(\?P<\w+>", "(?:", p) for _, p, _ in _RULE_SPECS)
    master = re.compile(r"(?<!\w)(?:" + "|".join(unnamed) + ")")
    anchors = re.compile(alternation(_anchor_words()) + r"(?!\w)")
    return _Grammar(rules, master, anchors)


_DIGITS = re.compile(r"\d+")
_WORD_START = re.compile(r"(?<!\w)\w")
# The longest stretch from an expression's start to its first anchor word or number
# ("من الحادي والعشرين إلى الخامس والعشرين من شهر ...") is well under this many characters.
_WINDOW = 80


def _best_at(ctx: _Ctx, pos: int, rules: list[_Rule]) -> _Hit | None:
    """The longest expression that any rule finds at ``pos``."""
    best: _Hit | None = None
    for rule in rules:
        m = rule.regex.match(ctx.text, pos)
        if m is None:
            continue
        hit = rule.handler(m, ctx)
        if hit is not None and (best is None or hit.end - hit.start > best.end - best.start):
            best = hit
    return best


def _hits(ctx: _Ctx) -> list[_Hit]:
    """Leftmost-longest, non-overlapping hits. Rules are only tried at word starts shortly
    before an anchor (a number or a month, weekday or time word): a full scan of the text with
    every rule would cost several times more."""
    text = ctx.text
    grammar = _grammar()
    master = grammar.master
    anchors = sorted(
        chain(
            (m.start() for m in grammar.anchors.finditer(text)),
            (m.start() for m in _DIGITS.finditer(text)),
        )
    )
    hits: list[_Hit] = []
    pos = 0  # every word start before pos has been tried
    for anchor in anchors:
        if anchor < pos:
            continue
        for ws in _WORD_START.finditer(text, max(pos, anchor - _WINDOW), anchor + 1):
            start = ws.start()
            if start < pos or master.match(text, start) is None:
                continue
            hit = _best_at(ctx, start, grammar.rules)
            if hit is not None:
                hits.append(hit)
                pos = hit.end
        pos = max(pos, anchor + 1)
    return hits


def find_timexes(
    text: str,
    published: date | None = None,
    normalised: Normalised | None = None,
) -> list[TimeExpr]:
    """Time expressions in ``text``, sorted and non-overlapping, spans over the original text.

    ``published`` (the report's date) resolves relative expressions; without it they are
    left out. ``normalised`` may pass ``marsad.text.normalise.normalise(text)`` when the caller
    already has it.
    """
    if isinstance(published, datetime):
        published = published.date()
    view = _View(text, normalised)
    out: list[TimeExpr] = []
    for hit in _hits(_Ctx(view.norm, published)):
        start, end = view.span(hit.start, hit.end)
        out.append(
            TimeExpr(
                start,
                end,
                text[start:end],
                hit.first.isoformat(),
                hit.last.isoformat(),
                hit.granularity,  # type: ignore[arg-type]
                hit.relative,
                hit.calendar,  # type: ignore[arg-type]
            )
        )
    return out
