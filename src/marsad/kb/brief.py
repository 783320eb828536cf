"""The brief's ``facts`` list: the facts of a set of reports with their status over time."""

from __future__ import annotations

from typing import Any

from marsad.kb.facts import facts_from_analyses
from marsad.kb.history import HistoryRow, history
from marsad.model import DocAnalysis, Entity, Span, TimeExpr


def _span(s: Span) -> dict[str, Any]:
    return {"doc": s.doc, "start": s.start, "end": s.end, "text": s.text}


def _time(t: TimeExpr | None, since: bool) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"start": t.start, "end": t.end, "text": t.text, "iso": t.iso, "since": since}


def facts_for_brief(analyses: list[DocAnalysis], entities: list[Entity]) -> list[dict[str, Any]]:
    """One entry per (post or relation, holder, status, date): who, what, when, the status
    (current / superseded / disputed / undated / former / reported) and every report saying
    it, as spans. ``entities`` are those of ``pipeline.link_entities`` on ``analyses``."""
    rows = history(facts_from_analyses(analyses, entities))
    out: list[dict[str, Any]] = []
    index: dict[tuple, dict[str, Any]] = {}
    for r in rows:
        key = (r.relation, r.post, r.holder_id or r.holder, r.status, r.as_of)
        entry = index.get(key)
        if entry is None:
            entry = index[key] = _entry(r)
            out.append(entry)
        _add_source(entry, r)
    return out


def _entry(r: HistoryRow) -> dict[str, Any]:
    f = r.fact
    assert f is not None
    return {
        "relation": r.relation,
        "post": r.post,
        "subject": {"id": r.holder_id, "name": r.holder},
        "object": None if f.object is None else {"id": r.object_id, "name": r.object},
        "value": f.value,
        "status": r.status,
        "as_of": r.as_of,
        "time": _time(f.time, f.since),
        "note": r.note,
        "sources": [],
        "spans": [],
    }


def _add_source(entry: dict[str, Any], r: HistoryRow) -> None:
    src = {**_span(r.evidence), "claim": r.claim, "source": r.source, "published": r.published}
    if src not in entry["sources"]:
        entry["sources"].append(src)
    for s in r.spans:
        d = _span(s)
        if d not in entry["spans"]:
            entry["spans"].append(d)
    if entry["time"] is None and r.fact is not None and r.fact.time is not None:
        entry["time"] = _time(r.fact.time, r.fact.since)
