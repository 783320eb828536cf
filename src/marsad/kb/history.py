"""Histories of posts: who held a post, according to which report, and which statement is
the current one.

Facts of a functional relation (``Fact.functional``) are grouped by post: (relation, title,
object), e.g. ("leads", "", UNIFIL) or ("holds_title", "رئيس الوزراء", Jordan). Within a
post, facts are ordered by ``Fact.as_of`` (the report's date, or the time of a past event):

- current: the holder named by the latest dated statement (and that holder's earlier ones);
- superseded: an earlier statement naming another holder, with who replaced it and
  according to which report;
- disputed: different holders at the same latest date (a conflict, not an update);
- undated: the report has no date and the claim gives no usable time: it cannot be
  ordered, and the row says whether it agrees with the current holder;
- former: the report itself calls the holder former (القائد السابق).

Facts of other relations (met, visited ...) are listed with status ``reported``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from marsad.kb.facts import Fact
from marsad.model import Entity, Span
from marsad.ner.lexicons import load
from marsad.ner.link import skeleton
from marsad.text.normalise import norm

STATUSES = ("current", "superseded", "disputed", "undated", "former", "reported")


@dataclass
class HistoryRow:
    relation: str
    post: str  # readable post: the title and/or the object's name
    object: str | None
    object_id: str | None
    holder: str  # the subject's name
    holder_id: str | None
    status: str
    as_of: str | None  # ISO date the statement is dated to, None when undated
    time: str | None  # the time the claim itself gives (ISO), "since ..." for منذ
    doc: str
    source: str
    published: str | None
    claim: str
    evidence: Span  # the claim's span
    spans: list[Span] = field(default_factory=list)  # subject / object spans
    note: str = ""
    fact: Fact | None = None


def _names(query: str) -> tuple[str, tuple[str, ...]]:
    q = norm(query)
    return q, tuple(skeleton(w) for w in q.split(" ") if w)


def _canonical(name: str) -> str | None:
    """A known organisation's or place's canonical key (UNIFIL, اليونيفيل -> one key)."""
    lex = load()
    key = norm(name).lower()
    for form in (key, key[1:] if key[:1] in "لب" else ""):
        org = lex.org_keys.get(form) if form else None
        if org is not None:
            return org.key
    place = lex.places.get(key.split(" ")) if key else None
    return place.key if place is not None else None


def _name_matches(name: str, query: str) -> bool:
    """The query names this side: the same name, a word sequence of it (ريغيرو in ألبرتو
    ريغيرو), a transliteration variant of such (ريجيرو ~ ريغيرو), or another name of the same
    known organisation or place (UNIFIL ~ قوة الأمم المتحدة المؤقتة في لبنان)."""
    if not name:
        return False
    n = norm(name)
    q, q_skel = _names(query)
    if not q:
        return False
    if n == q or f" {q} " in f" {n} ":
        return True
    canon = _canonical(query)
    if canon is not None and canon == _canonical(name):
        return True
    words = n.split(" ")
    skel = [skeleton(w) for w in words]
    k = len(q_skel)
    long_enough = all(len(w) >= 5 for w in q.split(" "))
    return long_enough and any(tuple(skel[i : i + k]) == q_skel for i in range(len(skel) - k + 1))


def resolve(facts: Iterable[Fact], query: str, entities: Iterable[Entity] = ()) -> set[str]:
    """Keys (entity ids, else normalised names) of the sides of ``facts`` that ``query``
    names: an entity id, a name or alias of a linked entity, or a name as written."""
    keys: set[str] = set()
    for e in entities:
        if query == e.id or any(_name_matches(n, query) for n in [e.name, *e.aliases]):
            keys.add(e.id)
    for f in facts:
        for side in (f.subject, f.object):
            if side is None:
                continue
            if (
                query == side.id
                or _name_matches(side.name, query)
                or (side.span is not None and _name_matches(side.span.text, query))
            ):
                keys.add(side.id or side.key or norm(side.name))
    return keys


def _key(side) -> str:
    return side.id or side.key or norm(side.name)


def history(
    facts: list[Fact], entity: str | None = None, entities: Iterable[Entity] = ()
) -> list[HistoryRow]:
    """The history rows about ``entity`` (an entity id or a name), or about every post when
    ``entity`` is None: every post it held or that belongs to it, with all the holders of
    those posts, then its other facts."""
    keys = resolve(facts, entity, entities) if entity is not None else None
    posts: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        if f.functional:
            posts[f.post].append(f)
    wanted = []
    for post, group in posts.items():
        if keys is None or any(
            _key(f.subject) in keys or (f.object is not None and _key(f.object) in keys)
            for f in group
        ):
            wanted.append((post, group))
    rows: list[HistoryRow] = []
    for _post, group in sorted(wanted, key=lambda pg: _post_label(pg[1][0])):
        rows.extend(post_history(group))
    for f in facts:
        if f.functional:
            continue
        if keys is not None and not (
            _key(f.subject) in keys or (f.object is not None and _key(f.object) in keys)
        ):
            continue
        rows.append(_row(f, "reported", ""))
    return rows


def post_history(group: list[Fact]) -> list[HistoryRow]:
    """Statuses for the facts of one post (see the module docstring)."""
    dated = [f for f in group if f.as_of is not None and not f.former]
    former = [f for f in group if f.former]
    undated = [f for f in group if f.as_of is None and not f.former]
    rows: list[HistoryRow] = []
    current: set[str] = set()
    latest: list[Fact] = []
    if dated:
        last = max(f.as_of for f in dated)  # type: ignore[type-var]
        latest = [f for f in dated if f.as_of == last]
        current = {f.holder for f in latest}
    disputed = len(current) > 1
    names = {f.holder: f.subject.name for f in group}
    for f in sorted(dated, key=lambda f: (f.as_of, f.doc, f.claim_span.start)):
        if f.holder in current:
            if disputed:
                others = sorted(names[h] for h in current if h != f.holder)
                note = f"same date {latest[0].as_of}, other reports name {', '.join(others)}"
                rows.append(_row(f, "disputed", note))
            else:
                rows.append(_row(f, "current", _support(f, latest)))
        else:
            by = [x for x in latest]
            who = " / ".join(sorted({names[x.holder] for x in by}))
            accord = "; ".join(sorted({_cite(x) for x in by}))
            rows.append(_row(f, "superseded", f"superseded by {who} (according to {accord})"))
    for f in former:
        rows.append(_row(f, "former", "the report calls the holder former"))
    for f in undated:
        if not current:
            note = "undated report: cannot be ordered (no dated statement on this post)"
        elif f.holder in current and not disputed:
            note = f"undated report: cannot be ordered; agrees with the current holder ({_cite(latest[0])})"
        else:
            who = " / ".join(sorted({names[h] for h in current}))
            note = f"undated report: cannot be ordered; the latest dated statement names {who}"
        rows.append(_row(f, "undated", note))
    return rows


def _support(f: Fact, latest: list[Fact]) -> str:
    if f in latest:
        return f"latest dated statement ({f.as_of})"
    return f"confirmed later ({_cite(latest[0])})"


def _cite(f: Fact) -> str:
    return f"{f.source or f.doc[:8]}, {f.as_of or 'undated'}"


def _post_label(f: Fact) -> str:
    obj = f.object.name if f.object is not None else ""
    if f.relation == "holds_title" and f.value:
        title = f.value
        return f"{title} ({obj})" if obj and norm(obj) not in title else title
    return f"{f.relation}: {obj}"


def _time_text(f: Fact) -> str | None:
    if f.time is None:
        return None
    iso = f.time.iso
    return f"since {iso}" if f.since else iso


def _row(f: Fact, status: str, note: str) -> HistoryRow:
    spans = [s.span for s in (f.subject, f.object) if s is not None and s.span is not None]
    return HistoryRow(
        relation=f.relation,
        post=_post_label(f),
        object=f.object.name if f.object is not None else None,
        object_id=f.object.id if f.object is not None else None,
        holder=f.subject.name,
        holder_id=f.subject.id,
        status=status,
        as_of=f.as_of,
        time=_time_text(f),
        doc=f.doc,
        source=f.source,
        published=f.published,
        claim=f.claim,
        evidence=f.claim_span,
        spans=spans,
        note=note,
        fact=f,
    )
