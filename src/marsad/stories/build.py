"""Stories of a whole store: near-duplicate groups, then story clusters, from stored analyses.

What a report needs for stories is kept in its analysis payload (see ``story_payload``):
its entity keys, its salient terms and its MinHash signature. A payload without a signature
(stored by an older marsad) gets one computed from the text.

``build_stories`` rebuilds everything from the store with array operations (the CLI's
rebuild); ``StoryBuilder`` does the same one report at a time, for a long-running ingest
that keeps its stories up to date without a rebuild. Both take the reports in date order.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from marsad.model import DocAnalysis, Document, Story
from marsad.stories.cluster import StoryClusterer, cluster_documents, document_order
from marsad.stories.neardup import (
    DuplicateGroup,
    NearDuplicateIndex,
    Signature,
    near_duplicate_groups,
    signature,
)
from marsad.stories.signature import entity_keys, salient_terms

SIGNATURE_KEY = "minhash"


def story_payload(analysis: DocAnalysis) -> dict[str, Any]:
    """The analysis payload fields stories are built from."""
    return {
        "entity_keys": sorted(entity_keys(analysis)),
        "terms": sorted(salient_terms(analysis)),
        SIGNATURE_KEY: signature(analysis.doc.text).encode(),
    }


@dataclass
class StoryInput:
    doc: Document  # its text cut to the first line (enough for a story title)
    entities: set[str]
    terms: set[str]
    signature: Signature


def story_input(doc: Document, payload: dict[str, Any] | None) -> StoryInput:
    payload = payload or {}
    encoded = payload.get(SIGNATURE_KEY)
    sig = None
    if isinstance(encoded, str):
        try:
            sig = Signature.decode(encoded)
        except ValueError:
            sig = None  # written by another version: computed again below
    if sig is None:
        sig = signature(doc.text)
    light = Document(
        doc.id, _first_line(doc.text), doc.title, doc.source, doc.published, doc.path, doc.url
    )
    return StoryInput(
        light, set(payload.get("entity_keys", ())), set(payload.get("terms", ())), sig
    )


def read_inputs(store) -> Iterator[StoryInput]:
    """Every stored report with what stories need, in the store's order."""
    for doc in store.iter_documents():
        yield story_input(doc, store.load_analysis(doc.id))


@dataclass
class StoryBuild:
    stories: list[Story]
    duplicates: list[DuplicateGroup]  # near-duplicate groups, canonical report first
    seconds: dict[str, float] = field(default_factory=dict)  # time per step


def build_from_inputs(inputs: Iterable[StoryInput], window_days: int = 3) -> StoryBuild:
    """Near-duplicate groups and stories of a corpus, in one pass over it."""
    t0 = time.perf_counter()
    ordered = sorted(inputs, key=lambda it: document_order(it.doc))
    if ordered:
        hashes = np.stack([it.signature.hashes for it in ordered])
    else:
        hashes = np.empty((0, 128), dtype=np.uint32)
    groups = near_duplicate_groups(
        [it.doc.id for it in ordered],
        hashes,
        [it.signature.size for it in ordered],
        [it.doc.published for it in ordered],
        [it.doc.source for it in ordered],
    )
    t1 = time.perf_counter()
    stories = cluster_documents(
        [(it.doc, it.entities, it.terms) for it in ordered],
        window_days=window_days,
        duplicates=(g.ids for g in groups),
    )
    t2 = time.perf_counter()
    return StoryBuild(stories, groups, {"near_duplicates": t1 - t0, "clustering": t2 - t1})


def build_stories(store, window_days: int = 3) -> StoryBuild:
    """Rebuild near-duplicate groups and stories from everything in the store."""
    t0 = time.perf_counter()
    inputs = list(read_inputs(store))
    read = time.perf_counter() - t0
    result = build_from_inputs(inputs, window_days)
    result.seconds = {"read": read, **result.seconds}
    return result


class StoryBuilder:
    """Near-duplicates and stories kept up to date one report at a time.

    Start it from the store (``from_store``: the stored reports are replayed in date order,
    which gives what ``build_stories`` gives), then ``add`` each new report as it is stored.
    """

    def __init__(self, window_days: int = 3) -> None:
        self.neardup = NearDuplicateIndex()
        self.clusterer = StoryClusterer(window_days)

    @classmethod
    def from_store(cls, store, window_days: int = 3) -> StoryBuilder:
        builder = cls(window_days)
        for item in sorted(read_inputs(store), key=lambda it: document_order(it.doc)):
            builder.add_input(item)
        return builder

    def add(self, doc: Document, payload: dict[str, Any] | None) -> str:
        """Place a report (with its analysis payload); the id of its story."""
        return self.add_input(story_input(doc, payload))

    def add_input(self, item: StoryInput) -> str:
        doc = item.doc
        self.neardup.add(doc.id, sig=item.signature, published=doc.published, source=doc.source)
        group = self.neardup.group_of(doc.id)
        return self.clusterer.add(doc, item.entities, item.terms, group if len(group) > 1 else ())

    def stories(self) -> list[Story]:
        return self.clusterer.stories()

    def duplicate_groups(self) -> list[DuplicateGroup]:
        return self.neardup.groups()


def _first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")[:300]
