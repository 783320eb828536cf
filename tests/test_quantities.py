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
