"""Arabic orthographic normalisation and its offset map back to the original text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from marsad.text.normalise import norm, normalise, normalise_char

# Characters that stress the normaliser: Arabic letters and their variants, diacritics,
# tatweel, digits of three systems, bidi and zero-width controls, punctuation, Latin, spaces.
ARABIC_HEAVY = (
    "ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآٱؤئىة"
    "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670\u0640"
    "0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
    "\u200e\u200f\u200b\u200c\u200d\u061c\u202a\u202b\u202c\u2066\u2069\ufeff\u00ad"
    "،؛؟٪٫٬«»“”.,;:!?\"'()-–— \n\t\u00a0"
    "AZaz İΣΟΔ ﺍﻟﺒﻴﺖﻻ"
)
texts = st.one_of(st.text(), st.text(alphabet=ARABIC_HEAVY, max_size=80))


@pytest.mark.parametrize(
    ("original", "expected"),
    [
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),  # alef and hamza forms
        ("مؤتمر رئيس", "موتمر رييس"),  # hamza on waw and yeh
        ("مستشفى على", "مستشفي علي"),  # alef maqsura
        ("المدينة المنورة", "المدينه المنوره"),  # ta marbuta
        ("مُحَمَّدٌ", "محمد"),  # diacritics
        ("الأمـــم", "الامم"),  # tatweel
        ("عام ٢٠١٩ و۱۴۴۰", "عام 2019 و1440"),  # Arabic-Indic and Persian digits
        ("نسبة ٣٫٥٪", "نسبه 3.5%"),  # Arabic decimal separator and percent
        ("قال، ثم؛ لماذا؟", "قال, ثم; لماذا?"),  # Arabic punctuation
        ("«نحن» “هنا”", '"نحن" "هنا"'),  # quotation marks
        ("\u200fالأمم\u200e \u202bالمتحدة\u202c", "الامم المتحده"),  # bidi controls
        ("کتاب فارسی", "كتاب فارسي"),  # Persian letter forms
        ("UNIFIL Un", "unifil un"),  # Latin case
        ("ﺍﻟﺒﻴﺖ", "البيت"),  # Arabic presentation forms
        ("ISTANBUL İstanbul", "istanbul istanbul"),  # one character for one
        ("2019–2020 — الآن", "2019-2020 - الان"),  # dashes
    ],
)
def test_folds(original: str, expected: str) -> None:
    assert normalise(original).text == expected
    assert norm(original) == expected


def test_offsets_map_back_over_diacritics_and_tatweel() -> None:
    text = "قالَ الأمـينُ العامُّ"
    n = normalise(text)
    assert n.text == "قال الامين العام"
    start = n.text.index("الامين")
    o_start, o_end = n.to_original(start, start + len("الامين"))
    assert text[o_start:o_end] == "الأمـين"  # tatweel inside is covered; the final damma is not
    # the covered original span normalises back to exactly the normalised slice
    assert "".join(normalise_char(c) for c in text[o_start:o_end]) == "الامين"


def test_to_original_edges() -> None:
    text = "\u200fمحمد\u200f"
    n = normalise(text)
    assert n.text == "محمد"
    assert n.to_original(0, 4) == (1, 5)
    assert n.to_original(2, 2) == (3, 3)  # empty span stays empty, at its position
    assert n.to_original(4, 4) == (len(text), len(text))  # at the end
    assert n.to_original(0, 99) == (1, 5)  # end clamped
    assert n.original_length == len(text)


def test_empty_and_all_dropped() -> None:
    assert normalise("").text == ""
    n = normalise("\u064e\u0640\u200f")
    assert n.text == "" and n.offsets == ()
    assert n.to_original(0, 0) == (3, 3)


def test_norm_collapses_whitespace() -> None:
    assert norm("  الأمم \t\u00a0 المتحدة \n") == "الامم المتحده"


def test_norm_matches_normalise() -> None:
    text = " «الأمينُ»\u00a0\u00a0العام  ٢٠١٩ "
    assert norm(text) == re.sub(r"\s+", " ", normalise(text).text).strip()


@settings(max_examples=300, deadline=None)
@given(texts)
def test_every_normalised_char_maps_to_its_source(text: str) -> None:
    n = normalise(text)
    assert len(n.offsets) == len(n.text)
    assert n.original_length == len(text)
    # offsets strictly increase and stay inside the original
    assert all(a < b for a, b in zip(n.offsets, n.offsets[1:], strict=False))
    assert all(0 <= o < len(text) for o in n.offsets)
    # each normalised character is the normalisation of the original character it maps to
    for ch, o in zip(n.text, n.offsets, strict=True):
        assert normalise_char(text[o]) == ch
    # and every original character that is not dropped is there
    kept = [i for i, c in enumerate(text) if normalise_char(c)]
    assert list(n.offsets) == kept


@settings(max_examples=200, deadline=None)
@given(texts, st.integers(0, 100), st.integers(0, 100))
def test_to_original_covers_exactly_the_span(text: str, a: int, b: int) -> None:
    n = normalise(text)
    start, end = sorted((min(a, len(n.text)), min(b, len(n.text))))
    o_start, o_end = n.to_original(start, end)
    assert 0 <= o_start <= o_end <= len(text)
    covered = "".join(normalise_char(c) for c in text[o_start:o_end])
    assert covered == n.text[start:end]


@settings(max_examples=200, deadline=None)
@given(texts)
def test_normalise_char_is_one_char_or_nothing(text: str) -> None:
    for c in text:
        assert len(normalise_char(c)) <= 1
    assert normalise(normalise(text).text).text == normalise(text).text  # idempotent
