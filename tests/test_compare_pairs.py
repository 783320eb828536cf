"""Verdicts on pairs of reports written for this project (tests/fixtures/verdict_pairs.jsonl).

Each case is two short reports run through ``compare_documents``; the claims named by a quote
from each must be aligned with the expected verdict ("agree|partial": either). Several cases a
class, with different words and entities, so that the tests check the class, not a sentence.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from marsad.model import Brief, Document
from marsad.pipeline import compare_documents

CASES = [
    json.loads(line)
    for line in (Path(__file__).parent / "fixtures" / "verdict_pairs.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip()
]


def _doc(side: dict, source: str) -> Document:
    published = date.fromisoformat(side["published"]) if side["published"] else None
    return Document.create(side["text"], title="", source=source, published=published)


def _claim(brief: Brief, doc: Document, quote: str) -> str:
    pos = doc.text.find(quote)
    assert pos >= 0, quote
    for claim in brief.claims:
        if claim.doc == doc.id and claim.start <= pos < claim.end:
            return claim.id
    raise AssertionError(f"no claim covers {quote!r}")


def _run(case: dict) -> tuple[Brief, Document, Document]:
    a, b = _doc(case["a"], "مصدر أ"), _doc(case["b"], "مصدر ب")
    return compare_documents([a, b]), a, b


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_pair_verdict(case: dict) -> None:
    brief, a, b = _run(case)
    ca = _claim(brief, a, case["a"]["quote"])
    cb = _claim(brief, b, case["b"]["quote"])
    found = [al for al in brief.alignments if set(al.claims) == {ca, cb}]
    assert found, f"not aligned: {[(al.claims, al.verdict, al.note) for al in brief.alignments]}"
    verdict, note = found[0].verdict, found[0].note
    assert verdict in case["kind"].split("|"), note
    for item in case.get("additions", []):
        assert item in note, note
    if "note" in case:
        assert case["note"] in note, note


def test_update_by_inference_sets_the_date_bound() -> None:
    case = next(c for c in CASES if c["id"] == "infer-unifil")
    brief, _, b = _run(case)
    assert [(x.doc, x.not_before) for x in brief.date_bounds] == [(b.id, "2019-11-01")]
    note = next(al.note for al in brief.alignments if al.verdict == "update")
    assert "نوفمبر 2019" in note and "2019-08-20" in note


def test_boilerplate_lines_make_no_claims() -> None:
    text = (
        "افتتح وزير الصحة مستشفى جديداً في مدينة الطائف بسعة 300 سرير.\n"
        "رابط الخبر: https://example.com/news/123\n"
        "المصدر: وكالة الأنباء السعودية\n"
        "كتب: محمد العتيبي\n"
        "ناصر الطميحي ـ الرياض\n"
        "اقرأ أيضاً: الوزير يتفقد المستشفيات\n"
    )
    other = "افتتح وزير الصحة مستشفى جديداً في مدينة الطائف بسعة 300 سرير."
    brief = compare_documents([Document.create(text), Document.create(other)])
    texts = [c.text for c in brief.claims]
    assert len(texts) == 2, texts
    assert brief.unique == []


@pytest.mark.parametrize(
    ("a", "b", "absent"),
    [
        (
            "واستقبل الوزير السفير الياباني وعقد معه اجتماعاً لبحث التعاون بين البلدين.",
            "واستقبل الوزير السفير الياباني لبحث التعاون بين البلدين.",
            "وعقد",
        ),
        (
            "وزار الأمير مدن الرياض وجدة وأشعرت الإمارة الأهالي بموعد الزيارة.",
            "وزار الأمير مدن الرياض وجدة.",
            "وأشعرت",
        ),
        (
            "والتقى الوزير رجال الأعمال وعدداً من المستثمرين في غرفة التجارة.",
            "والتقى الوزير رجال الأعمال في غرفة التجارة.",
            "عدد",
        ),
    ],
)
def test_list_additions_are_not_verbs_or_quantifiers(a: str, b: str, absent: str) -> None:
    brief = compare_documents([Document.create(a, published=date(2021, 1, 5)), Document.create(b)])
    notes = " ".join(al.note for al in brief.alignments)
    assert "lists more" not in notes or absent not in notes, notes


@pytest.mark.parametrize(
    ("text_a", "text_b", "contained"),
    [
        (
            "افتتح وزير الصحة في نوفمبر 2019 مستشفى جديدا في مدينة إربد.",
            "افتتح وزير الصحة عام 2019 مستشفى جديدا في مدينة إربد.",
            True,
        ),
        (
            "وعقد الوزير اليوم اجتماعا مع محافظ إربد لبحث أوضاع المستشفى الجديد.",
            "وعقد الوزير أمس اجتماعا مع محافظ إربد لبحث أوضاع المستشفى الجديد.",
            False,
        ),
    ],
)
def test_precision_note_only_when_one_time_lies_within_the_other(
    text_a: str, text_b: str, contained: bool
) -> None:
    a = Document.create(text_a, title="", source="مصدر أ", published=date(2019, 12, 17))
    b = Document.create(text_b, title="", source="مصدر ب", published=date(2019, 11, 12))
    brief = compare_documents([a, b])
    assert len(brief.alignments) == 1, brief.alignments
    note = brief.alignments[0].note
    assert brief.alignments[0].verdict in ("agree", "partial"), note
    assert ("lies within it" in note) == contained, note


def _verdicts(text_a: str, text_b: str, day_a: date, day_b: date) -> list[str]:
    a = Document.create(text_a, title="", source="مصدر أ", published=day_a)
    b = Document.create(text_b, title="", source="مصدر ب", published=day_b)
    return [al.verdict for al in compare_documents([a, b]).alignments]


def test_one_template_two_announcements_is_no_update() -> None:
    verdicts = _verdicts(
        "أعلنت وزارة الخدمة المدنية أسماء المتقدمات على الوظائف التعليمية في مدارس البنات "
        "المعلنة بتاريخ 4 مارس 2015 للمطابقة النهائية.",
        "أعلنت وزارة الخدمة المدنية أسماء المتقدمين على الوظائف الصحية في المستشفيات "
        "المعلنة بتاريخ 20 أبريل 2015 للمطابقة النهائية.",
        date(2015, 8, 6),
        date(2015, 8, 9),
    )
    assert not {"update", "conflict", "unclear"} & set(verdicts), verdicts


def test_one_event_dated_differently_is_still_flagged() -> None:
    verdicts = _verdicts(
        "وافتتح وزير الصحة المستشفى الجديد في مدينة الزرقاء يوم 4 مارس 2015.",
        "وافتتح وزير الصحة المستشفى الجديد في مدينة الزرقاء في 12 مارس 2015.",
        date(2015, 3, 13),
        date(2015, 3, 13),
    )
    assert verdicts == ["conflict"], verdicts
