"""Quantities in claims: digits, scale words and cardinals written out, keyed by what they count."""

from __future__ import annotations

import pytest

from marsad.compare.features import counted, quantities
from marsad.text.segment import tokenize
from marsad.text.wordlists import stopwords, synonym_map


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("أصيب 17 مهاجرا في الحادث", [17.0]),
        ("بلغ عدد المستفيدين مليون و300 ألف طفل", [1_300_000.0]),
        ("قتل خمسة عشر شخصا في الانفجار", [15.0]),
        ("وصل ثلاثة وعشرون لاجئا إلى الميناء", [23.0]),
        ("تبرعت الدولة بثلاثة ملايين دولار", [3_000_000.0]),
        ("نقل مصابان اثنان إلى المستشفى", [2.0]),
        ("قال الوزير إن الحكومة ستواصل العمل", []),
    ],
)
def test_quantities_in_words_and_digits(text: str, expected: list[float]) -> None:
    assert quantities(tokenize(text)) == expected


def _counted(text: str) -> dict[str, str]:
    return counted(tokenize(text), synonym_map(), stopwords())


def test_two_follows_the_noun_it_counts() -> None:
    after = _counted("ولا يزال البحث جاريا عن مفقودين اثنين")
    before = _counted("ولا يزال البحث جاريا عن 5 مفقودين")
    shared = after.keys() & before.keys()
    assert shared, (after, before)
    noun = shared.pop()
    assert (after[noun], before[noun]) == ("2", "5")


def test_three_to_ten_precede_the_noun() -> None:
    words = _counted("انتشلت فرق الإنقاذ سبعة مهاجرين من المياه")
    digits = _counted("انتشلت فرق الإنقاذ 7 مهاجرين من المياه")
    assert words == digits
    assert "7" in words.values()


@pytest.mark.parametrize(
    ("text", "hedge"),
    [
        ("انقلب قارب يقل أكثر من 600 شخص قبالة السواحل الليبية", "more"),
        ("انقلب قارب يقل نحو 700 شخص قبالة السواحل الليبية", "about"),
        ("انقلب قارب يقل ما يزيد على 600 شخص قبالة السواحل", "more"),
        ("وصل عدد المصابين إلى أقل من 30 مصابا في الحادث", "less"),
        ("انقلب قارب يقل 700 شخص قبالة السواحل الليبية", ""),
    ],
)
def test_hedges_on_figures(text: str, hedge: str) -> None:
    from marsad.compare.features import counted_with_hedges

    by_noun, hedges = counted_with_hedges(tokenize(text), synonym_map(), stopwords())
    assert by_noun, text
    assert list(hedges.values())[0] == hedge


@pytest.mark.parametrize(
    ("a", "b", "compatible"),
    [
        (("600", "more"), ("700", "about"), True),
        (("400", "about"), ("370", ""), True),
        (("600", "about"), ("500", "about"), False),
        (("17", ""), ("21", ""), False),
        (("30", "less"), ("25", ""), True),
        (("30", "less"), ("45", "more"), False),
    ],
)
def test_hedged_figures_compatible(a: tuple, b: tuple, compatible: bool) -> None:
    from marsad.compare.features import figures_compatible

    assert figures_compatible(a[0], a[1], b[0], b[1]) is compatible


def test_accusative_and_plain_noun_are_one_counted_noun() -> None:
    a = _counted("أنقذت السفن أكثر من 370 شخصاً من القارب")
    b = _counted("أنقذت السفن نحو 400 شخص من القارب")
    assert a.keys() == b.keys()
