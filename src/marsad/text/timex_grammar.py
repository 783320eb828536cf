"""The regex grammar of Arabic time expressions, over *normalised* text (see normalise.py:
alef forms -> ا, ى -> ي, ة -> ه, Arabic-Indic and Persian digits -> ASCII, no diacritics).

Each rule is a pattern whose group ``t`` is the expression's span; what precedes ``t`` (a
proclitic و ف ب ل ك, a preposition such as في or منذ) is context, not part of the span. Group
names inside one rule are unique; a suffix (``1``, ``2``) tells the two ends of a range apart.
Every pattern is matched with a leading ``(?<!\\w)`` added by the caller.
"""

from __future__ import annotations

from marsad.text.timex_lexicon import WEEKDAYS, alternation, month_names, ordinal_days

# -1 past, 0 current, +1 next.
DIRECTIONS: dict[str, int] = {
    "الماضي": -1,
    "الماضيه": -1,
    "المنصرم": -1,
    "المنصرمه": -1,
    "الفائت": -1,
    "الفائته": -1,
    "السابق": -1,
    "السابقه": -1,
    "الجاري": 0,
    "الجاريه": 0,
    "الحالي": 0,
    "الحاليه": 0,
    "المقبل": 1,
    "المقبله": 1,
    "القادم": 1,
    "القادمه": 1,
}

# Day words relative to the report's date (offset in days).
DAY_ANCHORS: dict[str, int] = {
    "اليوم": 0,
    "امس": -1,
    "الامس": -1,
    "البارحه": -1,
    "امس الاول": -2,
    "اول امس": -2,
    "اول من امس": -2,
    "قبل امس": -2,
    "غدا": 1,
    "الغد": 1,
    "غد": 1,
    "بعد غد": 2,
    "بعد الغد": 2,
}

TIMES_OF_DAY = {
    "صباح",
    "مساء",
    "ليله",
    "ليل",
    "فجر",
    "ظهر",
    "عصر",
    "ظهيره",
    "ضحي",
    "صبيحه",
    "عشيه",
    "منتصف ليله",
    "منتصف ليل",
}

# Prepositions and phrase heads after which a bare 4-digit number is read as a year.
YEAR_CUES = {
    "في",
    "خلال",
    "منذ",
    "حتي",
    "بحلول",
    "قبل",
    "بعد",
    "مطلع",
    "اوائل",
    "اواخر",
    "منتصف",
    "اواسط",
    "نهايه",
    "بدايه",
    "غضون",
    "طوال",
    "طيله",
    "ابان",
}
# Phrase heads after which a month name alone (no day, no year) is read as a month.
MONTH_CUES = YEAR_CUES | {"من", "الي"}

GREGORIAN_ERAS = {"م", "ميلادي", "ميلاديه", "للميلاد"}
HIJRI_ERAS = {"ه", "هجري", "هجريه", "للهجره"}

# Plural or dual year nouns that make "Y1 و Y2" a span of years ("عامي 2019 و2020").
PLURAL_YEAR_NOUNS = {"عامي", "سنتي", "عامين", "سنتين", "اعوام", "سنوات"}

MONTH = alternation(month_names())
ORDINAL = alternation(ordinal_days())
WEEKDAY = alternation(WEEKDAYS)
DIRECTION = alternation(DIRECTIONS)
ANCHOR = alternation(DAY_ANCHORS)
TIME_OF_DAY = alternation(TIMES_OF_DAY)
YEAR_CUE = alternation(YEAR_CUES)
MONTH_CUE = alternation(MONTH_CUES)
ERA = alternation(GREGORIAN_ERAS | HIJRI_ERAS)

CLITIC = r"(?P<cl>[وف]?[بلك]?)"
RANGE_SEP = r"(?P<sep>-|(?:و\s*)?(?:الي|حتي|لغايه)|و)"
FROM = r"(?:(?P<frm>من|بين)\s+)"
# "(في) الفترة (ما) بين ...": context before a range, not part of its span.
PERIOD = r"(?:(?:ال)?فتره\s+(?:ما\s+)?)?"
NO_NUMBER_BEFORE = r"(?<![.,/\-])"
NUMBER_END = r"(?![\w/\-]|[.,]\d)"
WEEKDAY_PREFIX = rf"(?:(?:يوم\s+)?(?P<wd>{WEEKDAY})\s*,?\s*(?:(?:الموافق|الموافقه)\s+)?)"


def era(p: str) -> str:
    return rf"(?P<era{p}>{ERA})(?!\w)"


def day(p: str) -> str:
    return rf"(?:(?<![\d.,/])(?P<dn{p}>[0-3]?\d)(?!\d)|(?P<do{p}>{ORDINAL})(?!\w))"


def month(p: str) -> str:
    """A month name, or two names of one month: "شباط/فبراير", "فبراير (شباط)", "يناير كانون
    الثاني"."""
    return (
        rf"(?P<mon{p}>(?P<ma{p}>{MONTH})(?:\s*[/\\]\s*(?P<mb{p}>{MONTH})"
        rf"|\s*\(\s*(?P<mp{p}>{MONTH})\s*\)|\s+(?P<ms{p}>{MONTH}))?)(?!\w)"
    )


def year(p: str) -> str:
    """A year after a month: "2019", "عام 2019", "من العام 2019 م", "1445هـ"."""
    return (
        rf"(?P<yr{p}>\s*,?\s*(?:من\s+)?(?:(?:ال)?(?:عام|سنه)\s*)?"
        rf"(?P<y{p}>\d{{4}})(?!\d)(?:\s*{era(p)})?)"
    )


def relative_year(p: str) -> str:
    """ "من العام الماضي", "من هذا العام", "السنه المقبله" after a month."""
    return (
        rf"(?P<ry{p}>\s+(?:من\s+)?(?:(?:هذا|هذه)\s+(?:العام|السنه)"
        rf"|(?:العام|السنه)\s+(?P<ryd{p}>{DIRECTION})))(?!\w)"
    )


def month_direction(p: str) -> str:
    """ "نوفمبر الماضي", "رمضان المقبل"."""
    return rf"(?:\s+(?P<md{p}>{DIRECTION}))(?!\w)"


def tail(p: str) -> str:
    return rf"(?:{year(p)}|{relative_year(p)}|{month_direction(p)})?"


DATE = (
    rf"{CLITIC}(?P<t>{WEEKDAY_PREFIX}?{day('')}\s*(?:من\s+)?(?:شهر\s+)?{month('')}{tail('')})"
    r"(?!\w)"
)

DAY_OF_RELATIVE_MONTH = (
    rf"{CLITIC}(?P<t>{WEEKDAY_PREFIX}?{day('')}\s*(?:من\s+)?"
    rf"(?:هذا\s+الشهر|الشهر\s+(?P<dir>{DIRECTION})))(?!\w)"
)

MONTH_YEAR = (
    rf"{CLITIC}(?:(?P<cue>{MONTH_CUE})\s+)?(?P<t>(?:(?P<shahr>شهر)\s+)?{month('')}{tail('')})"
    r"(?!\w)"
)

DAY_RANGE = (
    rf"{CLITIC}{PERIOD}(?P<t>{FROM}?(?:(?:يومي|ايام)\s+)?{day('1')}\s*{RANGE_SEP}\s*{day('2')}"
    rf"\s*(?:من\s+)?(?:شهر\s+)?{month('')}{tail('')})(?!\w)"
)

DATE_RANGE = (
    rf"{CLITIC}{PERIOD}(?P<t>{FROM}?{day('1')}\s*(?:من\s+)?(?:شهر\s+)?{month('1')}(?:{year('1')})?"
    rf"\s*{RANGE_SEP}\s*{day('2')}\s*(?:من\s+)?(?:شهر\s+)?{month('2')}{tail('2')})(?!\w)"
)

MONTH_RANGE = (
    rf"{CLITIC}{PERIOD}(?P<t>{FROM}?(?:(?P<sh>شهر|شهري)\s+)?{month('1')}(?:{year('1')})?"
    rf"\s*{RANGE_SEP}\s*(?:شهر\s+)?{month('2')}(?:{year('2')}|{relative_year('2')})?)(?!\w)"
)

YEAR_RANGE = (
    rf"{NO_NUMBER_BEFORE}{CLITIC}(?:(?P<cue>{YEAR_CUE})\s+)?{PERIOD}(?P<t>{FROM}?"
    r"(?:(?P<yc>(?:ال|لل)?(?:عامي|سنتي|عامين|سنتين|اعوام|سنوات|عام|سنه))\s+)?"
    rf"(?P<y1>\d{{4}})(?!\d)(?:\s*{era('1')})?\s*(?P<sep>-|/|(?:و\s*)?(?:الي|حتي|لغايه)|و)\s*"
    rf"(?:(?:ال)?(?:عام|سنه)\s+)?(?P<y2>\d{{4}})(?!\d)(?:\s*{era('2')})?){NUMBER_END}"
)

NUMERIC_DATE = (
    rf"{NO_NUMBER_BEFORE}{CLITIC}(?P<t>{WEEKDAY_PREFIX}?"
    r"(?:(?P<d>\d{1,2})\s?(?P<s>[/.\-])\s?(?P<mo>\d{1,2})\s?(?P<s_>[/.\-])\s?(?P<y>\d{4})"
    r"|(?P<y2>\d{4})\s?(?P<s2>[/.\-])\s?(?P<mo2>\d{1,2})\s?(?P<s2_>[/.\-])\s?(?P<d2>\d{1,2}))"
    rf"(?:\s*{era('')})?){NUMBER_END}"
)

YEAR = (
    rf"{NO_NUMBER_BEFORE}{CLITIC}(?:(?P<cue>{YEAR_CUE})\s+)?"
    rf"(?P<t>(?:(?P<strong>(?:ال|لل)?(?:عام|سنه))(?:\s+{DIRECTION})?\s*)?"
    rf"(?P<y>\d{{3,4}})(?!\d)(?:\s*{era('')})?)"
    rf"{NUMBER_END}"
)

RELATIVE_DAY = (
    rf"{CLITIC}(?P<t>(?:(?P<tod>{TIME_OF_DAY})\s+)?(?:(?P<yawm>يوم)\s+)?(?P<anc>{ANCHOR})"
    rf"(?:\s*,?\s*(?P<wd>{WEEKDAY})|\s*\(\s*(?P<wdp>{WEEKDAY})\s*\))?)(?!\w)"
)

WEEKDAY_EXPR = (
    rf"{CLITIC}(?P<t>(?:(?P<tod>{TIME_OF_DAY})\s+)?(?:(?P<yawm>يوم)\s+)?(?P<wd>{WEEKDAY})"
    rf"(?:\s+(?:(?P<bef>قبل)\s+)?(?P<dir>{DIRECTION}))?)(?!\w)"
)

RELATIVE_PERIOD = (
    rf"{CLITIC}(?P<t>(?:(?P<this>هذا|هذه)\s+)?(?P<unit>(?:ال|لل)(?:اسبوع|شهر|عام|سنه))"
    rf"(?:\s+(?:(?P<bef>قبل)\s+)?(?P<dir>{DIRECTION}))?)(?!\w)"
)
