"""The brief printed in a terminal (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

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
    docs = Table("", "source", "date", "title", title="Reports · التقارير")
    for d in brief.documents:
        docs.add_row(
            labels[d.id],
            escape(d.source or "?"),
            d.published.isoformat() if d.published else "undated · بلا تاريخ",
            escape(d.title),
        )
    console.print(docs)
    for al in brief.alignments:
        style, label = VERDICT_STYLE.get(al.verdict, ("white", al.verdict))
        console.print(f"[{style}]■ {label}[/{style}]  {escape(al.note)}")
        for cid in al.claims:
            c = claims[cid]
            console.print(f"   [dim]{labels[c.doc]}[/dim] {escape(c.text)}", highlight=False)
    by_doc: dict[str, list[Claim]] = {}
    for cid in brief.unique:
        by_doc.setdefault(claims[cid].doc, []).append(claims[cid])
    for doc_id, items in by_doc.items():
        console.print(f"[bold]additions of {labels[doc_id]} · إضافات[/bold] ({len(items)})")
        for c in items:
            console.print(f"   + {escape(c.text)}", highlight=False)
    if brief.timeline:
        console.print("[bold]timeline · الخط الزمني[/bold]")
        for ev in brief.timeline:
            console.print(f"   {ev.date}  {escape(ev.text[:120])}", highlight=False)


def _doc_labels(brief: Brief) -> dict[str, str]:
    return {
        d.id: f"[{i + 1}] {escape(d.source or d.id[:8])}" for i, d in enumerate(brief.documents)
    }
