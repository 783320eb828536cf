"""The embedded store: one SQLite file (WAL mode, foreign keys, versioned migrations).

Every write is one transaction: a batch of documents is stored whole or not at all, so a
failure leaves what was stored before untouched. Errors surface as ``StoreError`` with a
one-line message, never as a raw sqlite3 traceback.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from marsad.model import Document, Story
from marsad.store.migrations import LATEST_VERSION, MIGRATIONS
from marsad.store.search import (
    KEYS_VERSION,
    QueryError,
    highlights,
    index_keys,
    make_snippet,
    parse_query,
)

DEFAULT_DB_NAME = "marsad.db"


class StoreError(Exception):
    """A store operation that failed; the message is one line meant for the user."""


class SearchQueryError(StoreError, QueryError):
    """A search query that cannot be run (also a ``ValueError``)."""


def default_db_path() -> Path:
    """``$MARSAD_DB`` when set, else ``./marsad.db``."""
    return Path(os.environ.get("MARSAD_DB") or DEFAULT_DB_NAME)


@dataclass
class AddResult:
    added: list[str] = field(default_factory=list)  # ids newly stored, in input order
    duplicates: list[str] = field(default_factory=list)  # ids already stored (or repeated)


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    title: str
    source: str
    published: str | None  # ISO date
    snippet: str  # original text around the matches, matches between the marks
    score: float  # higher is better
    snippet_start: int  # the snippet's span in the document text
    snippet_end: int
    highlights: tuple[tuple[int, int], ...]  # matched spans in the document text


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _iso(value: date | str | None) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return date.fromisoformat(value).isoformat()
    raise TypeError(f"published must be a date, not {type(value).__name__}")


def _json(payload: dict[str, Any], doc_id: str = "") -> str:
    try:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError) as e:
        raise StoreError(f"analysis of {doc_id} is not JSON-serialisable: {e}") from None


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split()) or type(e).__name__


class Store:
    """Documents, their analyses and stories in one SQLite database.

    Usable as a context manager. One connection, guarded by a lock, so a Store may be shared
    by the threads of one process (e.g. a web server's worker threads).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self._lock = threading.RLock()
        memory = str(self.path) == ":memory:"
        try:
            if not memory:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                str(self.path), isolation_level=None, check_same_thread=False, timeout=30
            )
        except (sqlite3.Error, OSError) as e:
            raise StoreError(f"cannot open database {self.path}: {_one_line(e)}") from None
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 30000")
            if not memory:
                self._db.execute("PRAGMA journal_mode = WAL")
                self._db.execute("PRAGMA synchronous = NORMAL")
            self.migrate()
            self._check_index()
        except sqlite3.DatabaseError as e:
            self._db.close()
            raise StoreError(f"cannot open database {self.path}: {_one_line(e)}") from None
        except StoreError:
            self._db.close()
            raise

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self) -> list[int]:
        """Apply pending migrations, each in its own transaction; the versions applied."""
        applied: list[int] = []
        with self._lock:
            self._check_version(self.schema_version)
            if self.schema_version == LATEST_VERSION:
                return applied  # the common case takes no write lock
            for migration in MIGRATIONS:
                with self._transaction():
                    current = self.schema_version  # re-read under the write lock
                    self._check_version(current)
                    if migration.version <= current:
                        continue
                    self._db.execute(
                        "CREATE TABLE IF NOT EXISTS schema_migrations ("
                        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                    for statement in migration.statements:
                        self._db.execute(statement)
                    self._db.execute(
                        "INSERT INTO schema_migrations VALUES (?, ?, ?)",
                        (migration.version, migration.name, _now()),
                    )
                    self._db.execute(f"PRAGMA user_version = {int(migration.version)}")
                    applied.append(migration.version)
        return applied

    def _check_version(self, current: int) -> None:
        if current > LATEST_VERSION:
            raise StoreError(
                f"database {self.path} has schema version {current}, newer than this marsad "
                f"supports ({LATEST_VERSION}); upgrade marsad"
            )

    def _check_index(self) -> None:
        rows = self._read("SELECT value FROM meta WHERE key = 'fts_keys_version'")
        if not rows or rows[0][0] != KEYS_VERSION:
            self.rebuild_index()

    def rebuild_index(self) -> int:
        """Recompute the full-text index from the stored documents; the number indexed."""
        indexed = 0
        try:
            with self._transaction() as db:
                db.execute("INSERT INTO documents_fts (documents_fts) VALUES ('delete-all')")
                rows = db.execute("SELECT seq, title, text FROM documents ORDER BY seq")
                for seq, title, text in rows:
                    self._index(db, seq, title, text)
                    indexed += 1
                db.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('fts_keys_version', ?)",
                    (KEYS_VERSION,),
                )
        except sqlite3.Error as e:
            raise StoreError(f"cannot rebuild the search index: {_one_line(e)}") from None
        return indexed

    @staticmethod
    def _index(db: sqlite3.Connection, seq: int, title: str, text: str, delete: bool = False):
        command = "'delete', " if delete else ""
        columns = "documents_fts, rowid" if delete else "rowid"
        db.execute(
            f"INSERT INTO documents_fts ({columns}, title, body) VALUES ({command}?, ?, ?)",
            (seq, index_keys(title), index_keys(text)),
        )

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as e:
                raise StoreError(f"cannot write to {self.path}: {_one_line(e)}") from None
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise
            try:
                self._db.execute("COMMIT")
            except sqlite3.Error as e:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(f"cannot write to {self.path}: {_one_line(e)}") from None

    def _read(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._db.execute(sql, tuple(params)).fetchall()
            except sqlite3.Error as e:
                raise StoreError(f"database error: {_one_line(e)}") from None

    # -- documents -------------------------------------------------------------------------

    def add_documents(
        self, docs: Iterable[Document], analyses: dict[str, dict[str, Any]] | None = None
    ) -> AddResult:
        """Store new documents in one transaction; documents already stored are skipped.

        ``analyses`` (doc id -> JSON payload) are stored in the same transaction.

        If anything fails (a malformed document, a full disk) nothing of the batch is stored
        and ``StoreError`` is raised.
        """
        result = AddResult()
        seen: set[str] = set()
        try:
            with self._transaction() as db:
                for doc in docs:
                    if not isinstance(doc, Document):
                        raise StoreError(f"not a Document: {type(doc).__name__}")
                    if not isinstance(doc.id, str) or not doc.id:
                        raise StoreError("a document has no id")
                    if not isinstance(doc.text, str) or not doc.text.strip():
                        raise StoreError(f"document {doc.id} has no text")
                    exists = (
                        doc.id in seen
                        or db.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone()
                    )
                    seen.add(doc.id)
                    if exists:
                        result.duplicates.append(doc.id)
                        continue
                    try:
                        published = _iso(doc.published)
                    except (TypeError, ValueError) as e:
                        raise StoreError(f"document {doc.id}: bad published date: {e}") from None
                    cursor = db.execute(
                        "INSERT INTO documents (id, source, title, published, path, url, text,"
                        " added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        (
                            doc.id,
                            doc.source or "",
                            doc.title or "",
                            published,
                            doc.path or "",
                            doc.url or "",
                            doc.text,
                            _now(),
                        ),
                    )
                    self._index(db, cursor.lastrowid, doc.title or "", doc.text)
                    result.added.append(doc.id)
                    if analyses and doc.id in analyses:
                        db.execute(
                            "INSERT INTO analyses (doc_id, payload, saved_at) VALUES (?, ?, ?)",
                            (doc.id, _json(analyses[doc.id]), _now()),
                        )
        except sqlite3.Error as e:
            raise StoreError(f"cannot store documents: {_one_line(e)}") from None
        return result

    def get_document(self, doc_id: str) -> Document | None:
        rows = self._read("SELECT * FROM documents WHERE id = ?", (doc_id,))
        return _document(rows[0]) if rows else None

    def get_documents(self, ids: Iterable[str]) -> list[Document]:
        """The stored documents among ``ids``, in the order given."""
        found = {}
        ids = list(ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._read(f"SELECT * FROM documents WHERE id IN ({marks})", chunk):
                found[row["id"]] = _document(row)
        return [found[i] for i in ids if i in found]

    def __contains__(self, doc_id: object) -> bool:
        return bool(self._read("SELECT 1 FROM documents WHERE id = ?", (doc_id,)))

    def documents(
        self, limit: int | None = 50, offset: int = 0, source: str | None = None
    ) -> list[Document]:
        """Stored documents, newest publication date first (unknown dates last)."""
        where, params = ("WHERE source = ?", [source]) if source is not None else ("", [])
        rows = self._read(
            f"SELECT * FROM documents {where} "
            "ORDER BY published IS NULL, published DESC, seq DESC LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset],
        )
        return [_document(r) for r in rows]

    def iter_documents(self, batch: int = 500) -> Iterator[Document]:
        """Every stored document in insertion order, fetched in batches (constant memory)."""
        last = 0
        while True:
            rows = self._read(
                "SELECT * FROM documents WHERE seq > ? ORDER BY seq LIMIT ?", (last, batch)
            )
            if not rows:
                return
            last = rows[-1]["seq"]
            yield from (_document(r) for r in rows)

    def count(self, source: str | None = None) -> int:
        if source is None:
            return int(self._read("SELECT count(*) FROM documents")[0][0])
        return int(self._read("SELECT count(*) FROM documents WHERE source = ?", (source,))[0][0])

    def sources(self) -> list[tuple[str, int]]:
        """(source, number of documents), most documents first."""
        rows = self._read(
            "SELECT source, count(*) AS n FROM documents GROUP BY source ORDER BY n DESC, source"
        )
        return [(r["source"], r["n"]) for r in rows]

    def delete_documents(self, ids: Iterable[str]) -> int:
        """Delete documents with their analyses, index entries and story links."""
        deleted = 0
        try:
            with self._transaction() as db:
                for doc_id in ids:
                    row = db.execute(
                        "SELECT seq, title, text FROM documents WHERE id = ?", (doc_id,)
                    ).fetchone()
                    if row is None:
                        continue
                    self._index(db, row[0], row[1], row[2], delete=True)
                    db.execute("DELETE FROM documents WHERE seq = ?", (row[0],))
                    deleted += 1
        except sqlite3.Error as e:
            raise StoreError(f"cannot delete documents: {_one_line(e)}") from None
        return deleted

    # -- search ----------------------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 20,
        offset: int = 0,
        source: str | None = None,
        mark: tuple[str, str] = ("[", "]"),
    ) -> list[SearchHit]:
        """Documents matching ``query`` (see ``marsad.store.search``), best first.

        A query that cannot be run raises ``SearchQueryError`` (a ``StoreError`` and a
        ``ValueError``) with a one-line reason.
        """
        try:
            parsed = parse_query(query)
        except QueryError as e:
            raise SearchQueryError(str(e)) from None
        where = "documents_fts MATCH ?"
        params: list[Any] = [parsed.fts]
        if source is not None:
            where += " AND d.source = ?"
            params.append(source)
        sql = (
            "SELECT d.*, bm25(documents_fts, 3.0, 1.0) AS rank FROM documents_fts "
            f"JOIN documents d ON d.seq = documents_fts.rowid WHERE {where} "
            "ORDER BY rank LIMIT ? OFFSET ?"
        )
        with self._lock:
            try:
                rows = self._db.execute(sql, [*params, limit, offset]).fetchall()
            except sqlite3.OperationalError as e:
                raise SearchQueryError(f"cannot run the search query: {_one_line(e)}") from None
        hits = []
        for row in rows:
            text = row["text"]
            snippet = make_snippet(text, highlights(text, parsed.terms))
            hits.append(
                SearchHit(
                    doc_id=row["id"],
                    title=row["title"],
                    source=row["source"],
                    published=row["published"],
                    snippet=snippet.render(text, mark),
                    score=-float(row["rank"]),
                    snippet_start=snippet.start,
                    snippet_end=snippet.end,
                    highlights=snippet.highlights,
                )
            )
        return hits

    # -- analyses --------------------------------------------------------------------------

    def save_analysis(self, doc_id: str, payload: dict[str, Any]) -> None:
        """Store (or replace) the JSON analysis of a stored document."""
        blob = _json(payload, doc_id)
        try:
            with self._transaction() as db:
                db.execute(
                    "INSERT INTO analyses (doc_id, payload, saved_at) VALUES (?, ?, ?) "
                    "ON CONFLICT(doc_id) DO UPDATE SET payload = excluded.payload, "
                    "saved_at = excluded.saved_at",
                    (doc_id, blob, _now()),
                )
        except sqlite3.IntegrityError:
            raise StoreError(f"cannot save analysis: no stored document {doc_id}") from None
        except sqlite3.Error as e:
            raise StoreError(f"cannot save analysis of {doc_id}: {_one_line(e)}") from None

    def load_analysis(self, doc_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT payload FROM analyses WHERE doc_id = ?", (doc_id,))
        return json.loads(rows[0]["payload"]) if rows else None

    def unanalysed_ids(self, limit: int | None = None) -> list[str]:
        """Ids of stored documents with no saved analysis, in insertion order."""
        rows = self._read(
            "SELECT d.id FROM documents d LEFT JOIN analyses a ON a.doc_id = d.id "
            "WHERE a.doc_id IS NULL ORDER BY d.seq LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [r["id"] for r in rows]

    # -- stories ---------------------------------------------------------------------------

    def set_stories(self, stories: Iterable[Story], replace: bool = True) -> None:
        """Store stories in one transaction; by default they replace all stored stories.

        With ``replace=False`` the given stories are upserted and others kept.
        """
        try:
            with self._transaction() as db:
                if replace:
                    db.execute("DELETE FROM stories")
                for story in stories:
                    db.execute("DELETE FROM stories WHERE id = ?", (story.id,))
                    db.execute(
                        "INSERT INTO stories (id, title, first, last, updated_at)"
                        " VALUES (?, ?, ?, ?, ?)",
                        (story.id, story.title or "", story.first, story.last, _now()),
                    )
                    for position, doc_id in enumerate(dict.fromkeys(story.doc_ids)):
                        try:
                            db.execute(
                                "INSERT INTO story_documents (story_id, doc_id, position)"
                                " VALUES (?, ?, ?)",
                                (story.id, doc_id, position),
                            )
                        except sqlite3.IntegrityError:
                            raise StoreError(
                                f"story {story.id}: no stored document {doc_id}"
                            ) from None
        except sqlite3.Error as e:
            raise StoreError(f"cannot store stories: {_one_line(e)}") from None

    def stories(self, limit: int | None = None, offset: int = 0) -> list[Story]:
        """Stored stories, most recent last report first (undated stories last)."""
        rows = self._read(
            "SELECT * FROM stories ORDER BY last IS NULL, last DESC, id LIMIT ? OFFSET ?",
            (-1 if limit is None else limit, offset),
        )
        return [self._story(r) for r in rows]

    def story(self, story_id: str) -> Story | None:
        rows = self._read("SELECT * FROM stories WHERE id = ?", (story_id,))
        return self._story(rows[0]) if rows else None

    def stories_of(self, doc_id: str) -> list[str]:
        """Ids of the stories a document belongs to."""
        rows = self._read(
            "SELECT story_id FROM story_documents WHERE doc_id = ? ORDER BY story_id", (doc_id,)
        )
        return [r["story_id"] for r in rows]

    # -- near-duplicates -------------------------------------------------------------------

    def set_duplicates(self, groups: Iterable[tuple[str, Iterable[str]]]) -> int:
        """Replace the stored near-duplicate groups, (canonical id, copy ids) each, in one
        transaction; the number of copies stored."""
        rows = [(copy, canonical) for canonical, copies in groups for copy in copies]
        try:
            with self._transaction() as db:
                db.execute("DELETE FROM duplicates")
                db.executemany("INSERT INTO duplicates (doc_id, canonical) VALUES (?, ?)", rows)
        except sqlite3.IntegrityError:
            raise StoreError("cannot store near-duplicates: a report is not stored") from None
        except sqlite3.Error as e:
            raise StoreError(f"cannot store near-duplicates: {_one_line(e)}") from None
        return len(rows)

    def duplicate_groups(self) -> dict[str, list[str]]:
        """Canonical report id -> ids of its stored copies."""
        groups: dict[str, list[str]] = {}
        for r in self._read("SELECT doc_id, canonical FROM duplicates ORDER BY rowid"):
            groups.setdefault(r["canonical"], []).append(r["doc_id"])
        return groups

    def canonical_of(self, doc_ids: Iterable[str]) -> dict[str, str]:
        """For those of ``doc_ids`` that are copies: copy id -> canonical report id."""
        ids = list(doc_ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for r in self._read(
                f"SELECT doc_id, canonical FROM duplicates WHERE doc_id IN ({marks})", chunk
            ):
                out[r["doc_id"]] = r["canonical"]
        return out

    def _story(self, row: sqlite3.Row) -> Story:
        docs = self._read(
            "SELECT doc_id FROM story_documents WHERE story_id = ? ORDER BY position", (row["id"],)
        )
        return Story(
            row["id"], [d["doc_id"] for d in docs], row["title"], row["first"], row["last"]
        )


def _document(row: sqlite3.Row) -> Document:
    published = row["published"]
    return Document(
        id=row["id"],
        text=row["text"],
        title=row["title"],
        source=row["source"],
        published=date.fromisoformat(published) if published else None,
        path=row["path"],
        url=row["url"],
    )
