"""The bundled sample stories against their hand-written expected results.

The fixtures in tests/fixtures/expected/ were written with the articles, before the comparison
code ran on them: each item names the claims by a quote from the article.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from marsad.demo import sample_story_paths
from marsad.ingest import Rejected, read_paths
from marsad.model import Brief, Document
from marsad.pipeline import compare_documents

EXPECTED = Path(__file__).parent / "fixtures" / "expected"
STORIES = sample_story_paths()


def _fixtures() -> list[Path]:
    return sorted(EXPECTED.glob("*.json"))


def _load(story: str) -> tuple[dict[str, Document], Brief]:
    docs = {}
    for item in read_paths([str(p) for p in STORIES[story]]):
        assert not isinstance(item, Rejected), str(item)
        docs[Path(item.path).name] = item
    return docs, compare_documents(list(docs.values()))


_cache: dict[str, tuple[dict[str, Document], Brief]] = {}


def story_brief(story: str) -> tuple[dict[str, Document], Brief]:
    if story not in _cache:
        _cache[story] = _load(story)
    return _cache[story]


def _claim_at(brief: Brief, doc: Document, quote: str) -> str:
    pos = doc.text.find(quote)
    assert pos >= 0, f"quote not in {doc.path}: {quote}"
    for claim in brief.claims:
        if claim.doc == doc.id and claim.start <= pos and pos + len(quote) <= claim.end:
            return claim.id
    for claim in brief.claims:  # a quote may straddle two clauses: take the one it starts in
        if claim.doc == doc.id and claim.start <= pos < claim.end:
            return claim.id
    raise AssertionError(f"no claim covers {quote!r} in {doc.path}")


def _items(kind: str) -> list[tuple[str, dict]]:
    out = []
    for f in _fixtures():
        spec = json.loads(f.read_text(encoding="utf-8"))
        for item in spec["expected"]:
            if item["kind"] == kind:
                out.append((f.stem, item))
    return out


def _ids(items: list[tuple[str, dict]]) -> list[str]:
    return [f"{story}:{i}" for i, (story, _) in enumerate(items)]


PAIR_KINDS = ("agree", "partial", "conflict", "update", "unclear")
PAIR_ITEMS = [(story, item) for kind in PAIR_KINDS for story, item in _items(kind)]


@pytest.mark.parametrize(("story", "item"), PAIR_ITEMS, ids=_ids(PAIR_ITEMS))
def test_expected_alignment(story: str, item: dict) -> None:
    docs, brief = story_brief(story)
    a = _claim_at(brief, docs[item["a"]["doc"]], item["a"]["quote"])
    b = _claim_at(brief, docs[item["b"]["doc"]], item["b"]["quote"])
    found = [al for al in brief.alignments if a in al.claims and b in al.claims]
    assert found, f"{item['kind']} pair not aligned: {item['a']['quote']} | {item['b']['quote']}"
    assert found[0].verdict == item["kind"], found[0].note


UNIQUE_ITEMS = _items("unique")


@pytest.mark.parametrize(("story", "item"), UNIQUE_ITEMS, ids=_ids(UNIQUE_ITEMS))
def test_expected_addition(story: str, item: dict) -> None:
    docs, brief = story_brief(story)
    claim = _claim_at(brief, docs[item["a"]["doc"]], item["a"]["quote"])
    assert claim in brief.unique


TIME_ITEMS = _items("time")


@pytest.mark.parametrize(("story", "item"), TIME_ITEMS, ids=_ids(TIME_ITEMS))
def test_expected_time(story: str, item: dict) -> None:
    docs, brief = story_brief(story)
    doc = docs[item["doc"]]
    times = [c.time for c in brief.claims if c.doc == doc.id and c.time is not None]
    from marsad.text.timex import find_timexes

    found = [t for t in find_timexes(doc.text, doc.published) if item["quote"] in t.text]
    assert found, f"no time expression {item['quote']!r}"
    assert found[0].iso == item["iso"]
    assert times, "the claims of this report carry no time"


ENTITY_SAME = _items("entity_same")


def _entity_of(brief: Brief, doc: Document, surface: str) -> set[str]:
    return {
        e.id
        for e in brief.entities
        for m in e.mentions
        if m.doc == doc.id and (m.text == surface or surface in m.text)
    }


@pytest.mark.parametrize(("story", "item"), ENTITY_SAME, ids=_ids(ENTITY_SAME))
def test_expected_same_entity(story: str, item: dict) -> None:
    docs, brief = story_brief(story)
    sets = [_entity_of(brief, docs[f], s) for f, s in item["names"]]
    assert all(sets), f"not recognised: {item['names']}"
    assert set.intersection(*sets), f"not linked: {item['names']}"


ENTITY_DISTINCT = _items("entity_distinct")


@pytest.mark.parametrize(("story", "item"), ENTITY_DISTINCT, ids=_ids(ENTITY_DISTINCT))
def test_expected_distinct_entities(story: str, item: dict) -> None:
    docs, brief = story_brief(story)
    sets = [_entity_of(brief, docs[f], s) for f, s in item["names"]]
    assert all(sets), f"not recognised: {item['names']}"
    assert not set.intersection(*sets), f"wrongly merged: {item['names']}"
