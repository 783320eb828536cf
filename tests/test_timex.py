"""Arabic time expressions: spans over the original text and their ISO intervals."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.model import TimeExpr
from marsad.text.normalise import norm, normalise
from marsad.text.timex import find_timexes
from marsad.text.timex_calendar import (
    gregorian_to_hijri,
    hijri_month_interval,
    hijri_to_gregorian,
    tabular_gregorian_to_hijri,
    tabular_hijri_to_gregorian,
)
from marsad.text.timex_lexicon import month_names

THURSDAY = date(2024, 3, 14)


def check(text: str, published: date | None = THURSDAY) -> list[TimeExpr]:
    found = find_timexes(text, published)
    for te in found:
        assert text[te.start : te.end] == te.text
        assert te.value_start <= te.value_end
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    return found


def one(text: str, published: date | None = THURSDAY) -> TimeExpr:
    found = check(text, published)
    assert len(found) == 1, found
    return found[0]


def summary(te: TimeExpr) -> tuple[str, str, str, str]:
    return te.text, te.value_start, te.value_end, te.granularity


# --- absolute days ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "iso"),
    [
        ("وقعت الاتفاقية في 5 نوفمبر 2019 في جنيف.", "5 نوفمبر 2019", "2019-11-05"),
        ("عُقد الاجتماع في الخامس من نوفمبر 2019.", "الخامس من نوفمبر 2019", "2019-11-05"),
        (
            "وفي الحادي والعشرين من تشرين الأول 2020 أعلن",
            "الحادي والعشرين من تشرين الأول 2020",
            "2020-10-21",
        ),
        ("الجلسة يوم 3 من شهر آب عام 2021م.", "3 من شهر آب عام 2021م", "2021-08-03"),
        ("حدث ذلك في 30 جوان 2022", "30 جوان 2022", "2022-06-30"),
        ("صدر القرار بتاريخ 5/11/2019 عن المجلس", "5/11/2019", "2019-11-05"),
        ("صدر القرار بتاريخ 2019-11-05 عن المجلس", "2019-11-05", "2019-11-05"),
        ("صدر القرار بتاريخ ٥/١١/٢٠١٩ عن المجلس", "٥/١١/٢٠١٩", "2019-11-05"),
        ("صدر القرار بتاريخ ۵/۱۱/۲۰۱۹ عن المجلس", "۵/۱۱/۲۰۱۹", "2019-11-05"),
        ("in US order 11/25/2019 too", "11/25/2019", "2019-11-25"),
        ("الخميس 5 نوفمبر 2019: بدء المحادثات", "الخميس 5 نوفمبر 2019", "2019-11-05"),
        ("وصل يوم الأحد الموافق 10 مارس 2024 إلى", "يوم الأحد الموافق 10 مارس 2024", "2024-03-10"),
    ],
)
def test_absolute_days(text: str, span: str, iso: str) -> None:
    te = one(text, None)  # absolute dates need no report date
    assert summary(te) == (span, iso, iso, "day")
    assert not te.relative and te.calendar == "gregorian"


def test_impossible_day_falls_back_to_the_month() -> None:
    te = one("في 31 فبراير 2019", None)
    assert summary(te) == ("فبراير 2019", "2019-02-01", "2019-02-28", "month")
    assert check("الرقم 45/13/2019 غير صالح", None) == []


# --- months and years ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "first", "last"),
    [
        ("أعلن في نوفمبر 2019 أن", "نوفمبر 2019", "2019-11-01", "2019-11-30"),
        ("في نوفمبر من عام 2019 تولى", "نوفمبر من عام 2019", "2019-11-01", "2019-11-30"),
        ("في تشرين الثاني 2019 تولى", "تشرين الثاني 2019", "2019-11-01", "2019-11-30"),
        ("منذ شباط/فبراير 2020", "شباط/فبراير 2020", "2020-02-01", "2020-02-29"),
        ("منذ فبراير (شباط) 2020", "فبراير (شباط) 2020", "2020-02-01", "2020-02-29"),
        ("في يونيه 2020 صدر", "يونيه 2020", "2020-06-01", "2020-06-30"),
        ("في يوليه 2020 صدر", "يوليه 2020", "2020-07-01", "2020-07-31"),
        ("في إبريل 2018 صدر", "إبريل 2018", "2018-04-01", "2018-04-30"),
        ("في جانفي 2024 صدر", "جانفي 2024", "2024-01-01", "2024-01-31"),
        ("في فيفري 2022 صدر", "فيفري 2022", "2022-02-01", "2022-02-28"),
        ("في أفريل 2023 صدر", "أفريل 2023", "2023-04-01", "2023-04-30"),
        ("في ماي 2023 صدر", "ماي 2023", "2023-05-01", "2023-05-31"),
        ("في جويلية 2021 صدر", "جويلية 2021", "2021-07-01", "2021-07-31"),
        ("في أوت 2021 صدر", "أوت 2021", "2021-08-01", "2021-08-31"),
        ("في أيلول 2021 صدر", "أيلول 2021", "2021-09-01", "2021-09-30"),
    ],
)
def test_month_year(text: str, span: str, first: str, last: str) -> None:
    te = one(text, None)
    assert summary(te) == (span, first, last, "month")
    assert te.iso == first[:7]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("تأسست عام 2019 في", "عام 2019"),
        ("تأسست في 2019 في", "2019"),
        ("تأسست سنة ٢٠١٩ في", "سنة ٢٠١٩"),
        ("تأسست في العام 2019 في", "العام 2019"),
        ("تأسست سنة 2019م في", "سنة 2019م"),
        ("تأسست 2019 م في", "2019 م"),
        ("يعمل منذ 2019 في", "2019"),
        ("ويستمر حتى 2019.", "2019"),
        ("ارتفع خلال 2019 بنسبة", "2019"),
        ("بنسبة 11.8% في العام الماضي 2019م لتبلغ", "العام الماضي 2019م"),
    ],
)
def test_bare_years(text: str, span: str) -> None:
    te = one(text, None)
    assert summary(te) == (span, "2019-01-01", "2019-12-31", "year")
    assert te.iso == "2019"


@pytest.mark.parametrize(
    "text",
    [
        "قتل في الهجوم 2019 جنديا",
        "2019 جندي",
        "تبرع بمبلغ 1500 دولار",
        "في 1500 دولار",
        "سجلت 2500 إصابة",
        "الرقم 2019 هو",
        "الفوز 3 صفر",
        "مارس الضغوط على الحكومة",
        "وصل عدد الشهداء إلى 1200",
    ],
)
def test_numbers_and_words_that_are_not_times(text: str) -> None:
    assert check(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "قال الأمين العام السابق",
        "أكد المدعي العام الحالي",
        "هم بأمس الحاجة إلى المساعدة",
        "وفي اليوم التالي عاد",
        "احتفل باليوم الوطني",
        "أدى صلاة الجمعة في المسجد",
        "اتفق كلا الاثنين على",
        "في المرتبة الاثنين والعشرين",
        "عين اليوم – متابعات",
        "قالت صحيفة «اليوم» إن",
    ],
)
def test_relative_words_in_other_senses(text: str) -> None:
    assert check(text) == []


def test_ordinal_qualifying_a_noun_is_not_a_day() -> None:
    te = one("في الأسبوع الأول من نوفمبر 2019 بدأ", None)
    assert summary(te) == ("نوفمبر 2019", "2019-11-01", "2019-11-30", "month")
    te = one("تستمر إلى العاشر من أغسطس 2019", None)  # إلى is not a noun
    assert summary(te) == ("العاشر من أغسطس 2019", "2019-08-10", "2019-08-10", "day")


@pytest.mark.parametrize("name", sorted(n for n, v in month_names().items()))
def test_every_month_name(name: str) -> None:
    info = month_names()[name]
    if info.calendar == "gregorian":
        te = one(f"وفي 3 {name} 2020 أعلن", None)
        expected = date(2020, info.month, 3)
    else:
        te = one(f"وفي 3 {name} 1445 هـ أعلن", None)
        expected = hijri_to_gregorian(1445, info.month, 3)
        assert expected is not None
    assert te.value_start == te.value_end == expected.isoformat()
    assert te.calendar == info.calendar


def test_lexicon_covers_cldr_arabic_month_names() -> None:
    babel = pytest.importorskip("babel")
    names = month_names()
    for loc in (
        "ar",
        "ar_EG",
        "ar_SA",
        "ar_SY",
        "ar_IQ",
        "ar_LB",
        "ar_JO",
        "ar_DZ",
        "ar_TN",
        "ar_MA",
    ):
        for number, name in babel.Locale.parse(loc).months["format"]["wide"].items():
            entry = names.get(norm(name))
            assert entry is not None, (loc, name)
            assert (entry.calendar, entry.month) == ("gregorian", number)


# --- diacritics, tatweel and digits ---------------------------------------------------------------


def test_tatweel_and_diacritics_inside_names() -> None:
    te = one("في نوفمـــبر 2019 أعلن", None)
    assert summary(te) == ("نوفمـــبر 2019", "2019-11-01", "2019-11-30", "month")
    te = one("في تِشرينَ الثّاني ٢٠١٩ أعلن", None)
    assert summary(te) == ("تِشرينَ الثّاني ٢٠١٩", "2019-11-01", "2019-11-30", "month")


def test_final_tanwin_and_tatweel_stay_in_the_span() -> None:
    assert one("يصل غداً إلى").text == "غداً"
    assert one("في 15 رمضان 1445 هـ، أعلن", None).text == "15 رمضان 1445 هـ"


def test_passing_a_normalised_text_gives_the_same_result() -> None:
    text = "وصل أمسِ الخميسَ، وفي ١٥ رمضان ١٤٤٥هـ غادر؛ ثم في نوفمـبر 2019 عاد"
    assert find_timexes(text, THURSDAY, normalised=normalise(text)) == find_timexes(text, THURSDAY)


# --- Hijri -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "first", "last", "granularity"),
    [
        ("في 15 رمضان 1445 هـ بدأ", "15 رمضان 1445 هـ", "2024-03-25", "2024-03-25", "day"),
        ("خلال رمضان 1445هـ بدأ", "رمضان 1445هـ", "2024-03-11", "2024-04-09", "month"),
        ("في عام 1445 هـ بدأ", "عام 1445 هـ", "2023-07-19", "2024-07-06", "year"),
        ("في 1 شوال 1445 بدأ", "1 شوال 1445", "2024-04-10", "2024-04-10", "day"),
        ("في ذي الحجة 1444 هـ بدأ", "ذي الحجة 1444 هـ", "2023-06-19", "2023-07-18", "month"),
        (
            "في الرابع والعشرين من صفر 1407 توفي",
            "الرابع والعشرين من صفر 1407",
            "1986-10-27",
            "1986-10-27",
            "day",
        ),
        ("بتاريخ 15/9/1445هـ صدر", "15/9/1445هـ", "2024-03-25", "2024-03-25", "day"),
        ("بتاريخ 19/ 6/ 1436 صدر", "19/ 6/ 1436", "2015-04-08", "2015-04-08", "day"),
    ],
)
def test_hijri(text: str, span: str, first: str, last: str, granularity: str) -> None:
    te = one(text, None)
    assert summary(te) == (span, first, last, granularity)
    assert te.calendar == "hijri"


def test_hijri_relative_to_the_report() -> None:
    te = one("خلال شهر رمضان")  # the report is dated in Ramadan 1445
    assert (te.value_start, te.value_end, te.relative) == ("2024-03-11", "2024-04-09", True)
    te = one("رمضان المقبل")
    assert (te.value_start, te.value_end) == ("2025-03-01", "2025-03-29")
    te = one("ينطلق في 27 شوال الجاري", date(2015, 8, 6))
    assert (te.text, te.value_start) == ("27 شوال الجاري", "2015-08-12")


def test_tabular_calendar_matches_known_dates_and_umm_al_qura_closely() -> None:
    assert tabular_hijri_to_gregorian(1, 1, 1) == date(622, 7, 19)
    assert tabular_gregorian_to_hijri(date(622, 7, 19)) == (1, 1, 1)
    for year in range(1350, 1500, 7):
        for month in (1, 6, 9, 12):
            uq = hijri_to_gregorian(year, month, 1)
            assert uq is not None
            assert abs((tabular_hijri_to_gregorian(year, month, 1) - uq).days) <= 2
            assert gregorian_to_hijri(uq) == (year, month, 1)
    # Outside Umm al-Qura's table the tabular calendar takes over.
    first, last = hijri_month_interval(1300, 9) or (None, None)
    assert first == tabular_hijri_to_gregorian(1300, 9, 1)
    assert last is not None and 28 <= (last - first).days <= 29


# --- ranges ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "published", "span", "first", "last"),
    [
        ("من 12 إلى 14 مارس 2024 عقد", None, "من 12 إلى 14 مارس 2024", "2024-03-12", "2024-03-14"),
        ("بين 12 و14 مارس عقد", date(2024, 3, 20), "بين 12 و14 مارس", "2024-03-12", "2024-03-14"),
        ("خلال الفترة 12-14 مارس 2024 عقد", None, "12-14 مارس 2024", "2024-03-12", "2024-03-14"),
        ("من مارس إلى مايو 2024 عقد", None, "من مارس إلى مايو 2024", "2024-03-01", "2024-05-31"),
        (
            "من 28 فبراير إلى 3 مارس 2024 عقد",
            None,
            "من 28 فبراير إلى 3 مارس 2024",
            "2024-02-28",
            "2024-03-03",
        ),
        (
            "من ديسمبر 2019 إلى فبراير 2020 عقد",
            None,
            "من ديسمبر 2019 إلى فبراير 2020",
            "2019-12-01",
            "2020-02-29",
        ),
        (
            "من ديسمبر إلى فبراير 2020 عقد",
            None,
            "من ديسمبر إلى فبراير 2020",
            "2019-12-01",
            "2020-02-29",
        ),
        ("بين عامي 2019 و2021 عقد", None, "بين عامي 2019 و2021", "2019-01-01", "2021-12-31"),
        ("عمل من 1973 إلى 1975 ثم", None, "من 1973 إلى 1975", "1973-01-01", "1975-12-31"),
        ("منذ موسم 2004-2005 لم", None, "2004-2005", "2004-01-01", "2005-12-31"),
        (
            "في الفترة من 5 إلى 7 مايو 2024 عقد",
            None,
            "من 5 إلى 7 مايو 2024",
            "2024-05-05",
            "2024-05-07",
        ),
        ("يعقد يومي 20 و21 مايو 2024", None, "يومي 20 و21 مايو 2024", "2024-05-20", "2024-05-21"),
        (
            "من الخامس عشر من شوال وحتى السادس من ذي القعدة",
            date(2015, 8, 4),
            "من الخامس عشر من شوال وحتى السادس من ذي القعدة",
            "2015-07-31",
            "2015-08-21",
        ),
        (
            "كتب في الفترة ما بين 1379 - 1381هـ قصائد",
            None,
            "بين 1379 - 1381هـ",
            "1959-07-07",
            "1962-06-02",
        ),
    ],
)
def test_ranges(text: str, published: date | None, span: str, first: str, last: str) -> None:
    te = one(text, published)
    assert summary(te) == (span, first, last, "range")
    assert te.iso == f"{first}/{last}"


def test_two_months_joined_by_and_are_not_a_range() -> None:
    te = one("في مارس ومايو 2024", None)
    assert summary(te) == ("مايو 2024", "2024-05-01", "2024-05-31", "month")


def test_range_of_counts_is_not_a_range_of_years() -> None:
    assert check("من 1500 إلى 2000 جندي") == []


# --- relative expressions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "first", "last", "granularity"),
    [
        ("قال اليوم إن", "اليوم", "2024-03-14", "2024-03-14", "day"),
        ("قال أمس إن", "أمس", "2024-03-13", "2024-03-13", "day"),
        ("قال بالأمس إن", "الأمس", "2024-03-13", "2024-03-13", "day"),
        ("قال صباح أمس إن", "صباح أمس", "2024-03-13", "2024-03-13", "day"),
        ("قال أول أمس إن", "أول أمس", "2024-03-12", "2024-03-12", "day"),
        ("قال أول من أمس إن", "أول من أمس", "2024-03-12", "2024-03-12", "day"),
        ("يصل غدا إلى", "غدا", "2024-03-15", "2024-03-15", "day"),
        ("قال اليوم الخميس إن", "اليوم الخميس", "2024-03-14", "2024-03-14", "day"),
        ("قال أمس (الأربعاء) إن", "أمس (الأربعاء)", "2024-03-13", "2024-03-13", "day"),
        ("قال الخميس الماضي إن", "الخميس الماضي", "2024-03-07", "2024-03-07", "day"),
        ("قال الخميس إن", "الخميس", "2024-03-14", "2024-03-14", "day"),
        ("قال يوم الأحد إن", "يوم الأحد", "2024-03-10", "2024-03-10", "day"),
        ("يصل الأحد المقبل إلى", "الأحد المقبل", "2024-03-17", "2024-03-17", "day"),
        ("يصل يوم الخميس القادم إلى", "يوم الخميس القادم", "2024-03-21", "2024-03-21", "day"),
        ("قال الأسبوع الماضي إن", "الأسبوع الماضي", "2024-03-04", "2024-03-10", "range"),
        ("قال الشهر الماضي إن", "الشهر الماضي", "2024-02-01", "2024-02-29", "month"),
        ("قال في الشهر الجاري إن", "الشهر الجاري", "2024-03-01", "2024-03-31", "month"),
        ("قال العام الماضي إن", "العام الماضي", "2023-01-01", "2023-12-31", "year"),
        ("يصل العام المقبل إلى", "العام المقبل", "2025-01-01", "2025-12-31", "year"),
        ("قال في السنة الماضية إن", "السنة الماضية", "2023-01-01", "2023-12-31", "year"),
        ("قال هذا العام إن", "هذا العام", "2024-01-01", "2024-12-31", "year"),
        ("في الخامس من الشهر الجاري", "الخامس من الشهر الجاري", "2024-03-05", "2024-03-05", "day"),
        ("في 20 من الشهر الماضي", "20 من الشهر الماضي", "2024-02-20", "2024-02-20", "day"),
        ("في نوفمبر الماضي", "نوفمبر الماضي", "2023-11-01", "2023-11-30", "month"),
        ("يغادر يوم غدٍ الجمعة", "يوم غدٍ الجمعة", "2024-03-15", "2024-03-15", "day"),
        (
            "في اجتماع عقد الاثنين قبل الماضي",
            "الاثنين قبل الماضي",
            "2024-03-04",
            "2024-03-04",
            "day",
        ),
        ("قال في العام قبل الماضي إن", "العام قبل الماضي", "2022-01-01", "2022-12-31", "year"),
    ],
)
def test_relative(text: str, span: str, first: str, last: str, granularity: str) -> None:
    te = one(text)
    assert summary(te) == (span, first, last, granularity)
    assert te.relative


def test_day_names_of_events_are_not_dates_of_the_report_year() -> None:
    assert check("في ذكرى ثورة 25 يناير") == []
    assert summary(one("اندلعت ثورة 25 يناير 2011")) == (
        "25 يناير 2011",
        "2011-01-25",
        "2011-01-25",
        "day",
    )


def test_relative_expressions_are_left_out_without_a_report_date() -> None:
    text = "قال أمس إن الاجتماع عقد الخميس الماضي وفي 5 نوفمبر، بعد 5 نوفمبر 2019"
    found = check(text, None)
    assert [summary(te) for te in found] == [("5 نوفمبر 2019", "2019-11-05", "2019-11-05", "day")]
    assert len(check(text)) == 4


@pytest.mark.parametrize(
    ("published", "iso"),
    [
        (date(2019, 11, 20), "2019-11-05"),
        (date(2020, 1, 10), "2019-11-05"),  # the closest 5 November is in the previous year
        (date(2019, 10, 25), "2019-11-05"),
        (date(2019, 6, 1), "2018-11-05"),  # reports look back more often than ahead
    ],
)
def test_day_and_month_without_year_take_the_closest_year(published: date, iso: str) -> None:
    te = one("وقعت الحادثة في 5 نوفمبر", published)
    assert (te.text, te.value_start, te.relative) == ("5 نوفمبر", iso, True)


def test_month_past_and_next_relative_to_the_report() -> None:
    assert one("في نوفمبر الماضي", date(2019, 11, 20)).value_start == "2018-11-01"
    assert one("في نوفمبر الماضي", date(2019, 12, 2)).value_start == "2019-11-01"
    assert one("في نوفمبر المقبل", date(2019, 11, 20)).value_start == "2020-11-01"
    assert one("في نوفمبر", date(2020, 1, 10)).value_start == "2019-11-01"


def test_weekdays_resolve_on_or_before_the_report() -> None:
    for offset in range(7):
        pub = THURSDAY + timedelta(days=offset)
        te = one("قال يوم الثلاثاء إن", pub)
        d = date.fromisoformat(te.value_start)
        assert d.weekday() == 1 and 0 <= (pub - d).days < 7
        d = date.fromisoformat(one("قال الثلاثاء الماضي إن", pub).value_start)
        assert d.weekday() == 1 and 1 <= (pub - d).days <= 7
        d = date.fromisoformat(one("يصل الثلاثاء المقبل", pub).value_start)
        assert d.weekday() == 1 and 1 <= (d - pub).days <= 7


# --- a whole paragraph --------------------------------------------------------------------------


def test_paragraph_sorted_non_overlapping_longest() -> None:
    text = (
        "أعلنت الأمم المتحدة اليوم (الخميس) أن قوة اليونيفيل، التي تولى قائدها مهامه في "
        "نوفمبر 2019، ستواصل عملها حتى 31 آب/أغسطس 2025. وكان مجلس الأمن قد مدد ولايتها "
        "الأسبوع الماضي، بعد مشاورات جرت من 2 إلى 4 آذار 2024، علماً بأن 10000 جندي "
        "يخدمون فيها منذ عام 2006."
    )
    assert [te.text for te in check(text)] == [
        "اليوم (الخميس)",
        "نوفمبر 2019",
        "31 آب/أغسطس 2025",
        "الأسبوع الماضي",
        "من 2 إلى 4 آذار 2024",
        "عام 2006",
    ]


# --- properties ---------------------------------------------------------------------------------------

_PIECES = [
    "في", "من", "إلى", "بين", "و", "عام", "العام", "سنة", "منذ", "حتى", "خلال", "شهر", "يوم",
    "اليوم", "أمس", "غداً", "الخميس", "الأحد", "الماضي", "المقبل", "الجاري", "الأسبوع", "هـ", "م",
    "نوفمبر", "نوفمـــبر", "تِشرين", "الثاني", "كانون", "شباط/فبراير", "رمضان", "صفر", "ذو",
    "الحجة", "جوان", "آب", "الخامس", "والعشرين", "5", "31", "12", "2019", "٢٠١٩", "۱۴۴۵",
    "1445", "0", "/", "-", "(", ")", "،", ".", "%", "\u064e", "\u0651", "\u0640", "\u200f",
    "x", "قال", "جندي", "دولار",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_PIECES), st.sampled_from(["", " ", "  ", "\n"])),
        max_size=25,
    ),
    st.one_of(st.none(), st.dates(min_value=date(1950, 1, 1), max_value=date(2070, 12, 31))),
)
def test_spans_are_exact_sorted_and_non_overlapping(
    pieces: list[tuple[str, str]], published: date | None
) -> None:
    text = "".join(word + space for word, space in pieces)
    found = find_timexes(text, published)
    previous_end = 0
    for te in found:
        assert 0 <= previous_end <= te.start < te.end <= len(text)
        assert text[te.start : te.end] == te.text
        assert not te.text[0].isspace() and not te.text[-1].isspace()
        assert date.fromisoformat(te.value_start) <= date.fromisoformat(te.value_end)
        if published is None:
            assert not te.relative
        previous_end = te.end
