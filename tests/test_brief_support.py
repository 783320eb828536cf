"""The brief's consolidated view: near-duplicate sets, support by independent sources, the
extractive summary, date bounds and facts, in the JSON and in every renderer.

The reports are the bundled samples (fictional Arabic reports written for marsad): in
``jordan-measles-campaign`` an agency report (wadi-2), a lightly edited copy of it by another
outlet (manara-2) and an independent report (sada-3); in ``sfax-boat-capsize`` three
independent reports of one day that contradict each other on some figures.
"""

from __future__ import annotations

import copy
import json
import warnings
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from marsad.brief.build import DISPUTED, SUPPORTING, claim_support
from marsad.brief.console import print_brief
from marsad.brief.html import to_html
from marsad.brief.markdown import md_escape, to_markdown
from marsad.brief.serialise import (
    BriefValidationError,
    brief_from_dict,
    brief_to_dict,
    validate_brief,
)
from marsad.demo import sample_story_paths
from marsad.ingest import Rejected, read_paths
from marsad.kb.brief import facts_for_brief
from marsad.model import Brief, DateBound, Document
from marsad.pipeline import analyse, compare_documents, link_entities
from marsad.text.normalise import norm

_cache: dict[tuple[str, ...], tuple[dict[str, Document], Brief]] = {}


def story(name: str, only: tuple[str, ...] = ()) -> tuple[dict[str, Document], Brief]:
    """The sample story's documents by file stem, and their brief (built once)."""
    key = (name, *only)
    if key not in _cache:
        paths = [p for p in sample_story_paths()[name] if not only or p.stem in only]
        docs = {}
        for item in read_paths([str(p) for p in paths]):
            assert not isinstance(item, Rejected), str(item)
            docs[Path(item.path).stem] = item
        _cache[key] = (docs, compare_documents(list(docs.values())))
    return copy.deepcopy(_cache[key])


def claim_with(brief: Brief, doc: Document, quote: str) -> str:
    pos = doc.text.index(quote)
    return next(c.id for c in brief.claims if c.doc == doc.id and c.start <= pos < c.end)


# --- near-duplicates and support ----------------------------------------------------------


def test_agency_report_and_its_copy_are_one_duplicate_set() -> None:
    docs, brief = story("jordan-measles-campaign")
    assert len(brief.duplicates) == 1
    dup = brief.duplicates[0]
    # The agency's report is the original, whichever order the reports came in.
    assert dup.canonical == docs["wadi-2"].id
    assert dup.copies == [docs["manara-2"].id]
    assert 0.5 <= dup.similarity < 1.0
    assert docs["sada-3"].id not in {dup.canonical, *dup.copies}


def test_copies_of_one_report_count_once_in_support() -> None:
    docs, brief = story("jordan-measles-campaign")
    wadi, manara = docs["wadi-2"], docs["manara-2"]
    # The three reports say it, but two of them are one agency report: two sources.
    target = claim_with(brief, wadi, "تستهدف نحو مليون و300 ألف طفل")
    assert brief.support[target] == 2
    # Said by the agency and repeated by its copy only: one source, although two reports.
    doses = claim_with(brief, wadi, "مليوناً و500 ألف جرعة")
    copy_doses = claim_with(brief, manara, "مليوناً و500 ألف جرعة")
    assert any(
        {doses, copy_doses} <= set(a.claims) and a.verdict in SUPPORTING for a in brief.alignments
    )
    assert brief.support[doses] == brief.support[copy_doses] == 1
    # No claim of three reports is supported by more than two independent sources ...
    assert max(brief.support.values()) == 2
    # ... whereas counting every report would give the copy a vote of its own.
    naive = claim_support(brief.claims, brief.alignments, {d.id: d.id for d in docs.values()})
    assert len(naive[target]) == 3 and len(naive[doses]) == 2


def test_support_without_the_copy_is_the_same() -> None:
    docs, with_copy = story("jordan-measles-campaign")
    _, without = story("jordan-measles-campaign", ("wadi-2", "sada-3"))
    assert without.duplicates == []
    for cid, n in without.support.items():
        if cid in with_copy.support:
            assert with_copy.support[cid] == n, cid


def test_two_reports_of_one_outlet_count_once() -> None:
    docs, brief = story("jordan-measles-campaign", ("wadi-2", "sada-3"))
    target = claim_with(brief, docs["wadi-2"], "تستهدف نحو مليون و300 ألف طفل")
    assert brief.support[target] == 2
    same_outlet = [replace(d, source="صدى المشرق") for d in docs.values()]
    again = compare_documents(same_outlet)
    assert again.support[target] == 1
    assert all(n == 1 for n in again.support.values())


def test_support_counts_independent_sources_in_agreeing_alignments() -> None:
    docs, brief = story("sfax-boat-capsize")
    assert brief.duplicates == []
    by_id = {c.id: c for c in brief.claims}
    for c in brief.claims:
        aligned = {
            by_id[o].doc
            for a in brief.alignments
            if a.verdict in SUPPORTING and c.id in a.claims
            for o in a.claims
        }
        assert brief.support[c.id] == len(aligned | {c.doc})
    assert max(brief.support.values()) == 3  # the three outlets agree on some things


# --- summary ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["jordan-measles-campaign", "sfax-boat-capsize", "unifil-south-lebanon"]
)
def test_summary_is_extractive_and_best_supported(name: str) -> None:
    docs, brief = story(name)
    texts = {d.id: d.text for d in docs.values()}
    claims = {c.id: c for c in brief.claims}
    assert 1 <= len(brief.summary) <= 5
    chosen = [claims[s.claim] for s in brief.summary]
    for s, c in zip(brief.summary, chosen, strict=True):
        # verbatim: the claim's own words, at its own place in its report
        assert texts[c.doc][c.start : c.end] == c.text
        assert s.support == brief.support[c.id] >= 2
        assert len(s.sources) == s.support and c.doc in s.sources
    # most supported first
    assert [s.support for s in brief.summary] == sorted(
        (s.support for s in brief.summary), reverse=True
    )
    disputed = {cid for a in brief.alignments if a.verdict in DISPUTED for cid in a.claims}
    assert not disputed & {c.id for c in chosen}
    # no two sentences of one alignment
    for a in brief.alignments:
        assert len(set(a.claims) & {c.id for c in chosen}) <= 1
    # nothing better supported was left out, unless it says what a chosen sentence says
    ids = {c.id for c in chosen}
    related = {
        cid
        for a in brief.alignments
        if a.verdict in SUPPORTING and set(a.claims) & ids
        for cid in a.claims
    }
    lowest = min(s.support for s in brief.summary)
    for c in brief.claims:
        if c.id in disputed or c in chosen or brief.support[c.id] <= lowest:
            continue
        assert c.id in related or norm(c.text) in {norm(x.text) for x in chosen}, c.text


def test_summary_quotes_the_original_not_its_copy() -> None:
    docs, brief = story("jordan-measles-campaign")
    manara = docs["manara-2"].id
    assert all(s.support == 2 for s in brief.summary)
    for s in brief.summary:
        assert manara not in s.sources  # the copy's source is the agency's
    assert manara not in {c.doc for c in brief.claims if c.id in {s.claim for s in brief.summary}}


def test_summary_of_one_report_is_its_opening() -> None:
    docs, brief = story("jordan-measles-campaign", ("sada-3",))
    own = sorted((c for c in brief.claims), key=lambda c: c.start)
    assert [s.claim for s in brief.summary] == [c.id for c in own[: len(brief.summary)]]
    assert brief.summary and all(s.support == 1 for s in brief.summary)


def test_disagreements_first_then_independent_agreement() -> None:
    docs, brief = story("jordan-measles-campaign")
    wadi, manara = docs["wadi-2"].id, docs["manara-2"].id
    doc_of = {c.id: c.doc for c in brief.claims}
    agree = [a for a in brief.alignments if a.verdict == "agree"]
    copy_only = [i for i, a in enumerate(agree) if {doc_of[c] for c in a.claims} <= {wadi, manara}]
    independent = [i for i, a in enumerate(agree) if i not in copy_only]
    assert copy_only and independent and max(independent) < min(copy_only)
    _, sfax = story("sfax-boat-capsize")
    verdicts = [a.verdict for a in sfax.alignments]
    first_agreement = min(i for i, v in enumerate(verdicts) if v in SUPPORTING)
    assert all(v in DISPUTED for v in verdicts[:first_agreement])
    assert not any(v in DISPUTED for v in verdicts[first_agreement:])


# --- JSON ---------------------------------------------------------------------------------


def test_json_carries_the_new_fields_and_validates() -> None:
    docs, brief = story("jordan-measles-campaign")
    data = json.loads(json.dumps(brief_to_dict(brief), ensure_ascii=False))
    validate_brief(data)
    texts = {d["id"]: d["text"] for d in data["documents"]}
    assert data["duplicates"] == [
        {
            "canonical": docs["wadi-2"].id,
            "copies": [docs["manara-2"].id],
            "similarity": brief.duplicates[0].similarity,
        }
    ]
    for claim in data["claims"]:
        assert claim["support"] == brief.support[claim["id"]]
    for s in data["summary"]:
        assert texts[s["doc"]][s["start"] : s["end"]] == s["text"]
        assert set(s) >= {"claim", "text", "support", "sources"}
    assert data["date_bounds"] == []
    back = brief_from_dict(data)
    assert (back.support, back.summary, back.duplicates, back.facts) == (
        brief.support,
        brief.summary,
        brief.duplicates,
        brief.facts,
    )


def test_facts_appear_in_the_json() -> None:
    docs, brief = story("unifil-south-lebanon")
    data = brief_to_dict(brief)
    validate_brief(data)
    analyses = [analyse(d) for d in docs.values()]
    expected = facts_for_brief(analyses, link_entities(analyses))
    assert data["facts"] and len(data["facts"]) == len(expected)
    assert [(f["relation"], f["status"]) for f in data["facts"]] == [
        (f["relation"], f["status"]) for f in expected
    ]
    statuses = {f["status"] for f in data["facts"] if f["relation"] == "leads"}
    assert {"current", "superseded"} <= statuses  # the commander changed between reports


def _bounded(brief: Brief) -> Brief:
    undated = next(d for d in brief.documents if d.published is None)
    claim = next(c for c in brief.claims if c.doc == undated.id and c.time is not None)
    brief.date_bounds = [DateBound(undated.id, "2019-11-30", claim.id, claim.time.text)]
    return brief


@pytest.mark.parametrize(
    ("where", "bad", "problem"),
    [
        ("summary", lambda s: s.update(text=s["text"] + " مزيد"), "exact words"),
        ("summary", lambda s: s.update(support=0), "minimum"),
        ("summary", lambda s: s.update(sources=["nope"]), "unknown document"),
        ("duplicates", lambda s: s.update(copies=["nope"]), "unknown document"),
        ("duplicates", lambda s: s.update(similarity=1.5), "maximum"),
        ("date_bounds", lambda s: s.update(not_before="30/11/2019"), "does not match"),
        ("date_bounds", lambda s: s.update(claim="nope"), "unknown claim"),
        ("facts", lambda s: s["sources"][0].update(text="نص آخر"), "not the recorded"),
        ("facts", lambda s: s.update(sources=[]), "should be non-empty"),
    ],
)
def test_schema_rejects_bad_new_fields(where, bad, problem) -> None:
    _, brief = story("unifil-south-lebanon")
    data = brief_to_dict(_bounded(brief))
    validate_brief(data)
    if where == "duplicates":
        data["duplicates"] = [{"canonical": data["documents"][0]["id"], "copies": [data["documents"][1]["id"]], "similarity": 0.7}]  # fmt: skip
    bad(data[where][0])
    with pytest.raises(BriefValidationError) as err:
        validate_brief(data)
    assert any(problem in p for p in err.value.problems), err.value.problems


def test_claim_support_must_be_positive() -> None:
    _, brief = story("sfax-boat-capsize")
    data = brief_to_dict(brief)
    data["claims"][0]["support"] = 0
    with pytest.raises(BriefValidationError):
        validate_brief(data)


# --- renderers ----------------------------------------------------------------------------


def test_markdown_shows_summary_first_copies_bounds_and_facts() -> None:
    docs, brief = story("jordan-measles-campaign")
    md = to_markdown(brief)
    assert md.index("## الخلاصة") < md.index("## المصادر") < md.index("## نقاط الخلاف")
    summary = md[md.index("## الخلاصة") : md.index("## المصادر")]
    claims = {c.id: c for c in brief.claims}
    for s in brief.summary:
        assert f"«{md_escape(claims[s.claim].text)}»" in summary
    assert "مصدران مستقلان · 2 independent sources" in summary
    row = next(ln for ln in md.splitlines() if ln.startswith("| [") and "المنارة" in ln)
    assert "نسخة من \\[" in row and "copy of" in row and "وكالة أنباء الوادي" in row
    assert "## تقارير متكررة" in md and "## الوقائع" in md
    assert "عماد الشوبكي" in md[md.index("## الوقائع") :]

    _, unifil = story("unifil-south-lebanon")
    md = to_markdown(_bounded(unifil))
    assert "غير مؤرخ؛ لا يسبق 2019-11-30 · undated; not before 2019-11-30" in md


def test_html_shows_summary_copies_bounds_and_facts_escaped() -> None:
    docs, brief = story("jordan-measles-campaign")
    hostile = "<script>alert(1)</script>"
    brief.documents[0].source = f"المنارة {hostile}"
    brief.facts[0]["subject"]["name"] = f"عماد {hostile}"
    page = to_html(brief)
    assert "<script" not in page and "&lt;script&gt;" in page
    assert page.index('id="summary-h"') < page.index('id="legend-h"') < page.index('id="cmp-h"')
    claims = {c.id: c for c in brief.claims}
    for s in brief.summary:
        assert claims[s.claim].text in page
    assert 'data-support="2"' in page and "مصدران مستقلان" in page
    assert "copy-badge" in page and "نسخة من [3]" in page
    assert 'id="dups-h"' in page and 'id="facts-h"' in page
    _, unifil = story("unifil-south-lebanon")
    page = to_html(_bounded(unifil))
    assert "غير مؤرخ؛ لا يسبق" in page and "undated; not before 2019-11-30" in page


def test_console_shows_summary_copies_and_facts() -> None:
    _, brief = story("jordan-measles-campaign")
    console = Console(record=True, width=200)
    print_brief(brief, console)
    out = console.export_text()
    assert out.index("summary") < out.index("Reports")
    assert "copy of [3]" in out and "2 independent sources" in out and "Facts" in out


def test_story_web_page_shows_summary_support_and_copies(tmp_path) -> None:
    pytest.importorskip("fastapi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    from marsad.api.app import create_app
    from marsad.service import IngestSession
    from marsad.store import Store

    path = tmp_path / "m.db"
    with Store(path) as store, IngestSession(store) as session:
        for item in read_paths([str(p) for p in sample_story_paths()["jordan-measles-campaign"]]):
            session.add(item)
        session.flush()
        session.rebuild_stories()
    web = TestClient(create_app(path))
    stories = web.get("/api/v1/stories").json()["items"]
    sid = next(s["id"] for s in stories if len(s["documents"]) == 3)
    page = web.get(f"/stories/{sid}").text
    assert page.index('id="summary-h"') < page.index('id="cmp-h"')
    assert 'data-support="2"' in page and "مصدران مستقلان" in page
    assert "نسخة من" in page and 'id="dups-h"' in page and 'id="facts-h"' in page
    brief = web.get(f"/api/v1/stories/{sid}/brief").json()
    validate_brief(brief)
    assert len(brief["duplicates"]) == 1 and brief["facts"] and brief["summary"]


def test_summary_leaves_out_fragments() -> None:
    from marsad.brief.build import SUMMARY_MIN_WORDS

    for name in ("jordan-measles-campaign", "sfax-boat-capsize", "unifil-south-lebanon"):
        _, brief = story(name)
        texts = {c.id: c.text for c in brief.claims}
        assert brief.summary
        assert all(len(texts[s.claim].split()) >= SUMMARY_MIN_WORDS for s in brief.summary)


def test_renderers_fold_a_copy_agreeing_with_its_original() -> None:
    from marsad.brief.markdown import fold_copy_agreements

    docs, brief = story("jordan-measles-campaign")
    wadi, manara = docs["wadi-2"].id, docs["manara-2"].id
    doc_of = {c.id: c.doc for c in brief.claims}
    copy_only = [
        a
        for a in brief.alignments
        if a.verdict in SUPPORTING and {doc_of[c] for c in a.claims} <= {wadi, manara}
    ]
    assert copy_only  # the brief's data keeps them (they count for support) ...
    shown, folded = fold_copy_agreements(brief, list(brief.alignments))
    assert folded == len(copy_only) and all(a not in shown for a in copy_only)
    assert len(shown) + folded == len(brief.alignments)
    # ... the renderers list the rest and say how many they left out
    md = to_markdown(brief)
    assert f"{folded} agreements between copies of one report, not listed" in md
    assert f"{folded} agreements between copies of one report, not listed" in to_html(brief)
    # with a report and its copy alone, their agreements are all there is: nothing is folded
    _, pair = story("jordan-measles-campaign", ("wadi-2", "manara-2"))
    assert fold_copy_agreements(pair, list(pair.alignments))[1] == 0


@pytest.mark.parametrize(
    "name", ["jordan-measles-campaign", "sfax-boat-capsize", "unifil-south-lebanon"]
)
def test_pipeline_brief_json_round_trip_is_stable(name: str) -> None:
    _, brief = story(name)
    data = brief_to_dict(brief)
    again = brief_to_dict(brief_from_dict(json.loads(json.dumps(data, ensure_ascii=False))))
    assert again == data
