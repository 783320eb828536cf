"""Read queries the web app and the API need beyond the Store's own methods: counts for
pagination, story filters, an entity index over the stored analyses, search totals.

Everything derived from the whole store (the story catalogue, the entity index) is cached
in memory and rebuilt when the store's fingerprint changes, which also notices writes made
by another process (``marsad ingest`` while the server runs).
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from marsad.model import Story
from marsad.store.search import parse_query
from marsad.text.normalise import norm

T = TypeVar("T")


def sql(store, statement: str, params: Iterable[Any] = ()) -> list:
    """Run a read query on the Store's connection (under its lock)."""
    return store._read(statement, params)


def fingerprint(store) -> tuple:
    """Changes whenever documents, analyses or stories change (in any process)."""
    docs = sql(store, "SELECT count(*), coalesce(max(seq), 0) FROM documents")[0]
    analyses = sql(store, "SELECT count(*), coalesce(max(saved_at), '') FROM analyses")[0]
    stories = sql(store, "SELECT count(*), coalesce(max(updated_at), '') FROM stories")[0]
    links = sql(store, "SELECT count(*) FROM story_documents")[0]
    return (*tuple(docs), *tuple(analyses), *tuple(stories), links[0])


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.total and self.items else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None


def paginate(items: list[T], limit: int, offset: int) -> Page[T]:
    return Page(items[offset : offset + limit], len(items), limit, offset)


class Cached(Generic[T]):
    """A value computed from the whole store, recomputed when the fingerprint changes."""

    def __init__(self, build: Callable[[Any], T]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._key: tuple | None = None
        self._value: T | None = None

    def get(self, store) -> T:
        key = fingerprint(store)
        with self._lock:
            if key != self._key or self._value is None:
                self._value = self._build(store)
                self._key = key
            return self._value


# -- documents ------------------------------------------------------------------------------


def count_documents(store, source: str | None = None) -> int:
    return store.count(source)


@dataclass(frozen=True)
class DocMeta:
    id: str
    title: str
    source: str
    published: str | None


def doc_meta(store, ids: Iterable[str]) -> dict[str, DocMeta]:
    """Titles, sources and dates of documents, without their texts."""
    ids = list(dict.fromkeys(ids))
    out: dict[str, DocMeta] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = sql(
            store,
            f"SELECT id, title, source, published FROM documents WHERE id IN ({marks})",
            chunk,
        )
        for r in rows:
            out[r[0]] = DocMeta(r[0], r[1], r[2], r[3])
    return out


# -- stories --------------------------------------------------------------------------------


def load_stories(store) -> list[Story]:
    """Every stored story, most recent last report first (undated last), in two queries."""
    rows = sql(
        store,
        "SELECT id, title, first, last FROM stories ORDER BY last IS NULL, last DESC, id",
    )
    members: dict[str, list[str]] = defaultdict(list)
    for story_id, doc_id in sql(
        store, "SELECT story_id, doc_id FROM story_documents ORDER BY story_id, position"
    ):
        members[story_id].append(doc_id)
    return [Story(r[0], members.get(r[0], []), r[1], r[2], r[3]) for r in rows]


def filter_stories(
    stories: list[Story],
    doc_ids: set[str] | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[Story]:
    """Stories with one of ``doc_ids`` whose date range overlaps [date_from, date_to].

    With a date filter, undated stories are left out: nothing says they fall in the range.
    """
    out = []
    for s in stories:
        if doc_ids is not None and not doc_ids.intersection(s.doc_ids):
            continue
        if date_from or date_to:
            if s.first is None or s.last is None:
                continue
            if date_from and s.last < date_from:
                continue
            if date_to and s.first > date_to:
                continue
        out.append(s)
    return out


# -- entities -------------------------------------------------------------------------------


def entity_id(entity_type: str, name_norm: str) -> str:
    return hashlib.sha256(f"{entity_type}:{name_norm}".encode()).hexdigest()[:12]


@dataclass
class EntityMention:
    doc: str
    start: int
    end: int
    text: str


@dataclass
class EntityRecord:
    id: str
    type: str
    norm: str
    surfaces: Counter[str] = field(default_factory=Counter)
    mentions: list[EntityMention] = field(default_factory=list)
    docs: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        return f"{self.type}:{self.norm}"

    @property
    def name(self) -> str:
        return self.surfaces.most_common(1)[0][0] if self.surfaces else self.norm

    @property
    def aliases(self) -> list[str]:
        return [s for s, _ in self.surfaces.most_common()[1:]]


@dataclass
class EntityIndex:
    entities: list[EntityRecord]  # most mentioned first
    by_id: dict[str, EntityRecord]
    by_key: dict[str, EntityRecord]
    docs: dict[str, DocMeta]

    def find(self, text: str) -> list[EntityRecord]:
        """Entities whose id is ``text``, or whose name or an alias contains it (normalised)."""
        text = text.strip()
        if not text:
            return []
        if text in self.by_id:
            return [self.by_id[text]]
        wanted = norm(text)
        exact = [e for e in self.entities if e.norm == wanted]
        if exact:
            return exact
        return [
            e
            for e in self.entities
            if wanted in e.norm or any(wanted in norm(s) for s in e.surfaces)
        ]

    def query(self, entity_type: str | None = None, text: str | None = None) -> list[EntityRecord]:
        items = self.find(text) if text else self.entities
        if entity_type:
            items = [e for e in items if e.type == entity_type.upper()]
        return items


def build_entity_index(store) -> EntityIndex:
    records: dict[str, EntityRecord] = {}
    docs: dict[str, DocMeta] = {}
    for doc in store.iter_documents():
        docs[doc.id] = DocMeta(
            doc.id, doc.title, doc.source, doc.published.isoformat() if doc.published else None
        )
        payload = store.load_analysis(doc.id) or {}
        for m in payload.get("mentions", ()):
            name_norm = m.get("norm") or norm(m["text"])
            key = f"{m['type']}:{name_norm}"
            record = records.get(key)
            if record is None:
                record = records[key] = EntityRecord(
                    entity_id(m["type"], name_norm), m["type"], name_norm
                )
            record.surfaces[m["text"]] += 1
            record.mentions.append(EntityMention(doc.id, m["start"], m["end"], m["text"]))
            record.docs.add(doc.id)
    ordered = sorted(records.values(), key=lambda r: (-len(r.mentions), -len(r.docs), r.norm))
    return EntityIndex(ordered, {r.id: r for r in ordered}, records, docs)


# -- search ---------------------------------------------------------------------------------


def count_search(store, query: str, source: str | None = None) -> int:
    """How many documents match (``SearchQueryError`` for a query that cannot run)."""
    parsed = parse_query(query)
    statement = (
        "SELECT count(*) FROM documents_fts JOIN documents d ON d.seq = documents_fts.rowid "
        "WHERE documents_fts MATCH ?"
    )
    params: list[Any] = [parsed.fts]
    if source is not None:
        statement += " AND d.source = ?"
        params.append(source)
    return int(sql(store, statement, params)[0][0])
