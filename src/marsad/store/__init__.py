"""Storage: the embedded SQLite store (documents, full-text search, analyses, stories)."""

from marsad.store.migrations import LATEST_VERSION, MIGRATIONS
from marsad.store.sqlite import (
    AddResult,
    SearchHit,
    SearchQueryError,
    Store,
    StoreError,
    default_db_path,
)

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "AddResult",
    "SearchHit",
    "SearchQueryError",
    "Store",
    "StoreError",
    "default_db_path",
]
