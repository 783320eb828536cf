"""``marsad facts ENTITY``: the history of an entity's posts over the whole store (rich)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from marsad.kb.history import HistoryRow
from marsad.kb.store import store_history

STATUS_STYLE = {
    "current": ("bold green", "حالي current"),
    "superseded": ("yellow", "سابق superseded"),
    "disputed": ("bold red", "متنازع disputed"),
    "undated": ("magenta", "بلا تاريخ undated"),
    "former": ("dim", "سابق former"),
    "reported": ("white", "مذكور reported"),
}


def print_facts(store, name: str, console: Console) -> int:
    """Print who held the posts of ``name`` (a person or an organisation), according to
    which report and outlet, when, and the status of each statement. Returns the number of
    rows printed (0: nothing known about ``name``)."""
    rows = store_history(store, name)
    print_history(rows, name, console)
    return len(rows)


def print_history(rows: list[HistoryRow], name: str, console: Console) -> None:
    if not rows:
        console.print(f"no facts about {escape(name)} · لا حقائق عن {escape(name)}")
        return
    table = Table(
        "post · المنصب", "holder · من", "status · الحالة", "as of · بتاريخ", "report · التقرير",
        "evidence · الدليل", title=f"facts · حقائق: {escape(name)}", show_lines=False,
    )  # fmt: skip
    previous = None
    for r in rows:
        if previous is not None and r.post != previous:
            table.add_section()
        style, label = STATUS_STYLE.get(r.status, ("white", r.status))
        holder = escape(r.holder)
        written = r.spans[0].text if r.spans else ""
        if written and written != r.holder:
            holder += f"\n[dim]({escape(written)})[/dim]"
        when = r.as_of or "—"
        if r.time:
            when += f"\n[dim]{escape(r.time)}[/dim]"
        report = escape(r.source or "?") + f"\n[dim]{r.doc[:8]} · {r.published or 'undated'}[/dim]"
        evidence = escape(_short(r.evidence.text))
        if r.note:
            evidence += f"\n[{style}]{escape(r.note)}[/{style}]"
        table.add_row(
            escape(r.post) if r.post != previous else "",
            holder,
            f"[{style}]{label}[/{style}]",
            when,
            report,
            evidence,
        )
        previous = r.post
    console.print(table)


def _short(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
