"""Operations over the store shared by the CLI and the web app: ingest, stories, briefs."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from marsad.kb.facts import document_facts
from marsad.kb.store import save_facts
from marsad.model import Brief, DocAnalysis, Document
from marsad.pipeline import analyse, compare_documents
from marsad.stories.build import build_stories, story_payload


def analysis_payload(analysis: DocAnalysis) -> dict[str, Any]:
    """What the store keeps of a document's analysis: what stories are built from (entity
    keys, salient terms, MinHash signature) and the mentions for the entity list."""
    return {
        **story_payload(analysis),
        "mentions": [
            {"type": m.type, "text": m.text, "norm": m.norm, "start": m.start, "end": m.end}
            for m in analysis.mentions
        ],
    }


class IngestSession:
    """Analyses documents and stores them in batches, one transaction per batch; the facts
    they state go to the knowledge base right after their batch."""

    def __init__(self, store, batch_size: int = 500) -> None:
        self.store = store
        self.batch_size = batch_size
        self.pending: list[tuple[DocAnalysis, dict[str, Any]]] = []
        self.added = 0
        self.duplicates = 0
        self.facts = 0
        self._seen: set[str] = set()

    def __enter__(self) -> IngestSession:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is None:
            self.flush()

    def add(self, doc: Document) -> None:
        if doc.id in self._seen or doc.id in self.store:
            self.duplicates += 1
            return
        self._seen.add(doc.id)
        analysis = analyse(doc)
        self.pending.append((analysis, analysis_payload(analysis)))
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        result = self.store.add_documents(
            [a.doc for a, _ in self.pending], analyses={a.doc.id: p for a, p in self.pending}
        )
        added = set(result.added)
        self.facts += save_facts(
            self.store, {a.doc.id: document_facts(a) for a, _ in self.pending if a.doc.id in added}
        )
        self.added += len(result.added)
        self.duplicates += len(result.duplicates)
        self.pending = []

    def rebuild_stories(self) -> int:
        return rebuild_stories(self.store)


def rebuild_stories(store) -> int:
    """Near-duplicate groups and stories of the whole store, built again and stored; the
    number of stories."""
    built = build_stories(store)
    store.set_stories(built.stories)
    store.set_duplicates((g.canonical, g.copies) for g in built.duplicates)
    return len(built.stories)


def story_brief(store, story_id: str) -> Brief | None:
    story = store.story(story_id)
    if story is None:
        return None
    docs = [d for d in (store.get_document(i) for i in story.doc_ids) if d is not None]
    return compare_documents(docs)


def store_entities(store, type_filter: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Entities across the store, grouped by type and normalised name, most mentioned first."""
    mentions: Counter[tuple[str, str]] = Counter()
    documents: dict[tuple[str, str], set[str]] = defaultdict(set)
    surfaces: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for doc in store.iter_documents():
        payload = store.load_analysis(doc.id) or {}
        for m in payload.get("mentions", ()):
            if type_filter and m["type"] != type_filter.upper():
                continue
            key = (m["type"], m.get("norm") or m["text"])
            mentions[key] += 1
            documents[key].add(doc.id)
            surfaces[key][m["text"]] += 1
    rows = []
    for key, count in mentions.most_common(limit):
        names = [s for s, _ in surfaces[key].most_common()]
        rows.append(
            {
                "type": key[0],
                "name": names[0],
                "aliases": names[1:],
                "mentions": count,
                "documents": len(documents[key]),
            }
        )
    return rows
