"""Facts, post histories over time, their storage and their place in the brief."""

from __future__ import annotations

import json
from datetime import date

import pytest
from rich.console import Console

from marsad.demo import sample_story_paths
from marsad.ingest.reader import read_file
from marsad.kb.brief import facts_for_brief
from marsad.kb.console import print_facts
from marsad.kb.facts import facts_from_analyses
from marsad.kb.history import history
from marsad.kb.store import (
    ensure_facts,
    fact_from_dict,
    fact_to_dict,
    missing_fact_ids,
    save_analyses,
    store_history,
)
from marsad.model import DocAnalysis, Document
from marsad.pipeline import analyse, link_entities
from marsad.store import Store


@pytest.fixture(scope="module")
def unifil_docs() -> dict[str, Document]:
    paths = sample_story_paths()["unifil-south-lebanon"]
    return {p.stem: d for p in paths for d in read_file(p)}


@pytest.fixture(scope="module")
def unifil(unifil_docs):
    analyses = [analyse(d) for d in unifil_docs.values()]
    entities = link_entities(analyses)
    return analyses, entities, facts_from_analyses(analyses, entities)


def _leads_rows(rows):
    return [r for r in rows if r.relation == "leads" and "قوة الأمم المتحدة" in (r.object or "")]


def _assert_commander_history(rows, docs):
    rows = _leads_rows(rows)
    by_status: dict[str, list] = {}
    for r in rows:
        by_status.setdefault(r.status, []).append(r)
    assert set(by_status) == {"current", "superseded", "undated"}
    assert {r.doc for r in by_status["superseded"]} == {docs["sada-1"].id}
    assert all("كالفيني" in r.holder for r in by_status["superseded"])
    for r in by_status["superseded"]:
        assert "آفاق اليوم" in r.note and "2019-12-17" in r.note and r.as_of == "2019-11-12"
    assert {r.doc for r in by_status["current"]} == {docs["afaq-1"].id}
    assert all(r.as_of == "2019-12-17" for r in by_status["current"])
    current_holder = {r.holder_id or r.holder for r in by_status["current"]}
    (undated,) = by_status["undated"]
    assert undated.doc == docs["manara-1"].id and undated.as_of is None
    assert "cannot be ordered" in undated.note and "agrees" in undated.note
    assert {undated.holder_id or undated.holder} == current_holder
    # "منذ آب 2018" stays visible as when the superseded command began
    assert any(r.time == "since 2018-08" for r in by_status["superseded"])


def test_sample_commander_history(unifil, unifil_docs):
    _analyses, entities, facts = unifil
    for query in ("ريغيرو", "ريجيرو", "اليونيفيل", "UNIFIL", "كالفيني"):
        _assert_commander_history(history(facts, query, entities), unifil_docs)


def test_queries_keep_people_apart(unifil):
    _analyses, entities, facts = unifil
    rows = history(facts, "الخوري", entities)
    assert rows and not _leads_rows(rows)  # his own post, not UNIFIL's command
    assert {r.holder for r in rows if r.relation == "leads"} == {"وسيم الخوري"}
    assert history(facts, "غوتيريش", entities) == []


def test_fact_spans_and_round_trip(unifil, unifil_docs):
    analyses, _entities, facts = unifil
    texts = {a.doc.id: a.doc.text for a in analyses}
    assert facts
    for f in facts:
        assert texts[f.doc][f.claim_span.start : f.claim_span.end] == f.claim_span.text
        for side in (f.subject, f.object):
            if side is not None and side.span is not None:
                assert texts[f.doc][side.span.start : side.span.end] == side.span.text
        back = fact_from_dict(json.loads(json.dumps(fact_to_dict(f))))
        assert (back.relation, back.post[1], back.as_of, back.claim_span) == (
            f.relation,
            f.post[1],
            f.as_of,
            f.claim_span,
        )


def _docs(*items: tuple[str, str, date | None]) -> tuple[list[DocAnalysis], list]:
    analyses = [analyse(Document.create(t, source=s, published=d)) for t, s, d in items]
    return analyses, link_entities(analyses)


def test_same_date_different_holders_is_disputed():
    analyses, entities = _docs(
        (
            "ويتولى الجنرال الفرنسي جان بيار ديفيل قيادة البعثة الأممية في مالي.",
            "أ",
            date(2022, 5, 2),
        ),
        (
            "ويتولى الجنرال البرازيلي كارلوس سانتوس قيادة البعثة الأممية في مالي.",
            "ب",
            date(2022, 5, 2),
        ),
    )
    rows = history(facts_from_analyses(analyses, entities), "البعثة")
    leads = [r for r in rows if r.relation == "leads"]
    assert len(leads) == 2 and {r.status for r in leads} == {"disputed"}
    assert all("2022-05-02" in r.note for r in leads)


def test_prime_minister_history_and_former():
    analyses, entities = _docs(
        ("وقال رئيس الوزراء الأردني عمر الرزاز إن الحكومة ماضية في خطتها.", "أ", date(2020, 5, 1)),
        ("واستقبل رئيس الوزراء الأردني بشر الخصاونة السفير الياباني.", "ب", date(2021, 2, 3)),
        ("وقال رئيس الوزراء الأردني السابق عبدالله النسور إن الأزمة طويلة.", "ج", date(2021, 6, 1)),
    )
    facts = facts_from_analyses(analyses, entities)
    rows = [r for r in history(facts, "الخصاونة", entities) if r.relation == "holds_title"]
    status = {r.holder: r.status for r in rows}
    assert status.get("بشر الخصاونة") == "current"
    assert status.get("عمر الرزاز") == "superseded"
    former = [r for r in rows if r.status == "former"]
    assert [r.holder for r in former] == ["عبدالله النسور"]


def test_a_past_event_time_dates_an_undated_report():
    analyses, entities = _docs(
        ("وكان الجنرال الإيطالي ستيفانو ديل كول قد تولى قيادة اليونيفيل في يوليو 2018.", "أ", None),
        ("ويتولى اللواء أرولدو لاثارو حالياً قيادة اليونيفيل.", "ب", date(2022, 3, 1)),
    )
    rows = [r for r in history(facts_from_analyses(analyses, entities), "اليونيفيل")]
    assert {r.relation for r in rows} == {"leads"}
    status = {r.holder: (r.status, r.as_of) for r in rows}
    del_col = next(v for k, v in status.items() if "ستيفانو" in k)
    assert del_col == ("superseded", "2018-07-31")
    assert next(v for k, v in status.items() if "لاثارو" in k) == ("current", "2022-03-01")


def test_only_undated_reports():
    analyses, entities = _docs(
        ("ويتولى الجنرال الإسباني ألبرتو ريغيرو قيادة اليونيفيل حالياً.", "أ", None),
    )
    rows = history(facts_from_analyses(analyses, entities), "ريغيرو")
    assert [r.status for r in rows] == ["undated"]
    assert "no dated statement" in rows[0].note


def test_facts_for_brief(unifil):
    analyses, entities, _facts = unifil
    items = facts_for_brief(analyses, entities)
    json.dumps(items, ensure_ascii=False)
    texts = {a.doc.id: a.doc.text for a in analyses}
    commander = [
        i
        for i in items
        if i["relation"] == "leads" and "قوة الأمم" in (i["object"] or {}).get("name", "")
    ]
    assert {i["status"] for i in commander} == {"current", "superseded", "undated"}
    current = next(i for i in commander if i["status"] == "current")
    assert len(current["sources"]) == 2  # two sentences of afaq-1, one entry
    for item in items:
        assert item["sources"]
        for s in item["sources"] + item["spans"]:
            assert texts[s["doc"]][s["start"] : s["end"]] == s["text"]


def test_store_history_and_print(tmp_path, unifil_docs):
    docs = list(unifil_docs.values())
    with Store(tmp_path / "m.db") as store:
        store.add_documents(docs)
        assert set(missing_fact_ids(store)) == {d.id for d in docs}
        # the ingest path saves facts as it analyses; the rest are caught up on demand
        save_analyses(store, [analyse(docs[0])])
        assert len(missing_fact_ids(store)) == len(docs) - 1
        assert ensure_facts(store) == len(docs) - 1
        assert missing_fact_ids(store) == []
        for query in ("ريغيرو", "UNIFIL"):
            _assert_commander_history(store_history(store, query), unifil_docs)
        console = Console(record=True, width=220)
        assert print_facts(store, "كالفيني", console) > 0
        out = console.export_text()
        for word in ("كالفيني", "ريغيرو", "superseded", "current", "undated", "آفاق اليوم"):
            assert word in out
        assert print_facts(store, "اسم غير موجود", console) == 0
        # deleting a report deletes its facts
        store.delete_documents([unifil_docs["afaq-1"].id])
        rows = _leads_rows(store_history(store, "كالفيني"))
        assert {r.status for r in rows} == {"current", "undated"}
