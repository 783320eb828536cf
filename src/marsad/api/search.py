"""Search results with their highlights as segments of the original text (never as HTML
built from the text): the page escapes each segment and wraps the matches in <mark>."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from marsad.api.views import Segment, spans_to_segments


@dataclass
class SearchResult:
    doc_id: str
    title: str
    source: str
    published: str | None
    score: float
    snippet: str  # the document's text[snippet_start:snippet_end], exactly
    snippet_start: int
    snippet_end: int
    spans: list[tuple[int, int]]  # matches, as offsets in the document's text
    segments: list[Segment]
    cut_before: bool
    cut_after: bool

    def html(self) -> Markup:
        """The snippet escaped, matches wrapped in <mark>."""
        parts = [
            Markup("<mark>{}</mark>").format(s.text) if s.kind == "hit" else escape(s.text)
            for s in self.segments
        ]
        return Markup("").join(parts)

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "title": self.title,
            "source": self.source,
            "published": self.published,
            "score": self.score,
            "snippet": self.snippet,
            "snippet_start": self.snippet_start,
            "snippet_end": self.snippet_end,
            "highlights": [list(s) for s in self.spans],
            "snippet_html": str(self.html()),
            "links": {
                "document": f"/api/v1/documents/{self.doc_id}",
                "web": f"/documents/{self.doc_id}",
            },
        }


def run_search(
    store, query: str, limit: int, offset: int, source: str | None = None
) -> list[SearchResult]:
    hits = store.search(query, limit=limit, offset=offset, source=source)
    texts = {d.id: d.text for d in store.get_documents([h.doc_id for h in hits])}
    out = []
    for h in hits:
        text = texts.get(h.doc_id, "")
        start, end = h.snippet_start, h.snippet_end
        snippet = text[start:end]
        spans = [(s, e) for s, e in h.highlights if start <= s < e <= end]
        segments = spans_to_segments(snippet, [(s - start, e - start, "hit", "") for s, e in spans])
        out.append(
            SearchResult(
                h.doc_id,
                h.title,
                h.source,
                h.published,
                h.score,
                snippet,
                start,
                end,
                spans,
                segments,
                start > 0,
                end < len(text),
            )
        )
    return out
