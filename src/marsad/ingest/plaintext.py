"""Plain-text reports: headline, metadata lines and dateline.

Layout recognised (all optional):

    الأمم المتحدة تمدد مهمة قوتها في لبنان        <- headline: first short line, no full stop
    المصدر: وكالة الأنباء                          <- metadata lines ("key: value") at the top
    التاريخ: 2019-11-12                               or at the bottom of the file

    بيروت - 12 نوفمبر 2019 (رويترز) - قال ...      <- dateline opening the body

The document text is the body: one contiguous slice of the file (line ends unified), without
the headline and the metadata lines, which become ``title``/``source``/``published``/``url``.
The dateline is part of the report and stays in the text. Nothing inside the body is altered,
so spans index it directly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from marsad.ingest.dates import DATE_RE, date_from_match, parse_date
from marsad.text.normalise import norm, normalise

MAX_HEADLINE_CHARS = 150
_HEADER_LINES = 12  # metadata is looked for in this many lines at either end

# Metadata keys, normalised; values are "|"-separated.
_KEY_NAMES = {
    "source": "المصدر|مصدر|الناشر|الصحيفه|الجريده|الموقع|الوكاله|source|publisher|outlet|site",
    "published": "التاريخ|تاريخ|تاريخ النشر|نشر في|نشر بتاريخ|date|published|pubdate",
    "title": "العنوان|عنوان|title|headline",
    "url": "الرابط|رابط|url|link",
    "author": "الكاتب|كتب|بقلم|المؤلف|المراسل|author|by",
}
_KEYS: dict[str, str] = {
    name: field for field, names in _KEY_NAMES.items() for name in names.split("|")
}

_META_LINE = re.compile(r"^\s*([^:：\n]{1,25}?)\s*[:：]\s*(\S.{0,300}?)\s*$")

# Known news agencies written without brackets after a dash ("الرياض - واس -").
_AGENCIES = (
    "رويترز|ا ف ب|ا.ف.ب|اف ب|فرانس برس|د ب ا|د.ب.ا|واس|وام|قنا|كونا|بنا|سانا|العمانيه|الاناضول"
    "|وفا|معا|شينخوا|اسوشيتد برس|ا ب|يو بي اي|الانباء|واج|ماب|تاس|سبوتنيك"
).split("|")
_AGENCY_RE = "|".join(sorted((re.escape(a) for a in set(_AGENCIES)), key=len, reverse=True))
_WEEKDAYS = "السبت|الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعه"

# On normalised text (where dashes are "-" and "،" is ","). A place of one to four words,
# then a date and/or an agency, then a separator or the end of the line.
_AGENCY_OPT = r"(?:[ \t]*(?:\((?P<agency1>[^()\n]{2,40})\)|/(?P<agency4>[^/\n]{2,30})/))?"
_AGENCY_REQ = r"(?:\((?P<agency2>[^()\n]{2,40})\)|/(?P<agency5>[^/\n]{2,30})/)"
_DATELINE = re.compile(
    rf"""^[ \t]*
    (?P<place>[^\W\d_]+(?:[ \t]+[^\W\d_]+){{0,3}}?)
    [ \t]*
    (?:
        (?:(?:-|,|في)[ \t]*)?
        (?:(?:{_WEEKDAYS})[ \t]*,?[ \t]*)?
        (?P<date>{DATE_RE})
        (?:[ \t]*م(?!\w))?
        {_AGENCY_OPT}
        [ \t]*(?:[-:,]|$)
    |
        {_AGENCY_REQ}[ \t]*(?:-|$)
    |
        -[ \t]*(?P<agency3>{_AGENCY_RE})[ \t]*(?:[-:]|$)
    )""",
    re.VERBOSE | re.MULTILINE,
)


@dataclass(frozen=True)
class Dateline:
    start: int  # span of the whole dateline in the body
    end: int
    place: str
    published: date | None
    agency: str


@dataclass(frozen=True)
class PlainText:
    text: str
    title: str = ""
    source: str = ""
    published: date | None = None
    url: str = ""
    dateline: Dateline | None = None


def parse_plain_text(raw: str) -> PlainText:
    lines = _lines_with_offsets(raw)
    meta: dict[str, str] = {}
    title = ""

    # Header: metadata lines and (once) a headline, before the body starts.
    first_body = len(lines)
    for i, (start, end) in enumerate(lines):
        line = raw[start:end]
        if not line.strip():
            continue
        if i >= _HEADER_LINES:
            first_body = i
            break
        key_value = _metadata(line)
        if key_value is not None:
            meta.setdefault(*key_value)
            continue
        if not title and "title" not in meta and _is_headline(raw, lines, i):
            title = " ".join(line.split())
            continue
        first_body = i
        break

    # Footer: metadata lines at the end of the file.
    last_body = len(lines) - 1
    scanned = 0
    while last_body >= first_body and scanned < _HEADER_LINES:
        line = raw[lines[last_body][0] : lines[last_body][1]]
        if line.strip():
            key_value = _metadata(line)
            if key_value is None:
                break
            meta.setdefault(*key_value)
            scanned += 1
        last_body -= 1

    if first_body <= last_body:
        body_start, body_end = lines[first_body][0], lines[last_body][1]
        text = raw[body_start:body_end].strip()
    else:
        text = ""
    title = title or meta.get("title", "")
    if not text:  # a file that is only a headline: the headline is the text
        text = title or raw.strip()

    dateline = find_dateline(text)
    published = parse_date(meta["published"]) if "published" in meta else None
    if published is None and dateline is not None:
        published = dateline.published
    source = meta.get("source", "") or (dateline.agency if dateline else "")
    return PlainText(text, title, source, published, meta.get("url", ""), dateline)


def find_dateline(text: str) -> Dateline | None:
    """A dateline at the very start of ``text`` ("بيروت - 12 نوفمبر 2019 (رويترز) -")."""
    head = text[:200]
    n = normalise(head)
    m = _DATELINE.match(n.text)
    if m is None:
        return None
    place = m.group("place")
    if len(place) > 40 or norm(place) in _KEYS:
        return None
    published = date_from_match(m) if m.group("date") else None
    if m.group("date") and published is None:
        published = parse_date(_original(head, n, m, "date"))
    agency = ""
    for group in ("agency1", "agency2", "agency3", "agency4", "agency5"):
        if m.group(group):
            agency = " ".join(_original(head, n, m, group).split())
    start, end = n.to_original(m.start(), m.end())
    return Dateline(start, end, _original(head, n, m, "place").strip(), published, agency)


def _original(head: str, n, m: re.Match[str], group: str) -> str:
    start, end = n.to_original(m.start(group), m.end(group))
    return head[start:end]


def _lines_with_offsets(raw: str) -> list[tuple[int, int]]:
    out = []
    start = 0
    for line in raw.split("\n"):
        out.append((start, start + len(line)))
        start += len(line) + 1
    return out


def _metadata(line: str) -> tuple[str, str] | None:
    m = _META_LINE.match(line)
    if m is None:
        return None
    field = _KEYS.get(norm(m.group(1)))
    if field is None:
        return None
    return field, m.group(2).strip()


def _is_headline(raw: str, lines: list[tuple[int, int]], i: int) -> bool:
    line = raw[lines[i][0] : lines[i][1]].strip()
    if not line or len(line) > MAX_HEADLINE_CHARS or line.endswith((".", ":", "،", ",", "؛")):
        return False
    if not any(ch.isalpha() for ch in line) or find_dateline(line) is not None:
        return False
    following = [raw[s:e].strip() for s, e in lines[i + 1 : i + 8]]
    if not any(following):
        return False  # nothing after it: the line is the whole text
    if following[0]:
        # No blank line after it: reject when it is just the first line of a hard-wrapped
        # paragraph (its length is like that of the lines that follow it).
        paragraph = []
        for text in following:
            if not text:
                break
            paragraph.append(len(text))
        wrapped = [n for n in paragraph[:-1] if n >= 40] if len(paragraph) > 1 else []
        if wrapped and len(line) >= 0.75 * max(wrapped):
            return False
    return True
