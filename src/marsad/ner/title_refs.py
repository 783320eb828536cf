"""A title standing alone for the person who holds it: "وقال الأمين العام إن…" after (or in
another report than) "الأمين العام للأمم المتحدة أنطونيو غوتيريش".

A TITLE mention that qualifies no person (it is inside none of a person's attribute spans or
other names, and no person's name follows it closely) is resolved as a reader would:

1. In apposition: a title right after a person's name, with a space or a comma between, is
   that person ("جون كيري، وزير الخارجية الأميركي"; confidence ``CONF_APPOSITION``).
2. No one in particular: a title that is not definite ("كيف يكون وزير خارجية بهذا الصدق"),
   a rank alone (الفريق الأول is as often the first team, اللواء a brigade, العميد a club),
   and a title after آل (آل الشيخ, a family name) refer to no one.
3. A holder: a person whose title or role has the title's words as its whole or its head
   (الأمين العام ~ الأمين العام للأمم المتحدة), or its head with the body's head noun made
   definite (قائد القوة ~ قائد قوة الأمم المتحدة المؤقتة). A nationality right after the
   title must be the person's (الرئيس الفرنسي), and an organisation or place right after it
   must be in the person's role (not the secretary-general of the Arab League).
   - First among those named (or titled so) earlier in the same report: exactly one such
     entity is the holder (``CONF_IN_DOC``).
   - Else in the whole set of reports, only for a title qualified as above, or of two
     words or more and equal to the holder's whole title, so that a bare الرئيس of a report
     that names no president is left alone: exactly one entity is the holder
     (``CONF_IN_SET``).

Two holders (a minister of 2019 and one of 2023, two generals) leave the title unlinked. The
title mention gets the entity's id and joins its mentions; it adds no alias or attribute.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

from marsad.model import Entity, Mention

CONF_APPOSITION = 0.8
CONF_IN_DOC = 0.75
CONF_IN_SET = 0.6
QUALIFYING_KINDS = frozenset({"title", "rank", "role"})
# a rank alone is no reference: الفريق الأول is the first team, اللواء a brigade, العميد a club
HOLDER_KINDS = frozenset({"title", "role"})
# a qualifier follows its title with at most a space (or a fused ل: الأمين العام للأمم المتحدة)
ADJACENT = 2
# a title in apposition follows the name with at most a comma and spaces
_APPOSITION_GAP = re.compile(r"\s*[,،]?\s+")
_HOUSE_BEFORE = re.compile(r"(?:^|\s)آ?ل\s+$")
# a name starting this close after a title is the one it qualifies (رئيس بلاده بنيتو موسوليني)
NAME_AHEAD = 20


def resolve_titles(
    mentions: Sequence[Mention],
    entities: Sequence[Entity],
    texts: Mapping[str, str] | None = None,
) -> None:
    """Links each free-standing TITLE mention to its holder, in place (see the module).
    ``texts`` (document id -> text) lets a title after a comma be read as in apposition;
    without it only a title one space after a name is."""
    persons = [e for e in entities if e.type == "PER"]
    if not persons:
        return
    by_doc: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_doc[m.doc].append(m)
    by_id = {e.id: e for e in persons}
    by_head: dict[str, list[Entity]] = defaultdict(list)  # the first word of a held title
    for e in persons:
        for head in {a.value.split(" ")[0] for a in e.attributes if a.kind in HOLDER_KINDS}:
            by_head[head].append(e)
    for doc_mentions in by_doc.values():
        doc_mentions.sort(key=lambda m: (m.start, -m.end))
        covered = [
            (a.start, a.end)
            for m in doc_mentions
            if m.type == "PER"
            for a in m.attributes
            if a.kind in QUALIFYING_KINDS
        ]
        # a title inside a name (جامعة الأمير سلطان) is no reference either
        covered += [(m.start, m.end) for m in doc_mentions if m.type != "TITLE"]
        text = (texts or {}).get(doc_mentions[0].doc)
        for k, title in enumerate(doc_mentions):
            if title.type != "TITLE" or title.entity or not title.norm:
                continue
            if any(a <= title.start and title.end <= b for a, b in covered):
                continue  # it qualifies a person, or is part of a name
            if text is not None and _HOUSE_BEFORE.search(
                text[max(0, title.start - 6) : title.start]
            ):
                continue  # آل الشيخ: a family name
            named = _apposed(title, doc_mentions[:k], text)
            if named is not None:
                _join(title, by_id.get(named.entity or ""), CONF_APPOSITION)
                continue
            if not _definite(title.norm) or _name_ahead(title, doc_mentions[k + 1 :]):
                continue
            nationality, complement = _qualifiers(title, doc_mentions[k + 1 :])
            candidates = by_head.get(title.norm.split(" ")[0], [])
            fits = [e for e in candidates if _holds(e, title.norm, nationality, complement)]
            if not fits:
                continue
            fit_ids = {e.id for e in fits}
            before = {
                m.entity
                for m in doc_mentions[:k]
                if m.entity in fit_ids
                and (_has(m, title.norm) or (m.type == "TITLE" and _matches(m.norm, title.norm)))
            }
            holder, conf = None, 0.0
            if len(before) == 1:
                holder, conf = by_id[before.pop()], CONF_IN_DOC
            elif (
                not before
                and len(fits) == 1
                and (nationality or complement or _whole_title(fits[0], title.norm))
            ):
                holder, conf = fits[0], CONF_IN_SET
            _join(title, holder, conf)


def _join(title: Mention, holder: Entity | None, conf: float) -> None:
    if holder is not None:
        title.entity = holder.id
        title.confidence = min(title.confidence, conf)
        holder.mentions.append(title)


def _apposed(title: Mention, before: Sequence[Mention], text: str | None) -> Mention | None:
    """The person whose name ends right before the title (a space or a comma between, not
    a conjunction: "خالد اليوسف ومدير عام الفرع" are two men), if any."""
    for m in reversed(before):
        if m.end <= title.start:
            if m.type != "PER" or not m.entity:
                return None
            if text is not None and len(text) >= title.start:
                gap = text[m.end : title.start]
                return m if _APPOSITION_GAP.fullmatch(gap) else None
            return m if title.start - m.end == 1 else None
    return None


def _name_ahead(title: Mention, after: Sequence[Mention]) -> bool:
    return any(m.type == "PER" and m.start - title.end <= NAME_AHEAD for m in after[:4])


def _whole_title(person: Entity, key: str) -> bool:
    """Is a title of two words or more (وزير الخارجية, not الرئيس) all of a person's title?"""
    return " " in key and any(a.kind in HOLDER_KINDS and a.value == key for a in person.attributes)


def _definite(key: str) -> bool:
    words = key.split(" ")
    return words[0].startswith("ال") or words[-1].startswith("ال")


def _qualifiers(title: Mention, after: Sequence[Mention]) -> tuple[str, str]:
    """The nationality and the organisation or place right after a title, if any."""
    nationality = complement = ""
    end = title.end
    for m in after:
        if m.start > end + ADJACENT:
            break
        if m.type == "NORP" and not nationality:
            nationality = m.norm
        elif m.type in ("ORG", "GPE", "LOC") and not complement:
            complement = m.norm
        else:
            break
        end = m.end
    return nationality, complement


def _matches(value: str, key: str) -> bool:
    """Is the title ``key`` the whole of a holder's ``value``, its head, or its head with the
    named body's head noun made definite (قائد القوة ~ قائد قوة الأمم المتحدة المؤقتة)?"""
    if value == key or value.startswith(key + " "):
        return True
    words, held = key.split(" "), value.split(" ")
    n = len(words)
    return (
        n >= 2
        and words[-1].startswith("ال")
        and len(held) > n
        and held[: n - 1] == words[:-1]
        and held[n - 1] == words[-1][2:]
    )


def _has(m: Mention, key: str) -> bool:
    return any(a.kind in HOLDER_KINDS and _matches(a.value, key) for a in m.attributes)


def _holds(person: Entity, key: str, nationality: str, complement: str) -> bool:
    values = [a.value for a in person.attributes if a.kind in HOLDER_KINDS]
    titled = [v for v in values if _matches(v, key)]
    if not titled:
        return False
    if nationality and not any(
        a.kind == "nationality" and a.value == nationality for a in person.attributes
    ):
        return False
    if complement:
        stem = complement[2:] if complement.startswith("ال") else complement
        return any(stem in v for v in titled)
    return True
