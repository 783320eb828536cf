"""Facts in the SQLite store (tables ``facts``, ``fact_terms``, ``fact_documents`` of
migration 2), and the store-wide history of an entity.

Facts are stored per document, as read from that document alone (no cross-document ids):
identity across reports is decided when a history is asked for, by linking the stored
names of the facts found (``marsad.ner.link``), so a later report or a better linker never
leaves stale ids behind. ``fact_terms`` holds a transliteration-tolerant key
(``link.skeleton``) of every word naming a side of a fact, so the facts about a name are
found with an index lookup, not a scan.

Writes use the Store's transaction helper: a document's facts are replaced whole.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from marsad.kb.facts import Fact, Side, document_facts
from marsad.kb.history import HistoryRow, history
from marsad.model import DocAnalysis, Document, Entity, Mention, Span, TimeExpr
from marsad.ner.lexicons import load
from marsad.ner.link import link, skeleton
from marsad.text.normalise import norm

# Bump when extraction changes: ``ensure_facts`` re-reads documents stored with an older one.
FACTS_VERSION = 1
_LINKABLE = {"PER", "ORG", "GPE", "LOC", "NORP"}
_SKIP_TERMS = frozenset(norm(w) for w in "في من على عن إلى مع ال".split())


# --- (de)serialisation ----------------------------------------------------------------------


def _span(s: Span | None) -> list[Any] | None:
    return None if s is None else [s.start, s.end, s.text]


def _span_from(doc: str, v: list[Any] | None) -> Span | None:
    return None if v is None else Span(doc, int(v[0]), int(v[1]), str(v[2]))


def _side(s: Side | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {
        "name": s.name,
        "span": _span(s.span),
        "type": s.type,
        "key": s.key,
        "acronym_of": s.acronym_of,
    }


def _side_from(doc: str, d: dict[str, Any] | None) -> Side | None:
    if d is None:
        return None
    return Side(d["name"], None, _span_from(doc, d.get("span")), d.get("type", ""),
                d.get("key", ""), d.get("acronym_of"))  # fmt: skip


def fact_to_dict(f: Fact) -> dict[str, Any]:
    t = f.time
    return {
        "relation": f.relation,
        "subject": _side(f.subject),
        "object": _side(f.object),
        "doc": f.doc,
        "claim": f.claim,
        "claim_span": _span(f.claim_span),
        "source": f.source,
        "published": f.published,
        "value": f.value,
        "time": None
        if t is None
        else [
            t.start,
            t.end,
            t.text,
            t.value_start,
            t.value_end,
            t.granularity,
            t.relative,
            t.calendar,
        ],  # fmt: skip
        "since": f.since,
        "former": f.former,
        "tense": f.tense,
        "confidence": f.confidence,
    }


def fact_from_dict(d: dict[str, Any]) -> Fact:
    doc = d["doc"]
    t = d.get("time")
    subject = _side_from(doc, d["subject"]) or Side("")
    return Fact(
        relation=d["relation"],
        subject=subject,
        object=_side_from(doc, d.get("object")),
        doc=doc,
        claim=d["claim"],
        claim_span=_span_from(doc, d["claim_span"]) or Span(doc, 0, 0, ""),
        source=d.get("source", ""),
        published=d.get("published"),
        value=d.get("value"),
        time=None if t is None else TimeExpr(*t),
        since=bool(d.get("since")),
        former=bool(d.get("former")),
        tense=d.get("tense", ""),
        confidence=float(d.get("confidence", 1.0)),
    )


# --- search terms ---------------------------------------------------------------------------


def _canonical_words(key: str) -> list[str]:
    lex = load()
    known = lex.org_keys.get(key)
    words = key.split(" ")
    if known is not None:
        words += known.key.split(" ")
    place = lex.places.get(words) if key else None
    if place is not None and place.key and not place.key.startswith("iso:"):
        words += place.key.split(" ")
    return words


def terms_of_name(name: str, acronym_of: str | None = None) -> set[str]:
    """Keys of the words naming something: transliteration-tolerant skeletons of the
    normalised words, of an acronym's expansion, and of a known organisation's full name."""
    key = norm(name).lower()
    words = _canonical_words(key)
    if acronym_of:
        words += acronym_of.split(" ")
    out = set()
    for w in words:
        for form in (w, w[2:] if w.startswith("ال") and len(w) > 4 else ""):
            if len(form) >= 2 and form not in _SKIP_TERMS:
                out.add(skeleton(form))
    return out


def terms_of(f: Fact) -> set[str]:
    out: set[str] = set()
    for side in (f.subject, f.object):
        if side is None or not side.name:
            continue
        out |= terms_of_name(side.key or side.name, side.acronym_of)
    return out


# --- writes ---------------------------------------------------------------------------------


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def save_facts(store, facts_by_doc: dict[str, list[Fact]]) -> int:
    """Replace the stored facts of the given documents (one transaction); the number saved.
    The documents must be stored already."""
    saved = 0
    with store._transaction() as db:
        for doc_id, facts in facts_by_doc.items():
            db.execute("DELETE FROM facts WHERE doc_id = ?", (doc_id,))
            for f in facts:
                cur = db.execute(
                    "INSERT INTO facts (doc_id, claim_id, relation, payload) VALUES (?, ?, ?, ?)",
                    (doc_id, f.claim, f.relation, json.dumps(fact_to_dict(f), ensure_ascii=False)),
                )
                db.executemany(
                    "INSERT OR IGNORE INTO fact_terms (term, fact_id) VALUES (?, ?)",
                    [(t, cur.lastrowid) for t in sorted(terms_of(f))],
                )
                saved += 1
            db.execute(
                "INSERT INTO fact_documents (doc_id, version, saved_at) VALUES (?, ?, ?) "
                "ON CONFLICT(doc_id) DO UPDATE SET version = excluded.version, "
                "saved_at = excluded.saved_at",
                (doc_id, FACTS_VERSION, _now()),
            )
    return saved


def save_analyses(store, analyses: Iterable[DocAnalysis]) -> int:
    """Store the facts of analysed documents (for the ingest path to call after
    ``Store.add_documents``)."""
    return save_facts(store, {a.doc.id: document_facts(a) for a in analyses})


def missing_fact_ids(store, limit: int | None = None) -> list[str]:
    """Stored documents whose facts are not stored (or were read by an older extractor)."""
    rows = store._read(
        "SELECT d.id FROM documents d LEFT JOIN fact_documents f ON f.doc_id = d.id "
        "WHERE f.doc_id IS NULL OR f.version < ? ORDER BY d.seq LIMIT ?",
        (FACTS_VERSION, -1 if limit is None else limit),
    )
    return [r["id"] for r in rows]


def ensure_facts(
    store, analyse: Callable[[Document], DocAnalysis] | None = None, batch: int = 100
) -> int:
    """Read and store the facts of every stored document that lacks them; the number of
    documents read. Documents ingested before facts existed are caught up this way."""
    if analyse is None:
        from marsad.pipeline import analyse
    done = 0
    while True:
        ids = missing_fact_ids(store, batch)
        docs = store.get_documents(ids)
        if not docs:
            return done
        save_facts(store, {d.id: document_facts(analyse(d)) for d in docs})
        done += len(docs)


# --- reads ----------------------------------------------------------------------------------


def _facts_with_terms(store, terms: Iterable[str]) -> list[Fact]:
    terms = sorted(set(terms))
    out: dict[int, Fact] = {}
    for i in range(0, len(terms), 500):
        chunk = terms[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = store._read(
            "SELECT f.id, f.payload FROM facts f WHERE f.id IN "
            f"(SELECT fact_id FROM fact_terms WHERE term IN ({marks}))",
            chunk,
        )
        for r in rows:
            out.setdefault(r["id"], fact_from_dict(json.loads(r["payload"])))
    return list(out.values())


def facts_about(store, name: str) -> tuple[list[Fact], list[Entity]]:
    """The stored facts naming ``name``, with every fact on the posts they mention (all the
    holders of a post), linked across documents: (facts, entities)."""
    first = _facts_with_terms(store, terms_of_name(name))
    more: set[str] = set()
    for f in first:
        if f.functional and f.object is not None:
            more |= terms_of_name(f.object.key or f.object.name, f.object.acronym_of)
    facts = first
    if more:
        seen = {(f.doc, f.claim, f.relation, f.subject.name) for f in first}
        for f in _facts_with_terms(store, more):
            if f.functional and (f.doc, f.claim, f.relation, f.subject.name) not in seen:
                facts.append(f)
    return link_facts(facts)


def link_facts(facts: list[Fact]) -> tuple[list[Fact], list[Entity]]:
    """Give the sides of stored facts entity ids and names by linking their names across
    documents (the same linker as ``pipeline.link_entities``)."""
    mentions: list[tuple[Fact, str, Mention]] = []
    for f in facts:
        for which in ("subject", "object"):
            side: Side | None = getattr(f, which)
            if side is None or side.type not in _LINKABLE or side.span is None:
                continue
            m = Mention(f.doc, side.span.start, side.span.end, side.span.text, side.type,
                        side.key or norm(side.name), acronym_of=side.acronym_of)  # fmt: skip
            mentions.append((f, which, m))
    entities = link([m for _, _, m in mentions])
    by_id = {e.id: e for e in entities}
    for f, which, m in mentions:
        side = getattr(f, which)
        e = by_id.get(m.entity or "")
        if e is not None:
            setattr(f, which, Side(e.name, e.id, side.span, side.type, side.key, side.acronym_of))
    return facts, entities


def store_history(store, name: str, catch_up: bool = True) -> list[HistoryRow]:
    """The history of ``name`` over the whole store (see ``history.history``)."""
    if catch_up:
        ensure_facts(store)
    facts, entities = facts_about(store, name)
    return history(facts, name, entities)
