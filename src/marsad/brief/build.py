"""Assemble a Brief from analysed documents: claims, alignments, uniques, the timeline, and
what the sources say together.

- ``duplicates``: near-duplicate reports among the documents (an agency report and the
  copies outlets reprinted with small edits), found by MinHash (``marsad.stories.neardup``);
  the canonical report of a set is the earliest, then the agency's.
- ``support``: for each claim, how many *independent* sources state it: its own report and
  the reports of the claims aligned with it as agree or partial. The copies of one
  near-duplicate set count once, and so do two reports of one outlet.
- ``summary``: the best-supported claims, each quoted in its report's own words (extractive:
  nothing appears that no source wrote); claims some source disputes are left out.
- ``facts``: ``marsad.kb.brief.facts_for_brief``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from marsad.model import (
    Alignment,
    Brief,
    Claim,
    DocAnalysis,
    Document,
    DuplicateSet,
    Entity,
    SummarySentence,
    TimelineEvent,
)
from marsad.text.normalise import norm

# Disagreements first, then partial agreements, then agreements.
VERDICT_ORDER = {"conflict": 0, "update": 1, "unclear": 2, "partial": 3, "agree": 4}
SUPPORTING = frozenset({"agree", "partial"})
DISPUTED = frozenset({"conflict", "update", "unclear"})
SUMMARY_SIZE = 5
# With no claim that two independent sources make, the summary is the opening of the lead
# report (this many claims), so a one-report brief still has one.
SUMMARY_FALLBACK = 3


def timeline(claims: list[Claim]) -> list[TimelineEvent]:
    by_date: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        if claim.time is not None:
            by_date[claim.time.iso].append(claim)
    events = []
    for iso in sorted(by_date):
        group = by_date[iso]
        events.append(TimelineEvent(iso, group[0].text, [c.id for c in group]))
    return events


def duplicate_sets(documents: Sequence[Document]) -> list[DuplicateSet]:
    """Near-duplicate sets among the documents, canonical report (earliest, then a news
    agency's, then the first given) first; ``similarity`` is the lowest estimated Jaccard
    similarity of a copy to the canonical report."""
    if len(documents) < 2:
        return []
    from marsad.stories.neardup import near_duplicate_groups, signature

    sigs = [signature(d.text) for d in documents]
    groups = near_duplicate_groups(
        [d.id for d in documents],
        np.stack([s.hashes for s in sigs]),
        [s.size for s in sigs],
        [d.published for d in documents],
        [d.source for d in documents],
    )
    by_id = {d.id: s for d, s in zip(documents, sigs, strict=True)}
    return [
        DuplicateSet(
            g.canonical,
            list(g.copies),
            min(by_id[g.canonical].jaccard(by_id[c]) for c in g.copies),
        )
        for g in groups
        if g.copies
    ]


def independent_sources(
    documents: Sequence[Document], duplicates: Sequence[DuplicateSet]
) -> dict[str, str]:
    """Document id -> the id that stands for its independent source: the copies of one
    near-duplicate set are one source, and so are the reports of one outlet."""
    parent = {d.id: d.id for d in documents}
    for s in duplicates:
        for doc_id in (s.canonical, *s.copies):
            parent.setdefault(doc_id, doc_id)

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[rb] = ra

    for s in duplicates:
        for copy in s.copies:
            union(s.canonical, copy)
    outlets: dict[str, str] = {}
    for d in documents:
        key = norm(d.source).strip() if d.source else ""
        if key:
            union(outlets.setdefault(key, d.id), d.id)
    return {doc_id: find(doc_id) for doc_id in parent}


def claim_support(
    claims: Sequence[Claim],
    alignments: Sequence[Alignment],
    source_of: dict[str, str],
    doc_order: dict[str, int] | None = None,
    canonical: set[str] | None = None,
) -> dict[str, list[str]]:
    """Claim id -> the reports supporting it, one per independent source: the claim's own
    report and the reports of the claims aligned with it as agree or partial. The report
    listed for a source is the claim's own, else the canonical report of a near-duplicate
    set, else the first in ``doc_order``."""
    doc_of = {c.id: c.doc for c in claims}
    docs: dict[str, set[str]] = {c.id: {c.doc} for c in claims}
    for al in alignments:
        if al.verdict not in SUPPORTING:
            continue
        members = [cid for cid in al.claims if cid in doc_of]
        for cid in members:
            docs[cid].update(doc_of[other] for other in members)
    doc_order = doc_order or {}
    canonical = canonical or set()
    out: dict[str, list[str]] = {}
    for c in claims:
        chosen: dict[str, str] = {}
        ranked = sorted(
            docs[c.id],
            key=lambda d: (d != c.doc, d not in canonical, doc_order.get(d, len(doc_order)), d),
        )
        for d in ranked:
            chosen.setdefault(source_of.get(d, d), d)
        out[c.id] = sorted(chosen.values(), key=lambda d: (doc_order.get(d, len(doc_order)), d))
    return out


# A clause this short ("وفق ما قاله مسؤولون اتحاديون.") says nothing on its own.
SUMMARY_MIN_WORDS = 6


def consolidated_summary(
    claims: Sequence[Claim],
    alignments: Sequence[Alignment],
    supporters: dict[str, list[str]],
    doc_order: dict[str, int],
    copies: set[str],
    size: int = SUMMARY_SIZE,
) -> list[SummarySentence]:
    """Up to ``size`` claims that the most independent sources make (two at least), most
    supported first, then in document order; the copy of an agency report gives way to the
    original. No claim that some source disputes (conflict, update, unclear), and no two
    claims of one alignment. Each sentence is its claim's exact text.

    With no such claim, the opening claims of the first report that is not a copy stand in
    (support 1), so that a brief of one report, or of reports that share nothing, has one."""
    disputed = {cid for al in alignments if al.verdict in DISPUTED for cid in al.claims}
    neighbours: dict[str, set[str]] = defaultdict(set)
    for al in alignments:
        if al.verdict in SUPPORTING:
            for cid in al.claims:
                neighbours[cid].update(al.claims)

    def order(c: Claim) -> tuple:
        return (c.doc in copies, doc_order.get(c.doc, len(doc_order)), c.start)

    candidates = sorted(
        (
            c
            for c in claims
            if c.id not in disputed
            and len(supporters.get(c.id, [])) >= 2
            and len(c.text.split()) >= SUMMARY_MIN_WORDS
        ),
        key=lambda c: (-len(supporters[c.id]), *order(c)),
    )
    chosen: list[Claim] = []
    blocked: set[str] = set()
    said: set[str] = set()
    for c in candidates:
        key = norm(c.text)
        if c.id in blocked or key in said:
            continue
        chosen.append(c)
        blocked |= neighbours[c.id]
        said.add(key)
        if len(chosen) >= size:
            break
    if not chosen and claims:
        lead = min(
            (c.doc for c in claims),
            key=lambda d: (d in copies, doc_order.get(d, len(doc_order)), d),
        )
        opening = sorted(
            (c for c in claims if c.doc == lead and c.id not in disputed and c.text.strip()),
            key=lambda c: c.start,
        )
        chosen = opening[: min(SUMMARY_FALLBACK, size)]
    return [
        SummarySentence(c.id, len(supporters.get(c.id, [c.doc])), supporters.get(c.id, [c.doc]))
        for c in chosen
    ]


def assemble_brief(
    analyses: list[DocAnalysis],
    entities: list[Entity],
    alignments: list[Alignment],
    unique: list[str],
) -> Brief:
    from marsad.kb.brief import facts_for_brief

    documents = [a.doc for a in analyses]
    claims = [c for a in analyses for c in a.claims]
    doc_order = {d.id: i for i, d in enumerate(documents)}
    duplicates = duplicate_sets(documents)
    copies = {c for s in duplicates for c in s.copies}
    source_of = independent_sources(documents, duplicates)
    supporters = claim_support(
        claims, alignments, source_of, doc_order, {s.canonical for s in duplicates}
    )
    support = {cid: len(docs) for cid, docs in supporters.items()}

    doc_of = {c.id: c.doc for c in claims}

    def strength(al: Alignment) -> tuple:
        """Disagreements first; then the alignments whose own reports are more independent
        sources (two copies of one report agreeing is no news), then the best-supported."""
        own = {source_of.get(doc_of[c], doc_of[c]) for c in al.claims if c in doc_of}
        best = max((support.get(cid, 0) for cid in al.claims), default=0)
        return (VERDICT_ORDER.get(al.verdict, 9), -len(own), -best, -al.score)

    return Brief(
        documents=documents,
        entities=entities,
        claims=claims,
        alignments=sorted(alignments, key=strength),
        unique=unique,
        timeline=timeline(claims),
        support=support,
        summary=consolidated_summary(claims, alignments, supporters, doc_order, copies),
        duplicates=duplicates,
        facts=facts_for_brief(analyses, entities),
    )
