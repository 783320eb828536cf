"""RSS and Atom feeds: one document per item, parsed offline with feedparser.

An item's text is its full content when the feed carries it, else its summary, with the
markup removed and paragraphs separated by a blank line.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from marsad.ingest.common import ReadError, decode_text, one_line
from marsad.ingest.dates import parse_date

_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]", re.I)


def looks_like_feed(head: bytes) -> bool:
    return _FEED_ROOT.search(head[:2048]) is not None


@dataclass(frozen=True)
class FeedItem:
    index: int  # 1-based position in the feed
    text: str
    title: str = ""
    source: str = ""
    published: date | None = None
    url: str = ""


def read_feed(data: bytes) -> Iterator[FeedItem | tuple[int, str]]:
    """Items of a feed; an item that cannot become a document is yielded as (index, reason)."""
    decode_text(data)  # binary or undecodable input fails here, with a clear message
    import feedparser  # imported here: only feeds need it

    # A stream, never a string: given a string feedparser may treat it as a URL to fetch.
    parsed = feedparser.parse(io.BytesIO(data), resolve_relative_uris=False, sanitize_html=True)
    entries = parsed.get("entries") or []
    if not entries:
        if parsed.get("bozo"):
            problem = one_line(str(parsed.get("bozo_exception", "")), 120)
            raise ReadError(f"not a valid RSS/Atom feed ({problem})")
        raise ReadError("feed has no items")
    source = html_to_text(parsed.feed.get("title", ""))
    for i, entry in enumerate(entries, start=1):
        title = " ".join(html_to_text(entry.get("title", "")).split())
        text = _entry_text(entry)
        if not text:
            label = f" ({title[:60]})" if title else ""
            yield i, f"item {i}{label}: no text"
            continue
        yield FeedItem(i, text, title, source, _entry_date(entry), entry.get("link", "") or "")


def _entry_text(entry) -> str:
    for content in entry.get("content") or []:
        value = content.get("value", "")
        text = value.strip() if content.get("type") == "text/plain" else html_to_text(value)
        if text:
            return text
    return html_to_text(entry.get("summary", "") or "")


def _entry_date(entry) -> date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
            except ValueError:
                continue
    for key in ("published", "updated", "created", "dc_date"):
        if entry.get(key):
            found = parse_date(str(entry[key]))
            if found is not None:
                return found
    return None


_BLOCK = set(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote section article header footer"
    " figure figcaption pre hr".split()
)
_SKIP = {"script", "style", "noscript", "template"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIP:
            self.skipping += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment: one paragraph per block, blank lines between them."""
    if "<" not in fragment and "&" not in fragment:
        paragraphs = fragment.split("\n")
    else:
        collector = _TextCollector()
        collector.feed(fragment)
        collector.close()
        paragraphs = "".join(collector.parts).split("\n")
    cleaned = [" ".join(p.split()) for p in paragraphs]
    return "\n\n".join(p for p in cleaned if p)
