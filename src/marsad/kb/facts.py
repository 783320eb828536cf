"""Facts: relation slots turned into statements about entities, with the report that made them.

A ``Fact`` is one slot of one claim of one report: subject / relation / object (entity ids
and names where the mentions are linked, else the words as written), the time the claim
gives, the report (doc id, outlet, date) and the spans it came from. Facts of *functional*
relations - a post held by one holder at a time: the commander of a force, a state's prime
minister or foreign minister, an organisation's secretary-general - are the input of
``history.history``, where a later report supersedes an earlier one.

Plain noun phrases are resolved where the report allows it: "القوة" / "البعثة" / "الوزارة"
refer back to the last organisation of the report whose name starts with that noun
(قوة الأمم المتحدة المؤقتة في لبنان), so "يتولى قيادة القوة" and "قائد اليونيفيل" name one
post.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from marsad.claims.slots import RichSlot, extract_slots
from marsad.model import Claim, DocAnalysis, Entity, Mention, Slot, Span, TimeExpr
from marsad.text.normalise import norm

# relations whose object (with the title, for holds_title) has one holder at a time
FUNCTIONAL_RELATIONS = frozenset({"leads", "holds_title"})
# heads of titles that name a single post (رئيس الوزراء، وزير الخارجية، الأمين العام ...)
_UNIQUE_HEADS = frozenset(
    norm(w)
    for w in (
        "رئيس رئيسة قائد قائدة وزير وزيرة أمين مدير مديرة محافظ محافظة سفير سفيرة منسق منسقة "
        "مبعوث مبعوثة ملك ملكة عاهل سلطان حاكم والي مفوض مفوضة نقيب عمدة أمير"
    ).split()
)
# words that make a title one of several (نائب الرئيس، مساعد الوزير، عضو مجلس ...)
_SHARED_WORDS = frozenset(
    norm(w) for w in "نائب نائبة مساعد مساعدة عضو عضوة مستشار مستشارة ناطق متحدث ممثل".split()
)


@dataclass(frozen=True)
class Side:
    """One end of a fact: the entity (when linked) and the mention it was read from."""

    name: str  # entity name, or the words as written
    id: str | None = None  # entity id
    span: Span | None = None  # where the report names it (a pronoun's referent for pronouns)
    type: str = ""  # PER ORG GPE LOC NORP TITLE NP
    key: str = ""  # normalised name used for linking across reports
    acronym_of: str | None = None


@dataclass
class Fact:
    relation: str
    subject: Side
    object: Side | None
    doc: str
    claim: str  # claim id
    claim_span: Span
    source: str = ""
    published: str | None = None  # ISO date of the report
    value: str | None = None  # the title (holds_title) or title phrase (leads from a title)
    time: TimeExpr | None = None  # the time the claim gives
    since: bool = False  # the time is when it began (منذ)
    former: bool = False  # described as former (السابق)
    tense: str = ""  # past | present | "" (nominal)
    confidence: float = 1.0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def functional(self) -> bool:
        if self.relation == "leads":
            return self.object is not None
        if self.relation != "holds_title" or not self.value or self.object is None:
            return False
        words = self.value.split(" ")
        head = words[0][2:] if words[0].startswith("ال") else words[0]
        return head in _UNIQUE_HEADS and not any(w in _SHARED_WORDS for w in words)

    @property
    def as_of(self) -> str | None:
        """The date at which the report says the fact holds (ISO), or None when it cannot
        be dated: the report's date, or for a past event the time the claim gives it."""
        t = self.time
        usable = t is not None and not (t.relative and self.published is None)
        if self.tense == "past" and usable and not self.since:
            return t.value_end  # type: ignore[union-attr]
        if self.published:
            return self.published
        if usable and not self.since:
            return t.value_end  # type: ignore[union-attr]
        return None

    @property
    def post(self) -> tuple[str, str, str]:
        """What a functional fact is about: (relation, title, object)."""
        obj = self.object
        obj_key = (obj.id or obj.key or norm(obj.name)) if obj is not None else ""
        title = self.value if self.relation == "holds_title" and self.value else ""
        return self.relation, title, obj_key

    @property
    def holder(self) -> str:
        return self.subject.id or self.subject.key or norm(self.subject.name)


def document_facts(analysis: DocAnalysis) -> list[Fact]:
    """The facts of one report, before cross-document linking (entity ids as the mentions
    carry them, usually none yet)."""
    return _facts(analysis, {})


def facts_from_analyses(analyses: list[DocAnalysis], entities: list[Entity]) -> list[Fact]:
    """The facts of linked analyses (``pipeline.link_entities`` has run): entity ids and
    canonical names on both sides."""
    by_id = {e.id: e for e in entities}
    out: list[Fact] = []
    for a in analyses:
        out.extend(_facts(a, by_id))
    return out


def _slots(a: DocAnalysis, claim: Claim) -> list[Slot]:
    if claim.slots:
        return claim.slots
    return extract_slots(a.doc.text, claim, a.tokens, a.mentions, a.timexes)


def _facts(a: DocAnalysis, entities: dict[str, Entity]) -> list[Fact]:
    doc = a.doc
    text = doc.text
    by_span = {(m.start, m.end): m for m in a.mentions}
    published = doc.published.isoformat() if doc.published else None
    out: list[Fact] = []
    for claim in a.claims:
        for slot in _slots(a, claim):
            if slot.subject is None and slot.object is None:
                continue
            rich = slot if isinstance(slot, RichSlot) else RichSlot(**vars(slot))
            subject = _side(a, rich.subject, rich.subject_type, by_span, entities)
            obj = _side(a, rich.object, rich.object_type, by_span, entities)
            if subject is None:
                if rich.relation != "established" or obj is None:
                    continue
                subject = Side("—", type="")  # a passive: "أُنشئت عام 1978"
            out.append(
                Fact(
                    relation=rich.relation,
                    subject=subject,
                    object=obj,
                    doc=doc.id,
                    claim=claim.id,
                    claim_span=Span(doc.id, claim.start, claim.end, text[claim.start : claim.end]),
                    source=doc.source,
                    published=published,
                    value=rich.value,
                    time=rich.time,
                    since=rich.since,
                    former=rich.former,
                    tense=rich.tense,
                    confidence=rich.confidence,
                )
            )
    return out


def _side(
    a: DocAnalysis,
    span: Span | None,
    kind: str,
    by_span: dict[tuple[int, int], Mention],
    entities: dict[str, Entity],
) -> Side | None:
    if span is None:
        return None
    m = by_span.get((span.start, span.end))
    if m is None and kind in ("NP", "TITLE", ""):
        m = antecedent(a, span)
    if m is None:
        m = next(
            (
                x
                for x in a.mentions
                if span.start <= x.start and x.end <= span.end and x.type == "PER"
            ),
            None,
        )
    if m is None:
        return Side(span.text, None, span, kind or "NP", norm(span.text))
    ent = entities.get(m.entity) if m.entity else None
    name = ent.name if ent is not None else _clean_name(m)
    return Side(name, m.entity, span, m.type, m.norm or norm(m.text), m.acronym_of)


def _clean_name(m: Mention) -> str:
    """The name as written, without a proclitic ل/ب that the span kept (للأمم المتحدة)."""
    text = m.text
    if m.norm and norm(text) != m.norm and norm(text[1:]) == m.norm:
        return text[1:]
    return text


def antecedent(a: DocAnalysis, span: Span) -> Mention | None:
    """The organisation a definite noun phrase refers back to: القوة -> the last ORG of the
    report before it whose name starts with قوة (or whose acronym expands to one)."""
    words = norm(span.text).split(" ")
    if not words or not words[0]:
        return None
    head = words[0]
    for prefix in ("وال", "فال", "بال", "لل", "ال"):
        if head.startswith(prefix) and len(head) > len(prefix) + 1:
            head = head[len(prefix) :]
            break
    if len(head) < 3:
        return None
    # an adjective must agree too: البعثة الأممية is not بعثة الاتحاد الأوروبي
    rest = [w[2:] if w.startswith("ال") else w for w in words[1:2]]
    best: Mention | None = None
    for m in a.mentions:
        if m.start >= span.start:
            break
        if m.type not in ("ORG", "GPE", "LOC"):
            continue
        for name in (m.norm, m.acronym_of or ""):
            parts = name.split(" ") if name else []
            if parts and parts[0] == head and all(r in name for r in rest):
                best = m
    return best
