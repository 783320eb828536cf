"""The brief as one self-contained HTML page (inline CSS, no scripts, no external resources).

Article text is untrusted: it reaches the page only through Jinja2 with autoescape on, and
is split here into plain segments (never pre-built HTML) for highlighting.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined

from marsad.brief.markdown import (
    AGREEMENTS,
    DISAGREEMENTS,
    FACT_STATUS,
    UNDATED,
    VERDICT_LABELS,
    DocLabel,
    bounds_by_doc,
    copies_of,
    doc_labels,
    fact_holder,
    fact_post,
    fact_when,
    fold_copy_agreements,
    folded_label,
    label_of,
    latest_claim,
    ordered_alignments,
    summary_items,
    support_words,
    unique_by_doc,
)
from marsad.model import Brief, Claim, Entity

ENTITY_TYPES: dict[str, str] = {
    "PER": "شخص · person",
    "ORG": "منظمة · organisation",
    "LOC": "مكان · place",
    "GPE": "دولة أو مدينة · state/city",
    "NORP": "جماعة أو جنسية · group",
    "TITLE": "لقب · title",
    "DATE": "تاريخ · date",
    "MISC": "أخرى · other",
}
ATTRIBUTE_KINDS: dict[str, str] = {
    "title": "لقب",
    "rank": "رتبة",
    "role": "منصب",
    "nationality": "جنسية",
}


@dataclass
class Segment:
    text: str
    kind: str = ""  # "" plain, "time" or "ent"
    title: str = ""


@dataclass
class ClaimView:
    anchor: str  # element id ("" when the claim was already shown higher up)
    target: str  # the id of the claim's first appearance, for links
    label: DocLabel
    text: str
    segments: list[Segment]
    tooltip: str
    start: int
    end: int
    time_iso: str = ""
    negated: bool = False
    latest: bool = False


@dataclass
class RowView:
    verdict: str
    ar: str
    en: str
    note: str
    cells: list[list[ClaimView]]


@dataclass
class DocView:
    id: str
    label: DocLabel
    title: str
    source: str
    url: str
    claims: int
    additions: int
    copy_of: DocLabel | None = None  # the report this one is a near-duplicate copy of
    copies: list[DocLabel] = field(default_factory=list)  # its copies, when it is an original
    not_before: str = ""  # for an undated report: the date bound its text gives


@dataclass
class SummaryView:
    text: str
    support: int
    support_ar: str
    support_en: str
    refs: list[tuple[DocLabel, str]]  # (source, claim anchor or "")


@dataclass
class DuplicateView:
    original: DocLabel
    copies: list[DocLabel]
    similarity: float


@dataclass
class FactView:
    post: str
    holder: str
    status: str
    status_ar: str
    status_en: str
    when: str
    note: str
    refs: list[DocLabel]


@dataclass
class EventView:
    date: str
    text: str
    refs: list[tuple[DocLabel, str]]  # (source, claim anchor or "")


@dataclass
class EntityView:
    name: str
    type: str
    type_label: str
    aliases: list[str]
    attributes: list[tuple[str, str, str]]  # (kind label, exact text, source tag)
    mentions: list[tuple[DocLabel, int]] = field(default_factory=list)
    total: int = 0


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("marsad.brief", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def to_html(brief: Brief, title: str = "") -> str:
    labels = doc_labels(brief)
    claims = {c.id: c for c in brief.claims}
    # Claims of documents the brief does not list still get a column rather than vanishing.
    doc_ids = [d.id for d in brief.documents]
    doc_ids += list(dict.fromkeys(c.doc for c in brief.claims if c.doc not in labels))
    column = {doc_id: i for i, doc_id in enumerate(doc_ids)}
    indexes = {c.id: i for i, c in enumerate(brief.claims)}
    shown: set[str] = set()

    def view(claim: Claim, latest: bool = False) -> ClaimView:
        target = f"c{indexes[claim.id]}"
        anchor = "" if claim.id in shown else target
        shown.add(claim.id)
        return _claim_view(claim, label_of(labels, claim.doc), anchor, target, latest)

    def row(al) -> RowView:
        members = [claims[cid] for cid in al.claims if cid in claims]
        latest = latest_claim(members, labels) if al.verdict == "update" else None
        cells: list[list[ClaimView]] = [[] for _ in doc_ids]
        for claim in members:
            cells[column[claim.doc]].append(view(claim, claim.id == latest))
        ar, en, _, _ = VERDICT_LABELS.get(al.verdict, (al.verdict, al.verdict, "", ""))
        return RowView(al.verdict, ar, en, al.note, cells)

    alignments, folded = fold_copy_agreements(brief, ordered_alignments(brief))
    disagreements = [row(a) for a in alignments if a.verdict not in AGREEMENTS]
    agreements = [row(a) for a in alignments if a.verdict in AGREEMENTS]
    additions_by_doc = unique_by_doc(brief)
    additions = [[view(c) for c in additions_by_doc.get(doc_id, [])] for doc_id in doc_ids]

    per_doc = Counter(c.doc for c in brief.claims)
    documents = {d.id: d for d in brief.documents}
    copies = copies_of(brief)
    bounds = bounds_by_doc(brief)
    docs = []
    for doc_id in doc_ids:
        d = documents.get(doc_id)
        label = label_of(labels, doc_id)
        docs.append(
            DocView(
                id=doc_id,
                label=label,
                title=d.title if d else "",
                source=d.source if d else "",
                url=_safe_url(d.url) if d else "",
                claims=per_doc[doc_id],
                additions=len(additions[column[doc_id]]),
                copy_of=label_of(labels, copies[doc_id]) if doc_id in copies else None,
                copies=[label_of(labels, c) for c, orig in copies.items() if orig == doc_id],
                not_before=bounds[doc_id].not_before if doc_id in bounds and not label.date else "",
            )
        )
    summary = [
        SummaryView(
            text=claim.text,
            support=s.support,
            support_ar=support_words(s.support)[0],
            support_en=support_words(s.support)[1],
            refs=[
                (label_of(labels, d), f"c{indexes[claim.id]}" if claim.id in shown else "")
                if d == claim.doc
                else (label_of(labels, d), "")
                for d in s.sources
            ],
        )
        for s, claim in summary_items(brief)
    ]
    duplicates = [
        DuplicateView(
            label_of(labels, dup.canonical),
            [label_of(labels, c) for c in dup.copies],
            dup.similarity,
        )
        for dup in brief.duplicates
    ]
    facts = [_fact_view(f, labels) for f in brief.facts]

    counts = Counter(a.verdict for a in brief.alignments)
    legend = [
        (v, *VERDICT_LABELS[v], counts.get(v, 0)) for v in (*DISAGREEMENTS, *reversed(AGREEMENTS))
    ]
    timeline = [
        EventView(
            date=ev.date,
            text=ev.text,
            refs=[
                (label_of(labels, claims[cid].doc), f"c{indexes[cid]}" if cid in shown else "")
                for cid in ev.claims
                if cid in claims
            ],
        )
        for ev in brief.timeline
    ]
    heading = title or _default_title(brief)
    return (
        _environment()
        .get_template("brief.html.j2")
        .render(
            title=heading,
            docs=docs,
            columns=len(doc_ids),
            legend=legend,
            disagreements=disagreements,
            agreements=agreements,
            folded=folded_label(folded) if folded else "",
            additions=additions,
            total_additions=sum(len(a) for a in additions),
            timeline=timeline,
            entities=_entity_views(brief.entities, labels),
            undated=UNDATED,
            summary=summary,
            duplicates=duplicates,
            facts=facts,
        )
    )


def _fact_view(f: dict, labels: dict[str, DocLabel]) -> FactView:
    status = str(f.get("status", ""))
    ar, en = FACT_STATUS.get(status, (status, status))
    docs = dict.fromkeys(src["doc"] for src in f.get("sources", []) if src.get("doc"))
    return FactView(
        post=fact_post(f),
        holder=fact_holder(f),
        status=status,
        status_ar=ar,
        status_en=en,
        when=fact_when(f),
        note=str(f.get("note") or ""),
        refs=sorted((label_of(labels, d) for d in docs), key=lambda lb: lb.number),
    )


def _safe_url(url: str) -> str:
    """Only web links become clickable; a feed could carry ``javascript:`` URLs."""
    return url if url.lower().startswith(("https://", "http://")) else ""


def _default_title(brief: Brief) -> str:
    dated = sorted((d.published, d.title) for d in brief.documents if d.published and d.title)
    if dated:
        return dated[0][1]
    titled = [d.title for d in brief.documents if d.title]
    return titled[0] if titled else "موجز المقارنة · Comparison brief"


def _claim_view(claim: Claim, label: DocLabel, anchor: str, target: str, latest: bool) -> ClaimView:
    where = f"{label.tag} {label.name} · {label.date or UNDATED}"
    tooltip = f"{where}\n«{claim.text}»\n{claim.start}–{claim.end}"
    return ClaimView(
        anchor=anchor,
        target=target,
        label=label,
        text=claim.text,
        segments=_segments(claim),
        tooltip=tooltip,
        start=claim.start,
        end=claim.end,
        time_iso=claim.time.iso if claim.time else "",
        negated=claim.negated,
        latest=latest,
    )


def _segments(claim: Claim) -> list[Segment]:
    """The claim's exact text cut into plain runs and highlighted time / name runs."""
    marks: list[tuple[int, int, str, str]] = []
    if claim.time is not None:
        marks.append((claim.time.start, claim.time.end, "time", claim.time.iso))
    for m in claim.mentions:
        marks.append((m.start, m.end, "ent", m.type))
    chosen: list[tuple[int, int, str, str]] = []
    for start, end, kind, title in marks:
        lo, hi = start - claim.start, end - claim.start
        inside = 0 <= lo < hi <= len(claim.text)
        # Marks whose span does not hold the text they claim to are dropped, not trusted.
        if not inside or (kind == "time" and claim.text[lo:hi] != claim.time.text):
            continue
        if kind == "ent" and claim.text[lo:hi] != next(
            (m.text for m in claim.mentions if m.start == start and m.end == end), None
        ):
            continue
        if all(hi <= a or lo >= b for a, b, _, _ in chosen):
            chosen.append((lo, hi, kind, title))
    chosen.sort()
    segments: list[Segment] = []
    pos = 0
    for lo, hi, kind, title in chosen:
        if lo > pos:
            segments.append(Segment(claim.text[pos:lo]))
        segments.append(Segment(claim.text[lo:hi], kind, title))
        pos = hi
    if pos < len(claim.text):
        segments.append(Segment(claim.text[pos:]))
    return segments


def _entity_views(entities: list[Entity], labels: dict[str, DocLabel]) -> list[EntityView]:
    views = []
    for e in entities:
        per_doc = Counter(m.doc for m in e.mentions)
        mentions = sorted(
            ((label_of(labels, doc), n) for doc, n in per_doc.items()), key=lambda x: x[0].number
        )
        docs_of = {(a.start, a.end, a.text): m.doc for m in e.mentions for a in m.attributes}
        attributes = []
        seen = set()
        for a in [*e.attributes, *(a for m in e.mentions for a in m.attributes)]:
            doc = docs_of.get((a.start, a.end, a.text))
            key = (a.kind, a.text, doc)
            if key in seen:
                continue
            seen.add(key)
            tag = label_of(labels, doc).tag if doc else ""
            attributes.append((ATTRIBUTE_KINDS.get(a.kind, a.kind), a.text, tag))
        aliases = [a for a in dict.fromkeys(e.aliases) if a != e.name]
        views.append(
            EntityView(
                name=e.name,
                type=e.type,
                type_label=ENTITY_TYPES.get(e.type, e.type),
                aliases=aliases,
                attributes=attributes,
                mentions=mentions,
                total=len(e.mentions),
            )
        )
    views.sort(key=lambda v: (-v.total, v.name))
    return views
