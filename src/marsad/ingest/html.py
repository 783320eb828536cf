"""HTML pages: the article's text and metadata, extracted offline with trafilatura.

The document text is trafilatura's plain-text extraction with paragraphs separated by a blank
line, and the headline removed from its start when it repeats the title.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date

from marsad.ingest.common import ReadError, binary_kind, decode_text
from marsad.ingest.dates import parse_date

# A page whose longest line has fewer words than this holds menus and buttons, not an article.
MIN_WORDS_IN_A_PARAGRAPH = 6

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class HtmlArticle:
    text: str
    title: str = ""
    source: str = ""
    published: date | None = None
    url: str = ""


def decode_html(data: bytes) -> str:
    """UTF-8 (or UTF-16 with a BOM), else the charset the page declares in a <meta> tag."""
    try:
        return decode_text(data)
    except ReadError:
        declared = _declared_charset(data)
        if declared is None or binary_kind(data) is not None:
            raise
        try:
            return data.decode(declared).replace("\r\n", "\n").replace("\r", "\n")
        except UnicodeDecodeError as e:
            raise ReadError(f"invalid {declared} text at byte {e.start}") from None


def _declared_charset(data: bytes) -> str | None:
    m = _META_CHARSET.search(data[:4096])
    if m is None:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except (LookupError, UnicodeDecodeError):
        return None
    return None if name == "utf-8" else name


def read_html(data: bytes) -> HtmlArticle:
    html = decode_html(data)
    if not html.strip():
        raise ReadError("empty file")
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        result = trafilatura.bare_extraction(
            html,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception as e:  # trafilatura raises assorted errors on odd markup
        raise ReadError(f"HTML extraction failed: {type(e).__name__}: {e}") from None
    lines = [" ".join(line.split()) for line in (getattr(result, "text", None) or "").split("\n")]
    lines = [line for line in lines if line]
    if not lines or max(len(line.split()) for line in lines) < MIN_WORDS_IN_A_PARAGRAPH:
        raise ReadError("no article text found in the HTML page")

    title = " ".join((result.title or "").split())
    if title and len(lines) > 1 and lines[0] == title:
        lines = lines[1:]
    published = parse_date(result.date) if result.date else None
    source = " ".join((result.sitename or result.hostname or "").split())
    return HtmlArticle("\n\n".join(lines), title, source, published, result.url or "")
