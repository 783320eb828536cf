"""The brief as Markdown: the summary, then disagreements, agreements, additions, the
timeline, near-duplicate reports and the facts.

Also home to what the renderers (Markdown, HTML, console, web) share: verdict labels and
order, document labels, per-source additions, copies and date bounds, summary items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from marsad.model import Alignment, Brief, Claim, DateBound, Document, SummarySentence

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

# fact status -> (Arabic, English)
FACT_STATUS: dict[str, tuple[str, str]] = {
    "current": ("حالي", "current"),
    "superseded": ("تجاوزه الزمن", "superseded"),
    "disputed": ("متنازع عليه", "disputed"),
    "undated": ("غير مؤرخ", "undated"),
    "former": ("سابق", "former"),
    "reported": ("منقول", "reported"),
}


def fact_status_label(status: str) -> str:
    ar, en = FACT_STATUS.get(status, (status, status))
    return f"{ar} · {en}"


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


def copies_of(brief: Brief) -> dict[str, str]:
    """Copy document id -> the id of the report it copies (its near-duplicate set's canonical)."""
    return {copy: s.canonical for s in brief.duplicates for copy in s.copies}


def fold_copy_agreements(brief: Brief, alignments: list[Alignment]) -> tuple[list[Alignment], int]:
    """The alignments to list, and how many agreements between copies of one report are left
    out: a copy agreeing with its original is no news when other sources are in the brief (a
    copy that changed a figure or a name is a disagreement, and stays)."""
    copies = copies_of(brief)
    if len({copies.get(d.id, d.id) for d in brief.documents}) < 2:
        return alignments, 0
    doc_of = {c.id: c.doc for c in brief.claims}

    def copies_only(al: Alignment) -> bool:
        docs = {doc_of.get(cid, "") for cid in al.claims}
        return al.verdict in AGREEMENTS and len({copies.get(d, d) for d in docs}) == 1

    kept = [al for al in alignments if not copies_only(al)]
    return kept, len(alignments) - len(kept)


def folded_label(n: int) -> str:
    return f"و{n} اتفاقاً بين نسخ تقرير واحد لا تُعرض · {n} agreements between copies of one report, not listed"


def bounds_by_doc(brief: Brief) -> dict[str, DateBound]:
    """For each undated report with a bound, the tightest one (the latest ``not_before``)."""
    out: dict[str, DateBound] = {}
    for b in brief.date_bounds:
        if b.doc not in out or b.not_before > out[b.doc].not_before:
            out[b.doc] = b
    return out


def bound_label(bound: DateBound) -> str:
    return f"غير مؤرخ؛ لا يسبق {bound.not_before} · undated; not before {bound.not_before}"


def copy_label(canonical: DocLabel) -> str:
    return f"نسخة من {canonical.tag} {canonical.name} · copy of {canonical.tag}"


def support_words(n: int) -> tuple[str, str]:
    """How many independent sources, in Arabic (with the dual) and in English."""
    if n == 1:
        ar = "مصدر مستقل واحد"
    elif n == 2:
        ar = "مصدران مستقلان"
    elif 3 <= n <= 10:
        ar = f"{n} مصادر مستقلة"
    else:
        ar = f"{n} مصدرًا مستقلًا"
    en = "1 independent source" if n == 1 else f"{n} independent sources"
    return ar, en


def support_label(n: int) -> str:
    return " · ".join(support_words(n))


def summary_items(brief: Brief) -> list[tuple[SummarySentence, Claim]]:
    """The brief's summary sentences with their claims (those whose claim is in the brief)."""
    claims = {c.id: c for c in brief.claims}
    return [(s, claims[s.claim]) for s in brief.summary if s.claim in claims]


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
    alignments, folded = fold_copy_agreements(brief, ordered_alignments(brief))
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
    lines += ["", "## الخلاصة · Summary", ""]
    for s, claim in summary_items(brief):
        cited = "، ".join(
            f"{label_of(labels, d).tag} {md_escape(label_of(labels, d).name)}" for d in s.sources
        )
        lines.append(f"- «{md_escape(claim.text)}» — _{support_label(s.support)}_: {cited}")
    if not brief.summary:
        lines.append("لا خلاصة · no summary")

    copies = copies_of(brief)
    bounds = bounds_by_doc(brief)
    lines += ["", "## المصادر · Sources", ""]
    lines.append("| # | المصدر · Source | التاريخ · Date | العنوان · Title |")
    lines.append("| --- | --- | --- | --- |")
    for d in brief.documents:
        label = labels[d.id]
        source = md_escape(d.source or "—")
        if d.id in copies:
            source += f" — _{md_escape(copy_label(label_of(labels, copies[d.id])))}_"
        day = label.date or UNDATED
        if not label.date and d.id in bounds:
            day = bound_label(bounds[d.id])
        lines.append(f"| {label.tag} | {source} | {day} | {md_escape(d.title or '—')} |")

    lines += ["", "## نقاط الخلاف · Disagreements", ""]
    lines += _alignment_blocks(disagreements, claims, labels) or ["لا خلاف · none", ""]
    lines += ["## نقاط الاتفاق · Agreements", ""]
    lines += _alignment_blocks(agreements, claims, labels) or ["لا اتفاق · none", ""]
    if folded:
        lines += [f"_{folded_label(folded)}_", ""]

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

    if brief.duplicates:
        lines += ["## تقارير متكررة · Near-duplicate reports", ""]
        for dup in brief.duplicates:
            original = label_of(labels, dup.canonical)
            lines.append(
                f"- **{original.tag} {md_escape(original.name)}** (الأصل · original), "
                f"{original.date or UNDATED}"
            )
            for copy in dup.copies:
                lb = label_of(labels, copy)
                lines.append(
                    f"  - {lb.tag} {md_escape(lb.name)}: {md_escape(copy_label(original))}"
                )
            lines.append(f"  - التشابه · similarity ≥ {dup.similarity:.2f}")
        lines.append("")

    lines += ["## الوقائع · Facts", ""]
    if brief.facts:
        lines.append(
            "| الواقعة · Fact | صاحبها · Holder | الحالة · Status | بتاريخ · As of | المصادر · Sources |"
        )
        lines.append("| --- | --- | --- | --- | --- |")
        for f in brief.facts:
            lines.append(
                "| "
                + " | ".join(
                    [
                        md_escape(fact_post(f)),
                        md_escape(fact_holder(f)),
                        fact_status_label(str(f.get("status", ""))),
                        md_escape(fact_when(f)) or "—",
                        md_escape(fact_sources(f, labels)) or "—",
                    ]
                )
                + " |"
            )
    else:
        lines.append("لا وقائع · no facts")
    lines.append("")
    return "\n".join(lines)


def fact_post(f: dict) -> str:
    return str(f.get("post") or f.get("relation") or "")


def fact_holder(f: dict) -> str:
    subject = f.get("subject") or {}
    return str(subject.get("name") or "")


def fact_when(f: dict) -> str:
    """The date the fact is stated for, and the time the claim gives (since ...)."""
    parts = []
    if f.get("as_of"):
        parts.append(str(f["as_of"]))
    time = f.get("time")
    if time and time.get("iso"):
        parts.append(("منذ · since " if time.get("since") else "") + str(time["iso"]))
    return "؛ ".join(parts)


def fact_sources(f: dict, labels: dict[str, DocLabel]) -> str:
    seen = dict.fromkeys(src["doc"] for src in f.get("sources", []) if src.get("doc"))
    return "، ".join(f"{label_of(labels, d).tag} {label_of(labels, d).name}" for d in seen)


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
