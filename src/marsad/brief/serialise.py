"""The brief as JSON (schema ``marsad.brief/1``): to a dict, validated, and back.

The contract is documented in DESIGN.md and enforced by ``schema.json`` beside this module.
Extra members (entity ``attributes``, claim ``negated``/``slots``/``mentions``, time
``iso``/``span``/``granularity``, document ``text``) are allowed by the schema and make the
round trip ``brief_from_dict(brief_to_dict(b)) == b`` lossless.

Fields added within ``marsad.brief/1`` (optional in the schema, always written): each claim's
``support`` (independent sources stating it), ``summary`` (extractive, with each sentence's
claim span), ``duplicates`` (near-duplicate sets), ``date_bounds`` and ``facts``.
"""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache
from importlib.resources import files
from typing import Any

from jsonschema import Draft202012Validator

from marsad.model import (
    Alignment,
    Attribute,
    Brief,
    Claim,
    DateBound,
    Document,
    DuplicateSet,
    Entity,
    Mention,
    Slot,
    Span,
    SummarySentence,
    TimeExpr,
    TimelineEvent,
)

SCHEMA_ID = "marsad.brief/1"


class BriefValidationError(ValueError):
    """A dict that is not a valid ``marsad.brief/1`` brief; ``problems`` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = "\n".join(f"  - {p}" for p in problems[:20])
        more = f"\n  ... and {len(problems) - 20} more" if len(problems) > 20 else ""
        super().__init__(f"invalid {SCHEMA_ID} brief ({len(problems)} problem(s)):\n{shown}{more}")


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    return json.loads(files("marsad.brief").joinpath("schema.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


# --- to dict -------------------------------------------------------------------------------


def brief_to_dict(brief: Brief, include_text: bool = True) -> dict[str, Any]:
    """The brief as a JSON-ready dict. ``include_text`` adds each document's original text,
    so a reader can check every span and the round trip keeps the documents whole."""
    attribute_docs = _attribute_docs(brief.entities)
    return {
        "schema": SCHEMA_ID,
        "documents": [_document(d, include_text) for d in brief.documents],
        "entities": [
            {
                "id": e.id,
                "type": e.type,
                "name": e.name,
                "aliases": list(e.aliases),
                "mentions": [_mention(m) for m in e.mentions],
                "attributes": [_attribute(a, attribute_docs.get(id(a))) for a in e.attributes],
            }
            for e in brief.entities
        ],
        "claims": [_claim(c, brief.support.get(c.id)) for c in brief.claims],
        "alignments": [
            {
                "claims": list(a.claims),
                "verdict": a.verdict,
                "note": a.note,
                "score": float(a.score),
            }
            for a in brief.alignments
        ],
        "unique": list(brief.unique),
        "timeline": [
            {"date": ev.date, "text": ev.text, "claims": list(ev.claims)} for ev in brief.timeline
        ],
        "summary": _summary(brief),
        "duplicates": [
            {"canonical": s.canonical, "copies": list(s.copies), "similarity": float(s.similarity)}
            for s in brief.duplicates
        ],
        "date_bounds": [
            {"doc": b.doc, "not_before": b.not_before, "claim": b.claim, "text": b.text}
            for b in brief.date_bounds
        ],
        "facts": [dict(f) for f in brief.facts],
    }


def _summary(brief: Brief) -> list[dict[str, Any]]:
    """Each summary sentence with its claim's span, so the words can be checked in place."""
    claims = {c.id: c for c in brief.claims}
    out = []
    for s in brief.summary:
        c = claims.get(s.claim)
        item: dict[str, Any] = {"claim": s.claim}
        if c is not None:
            item.update(doc=c.doc, start=c.start, end=c.end)
        item.update(text=c.text if c else "", support=s.support, sources=list(s.sources))
        out.append(item)
    return out


def _document(d: Document, include_text: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": d.id,
        "title": d.title,
        "source": d.source,
        "published": d.published.isoformat() if d.published else None,
        "path": d.path,
        "url": d.url,
    }
    if include_text:
        out["text"] = d.text
    return out


def _attribute_docs(entities: list[Entity]) -> dict[int, str]:
    """Attributes carry no document id; they come from a mention, which does."""
    docs: dict[int, str] = {}
    for e in entities:
        for m in e.mentions:
            for a in m.attributes:
                docs.setdefault(id(a), m.doc)
        by_value = {
            (a.kind, a.start, a.end, a.text): m.doc for m in e.mentions for a in m.attributes
        }
        for a in e.attributes:
            if id(a) not in docs and (a.kind, a.start, a.end, a.text) in by_value:
                docs[id(a)] = by_value[(a.kind, a.start, a.end, a.text)]
    return docs


def _attribute(a: Attribute, doc: str | None) -> dict[str, Any]:
    return {
        "kind": a.kind,
        "value": a.value,
        "start": a.start,
        "end": a.end,
        "text": a.text,
        "doc": doc,
        "date": a.date,
    }


def _mention(m: Mention) -> dict[str, Any]:
    return {
        "doc": m.doc,
        "start": m.start,
        "end": m.end,
        "text": m.text,
        "type": m.type,
        "norm": m.norm,
        "entity": m.entity,
        "confidence": float(m.confidence),
        "acronym_of": m.acronym_of,
        "attributes": [_attribute(a, m.doc) for a in m.attributes],
    }


def _time(t: TimeExpr | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {
        "start": t.value_start,
        "end": t.value_end,
        "text": t.text,
        "iso": t.iso,
        "span": [t.start, t.end],
        "granularity": t.granularity,
        "relative": t.relative,
        "calendar": t.calendar,
    }


def _span(s: Span | None) -> dict[str, Any] | None:
    if s is None:
        return None
    return {"doc": s.doc, "start": s.start, "end": s.end, "text": s.text}


def _claim(c: Claim, support: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": c.id,
        "doc": c.doc,
        "start": c.start,
        "end": c.end,
        "text": c.text,
        "entities": list(c.entities),
        "time": _time(c.time),
        "negated": c.negated,
        "slots": [
            {"relation": s.relation, "subject": _span(s.subject), "object": _span(s.object)}
            for s in c.slots
        ],
        "mentions": [_mention(m) for m in c.mentions],
    }
    if support is not None:
        out["support"] = support
    return out


# --- validation ----------------------------------------------------------------------------


def validate_brief(d: dict[str, Any], check_references: bool = True) -> None:
    """Raise ``BriefValidationError`` unless ``d`` is a valid ``marsad.brief/1`` brief.

    Beyond the JSON Schema, ``check_references`` checks what a schema cannot: ids are
    unique and every id referenced exists, spans are ordered, and where a document's text is
    included, ``text[start:end]`` equals the recorded text."""
    errors = sorted(_validator().iter_errors(d), key=lambda e: [str(p) for p in e.absolute_path])
    problems = [f"{_path(e.absolute_path)}: {e.message}" for e in errors]
    if not problems and check_references:
        problems = _reference_problems(d)
    if problems:
        raise BriefValidationError(problems)


def _path(parts: Any) -> str:
    out = ""
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(top level)"


def _reference_problems(d: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    texts: dict[str, str | None] = {}
    for i, doc in enumerate(d["documents"]):
        if doc["id"] in texts:
            problems.append(f"documents[{i}].id: duplicate document id {doc['id']!r}")
        texts[doc["id"]] = doc.get("text")

    def check_span(where: str, item: dict[str, Any], doc: str | None) -> None:
        if item["end"] < item["start"]:
            problems.append(f"{where}: end {item['end']} is before start {item['start']}")
        if doc is None:
            return
        if doc not in texts:
            problems.append(f"{where}.doc: unknown document {doc!r}")
            return
        text = texts[doc]
        if text is not None and text[item["start"] : item["end"]] != item["text"]:
            problems.append(
                f"{where}: text[{item['start']}:{item['end']}] is "
                f"{text[item['start'] : item['end']]!r}, not the recorded {item['text']!r}"
            )

    entity_ids: set[str] = set()
    for i, e in enumerate(d["entities"]):
        if e["id"] in entity_ids:
            problems.append(f"entities[{i}].id: duplicate entity id {e['id']!r}")
        entity_ids.add(e["id"])
        for j, m in enumerate(e["mentions"]):
            check_span(f"entities[{i}].mentions[{j}]", m, m["doc"])
        for j, a in enumerate(e.get("attributes", [])):
            check_span(f"entities[{i}].attributes[{j}]", a, a.get("doc"))

    claim_ids: set[str] = set()
    for i, c in enumerate(d["claims"]):
        where = f"claims[{i}]"
        if c["id"] in claim_ids:
            problems.append(f"{where}.id: duplicate claim id {c['id']!r}")
        claim_ids.add(c["id"])
        check_span(where, c, c["doc"])
        for ent in c["entities"]:
            if ent not in entity_ids:
                problems.append(f"{where}.entities: unknown entity {ent!r}")
        time = c["time"]
        if time is not None and "span" in time:
            start, end = time["span"]
            check_span(
                f"{where}.time", {"start": start, "end": end, "text": time["text"]}, c["doc"]
            )
        for j, m in enumerate(c.get("mentions", [])):
            check_span(f"{where}.mentions[{j}]", m, m["doc"])
        for j, slot in enumerate(c.get("slots", [])):
            for role in ("subject", "object"):
                if slot.get(role) is not None:
                    check_span(f"{where}.slots[{j}].{role}", slot[role], slot[role]["doc"])

    def check_claims(where: str, ids: list[str]) -> None:
        for cid in ids:
            if cid not in claim_ids:
                problems.append(f"{where}: unknown claim {cid!r}")

    for i, a in enumerate(d["alignments"]):
        check_claims(f"alignments[{i}].claims", a["claims"])
    check_claims("unique", d["unique"])
    for i, ev in enumerate(d["timeline"]):
        check_claims(f"timeline[{i}].claims", ev["claims"])

    # fields added within marsad.brief/1: optional, checked where present
    claim_text = {c["id"]: (c["doc"], c["start"], c["end"], c["text"]) for c in d["claims"]}

    def check_docs(where: str, ids: list[str]) -> None:
        for doc in ids:
            if doc not in texts:
                problems.append(f"{where}: unknown document {doc!r}")

    for i, s in enumerate(d.get("summary", [])):
        where = f"summary[{i}]"
        check_claims(f"{where}.claim", [s["claim"]])
        check_docs(f"{where}.sources", s["sources"])
        own = claim_text.get(s["claim"])
        if own is not None:
            doc, start, end, text = own
            said = (s.get("doc", doc), s.get("start", start), s.get("end", end), s["text"])
            if said != own:
                problems.append(f"{where}: not the exact words and span of claim {s['claim']!r}")
        if "start" in s:
            check_span(where, s, s.get("doc"))
    for i, dup in enumerate(d.get("duplicates", [])):
        check_docs(f"duplicates[{i}]", [dup["canonical"], *dup["copies"]])
    for i, b in enumerate(d.get("date_bounds", [])):
        check_docs(f"date_bounds[{i}].doc", [b["doc"]])
        check_claims(f"date_bounds[{i}].claim", [b["claim"]])
    for i, f in enumerate(d.get("facts", [])):
        for j, src in enumerate(f["sources"]):
            check_span(f"facts[{i}].sources[{j}]", src, src["doc"])
            if src.get("claim") is not None:
                check_claims(f"facts[{i}].sources[{j}].claim", [src["claim"]])
        for j, span in enumerate(f["spans"]):
            check_span(f"facts[{i}].spans[{j}]", span, span["doc"])
    return problems


# --- from dict -----------------------------------------------------------------------------


def brief_from_dict(d: dict[str, Any], validate: bool = True) -> Brief:
    """Rebuild a Brief from its JSON form. Documents serialised without their text come
    back with ``text=""``; everything else the model holds survives the round trip."""
    if validate:
        validate_brief(d, check_references=False)
    return Brief(
        documents=[
            Document(
                id=doc["id"],
                text=doc.get("text", ""),
                title=doc["title"],
                source=doc["source"],
                published=date.fromisoformat(doc["published"]) if doc["published"] else None,
                path=doc["path"],
                url=doc.get("url", ""),
            )
            for doc in d["documents"]
        ],
        entities=[
            Entity(
                id=e["id"],
                type=e["type"],
                name=e["name"],
                aliases=list(e["aliases"]),
                mentions=[_mention_from(m) for m in e["mentions"]],
                attributes=[_attribute_from(a) for a in e.get("attributes", [])],
            )
            for e in d["entities"]
        ],
        claims=[_claim_from(c) for c in d["claims"]],
        alignments=[
            Alignment(list(a["claims"]), a["verdict"], a["note"], a.get("score", 0.0))
            for a in d["alignments"]
        ],
        unique=list(d["unique"]),
        timeline=[
            TimelineEvent(ev["date"], ev["text"], list(ev["claims"])) for ev in d["timeline"]
        ],
        support={c["id"]: c["support"] for c in d["claims"] if "support" in c},
        summary=[
            SummarySentence(s["claim"], s["support"], list(s["sources"]))
            for s in d.get("summary", [])
        ],
        duplicates=[
            DuplicateSet(s["canonical"], list(s["copies"]), s.get("similarity", 0.0))
            for s in d.get("duplicates", [])
        ],
        date_bounds=[
            DateBound(b["doc"], b["not_before"], b["claim"], b["text"])
            for b in d.get("date_bounds", [])
        ],
        facts=[dict(f) for f in d.get("facts", [])],
    )


def _attribute_from(a: dict[str, Any]) -> Attribute:
    return Attribute(a["kind"], a["value"], a["start"], a["end"], a["text"], a.get("date"))


def _mention_from(m: dict[str, Any]) -> Mention:
    return Mention(
        doc=m["doc"],
        start=m["start"],
        end=m["end"],
        text=m["text"],
        type=m.get("type", ""),
        norm=m.get("norm", ""),
        attributes=[_attribute_from(a) for a in m.get("attributes", [])],
        acronym_of=m.get("acronym_of"),
        entity=m.get("entity"),
        confidence=m.get("confidence", 1.0),
    )


def _time_from(t: dict[str, Any] | None) -> TimeExpr | None:
    if t is None:
        return None
    start, end = t.get("span", (0, 0))
    if "granularity" in t:
        granularity = t["granularity"]
    else:
        granularity = "day" if t["start"] == t["end"] else "range"
    return TimeExpr(
        start=start,
        end=end,
        text=t["text"],
        value_start=t["start"],
        value_end=t["end"],
        granularity=granularity,
        relative=t.get("relative", False),
        calendar=t.get("calendar", "gregorian"),
    )


def _span_from(s: dict[str, Any] | None) -> Span | None:
    return None if s is None else Span(s["doc"], s["start"], s["end"], s["text"])


def _claim_from(c: dict[str, Any]) -> Claim:
    return Claim(
        id=c["id"],
        doc=c["doc"],
        start=c["start"],
        end=c["end"],
        text=c["text"],
        mentions=[_mention_from(m) for m in c.get("mentions", [])],
        entities=list(c["entities"]),
        time=_time_from(c["time"]),
        negated=c.get("negated", False),
        slots=[
            Slot(s["relation"], _span_from(s.get("subject")), _span_from(s.get("object")))
            for s in c.get("slots", [])
        ],
    )
