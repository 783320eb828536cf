"""Story clusters: reports that share entities and salient terms within a time window.

Incremental and near-linear: a report is compared only with the stories reached through an
inverted index from its keys (entity keys and terms) to the stories that recently took a
report with that key, never with all stories. Per key only the ``POSTINGS_SCAN`` most recent
postings are read, and keys found in more than ``MAX_KEY_DOC_SHARE`` of the reports seen so
far (Saudi Arabia in a Saudi newspaper) are not used to find candidates at all. The
candidates sharing the most key weight are then scored in full against the story's profile
(how many of its reports carry each key), and the report joins the best story that passes
the thresholds, or starts a new one. A near-duplicate of a report already placed joins that
report's story whatever its keys.

Time: a report joins a story within ``window_days`` of its reports, as long as the story
then spans at most ``MAX_SPAN_DAYS`` (a running topic becomes a series of stories, not one);
a follow-up weeks later (up to ``LATE_WINDOW_DAYS``) joins only with several shared
entities and a larger share of terms. Reports without a date are not ruled out by time.

Terms are weighted by IDF over the reports seen so far, so adding reports one by one in date
order gives exactly what ``cluster_documents`` gives for the same reports.

A story's id is a hash of its first report's id, so it stays the same as reports are added.
"""

from __future__ import annotations

import hashlib
import heapq
import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from marsad.model import Document, Story

# A report joins a story when, inside the time window, it shares at least one (not too
# common) entity and this share of its term weight, or, sharing no entity, this larger share.
# Shares are of the report's IDF-weighted salient terms found in the story's profile.
MIN_TERM_SHARE_WITH_ENTITY = 0.3
MIN_TERM_SHARE_ALONE = 0.45
# Each shared entity beyond the first lowers the term share needed by this much (up to four
# entities): outlets name the same people and places but word the event differently.
ENTITY_DISCOUNT = 0.05
# A story takes reports over at most this many days under the ordinary rules; later ones
# only under the late rules below (so that a running topic, a war or a court circular, does
# not become one story).
MAX_SPAN_DAYS = 7
# After a longer gap (a follow-up weeks later, up to LATE_WINDOW_DAYS after the story's last
# report), a report must share at least LATE_MIN_ENTITIES entities and LATE_MIN_TERM_SHARE.
LATE_WINDOW_DAYS = 45
LATE_MIN_ENTITIES = 4.0
LATE_MIN_TERM_SHARE = 0.4
# A story's key counts fully when at least this share of its reports carry it, in
# proportion below that (a key of one report in a story of twenty counts little).
CENTRAL_SHARE = 0.5
# Keys found in more than this share of the reports seen (and more than MIN_COMMON_DOCS
# reports) are not used to find candidate stories, nor count as a shared entity.
MAX_KEY_DOC_SHARE = 0.01
MIN_COMMON_DOCS = 5
# How many of a key's most recent story postings are read, and how many candidate stories
# are scored in full: both bound the work per report, whatever the corpus size.
POSTINGS_SCAN = 48
CANDIDATES = 12
# Term weights are IDF to this power: a term's weight falls steeply with its frequency, so
# that a running topic's common vocabulary (resistance, coalition, militias) cannot make a
# report join a story by itself.
IDF_POWER = 2.0
# IDF is computed as if this many more reports, none carrying the key, had been seen.
IDF_PRIOR_DOCS = 100
# What a shared entity adds when ranking candidate stories (a term adds its IDF weight).
ENTITY_REACH = 2.0


def story_id(first_doc_id: str) -> str:
    return hashlib.sha256(f"story:{first_doc_id}".encode()).hexdigest()[:16]


@dataclass(slots=True)
class _Story:
    id: str
    title: str
    doc_ids: list[str] = field(default_factory=list)
    first: int | None = None  # date ordinals
    last: int | None = None
    profile: dict[int, int] = field(default_factory=dict)  # key id -> reports carrying it

    def span_with(self, day: int | None) -> int:
        """Days the story would span with a report of ``day``."""
        if day is None or self.first is None or self.last is None:
            return 0
        return max(self.last, day) - min(self.first, day)

    def gap(self, day: int | None) -> int:
        """Days between ``day`` and the story's span (0 inside it, or when a date is unknown:
        an unknown date cannot rule a report out)."""
        if day is None or self.first is None or self.last is None:
            return 0
        return max(0, self.first - day, day - self.last)

    def add(self, doc_id: str, day: int | None, keys: list[int]) -> None:
        self.doc_ids.append(doc_id)
        profile = self.profile
        for k in keys:
            profile[k] = profile.get(k, 0) + 1
        if day is not None:
            self.first = day if self.first is None else min(self.first, day)
            self.last = day if self.last is None else max(self.last, day)

    def to_story(self) -> Story:
        first = date.fromordinal(self.first).isoformat() if self.first is not None else None
        last = date.fromordinal(self.last).isoformat() if self.last is not None else None
        return Story(self.id, list(self.doc_ids), self.title, first, last)


class StoryClusterer:
    """Assigns reports to stories one at a time; ``stories()`` gives the result so far.

    Reports are expected roughly in date order (a report far older than those before it is
    still placed, but its candidates are looked for among the most recent postings only).
    """

    def __init__(self, window_days: int = 3) -> None:
        self.window = window_days
        self._vocab: dict[str, int] = {}
        self._df = array("l")  # key id -> number of reports carrying it
        self._postings: list[array] = []  # key id -> story indices, in the order of use
        self._posting_days: list[array] = []  # ... and the day of each use
        self._stories: list[_Story] = []
        self._story_of: dict[str, int] = {}
        self._docs = 0

    def __len__(self) -> int:
        return len(self._stories)

    def add(
        self,
        doc: Document,
        entities: Iterable[str],
        terms: Iterable[str],
        duplicate_of: Iterable[str] = (),
    ) -> str:
        """Put ``doc`` into its story (an existing one or a new one); the story's id.

        ``duplicate_of``: ids of reports ``doc`` is a near-duplicate of; when one of them is
        already placed, ``doc`` joins its story. A report already placed is not placed again.
        """
        if doc.id in self._story_of:
            return self._stories[self._story_of[doc.id]].id
        entity_ids = self._key_ids(entities)
        term_ids = [k for k in self._key_ids(terms) if k not in entity_ids]
        keys = entity_ids + term_ids
        self._docs += 1
        for k in keys:
            self._df[k] += 1
        day = doc.published.toordinal() if doc.published is not None else None

        best = next((self._story_of[d] for d in duplicate_of if d in self._story_of), None)
        if best is None:
            best = self._best_story(day, entity_ids, term_ids)
        if best is None:
            best = len(self._stories)
            self._stories.append(_Story(story_id(doc.id), _title(doc)))
        story = self._stories[best]
        story.add(doc.id, day, keys)
        self._story_of[doc.id] = best

        limit = self._common_limit()
        for k in keys:
            if self._df[k] <= limit:
                postings, days = self._postings[k], self._posting_days[k]
                # A posting's day is the report's, but never earlier than the one before it
                # (undated or older reports), so that each list stays sorted by day.
                posting_day = max(day if day is not None else 0, days[-1] if days else 0)
                if not postings or postings[-1] != best:
                    postings.append(best)
                    days.append(posting_day)
                else:
                    days[-1] = posting_day
        return story.id

    def story_of(self, doc_id: str) -> str | None:
        index = self._story_of.get(doc_id)
        return None if index is None else self._stories[index].id

    def stories(self) -> list[Story]:
        """Stories in order of their first report (undated ones last)."""
        ordered = sorted(self._stories, key=lambda s: (s.first is None, s.first or 0, s.id))
        return [s.to_story() for s in ordered]

    # -- internals ---------------------------------------------------------------------

    def _key_ids(self, keys: Iterable[str]) -> list[int]:
        ids = []
        for key in dict.fromkeys(keys):
            k = self._vocab.get(key)
            if k is None:
                k = self._vocab[key] = len(self._vocab)
                self._df.append(0)
                self._postings.append(array("l"))
                self._posting_days.append(array("l"))
            ids.append(k)
        return ids

    def _common_limit(self) -> float:
        return max(MIN_COMMON_DOCS, MAX_KEY_DOC_SHARE * self._docs)

    def _idf(self, key: int) -> float:
        # The prior documents keep a small corpus from calling its own story's words common.
        docs = self._docs + IDF_PRIOR_DOCS
        return (math.log((docs + 1) / (self._df[key] + 1)) + 1.0) ** IDF_POWER

    def _best_story(self, day: int | None, entities: list[int], terms: list[int]) -> int | None:
        limit = self._common_limit()
        usable_entities = [k for k in entities if self._df[k] <= limit]
        weights = {k: self._idf(k) for k in terms}
        # Candidates: stories reached through the report's (not too common) keys, ranked by
        # the key weight they share with it. Terms look back over the window, entities over
        # the late window too (a late follow-up must share several entities).
        reach: dict[int, float] = {}
        late_window = max(self.window, LATE_WINDOW_DAYS)
        scans = [(k, ENTITY_REACH, late_window) for k in usable_entities]
        scans += [(k, weights[k], self.window) for k in terms if self._df[k] <= limit]
        for k, weight, window in scans:
            postings = self._postings[k]
            start = len(postings) - POSTINGS_SCAN
            if day is not None:
                # Posting days never decrease along a key's list: skip those too old at once.
                start = max(start, bisect_left(self._posting_days[k], day - window))
            for index in set(postings[max(start, 0) :]):
                reach[index] = reach.get(index, 0.0) + weight
        if not reach:
            return None
        total = sum(weights.values()) or 1.0
        ranked = heapq.nlargest(CANDIDATES, reach, key=reach.__getitem__)
        best, best_score = None, 0.0
        for index in ranked:
            story = self._stories[index]
            gap = story.gap(day)
            if gap > late_window:
                continue
            profile = story.profile
            central = max(1.0, CENTRAL_SHARE * len(story.doc_ids))
            shared_entities = 0.0
            for k in usable_entities:
                count = profile.get(k)
                if count:
                    shared_entities += 1.0 if count >= central else count / central
            covered = 0.0
            for k, w in weights.items():
                count = profile.get(k)
                if count:
                    covered += w if count >= central else w * count / central
            term_share = covered / total
            if gap > self.window:
                if shared_entities < LATE_MIN_ENTITIES or term_share < LATE_MIN_TERM_SHARE:
                    continue
            elif story.span_with(day) > MAX_SPAN_DAYS:
                continue  # an active story that has run long enough: a new one starts
            elif shared_entities >= 0.999:
                discount = ENTITY_DISCOUNT * (min(shared_entities, 4.0) - 1.0)
                if term_share < MIN_TERM_SHARE_WITH_ENTITY - discount:
                    continue
            elif term_share < MIN_TERM_SHARE_ALONE:
                continue
            score = term_share + 0.1 * min(shared_entities, 3.0)
            if score > best_score:
                best, best_score = index, score
        return best


def document_order(doc: Document) -> tuple:
    """The order reports are clustered in: by date (undated last), then by id."""
    return (doc.published is None, doc.published or date.min, doc.id)


def cluster_documents(
    items: list[tuple[Document, set[str], set[str]]],
    window_days: int = 3,
    duplicates: Iterable[Iterable[str]] = (),
) -> list[Story]:
    """Cluster (document, entity keys, terms) triples into stories, earliest report first.

    ``duplicates``: groups of near-duplicate report ids; a group ends up in one story.
    Reports are taken in date order (undated last, ties by id), so the result and the story
    ids do not depend on the order of ``items``.
    """
    group_of: dict[str, list[str]] = {}
    for group in duplicates:
        members = list(group)
        for doc_id in members:
            group_of[doc_id] = members
    clusterer = StoryClusterer(window_days)
    for doc, entities, terms in sorted(items, key=lambda it: document_order(it[0])):
        clusterer.add(doc, entities, terms, group_of.get(doc.id, ()))
    return clusterer.stories()


def _title(doc: Document) -> str:
    if doc.title.strip():
        return " ".join(doc.title.split())
    first_line = next((line for line in doc.text.splitlines() if line.strip()), "")
    words = first_line.split()
    return " ".join(words[:12]) + ("…" if len(words) > 12 else "")
