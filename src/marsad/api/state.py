"""What one running app holds: the store, the caches, the write lock, the limits."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import Request

from marsad.api.briefs import BriefCache
from marsad.api.errors import Problem
from marsad.api.ingest import IngestReport, store_items
from marsad.api.queries import Cached, EntityIndex, build_entity_index, load_stories
from marsad.ingest import DEFAULT_MAX_BYTES
from marsad.model import Brief, Story
from marsad.store import Store

log = logging.getLogger("marsad.api")


def compute_brief(store: Store, story: Story) -> Brief:
    from marsad.pipeline import compare_documents

    return compare_documents(store.get_documents(story.doc_ids))


@dataclass
class AppState:
    store: Store
    max_request_bytes: int
    max_file_bytes: int = DEFAULT_MAX_BYTES
    briefs: BriefCache = field(default_factory=lambda: BriefCache(compute_brief))
    stories: Cached[list[Story]] = field(default_factory=lambda: Cached(load_stories))
    entities: Cached[EntityIndex] = field(default_factory=lambda: Cached(build_entity_index))
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    warm: bool = False  # compute the newest stories' briefs in the background
    _warmer: threading.Thread | None = None

    @classmethod
    def open(cls, db_path: Path, max_request_bytes: int, warm: bool = False) -> AppState:
        return cls(Store(db_path), max_request_bytes, warm=warm)

    def story(self, story_id: str) -> Story:
        story = self.store.story(story_id)
        if story is None:
            raise Problem(404, f"no story with id {story_id!r}")
        return story

    def entity_index(self) -> EntityIndex:
        return self.entities.get(self.store)

    def all_stories(self) -> list[Story]:
        return self.stories.get(self.store)

    def ingest(self, groups) -> IngestReport:
        """Store what was read (see ``store_items``), then warm the new stories' briefs."""
        report = store_items(self.store, groups, self.write_lock)
        if report.added:
            self.warm_briefs()
        return report

    def warm_briefs(self) -> None:
        """Fill the brief cache, newest stories first, in a background thread, so that the
        story list does not wait for each brief on first view. One warmer at a time."""
        if not self.warm or (self._warmer is not None and self._warmer.is_alive()):
            return
        self._warmer = threading.Thread(target=self._warm, name="marsad-brief-warmer", daemon=True)
        self._warmer.start()

    def _warm(self) -> None:
        try:
            for story in self.all_stories()[: self.briefs.maxsize]:
                if not self.warm:
                    return
                self.briefs.get(self.store, story)
        except Exception:  # a closed store at shutdown, or one bad story: not worth a crash
            log.debug("brief warmer stopped", exc_info=True)

    def close(self) -> None:
        self.warm = False
        if self._warmer is not None:
            self._warmer.join(timeout=30)
        self.store.close()


def get_state(request: Request) -> AppState:
    return request.app.state.marsad
