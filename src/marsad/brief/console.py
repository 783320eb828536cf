"""The brief printed in a terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from marsad.brief.markdown import (
    bounds_by_doc,
    copies_of,
    fact_holder,
    fact_post,
    fact_status_label,
    fact_when,
    fold_copy_agreements,
    folded_label,
    summary_items,
    support_label,
)
from marsad.model import Brief, Claim

VERDICT_STYLE = {
    "agree": ("green", "اتفاق agree"),
    "partial": ("cyan", "جزئي partial"),
    "conflict": ("bold red", "تعارض conflict"),
    "update": ("yellow", "تحديث update"),
    "unclear": ("magenta", "غير محسوم unclear"),
}


def print_brief(brief: Brief, console: Console) -> None:
    claims = {c.id: c for c in brief.claims}
    labels = _doc_labels(brief)
    copies = copies_of(brief)
    bounds = bounds_by_doc(brief)

    def label(doc_id: str) -> str:
        return labels.get(doc_id) or escape(f"[?] {doc_id[:8]}")

    items = summary_items(brief)
    if items:
        console.print("[bold]summary · الخلاصة[/bold]")
        for s, claim in items:
            cited = ", ".join(label(d) for d in s.sources)
            console.print(
                f"   • {escape(claim.text)}  [dim]({escape(support_label(s.support))}: "
                f"{cited})[/dim]",
                highlight=False,
            )
    docs = Table("", "source", "date", "title", title="Reports · التقارير")
    for d in brief.documents:
        if d.published:
            day = d.published.isoformat()
        elif d.id in bounds:
            day = f"undated; not before {bounds[d.id].not_before} · غير مؤرخ؛ لا يسبق"
        else:
            day = "undated · بلا تاريخ"
        source = escape(d.source or "?")
        if d.id in copies:
            source += f" [dim](copy of {label(copies[d.id])} · نسخة)[/dim]"
        docs.add_row(labels[d.id], source, day, escape(d.title))
    console.print(docs)
    shown, folded = fold_copy_agreements(brief, list(brief.alignments))
    for al in shown:
        style, verdict = VERDICT_STYLE.get(al.verdict, ("white", al.verdict))
        console.print(f"[{style}]■ {verdict}[/{style}]  {escape(al.note)}")
        for cid in al.claims:
            c = claims[cid]
            support = brief.support.get(cid)
            extra = f" [dim]×{support}[/dim]" if support else ""
            console.print(f"   [dim]{label(c.doc)}[/dim] {escape(c.text)}{extra}", highlight=False)
    if folded:
        console.print(f"[dim]{escape(folded_label(folded))}[/dim]")
    by_doc: dict[str, list[Claim]] = {}
    for cid in brief.unique:
        by_doc.setdefault(claims[cid].doc, []).append(claims[cid])
    for doc_id, items_of_doc in by_doc.items():
        console.print(f"[bold]additions of {label(doc_id)} · إضافات[/bold] ({len(items_of_doc)})")
        for c in items_of_doc:
            console.print(f"   + {escape(c.text)}", highlight=False)
    if brief.timeline:
        console.print("[bold]timeline · الخط الزمني[/bold]")
        for ev in brief.timeline:
            console.print(f"   {ev.date}  {escape(ev.text[:120])}", highlight=False)
    for dup in brief.duplicates:
        copied = ", ".join(label(c) for c in dup.copies)
        console.print(
            f"[bold]near-duplicates · تقارير متكررة[/bold] {label(dup.canonical)} (original) ← "
            f"{copied} (copies, similarity ≥ {dup.similarity:.2f})",
            highlight=False,
        )
    if brief.facts:
        facts = Table("fact", "holder", "status", "as of", "sources", title="Facts · الوقائع")
        for f in brief.facts:
            docs_of = dict.fromkeys(s["doc"] for s in f.get("sources", []) if s.get("doc"))
            facts.add_row(
                escape(fact_post(f)),
                escape(fact_holder(f)),
                escape(fact_status_label(str(f.get("status", "")))),
                escape(fact_when(f)),
                ", ".join(label(d) for d in docs_of),
            )
        console.print(facts)


def _doc_labels(brief: Brief) -> dict[str, str]:
    return {
        d.id: f"[{i + 1}] {escape(d.source or d.id[:8])}" for i, d in enumerate(brief.documents)
    }
