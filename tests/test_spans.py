"""Every span in a brief points at exactly the words it records (the original text is sacred)."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marsad.brief.serialise import brief_to_dict
from marsad.demo import sample_story_paths
from marsad.ingest import Rejected, read_paths
from marsad.model import Brief, Document
from marsad.pipeline import analyse, compare_documents

FRAGMENTS = [
    "قال الأمين العام للأمم المتحدة أنطونيو غوتيريش",
    "إن المحادثات",
    "في نوفمبر ٢٠١٩",
    "عام 2019",
    "اليوم الخميس",
    "أمس",
    "من 12 إلى 14 مارس 2024",
    "الجنرال الأمريكي مارك ميلي",
    "الوكالة الدولية للطاقة الذرية (IAEA)",
    "وزارة الصحة",
    "لم تؤكد",
    "«نحن هنا»",
    "١٥ رمضان ١٤٤٥ هـ",
    "كانون الثاني 2020",
    "فيفري 2021",
    "المنطقة.وأكد",
    "د. محمد",
    "3.5 مليار دولار",
    "ـــ",
    "\u200f",
    "ً",
    "،",
    "؛",
    "؟",
    ".",
    "\n\n",
    " ",
]


def assert_spans_exact(brief: Brief) -> None:
    texts = {d.id: d.text for d in brief.documents}
    for entity in brief.entities:
        for m in entity.mentions:
            assert texts[m.doc][m.start : m.end] == m.text
        for attr in entity.attributes:
            doc_texts = [t for t in texts.values() if t[attr.start : attr.end] == attr.text]
            assert doc_texts, attr
    for claim in brief.claims:
        text = texts[claim.doc]
        assert text[claim.start : claim.end] == claim.text
        for m in claim.mentions:
            assert text[m.start : m.end] == m.text
        if claim.time is not None:
            assert text[claim.time.start : claim.time.end] == claim.time.text
    data = brief_to_dict(brief)
    for entity in data["entities"]:
        for m in entity["mentions"]:
            assert texts[m["doc"]][m["start"] : m["end"]] == m["text"]
    for claim in data["claims"]:
        assert texts[claim["doc"]][claim["start"] : claim["end"]] == claim["text"]


def test_sample_briefs_spans_exact() -> None:
    for files in sample_story_paths().values():
        docs = [d for d in read_paths([str(f) for f in files]) if not isinstance(d, Rejected)]
        brief = compare_documents(docs)
        assert brief.claims
        assert_spans_exact(brief)
        for doc in docs:
            analysis = analyse(doc)
            for t in analysis.timexes:
                assert doc.text[t.start : t.end] == t.text
            for tok in analysis.tokens:
                assert doc.text[tok.start : tok.end] == tok.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.lists(
            st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=8)), min_size=1, max_size=30
        ),
        min_size=2,
        max_size=3,
    ),
    st.one_of(st.none(), st.dates(min_value=date(2000, 1, 1), max_value=date(2030, 12, 31))),
)
def test_generated_briefs_spans_exact(parts: list[list[str]], published: date | None) -> None:
    docs = [
        Document.create(" ".join(p) + f" {i}", source=f"s{i}", published=published if i else None)
        for i, p in enumerate(parts)
    ]
    brief = compare_documents(docs)
    assert_spans_exact(brief)
