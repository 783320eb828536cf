"""What the brief page shows, cut into plain values for the templates.

Report text is untrusted: it reaches the page only as plain strings that Jinja2 escapes
(autoescape on). Highlights are lists of segments, never pre-built HTML.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from marsad.api.briefs import BriefStats, brief_stats, consolidated_summary
from marsad.api.i18n import (
    fact_status_text,
    kind_label,
    support_text,
    type_label,
    verdict_label,
)
from marsad.api.queries import EntityIndex
from marsad.brief.markdown import (
    AGREEMENTS,
    DISAGREEMENTS,
    bounds_by_doc,
    copies_of,
    doc_labels,
    fact_holder,
    fact_post,
    fact_when,
    fold_copy_agreements,
    label_of,
    latest_claim,
    ordered_alignments,
    summary_items,
    unique_by_doc,
)
from marsad.model import Brief, Claim, Entity

VERDICTS_SHOWN = (*DISAGREEMENTS, *reversed(AGREEMENTS))


@dataclass(frozen=True)
class Segment:
    text: str
    kind: str = ""  # "" plain, "time", "ent" or "hit"
    note: str = ""


@dataclass
class SourceView:
    number: int
    id: str
    name: str
    title: str
    date: str | None
    url: str
    claims: int = 0
    additions: int = 0
    copy_of: SourceView | None = None  # the report this one is a near-duplicate copy of
    copies: list[SourceView] = field(default_factory=list)  # its copies, for an original
    not_before: str = ""  # an undated report's date bound


@dataclass
class ClaimView:
    anchor: str
    source: SourceView
    text: str
    segments: list[Segment]
    start: int
    end: int
    time_iso: str = ""
    latest: bool = False
    negated: bool = False


@dataclass
class RowView:
    verdict: str
    label: str
    note: str
    cells: list[list[ClaimView]]


@dataclass
class SummaryView:
    claim: ClaimView
    support: list[SourceView]  # one report per independent source
    count: int = 0  # independent sources (copies of one report count once)
    count_label: str = ""


@dataclass
class DuplicateView:
    original: SourceView
    copies: list[SourceView]
    similarity: float


@dataclass
class FactView:
    post: str
    holder: str
    status: str
    status_label: str
    when: str
    note: str
    sources: list[SourceView]


@dataclass
class EventView:
    date: str
    text: str
    refs: list[tuple[SourceView, str]]  # (source, claim anchor)


@dataclass
class EntityView:
    name: str
    type: str
    type_label: str
    aliases: list[str]
    attributes: list[tuple[str, str, SourceView | None]]  # (kind label, exact text, source)
    mentions: list[tuple[SourceView, int]]
    total: int
    link: str = ""  # the store's entity id, when it is known there


@dataclass
class LegendItem:
    verdict: str
    label: str
    explanation: str
    count: int


@dataclass
class BriefView:
    sources: list[SourceView]
    stats: BriefStats
    legend: list[LegendItem]
    summary: list[SummaryView]
    disagreements: list[RowView]
    agreements: list[RowView]
    additions: list[list[ClaimView]]
    timeline: list[EventView]
    entities: list[EntityView]
    first: str | None = None
    last: str | None = None
    extra: dict = field(default_factory=dict)
    folded: int = 0  # agreements between copies of one report, not listed
    duplicates: list[DuplicateView] = field(default_factory=list)
    facts: list[FactView] = field(default_factory=list)


def safe_url(url: str) -> str:
    """Only web links become clickable; a feed could carry ``javascript:`` URLs."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def claim_segments(claim: Claim) -> list[Segment]:
    """The claim's exact text cut into plain runs and marked time / name runs."""
    marks: list[tuple[int, int, str, str]] = []
    if claim.time is not None:
        marks.append((claim.time.start, claim.time.end, "time", claim.time.iso))
    marks += [(m.start, m.end, "ent", m.type) for m in claim.mentions]
    chosen: list[tuple[int, int, str, str]] = []
    for start, end, kind, note in sorted(marks, key=lambda m: (m[0], -(m[1] - m[0]))):
        lo, hi = start - claim.start, end - claim.start
        if not 0 <= lo < hi <= len(claim.text):
            continue  # a mark outside the claim is dropped, not trusted
        if all(hi <= a or lo >= b for a, b, _, _ in chosen):
            chosen.append((lo, hi, kind, note))
    return spans_to_segments(
        claim.text, [(lo, hi, kind, note) for lo, hi, kind, note in sorted(chosen)]
    )


def spans_to_segments(text: str, spans: list[tuple[int, int, str, str]]) -> list[Segment]:
    """``text`` as segments; ``spans`` are sorted, non-overlapping (start, end, kind, note)."""
    out: list[Segment] = []
    pos = 0
    for lo, hi, kind, note in spans:
        lo, hi = max(lo, pos), min(hi, len(text))
        if hi <= lo:
            continue
        if lo > pos:
            out.append(Segment(text[pos:lo]))
        out.append(Segment(text[lo:hi], kind, note))
        pos = hi
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def build_brief_view(
    brief: Brief, lang: str, index: EntityIndex | None = None, stats: BriefStats | None = None
) -> BriefView:
    labels = doc_labels(brief)
    claims = {c.id: c for c in brief.claims}
    doc_ids = [d.id for d in brief.documents]
    doc_ids += list(dict.fromkeys(c.doc for c in brief.claims if c.doc not in labels))
    column = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    documents = {d.id: d for d in brief.documents}
    per_doc = Counter(c.doc for c in brief.claims)
    additions_by_doc = unique_by_doc(brief)

    sources: dict[str, SourceView] = {}
    for doc_id in doc_ids:
        label = label_of(labels, doc_id)
        d = documents.get(doc_id)
        sources[doc_id] = SourceView(
            number=label.number,
            id=doc_id,
            name=(d.source if d and d.source else label.name),
            title=d.title if d else "",
            date=label.date,
            url=safe_url(d.url) if d else "",
            claims=per_doc[doc_id],
            additions=len(additions_by_doc.get(doc_id, [])),
        )

    copies = copies_of(brief)
    bounds = bounds_by_doc(brief)
    for doc_id, original in copies.items():
        if doc_id in sources and original in sources:
            sources[doc_id].copy_of = sources[original]
            sources[original].copies.append(sources[doc_id])
    for doc_id, bound in bounds.items():
        if doc_id in sources and not sources[doc_id].date:
            sources[doc_id].not_before = bound.not_before

    anchors = {c.id: f"c{i}" for i, c in enumerate(brief.claims)}
    shown: set[str] = set()

    def view(claim: Claim, latest: bool = False, anchor: bool = True) -> ClaimView:
        own = anchor and claim.id not in shown
        if own:
            shown.add(claim.id)
        return ClaimView(
            anchor=anchors[claim.id] if own else "",
            source=sources[claim.doc],
            text=claim.text,
            segments=claim_segments(claim),
            start=claim.start,
            end=claim.end,
            time_iso=claim.time.iso if claim.time else "",
            latest=latest,
            negated=claim.negated,
        )

    def row(al) -> RowView:
        members = [claims[c] for c in al.claims if c in claims]
        latest = latest_claim(members, labels) if al.verdict == "update" else None
        cells: list[list[ClaimView]] = [[] for _ in doc_ids]
        for claim in members:
            cells[column[claim.doc]].append(view(claim, claim.id == latest))
        label, _ = verdict_label(al.verdict, lang)
        return RowView(al.verdict, label, al.note, cells)

    alignments, folded = fold_copy_agreements(brief, ordered_alignments(brief))
    disagreements = [row(a) for a in alignments if a.verdict not in AGREEMENTS]
    agreements = [row(a) for a in alignments if a.verdict in AGREEMENTS]
    additions = [[view(c) for c in additions_by_doc.get(doc_id, [])] for doc_id in doc_ids]

    if brief.summary:
        summary = [
            SummaryView(
                view(claim, anchor=False),
                [sources[d] for d in s.sources if d in sources],
                s.support,
                support_text(s.support, lang),
            )
            for s, claim in summary_items(brief)
        ]
    else:  # a brief made without one (an older JSON brief)
        summary = [
            SummaryView(
                view(item.claim, anchor=False),
                [sources[d] for d in item.support if d in sources],
                len(item.support),
                support_text(len(item.support), lang),
            )
            for item in consolidated_summary(brief)
        ]
    stats = stats or brief_stats(brief)
    legend = [
        LegendItem(v, *verdict_label(v, lang), stats.verdicts.get(v, 0)) for v in VERDICTS_SHOWN
    ]
    timeline = []
    for ev in brief.timeline:
        refs: dict[str, tuple[SourceView, str]] = {}
        for c in ev.claims:
            if c in claims and claims[c].doc not in refs:
                refs[claims[c].doc] = (sources[claims[c].doc], anchors[c] if c in shown else "")
        ordered = sorted(refs.values(), key=lambda r: r[0].number)
        timeline.append(EventView(ev.date, ev.text, ordered))
    dates = sorted(s.date for s in sources.values() if s.date)
    return BriefView(
        sources=list(sources.values()),
        stats=stats,
        legend=legend,
        summary=summary,
        disagreements=disagreements,
        agreements=agreements,
        folded=folded,
        additions=additions,
        timeline=timeline,
        entities=entity_views(brief.entities, sources, lang, index),
        first=dates[0] if dates else None,
        last=dates[-1] if dates else None,
        duplicates=[
            DuplicateView(
                sources[dup.canonical],
                [sources[c] for c in dup.copies if c in sources],
                dup.similarity,
            )
            for dup in brief.duplicates
            if dup.canonical in sources
        ],
        facts=[_fact_view(f, sources, lang) for f in brief.facts],
    )


def _fact_view(f: dict, sources: dict[str, SourceView], lang: str) -> FactView:
    status = str(f.get("status", ""))
    docs = dict.fromkeys(s["doc"] for s in f.get("sources", []) if s.get("doc"))
    return FactView(
        post=fact_post(f),
        holder=fact_holder(f),
        status=status,
        status_label=fact_status_text(status, lang),
        when=fact_when(f),
        note=str(f.get("note") or ""),
        sources=sorted((sources[d] for d in docs if d in sources), key=lambda s: s.number),
    )


def entity_views(
    entities: list[Entity], sources: dict[str, SourceView], lang: str, index: EntityIndex | None
) -> list[EntityView]:
    views = []
    for e in entities:
        per_doc = Counter(m.doc for m in e.mentions)
        mentions = sorted(
            ((sources[d], n) for d, n in per_doc.items() if d in sources), key=lambda x: x[0].number
        )
        attributes = []
        seen = set()
        for m in e.mentions:
            for a in m.attributes:
                key = (a.kind, a.text, m.doc)
                if key not in seen:
                    seen.add(key)
                    attributes.append((kind_label(a.kind, lang), a.text, sources.get(m.doc)))
        link = ""
        if index is not None:
            keys = Counter(f"{m.type or e.type}:{m.norm}" for m in e.mentions if m.norm)
            for key, _ in keys.most_common():
                if key in index.by_key:
                    link = index.by_key[key].id
                    break
        views.append(
            EntityView(
                name=e.name,
                type=e.type,
                type_label=type_label(e.type, lang),
                aliases=[a for a in dict.fromkeys(e.aliases) if a != e.name],
                attributes=attributes,
                mentions=mentions,
                total=len(e.mentions),
                link=link,
            )
        )
    views.sort(key=lambda v: (-v.total, v.name))
    return views


def attributes_over_time(
    entities: list[Entity], brief: Brief, lang: str
) -> list[tuple[str | None, str, str, str, str]]:
    """(date, kind label, exact text, source, doc id) of the entities' attributes, oldest
    first (undated last)."""
    documents = {d.id: d for d in brief.documents}
    rows = []
    seen = set()
    for e in entities:
        for m in e.mentions:
            d = documents.get(m.doc)
            for a in m.attributes:
                when = a.date or (d.published.isoformat() if d and d.published else None)
                key = (a.kind, a.text, m.doc)
                if key in seen:
                    continue
                seen.add(key)
                rows.append((when, kind_label(a.kind, lang), a.text, d.source if d else "", m.doc))
    rows.sort(key=lambda r: (r[0] is None, r[0] or "", r[3]))
    return rows


def group_mentions(index: EntityIndex, record) -> list[tuple[str | None, str, int]]:
    """(date, source, mentions) of an entity, newest first (undated last)."""
    counts: dict[tuple[str | None, str], int] = defaultdict(int)
    for m in record.mentions:
        meta = index.docs.get(m.doc)
        counts[(meta.published if meta else None, meta.source if meta else "")] += 1
    dated = sorted(
        ((d, s, n) for (d, s), n in counts.items() if d), key=lambda r: r[0], reverse=True
    )
    undated = sorted((d, s, n) for (d, s), n in counts.items() if not d)
    return dated + undated
