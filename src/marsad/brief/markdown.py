"""The brief as Markdown: disagreements first, then agreements, additions and the timeline.

Also home to what both document renderers (Markdown and HTML) share: verdict labels and
order, document labels, per-source additions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.model import Alignment, Brief, Claim, Document

DISAGREEMENTS: tuple[str, ...] = ("conflict", "update", "unclear")
AGREEMENTS: tuple[str, ...] = ("partial", "agree")
VERDICT_ORDER: dict[str, int] = {v: i for i, v in enumerate(DISAGREEMENTS + AGREEMENTS)}

# verdict -> (Arabic, English, Arabic explanation, English explanation)
VERDICT_LABELS: dict[str, tuple[str, str, str, str]] = {
    "agree": ("اتفاق", "agree", "المصادر تقول الشيء نفسه", "the sources say the same thing"),
    "partial": (
        "اتفاق جزئي",
        "partial",
        "تتفق في الجوهر وتختلف في التفاصيل",
        "same core, the details differ",
    ),
    "conflict": (
        "تعارض",
        "conflict",
        "روايتان متناقضتان عن الوقت نفسه",
        "contradictory accounts of the same time",
    ),
    "update": (
        "تحديث",
        "update",
        "تغيّر الأمر مع الزمن، والتقرير الأحدث يحلّ محلّ الأقدم",
        "things changed over time; the later report supersedes",
    ),
    "unclear": (
        "غير محسوم",
        "unclear",
        "اختلاف لا يمكن الحكم فيه، كأن يكون تاريخ أحد التقارير مجهولًا",
        "a difference that cannot be settled, e.g. a report is undated",
    ),
}

UNDATED = "بلا تاريخ · undated"


def verdict_label(verdict: str) -> str:
    ar, en, _, _ = VERDICT_LABELS.get(verdict, (verdict, verdict, "", ""))
    return f"{ar} · {en}"


def ordered_alignments(brief: Brief) -> list[Alignment]:
    """Disagreements first (conflict, update, unclear), then partial agreements, then
    agreements; within one verdict the brief's own order."""
    return sorted(brief.alignments, key=lambda a: VERDICT_ORDER.get(a.verdict, len(VERDICT_ORDER)))


@dataclass(frozen=True)
class DocLabel:
    number: int  # 1-based position in the brief; 0 for a document the brief does not list
    name: str  # the outlet, else the title, else the id
    date: str | None  # ISO published date

    @property
    def tag(self) -> str:
        return f"[{self.number}]" if self.number else "[?]"


def doc_labels(brief: Brief) -> dict[str, DocLabel]:
    return {d.id: _label(i + 1, d) for i, d in enumerate(brief.documents)}


def _label(number: int, d: Document) -> DocLabel:
    name = d.source or d.title or d.id[:8]
    return DocLabel(number, name, d.published.isoformat() if d.published else None)


def label_of(labels: dict[str, DocLabel], doc_id: str) -> DocLabel:
    return labels.get(doc_id) or DocLabel(0, doc_id[:8] or "?", None)


def unique_by_doc(brief: Brief) -> dict[str, list[Claim]]:
    """Each document's unique claims (every listed document present), in text order."""
    claims = {c.id: c for c in brief.claims}
    out: dict[str, list[Claim]] = {d.id: [] for d in brief.documents}
    for cid in dict.fromkeys(brief.unique):
        claim = claims.get(cid)
        if claim is not None:
            out.setdefault(claim.doc, []).append(claim)
    for items in out.values():
        items.sort(key=lambda c: c.start)
    return out


def latest_claim(claims: list[Claim], labels: dict[str, DocLabel]) -> str | None:
    """The id of the claim from the most recently published report, if there is exactly one."""
    dated = sorted(
        (label_of(labels, c.doc).date, c.id) for c in claims if label_of(labels, c.doc).date
    )
    if len(dated) < 2 or dated[-1][0] == dated[-2][0]:
        return None
    return dated[-1][1]


# --- Markdown ------------------------------------------------------------------------------

# Every ASCII punctuation character Markdown (CommonMark, GFM, common extensions such as
# $math$) could read as syntax mid-line. Text always follows a prefix in our output, so the
# line-start-only markers (-, +, 1.) never need escaping.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#!|~&$])")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def md_escape(text: str) -> str:
    """Article text made inert in Markdown: it renders as exactly these characters."""
    return _MD_SPECIAL.sub(r"\\\1", _NEWLINES.sub(" ", text))


def _source(label: DocLabel) -> str:
    return f"{label.tag} {md_escape(label.name)}، {label.date or UNDATED}"


def _quote(claim: Claim, labels: dict[str, DocLabel], suffix: str = "") -> str:
    return f"- **{_source(label_of(labels, claim.doc))}:** «{md_escape(claim.text)}»{suffix}"


def to_markdown(brief: Brief) -> str:
    labels = doc_labels(brief)
    claims = {c.id: c for c in brief.claims}
    alignments = ordered_alignments(brief)
    disagreements = [a for a in alignments if a.verdict not in AGREEMENTS]
    agreements = [a for a in alignments if a.verdict in AGREEMENTS]
    additions = unique_by_doc(brief)

    lines = ["# موجز مرصد · marsad brief", ""]
    lines.append(
        f"التقارير · reports: {len(brief.documents)} — "
        f"الخلاف · disagreements: {len(disagreements)} — "
        f"الاتفاق · agreements: {len(agreements)} — "
        f"الإضافات · additions: {sum(len(v) for v in additions.values())}"
    )
    lines += ["", "## المصادر · Sources", ""]
    lines.append("| # | المصدر · Source | التاريخ · Date | العنوان · Title |")
    lines.append("| --- | --- | --- | --- |")
    for d in brief.documents:
        label = labels[d.id]
        lines.append(
            f"| {label.tag} | {md_escape(d.source or '—')} | {label.date or UNDATED} "
            f"| {md_escape(d.title or '—')} |"
        )

    lines += ["", "## نقاط الخلاف · Disagreements", ""]
    lines += _alignment_blocks(disagreements, claims, labels) or ["لا خلاف · none", ""]
    lines += ["## نقاط الاتفاق · Agreements", ""]
    lines += _alignment_blocks(agreements, claims, labels) or ["لا اتفاق · none", ""]

    lines += ["## إضافات · Additions", ""]
    for doc_id, items in additions.items():
        label = label_of(labels, doc_id)
        lines.append(f"### {label.tag} {md_escape(label.name)} ({len(items)})")
        lines.append("")
        lines += [f"- «{md_escape(c.text)}»" for c in items] or ["لا إضافات · none"]
        lines.append("")

    lines += ["## الخط الزمني · Timeline", ""]
    for event in brief.timeline:
        sources = sorted(
            {label_of(labels, claims[cid].doc) for cid in event.claims if cid in claims},
            key=lambda lb: lb.number,
        )
        cited = "، ".join(f"{lb.tag} {md_escape(lb.name)}" for lb in sources)
        lines.append(
            f"- **{md_escape(event.date)}** — {md_escape(event.text)}"
            + (f" — {cited}" if cited else "")
        )
    if not brief.timeline:
        lines.append("لا أحداث مؤرخة · no dated events")
    lines.append("")
    return "\n".join(lines)


def _alignment_blocks(
    alignments: list[Alignment], claims: dict[str, Claim], labels: dict[str, DocLabel]
) -> list[str]:
    lines: list[str] = []
    for n, al in enumerate(alignments, 1):
        lines.append(f"### {n}. {verdict_label(al.verdict)}")
        lines.append("")
        if al.note:
            lines += [md_escape(al.note), ""]
        members = [claims[cid] for cid in al.claims if cid in claims]
        latest = latest_claim(members, labels) if al.verdict == "update" else None
        for claim in members:
            suffix = " _(الأحدث · latest)_" if claim.id == latest else ""
            lines.append(_quote(claim, labels, suffix))
        lines.append("")
    return lines
