"""Versioned schema migrations for the SQLite store.

Each migration runs once, in order, inside one transaction that also records it in
``schema_migrations`` and sets ``PRAGMA user_version``; a failed migration leaves the
database as it was. Never edit a released migration: append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "documents, full-text index, analyses, stories",
        (
            """CREATE TABLE documents (
                seq INTEGER PRIMARY KEY,  -- stable rowid shared with the FTS index
                id TEXT NOT NULL UNIQUE,  -- content hash (marsad.model.content_id)
                source TEXT NOT NULL DEFAULT '',
                title TEXT NOT NULL DEFAULT '',
                published TEXT,           -- ISO date or NULL when unknown
                path TEXT NOT NULL DEFAULT '',
                url TEXT NOT NULL DEFAULT '',
                text TEXT NOT NULL,
                added_at TEXT NOT NULL
            )""",
            "CREATE INDEX documents_by_source ON documents(source)",
            "CREATE INDEX documents_by_published ON documents(published)",
            # Normalised keys of title and text (marsad.store.search.index_keys), rowid =
            # documents.seq. Contentless: the keys are derived data, recomputed to delete a row
            # and rebuilt whole when the key function changes (meta 'fts_keys_version').
            """CREATE VIRTUAL TABLE documents_fts USING fts5(
                title, body, content = '', tokenize = 'unicode61 remove_diacritics 2'
            )""",
            "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
            """CREATE TABLE analyses (
                doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
                payload TEXT NOT NULL,    -- JSON of the document's DocAnalysis
                saved_at TEXT NOT NULL
            )""",
            """CREATE TABLE stories (
                id TEXT PRIMARY KEY,
                title TEXT NOT NULL DEFAULT '',
                first TEXT,
                last TEXT,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE story_documents (
                story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                position INTEGER NOT NULL,
                PRIMARY KEY (story_id, doc_id)
            )""",
            "CREATE INDEX story_documents_by_doc ON story_documents(doc_id)",
        ),
    ),
    Migration(
        2,
        "facts read from each document, and their search terms (marsad.kb.store)",
        (
            """CREATE TABLE facts (
                id INTEGER PRIMARY KEY,
                doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                claim_id TEXT NOT NULL,
                relation TEXT NOT NULL,
                payload TEXT NOT NULL     -- JSON of the marsad.kb.facts.Fact
            )""",
            "CREATE INDEX facts_by_doc ON facts(doc_id)",
            # transliteration-tolerant keys of the words naming each side (marsad.kb.store)
            """CREATE TABLE fact_terms (
                term TEXT NOT NULL,
                fact_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
                PRIMARY KEY (term, fact_id)
            ) WITHOUT ROWID""",
            "CREATE INDEX fact_terms_by_fact ON fact_terms(fact_id)",
            # documents whose facts are stored (some have none), with the extractor version
            """CREATE TABLE fact_documents (
                doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
                version INTEGER NOT NULL,
                saved_at TEXT NOT NULL
            )""",
        ),
    ),
    Migration(
        3,
        "near-duplicate reports: each copy points to the canonical report of its group",
        (
            """CREATE TABLE duplicates (
                doc_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
                canonical TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE
            )""",
            "CREATE INDEX duplicates_by_canonical ON duplicates(canonical)",
        ),
    ),
)

LATEST_VERSION = MIGRATIONS[-1].version
