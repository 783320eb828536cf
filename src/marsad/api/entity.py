"""One entity across the store: its names, its titles and roles over time (from the
briefs of its stories, where mentions are linked and attributes attached), its mentions
by date and source, and the stories it appears in."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from marsad.api.errors import Problem
from marsad.api.i18n import kind_label
from marsad.api.queries import EntityRecord
from marsad.api.views import group_mentions
from marsad.model import Story

# Briefs are computed for at most this many of the entity's stories (the most recent).
MAX_BRIEFS = 8


@dataclass(frozen=True)
class AttributeRow:
    date: str | None
    kind: str
    text: str
    source: str
    doc: str
    start: int
    end: int


@dataclass
class EntityDetail:
    record: EntityRecord
    name: str  # the linked name where the stories' briefs know one, else the commonest form
    names: list[str]
    attributes: list[AttributeRow]
    mentions_by: list[tuple[str | None, str, int]]
    stories: list[Story]


def entity_detail(state, entity_id: str, lang: str) -> EntityDetail:
    index = state.entity_index()
    record = index.by_id.get(entity_id)
    if record is None:
        raise Problem(404, f"no entity with id {entity_id!r}")
    stories = [s for s in state.all_stories() if record.docs.intersection(s.doc_ids)]
    names = [record.name, *record.aliases]
    linked_names: list[str] = []
    attributes: dict[tuple, AttributeRow] = {}
    for story in stories[:MAX_BRIEFS]:
        brief = state.briefs.get(state.store, story).brief
        published = {
            d.id: d.published.isoformat() if d.published else None for d in brief.documents
        }
        sources = {d.id: d.source for d in brief.documents}
        for entity in brief.entities:
            if not any(
                m.norm == record.norm and (m.type or entity.type) == record.type
                for m in entity.mentions
            ):
                continue
            linked_names.append(entity.name)
            names += [entity.name, *entity.aliases]
            for m in entity.mentions:
                for a in m.attributes:
                    key = (a.kind, a.text, m.doc)
                    if key not in attributes:
                        attributes[key] = AttributeRow(
                            a.date or published.get(m.doc),
                            kind_label(a.kind, lang),
                            a.text,
                            sources.get(m.doc, ""),
                            m.doc,
                            a.start,
                            a.end,
                        )
    rows = sorted(attributes.values(), key=lambda r: (r.date is None, r.date or "", r.source))
    return EntityDetail(
        record=record,
        name=Counter(linked_names).most_common(1)[0][0] if linked_names else record.name,
        names=list(dict.fromkeys(n for n in names if n)),
        attributes=rows,
        mentions_by=group_mentions(index, record),
        stories=stories,
    )
