"""Story briefs, computed once and kept in memory (keyed by story id and its documents),
with the figures the story list shows and the extractive summary."""

from __future__ import annotations

import json
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field
from typing import Any

from marsad.brief.markdown import AGREEMENTS, DISAGREEMENTS
from marsad.brief.serialise import BriefValidationError, brief_to_dict, validate_brief
from marsad.model import Brief, Claim, Story

SUMMARY_SIZE = 5


@dataclass(frozen=True)
class BriefStats:
    reports: int
    sources: int
    agreements: int  # alignments judged agree or partial
    disagreements: int  # conflict, update or unclear
    additions: int  # claims only one source makes
    verdicts: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "reports": self.reports,
            "sources": self.sources,
            "agreements": self.agreements,
            "disagreements": self.disagreements,
            "additions": self.additions,
            "verdicts": dict(self.verdicts),
        }


def brief_stats(brief: Brief) -> BriefStats:
    verdicts = Counter(a.verdict for a in brief.alignments)
    return BriefStats(
        reports=len(brief.documents),
        sources=len({d.source or d.id for d in brief.documents}),
        agreements=sum(verdicts[v] for v in AGREEMENTS),
        disagreements=sum(verdicts[v] for v in DISAGREEMENTS),
        additions=len(set(brief.unique)),
        verdicts=dict(verdicts),
    )


@dataclass(frozen=True)
class SummaryItem:
    claim: Claim  # the representative wording, quoted exactly
    support: list[str]  # ids of the documents that make this claim


def consolidated_summary(brief: Brief, size: int = SUMMARY_SIZE) -> list[SummaryItem]:
    """The claims most sources make, in the words of the earliest report that makes them.

    Extractive: an agreeing alignment backed by more documents ranks higher; each item is
    quoted from the first listed document that has it, and the items are given in that
    document's order. With no agreement (one report, or sources that share nothing) the
    opening claims of the first report stand in.
    """
    claims = {c.id: c for c in brief.claims}
    order = {d.id: i for i, d in enumerate(brief.documents)}
    # One claim may sit in several pairwise alignments (1-2, 1-3): merge them by the claim
    # that represents them, so it is listed once with all its sources.
    support: dict[str, list[str]] = {}
    score: dict[str, float] = {}
    for a in brief.alignments:
        if a.verdict not in AGREEMENTS:
            continue
        members = [claims[c] for c in a.claims if c in claims]
        docs = list(dict.fromkeys(c.doc for c in members))
        if len(docs) < 2:
            continue
        first = min(members, key=lambda c: (order.get(c.doc, len(order)), c.start))
        merged = support.setdefault(first.id, [])
        merged += [d for d in docs if d not in merged]
        score[first.id] = max(score.get(first.id, 0.0), a.score)
    ranked = sorted(support, key=lambda cid: (-len(support[cid]), -score[cid]))
    chosen = [
        SummaryItem(claims[cid], sorted(support[cid], key=lambda d: order.get(d, len(order))))
        for cid in ranked[:size]
    ]
    if not chosen and brief.documents:
        lead = brief.documents[0].id
        opening = sorted((c for c in brief.claims if c.doc == lead), key=lambda c: c.start)
        chosen = [SummaryItem(c, [lead]) for c in opening[: min(3, size)]]
    chosen.sort(key=lambda i: (order.get(i.claim.doc, len(order)), i.claim.start))
    return chosen


@dataclass
class StoryBrief:
    story: Story
    brief: Brief
    stats: BriefStats
    data: dict[str, Any]  # marsad.brief/1, validated
    problems: list[str] = field(default_factory=list)  # validation problems, if any
    _json: bytes | None = None

    def json_bytes(self) -> bytes:
        if self._json is None:
            self._json = json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).encode()
        return self._json


def make_story_brief(story: Story, brief: Brief) -> StoryBrief:
    data = brief_to_dict(brief)
    problems: list[str] = []
    try:
        validate_brief(data)
    except BriefValidationError as e:
        problems = e.problems
    return StoryBrief(story, brief, brief_stats(brief), data, problems)


class BriefCache:
    """LRU of story briefs. Concurrent requests for the same story compute it once."""

    def __init__(self, compute, maxsize: int = 256) -> None:
        self._compute = compute  # (store, story) -> Brief
        self.maxsize = maxsize
        self._items: OrderedDict[tuple, StoryBrief] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[tuple, threading.Lock] = {}

    @staticmethod
    def key(story: Story) -> tuple:
        return (story.id, tuple(story.doc_ids))

    def peek(self, story: Story) -> StoryBrief | None:
        with self._lock:
            return self._items.get(self.key(story))

    def get(self, store, story: Story) -> StoryBrief:
        key = self.key(story)
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
            gate = self._pending.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._items.get(key)
            if hit is None:
                hit = make_story_brief(story, self._compute(store, story))
                with self._lock:
                    self._items[key] = hit
                    self._items.move_to_end(key)
                    while len(self._items) > self.maxsize:
                        self._items.popitem(last=False)
            with self._lock:
                self._pending.pop(key, None)
            return hit

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
