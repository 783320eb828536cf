"""Full-text search keys, the user query language, and snippets from the original text.

The FTS index holds *keys*, not text: each word normalised (``marsad.text.normalise.norm``:
hamza forms, ta marbuta, alef maqsura, diacritics, tatweel, Arabic-Indic digits) and stripped
of the article and the particles that fuse with it (ال، وال، بال، لل، فلل...). A query goes
through the same function, so "الامم المتحده" finds "للأمم المتّحدة". Snippets and highlights
are cut from the original text, never from the keys.

Query language: words (all required), "quoted phrases", ``OR`` between two terms, ``-word``
to exclude, ``word*`` for a prefix. Everything the user types is quoted before it reaches
FTS5, so no input can produce an FTS syntax error.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from marsad.text.normalise import norm, normalise

_WORD = re.compile(r"\w+", re.UNICODE)
# Optional conjunction, then the article with an optional preposition, or "لل" (ل + ال);
# at least two letters must remain.
_ARTICLE = r"[وف]?(?:[بكل]?ال|لل)(?=\w\w)"
_ARTICLE_AT_START = re.compile("^" + _ARTICLE)
_ARTICLE_IN_TEXT = re.compile(r"(?<!\w)" + _ARTICLE)


# ``norm`` caches its results; whole documents would fill that cache, so bypass it here.
_norm_uncached = getattr(norm, "__wrapped__", norm)


class QueryError(ValueError):
    """A search query that cannot be run; the message says why, in one line."""


def key(word: str) -> str:
    """The index key of one normalised word."""
    return _ARTICLE_AT_START.sub("", word, count=1)


def index_keys(text: str) -> str:
    """The text as FTS5 indexes it: normalised, every word reduced to its key.

    Punctuation is left in place; the FTS5 tokenizer treats it as separators.
    """
    return _ARTICLE_IN_TEXT.sub("", _norm_uncached(text))


# Keys of a probe covering each normalisation rule: when normalisation or keys change, this
# fingerprint changes and the store rebuilds its index (old keys would no longer match).
_PROBE = "أإآٱ ؤئ ىة ک ی ٠١٢٣ ۴ ـ َُِّ ABC للأمم والقوة بالأمس فالعلم كالبحر الولد"
KEYS_VERSION = "1:" + hashlib.sha256(index_keys(_PROBE).encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Term:
    keys: tuple[str, ...]  # one key, or several for a phrase
    prefix: bool = False

    def fts(self) -> str:
        return '"' + " ".join(self.keys) + '"' + ("*" if self.prefix else "")


@dataclass(frozen=True)
class Query:
    fts: str  # the FTS5 MATCH expression
    terms: tuple[Term, ...]  # positive terms, for highlighting


_TOKEN = re.compile(r'\s*(?:(-)?"([^"]*)("?)|(\S+))')


def parse_query(query: str) -> Query:
    """Turn what a user typed into a safe FTS5 expression; ``QueryError`` when impossible."""
    if query.count('"') % 2:
        raise QueryError("unbalanced quotation mark in the search query")
    groups: list[list[Term]] = []  # OR-groups, ANDed together
    excluded: list[Term] = []
    pending_or = False
    for m in _TOKEN.finditer(query):
        negative, phrase, _, word = m.group(1), m.group(2), m.group(3), m.group(4)
        if word is not None and word == "OR":
            pending_or = bool(groups)
            continue
        if word is not None and word.startswith("-") and len(word) > 1:
            negative, word = "-", word[1:]
        text = phrase if phrase is not None else word
        prefix = word is not None and word.endswith("*")
        keys = tuple(key(w) for w in _WORD.findall(norm(text.rstrip("*") if prefix else text)))
        if not keys:
            continue
        term = Term(keys, prefix and len(keys) == 1)
        if negative:
            excluded.append(term)
        elif pending_or:
            groups[-1].append(term)
        else:
            groups.append([term])
        pending_or = False
    if not groups:
        raise QueryError("the search query has no words to look for")
    parts = [
        g[0].fts() if len(g) == 1 else "(" + " OR ".join(t.fts() for t in g) + ")" for g in groups
    ]
    expression = " AND ".join(parts)
    if excluded:
        expression = f"({expression}) NOT (" + " OR ".join(t.fts() for t in excluded) + ")"
    return Query(expression, tuple(t for g in groups for t in g))


def highlights(text: str, terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    """Spans of ``text`` (original offsets) where the query's terms occur, in order."""
    normalised = normalise(text)
    words = list(_WORD.finditer(normalised.text))
    keys = [key(w.group()) for w in words]
    spans: list[tuple[int, int]] = []
    for term in terms:
        n = len(term.keys)
        for i in range(len(keys) - n + 1):
            if _matches(keys[i : i + n], term):
                spans.append(normalised.to_original(words[i].start(), words[i + n - 1].end()))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        # Overlapping matches, and matches only whitespace apart, become one highlight.
        if merged and (start <= merged[-1][1] or text[merged[-1][1] : start].isspace()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _matches(window: list[str], term: Term) -> bool:
    if term.prefix:
        return window[0].startswith(term.keys[0])
    return tuple(window) == term.keys


@dataclass(frozen=True)
class Snippet:
    start: int  # span of the snippet in the document text
    end: int
    highlights: tuple[tuple[int, int], ...]  # spans in the document text, inside the snippet

    def render(self, text: str, mark: tuple[str, str] = ("[", "]"), ellipsis: str = "…") -> str:
        out = [ellipsis if self.start > 0 else ""]
        position = self.start
        for start, end in self.highlights:
            out += [text[position:start], mark[0], text[start:end], mark[1]]
            position = end
        out.append(text[position : self.end])
        out.append(ellipsis if self.end < len(text) else "")
        return " ".join("".join(out).split())


def make_snippet(text: str, spans: list[tuple[int, int]], width: int = 240) -> Snippet:
    """The window of about ``width`` characters holding the most highlights."""
    if not spans:
        end = _word_end(text, min(len(text), width))
        return Snippet(0, end, ())
    best, best_count = 0, 0
    for i, (start, _) in enumerate(spans):
        count = sum(1 for s, e in spans[i:] if e <= start + width)
        if count > best_count:
            best, best_count = i, count
    anchor = spans[best][0]
    start = _word_start(text, max(0, anchor - width // 4))
    end = _word_end(text, min(len(text), start + width))
    inside = tuple((s, e) for s, e in spans if s >= start and e <= end)
    return Snippet(start, end, inside)


def _word_start(text: str, i: int) -> int:
    while 0 < i < len(text) and not text[i - 1].isspace():
        i -= 1
    return i


def _word_end(text: str, i: int) -> int:
    while i < len(text) and not text[i].isspace():
        i += 1
    return i
