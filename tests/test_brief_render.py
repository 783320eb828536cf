"""The brief's JSON contract (marsad.brief/1) and its Markdown and HTML renderers."""

from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from markdown_it import MarkdownIt

from marsad.brief.html import to_html
from marsad.brief.markdown import md_escape, to_markdown
from marsad.brief.serialise import (
    BriefValidationError,
    brief_from_dict,
    brief_to_dict,
    load_schema,
    validate_brief,
)
from marsad.model import (
    VERDICTS,
    Alignment,
    Attribute,
    Brief,
    Claim,
    Document,
    Entity,
    Mention,
    Slot,
    Span,
    TimeExpr,
    TimelineEvent,
)

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"

TEXT_A = (
    "بيروت - عقدت قوة الأمم المتحدة المؤقتة في لبنان محادثات مع قيادة الجيش اللبناني في نوفمبر 2019. "
    "ويقود البعثة حاليًا اللواء الإيطالي ستيفانو ديل كول.\n"
    "وقال المتحدث باسم اليونيفيل إن الوضع على الخط الأزرق هادئ. "
    "وتضم القوة نحو 10 آلاف جندي من 45 دولة. "
    "وأفاد مصدر أمني بأن الدوريات المشتركة ستُستأنف الأسبوع المقبل. "
    "وزار الوفد بلدة الناقورة حيث مقر القيادة العامة."
)
TEXT_B = (
    "أجرت اليونيفيل مباحثات مع الجيش اللبناني عام 2019. "
    "ويتولى قيادة البعثة الجنرال الإسباني أرولدو لاثارو. "
    "وأوضح المتحدث باسم البعثة أن الهدوء يسود الخط الأزرق رغم خروقات جوية محدودة. "
    "ويبلغ عدد جنود القوة نحو 12 ألف جندي. "
    "ولم يحدد المصدر موعد استئناف الدوريات المشتركة. "
    f"ونشر حساب مجهول تعليقًا نصه {SCRIPT} و{IMG} على صفحة البعثة. "
    "وكانت البعثة قد أُنشئت عام 1978."
)

# (claim id, document, exact sentence) — every sentence is searched for in its document.
SENTENCES = [
    (
        "a1",
        "A",
        "عقدت قوة الأمم المتحدة المؤقتة في لبنان محادثات مع قيادة الجيش اللبناني في نوفمبر 2019.",
    ),
    ("a2", "A", "ويقود البعثة حاليًا اللواء الإيطالي ستيفانو ديل كول."),
    ("a3", "A", "وقال المتحدث باسم اليونيفيل إن الوضع على الخط الأزرق هادئ."),
    ("a4", "A", "وتضم القوة نحو 10 آلاف جندي من 45 دولة."),
    ("a5", "A", "وأفاد مصدر أمني بأن الدوريات المشتركة ستُستأنف الأسبوع المقبل."),
    ("a6", "A", "وزار الوفد بلدة الناقورة حيث مقر القيادة العامة."),
    ("b1", "B", "أجرت اليونيفيل مباحثات مع الجيش اللبناني عام 2019."),
    ("b2", "B", "ويتولى قيادة البعثة الجنرال الإسباني أرولدو لاثارو."),
    ("b3", "B", "وأوضح المتحدث باسم البعثة أن الهدوء يسود الخط الأزرق رغم خروقات جوية محدودة."),
    ("b4", "B", "ويبلغ عدد جنود القوة نحو 12 ألف جندي."),
    ("b5", "B", "ولم يحدد المصدر موعد استئناف الدوريات المشتركة."),
    ("b6", "B", f"ونشر حساب مجهول تعليقًا نصه {SCRIPT} و{IMG} على صفحة البعثة."),
    ("b7", "B", "وكانت البعثة قد أُنشئت عام 1978."),
]
NOTES = {
    "agree": "الجملتان تقولان الشيء نفسه بعبارتين مختلفتين.",
    "partial": "تضيف الثانية خروقات جوية لا تذكرها الأولى.",
    "conflict": "عددان مختلفان للجنود عن الفترة نفسها.",
    "update": "قائدان مختلفان في تاريخين مختلفين: الأحدث يحل محل الأقدم.",
    "unclear": "لا يمكن الحكم على موعد استئناف الدوريات.",
}
PAIRS = {
    "agree": ("a1", "b1"),
    "partial": ("a3", "b3"),
    "conflict": ("a4", "b4"),
    "update": ("a2", "b2"),
    "unclear": ("a5", "b5"),
}


def _find(text: str, needle: str, after: int = 0) -> tuple[int, int]:
    start = text.index(needle, after)
    return start, start + len(needle)


def _mention(doc: Document, needle: str, type_: str, entity: str, **kw) -> Mention:
    start, end = _find(doc.text, needle)
    return Mention(doc.id, start, end, needle, type_, norm=needle, entity=entity, **kw)


def _time(doc: Document, needle: str, first: str, last: str, granularity: str) -> TimeExpr:
    start, end = _find(doc.text, needle)
    return TimeExpr(start, end, needle, first, last, granularity)  # type: ignore[arg-type]


def make_brief() -> Brief:
    doc_a = Document.create(
        TEXT_A,
        title="اليونيفيل تبحث مع الجيش اللبناني",
        source="الوكالة الوطنية",
        published=date(2019, 11, 5),
        path="a.txt",
        url="https://example.org/a",
    )
    doc_b = Document.create(
        TEXT_B,
        title="مباحثات بين اليونيفيل والجيش",
        source="صحيفة الشرق | المسائية",
        published=date(2019, 12, 20),
        path="b.txt",
    )
    docs = {"A": doc_a, "B": doc_b}

    rank_a = Attribute("rank", "لواء", *_find(TEXT_A, "اللواء"), "اللواء")
    nat_a = Attribute("nationality", "ايطالي", *_find(TEXT_A, "الإيطالي"), "الإيطالي")
    rank_b = Attribute("rank", "جنرال", *_find(TEXT_B, "الجنرال"), "الجنرال", date="2019-12-20")
    unifil_mentions = [
        _mention(doc_a, "قوة الأمم المتحدة المؤقتة في لبنان", "ORG", "e-unifil"),
        _mention(doc_a, "اليونيفيل", "ORG", "e-unifil"),
        _mention(doc_b, "اليونيفيل", "ORG", "e-unifil"),
    ]
    del_col = _mention(doc_a, "ستيفانو ديل كول", "PER", "e-delcol", attributes=[rank_a, nat_a])
    lazaro = _mention(doc_b, "أرولدو لاثارو", "PER", "e-lazaro", attributes=[rank_b])
    army = [
        _mention(doc_a, "الجيش اللبناني", "ORG", "e-army"),
        _mention(doc_b, "الجيش اللبناني", "ORG", "e-army"),
    ]
    entities = [
        Entity(
            "e-unifil",
            "ORG",
            "قوة الأمم المتحدة المؤقتة في لبنان",
            ["اليونيفيل", "UNIFIL"],
            unifil_mentions,
        ),
        Entity("e-delcol", "PER", "ستيفانو ديل كول", [], [del_col], [rank_a, nat_a]),
        Entity("e-lazaro", "PER", "أرولدو لاثارو", [], [lazaro], [rank_b]),
        Entity("e-army", "ORG", "الجيش اللبناني", [], army),
    ]

    times = {
        "a1": _time(doc_a, "نوفمبر 2019", "2019-11-01", "2019-11-30", "month"),
        "b1": _time(doc_b, "عام 2019", "2019-01-01", "2019-12-31", "year"),
        "b7": _time(doc_b, "عام 1978", "1978-01-01", "1978-12-31", "year"),
    }
    mentions_of = {
        "a1": [unifil_mentions[0], army[0]],
        "a2": [del_col],
        "a3": [unifil_mentions[1]],
        "b1": [unifil_mentions[2], army[1]],
        "b2": [lazaro],
    }
    claims = []
    for cid, key, sentence in SENTENCES:
        doc = docs[key]
        start, end = _find(doc.text, sentence)
        ms = mentions_of.get(cid, [])
        claims.append(
            Claim(
                cid,
                doc.id,
                start,
                end,
                sentence,
                mentions=ms,
                entities=sorted({m.entity for m in ms if m.entity}),
                time=times.get(cid),
            )
        )
    by_id = {c.id: c for c in claims}
    by_id["b5"].negated = True
    subj = by_id["b2"].mentions[0]
    by_id["b2"].slots = [Slot("commander", object=Span(subj.doc, subj.start, subj.end, subj.text))]

    alignments = [
        Alignment(list(PAIRS[v]), v, NOTES[v], 0.5 + i / 10)
        for i, v in enumerate(["agree", "partial", "conflict", "update", "unclear"])
    ]
    timeline = [
        TimelineEvent("1978", by_id["b7"].text, ["b7"]),
        TimelineEvent("2019", by_id["b1"].text, ["b1"]),
        TimelineEvent("2019-11", by_id["a1"].text, ["a1"]),
    ]
    return Brief([doc_a, doc_b], entities, claims, alignments, ["a6", "b6", "b7"], timeline)


@pytest.fixture
def brief() -> Brief:
    return make_brief()


# --- JSON ----------------------------------------------------------------------------------


def test_fixture_spans_are_exact(brief: Brief) -> None:
    texts = {d.id: d.text for d in brief.documents}
    for c in brief.claims:
        assert texts[c.doc][c.start : c.end] == c.text


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = load_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(schema)


def test_serialised_brief_follows_the_contract(brief: Brief) -> None:
    data = json.loads(json.dumps(brief_to_dict(brief), ensure_ascii=False))
    validate_brief(data)
    assert data["schema"] == "marsad.brief/1"
    assert [d["published"] for d in data["documents"]] == ["2019-11-05", "2019-12-20"]
    a1 = next(c for c in data["claims"] if c["id"] == "a1")
    assert a1["time"]["start"] == "2019-11-01" and a1["time"]["end"] == "2019-11-30"
    assert a1["time"]["text"] == "نوفمبر 2019" and a1["time"]["iso"] == "2019-11"
    text_a = data["documents"][0]["text"]
    span = a1["time"]["span"]
    assert text_a[span[0] : span[1]] == "نوفمبر 2019"
    assert a1["entities"] == ["e-army", "e-unifil"]
    assert next(c for c in data["claims"] if c["id"] == "b5")["negated"] is True
    assert next(c for c in data["claims"] if c["id"] == "a4")["time"] is None
    # Attributes carry the document their span indexes, taken from their mention.
    del_col = next(e for e in data["entities"] if e["id"] == "e-delcol")
    doc_a = data["documents"][0]["id"]
    assert {(a["kind"], a["text"], a["doc"]) for a in del_col["attributes"]} == {
        ("rank", "اللواء", doc_a),
        ("nationality", "الإيطالي", doc_a),
    }
    texts = {d["id"]: d["text"] for d in data["documents"]}
    for e in data["entities"]:
        for a in e["attributes"]:
            assert texts[a["doc"]][a["start"] : a["end"]] == a["text"]
    assert {a["verdict"] for a in data["alignments"]} == set(VERDICTS)


def test_round_trip_is_lossless(brief: Brief) -> None:
    data = json.loads(json.dumps(brief_to_dict(brief)))
    assert brief_from_dict(data) == brief


def test_round_trip_without_text_keeps_everything_but_the_text(brief: Brief) -> None:
    data = brief_to_dict(brief, include_text=False)
    assert all("text" not in d for d in data["documents"])
    validate_brief(data)
    back = brief_from_dict(data)
    assert [d.text for d in back.documents] == ["", ""]
    assert back.documents == [replace(d, text="") for d in brief.documents]
    assert back.claims == brief.claims and back.entities == brief.entities


def test_undated_document_serialises_to_null(brief: Brief) -> None:
    brief.documents[1].published = None
    data = brief_to_dict(brief)
    validate_brief(data)
    assert data["documents"][1]["published"] is None
    assert brief_from_dict(data).documents[1].published is None


CONTRACT = {
    "documents": ["id", "title", "source", "published", "path"],
    "entities": ["id", "type", "name", "aliases", "mentions"],
    "claims": ["id", "doc", "start", "end", "text", "entities", "time"],
    "alignments": ["claims", "verdict", "note"],
    "timeline": ["date", "text", "claims"],
}


@pytest.mark.parametrize(
    "section,member", [(s, m) for s, members in CONTRACT.items() for m in members]
)
def test_every_contract_member_is_required(brief: Brief, section: str, member: str) -> None:
    data = brief_to_dict(brief)
    del data[section][0][member]
    with pytest.raises(BriefValidationError, match=rf"{section}\[0\]"):
        validate_brief(data)


@pytest.mark.parametrize(
    "field", ["documents", "entities", "claims", "alignments", "unique", "timeline", "schema"]
)
def test_missing_top_level_field_fails(brief: Brief, field: str) -> None:
    data = brief_to_dict(brief)
    del data[field]
    with pytest.raises(BriefValidationError, match=field):
        validate_brief(data)


@pytest.mark.parametrize("verdict", ["disagree", "AGREE", "", None])
def test_bad_verdict_fails(brief: Brief, verdict: object) -> None:
    data = brief_to_dict(brief)
    data["alignments"][2]["verdict"] = verdict
    with pytest.raises(BriefValidationError, match=r"alignments\[2\]\.verdict"):
        validate_brief(data)


@pytest.mark.parametrize(
    "published", ["2019-13-01", "2019-02-30", "05/11/2019", "2019-11", 20191105]
)
def test_bad_published_date_fails(brief: Brief, published: object) -> None:
    data = brief_to_dict(brief)
    data["documents"][0]["published"] = published
    with pytest.raises(BriefValidationError, match=r"documents\[0\]\.published"):
        validate_brief(data)


def test_additional_fields_are_allowed(brief: Brief) -> None:
    data = brief_to_dict(brief)
    data["notes"] = "ملخص"
    data["stories"] = [{"id": "s1"}]
    data["facts"] = []
    data["claims"][0]["confidence"] = 0.9
    validate_brief(data)


def test_references_and_spans_are_checked(brief: Brief) -> None:
    data = brief_to_dict(brief)
    data["unique"].append("no-such-claim")
    data["alignments"][0]["claims"][1] = "ghost"
    data["claims"][0]["start"] += 1
    data["claims"][1]["entities"].append("e-missing")
    with pytest.raises(BriefValidationError) as err:
        validate_brief(data)
    problems = "\n".join(err.value.problems)
    assert "'no-such-claim'" in problems and "'ghost'" in problems
    assert "claims[0]: text[" in problems and "'e-missing'" in problems
    assert len(err.value.problems) == 4


def test_brief_from_dict_rejects_invalid_input(brief: Brief) -> None:
    data = brief_to_dict(brief)
    data["alignments"][0]["verdict"] = "maybe"
    with pytest.raises(BriefValidationError):
        brief_from_dict(copy.deepcopy(data))


# --- Markdown ------------------------------------------------------------------------------


def test_markdown_puts_disagreements_before_agreements(brief: Brief) -> None:
    md = to_markdown(brief)
    texts = {c.id: md_escape(c.text) for c in brief.claims}
    first_agreement = min(md.index(texts[c]) for v in ("agree", "partial") for c in PAIRS[v])
    for v in ("conflict", "update", "unclear"):
        for cid in PAIRS[v]:
            assert md.index(texts[cid]) < first_agreement
        assert md.index(md_escape(NOTES[v])) < first_agreement
    assert md.index("## نقاط الخلاف") < md.index("## نقاط الاتفاق") < md.index("## إضافات")
    assert md.index("## إضافات") < md.index("## الخط الزمني")
    assert (
        md.index("تعارض · conflict") < md.index("تحديث · update") < md.index("غير محسوم · unclear")
    )


def test_markdown_quotes_claims_with_source_and_date(brief: Brief) -> None:
    md = to_markdown(brief)
    b4 = next(c for c in brief.claims if c.id == "b4")
    line = next(ln for ln in md.splitlines() if md_escape(b4.text) in ln)
    assert "[2]" in line and "2019-12-20" in line and "صحيفة الشرق" in line
    assert f"«{md_escape(b4.text)}»" in line
    # Each source's additions are listed under it.
    additions = md[md.index("## إضافات") : md.index("## الخط الزمني")]
    assert md_escape(next(c.text for c in brief.claims if c.id == "a6")) in additions
    assert "1978" in md[md.index("## الخط الزمني") :]


def test_markdown_is_inert_and_renders_the_exact_text(brief: Brief) -> None:
    md = to_markdown(brief)
    assert SCRIPT not in md and IMG not in md
    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    assert "<script" not in rendered and "<img" not in rendered
    assert html.escape(SCRIPT, quote=False) in rendered
    # The "|" in an outlet's name does not split the sources table.
    rows = [r for r in rendered.split("<tr>") if "صحيفة الشرق" in r]
    assert rows and rows[0].count("<td>") == 4


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("ابتثجحخدذرسشصضطظعغفقكلمنهوي ءآأؤإئةى١٢٣0123456789 «»،؛؟")
            + list("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
        ),
        min_size=1,
        max_size=40,
    ).filter(lambda s: s.strip() == s and s)
)
@example("&amp; &#35; &lt;b&gt;")
@example("**bold** _it_ `code` [link](x) ~~del~~ <b>")
def test_md_escape_renders_as_the_exact_characters(text: str) -> None:
    rendered = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    out = rendered.render(f"- «{md_escape(text)}»")
    assert (
        out
        == f"<ul>\n<li>«{html.escape(text, quote=True).replace('&#x27;', chr(39))}»</li>\n</ul>\n"
    )


# --- HTML ----------------------------------------------------------------------------------


class _Page(HTMLParser):
    """Collects tags, attributes and each claim's visible quote."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.quotes: list[str] = []
        self._quote: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "blockquote":
            self._quote = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "blockquote" and self._quote is not None:
            self.quotes.append("".join(self._quote))
            self._quote = None

    def handle_data(self, data: str) -> None:
        if self._quote is not None:
            self._quote.append(data)


def _parse(page: str) -> _Page:
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


def test_html_is_rtl_arabic_and_self_contained(brief: Brief) -> None:
    page = to_html(brief)
    parsed = _parse(page)
    root = next(attrs for tag, attrs in parsed.tags if tag == "html")
    assert root["lang"] == "ar" and root["dir"] == "rtl"
    names = {tag for tag, _ in parsed.tags}
    assert not names & {"script", "img", "link", "iframe", "object", "embed"}
    assert all(not k.startswith("on") for _, attrs in parsed.tags for k in attrs)
    assert "url(" not in page and "@import" not in page
    # The only links are in-page anchors and the document's own (http) address.
    hrefs = [attrs["href"] for tag, attrs in parsed.tags if tag == "a"]
    assert all(h.startswith("#") or h == "https://example.org/a" for h in hrefs)
    assert "Noto Naskh Arabic" in page and "@media print" in page


def test_html_rows_carry_each_verdict_and_disagreements_come_first(brief: Brief) -> None:
    page = to_html(brief)
    rows = [
        attrs["class"].split()[1]
        for tag, attrs in _parse(page).tags
        if tag == "tr" and "row" in (attrs.get("class") or "").split()
    ]
    assert sorted(rows[:-1]) == sorted(f"v-{v}" for v in VERDICTS) and rows[-1] == "v-additions"
    assert rows[:3] == ["v-conflict", "v-update", "v-unclear"]
    for ar, en in [
        ("اتفاق", "agree"),
        ("اتفاق جزئي", "partial"),
        ("تعارض", "conflict"),
        ("تحديث", "update"),
        ("غير محسوم", "unclear"),
        ("إضافات", "additions"),
    ]:
        assert ar in page and en in page


def test_html_claims_show_exact_text_with_provenance(brief: Brief) -> None:
    parsed = _parse(to_html(brief))
    figures = [a for t, a in parsed.tags if t == "figure" and "claim" in (a.get("class") or "")]
    shown = set(parsed.quotes)
    labels = {
        brief.documents[0].id: ("الوكالة الوطنية", "2019-11-05"),
        brief.documents[1].id: ("صحيفة الشرق | المسائية", "2019-12-20"),
    }
    for claim in brief.claims:
        if claim.id not in {c for pair in PAIRS.values() for c in pair} | set(brief.unique):
            continue
        assert claim.text in shown, claim.id
        source, day = labels[claim.doc]
        titles = [f["title"] for f in figures if f"«{claim.text}»" in (f["title"] or "")]
        assert titles and source in titles[0] and day in titles[0]
    assert all(f["tabindex"] == "0" for f in figures)
    # In an update the claim from the later report is marked as the latest.
    latest = [f for f in figures if "latest" in f["class"].split()]
    b2 = next(c for c in brief.claims if c.id == "b2")
    assert len(latest) == 1 and f"«{b2.text}»" in latest[0]["title"]


def test_html_escapes_untrusted_article_text(brief: Brief) -> None:
    brief.documents[1].title = f"عنوان {SCRIPT}"
    brief.alignments[0].note = f"ملاحظة {IMG}"
    brief.entities[0].aliases.append(SCRIPT)
    page = to_html(brief)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    # The escaped claim still reads, as text, exactly as in the report.
    b6 = next(c for c in brief.claims if c.id == "b6")
    assert b6.text in _parse(page).quotes


def test_html_refuses_script_urls(brief: Brief) -> None:
    brief.documents[0].url = "javascript:alert(1)"
    page = to_html(brief)
    assert "javascript:" not in page


def test_html_sections_and_undated_report(brief: Brief) -> None:
    brief.documents[1].published = None
    page = to_html(brief)
    assert "بلا تاريخ" in page
    # No claim is marked latest when one report is undated.
    assert not re.search(r'class="claim latest"', page)
    for heading in ("الخط الزمني", "الكيانات", "إضافات كل مصدر", "نقاط الخلاف", "نقاط الاتفاق"):
        assert heading in page
    # The entity table shows attributes with the report they came from.
    assert 'رتبة: <bdi>اللواء</bdi> <span class="tag">[1]</span>' in page
    assert "UNIFIL" in page
    # Timeline links point at claims shown on the page.
    ids = {a.get("id") for _, a in _parse(page).tags}
    targets = re.findall(r'href="#(c\d+)"', page)
    assert targets and all(t in ids for t in targets)


def test_html_highlights_time_without_changing_the_text(brief: Brief) -> None:
    page = to_html(brief)
    assert '<mark class="time" title="2019-11">نوفمبر 2019</mark>' in page
    a1 = next(c for c in brief.claims if c.id == "a1")
    assert a1.text in _parse(page).quotes
