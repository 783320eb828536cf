"""JSON Lines (optionally xz/gzip/bzip2 compressed) and JSON files of articles.

A record is an object with ``text`` (required) and any of ``id, url, source, title,
published``; a few common aliases are accepted (``content``/``body``, ``headline``,
``date``, ``link``...). JSON Lines are streamed one line at a time, each line limited in size,
so a corpus of any length is read in constant memory. The record's own ``id`` is not kept:
document ids are content hashes.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import IO, Any

from marsad.ingest.common import ReadError, describe_size, one_line
from marsad.ingest.dates import parse_date

_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "article", "maintext"),
    "title": ("title", "headline"),
    "source": ("source", "outlet", "publisher", "site", "sitename"),
    "published": ("published", "date", "pubdate", "published_at", "date_publish", "datetime"),
    "url": ("url", "link"),
}

# Errors a truncated or corrupt compressed stream raises while it is read.
STREAM_ERRORS: tuple[type[BaseException], ...] = (EOFError, zlib.error)
try:
    import lzma

    STREAM_ERRORS += (lzma.LZMAError,)
except ImportError:  # pragma: no cover - CPython is normally built with lzma
    pass


@dataclass(frozen=True)
class Record:
    text: str
    title: str = ""
    source: str = ""
    published: date | None = None
    url: str = ""


def record_from_json(obj: Any) -> Record:
    """A record from one decoded JSON value; ``ReadError`` says what is wrong with it."""
    if not isinstance(obj, dict):
        raise ReadError(f"not a JSON object (found {type(obj).__name__})")
    values: dict[str, Any] = {}
    for field, names in _FIELDS.items():
        for name in names:
            if obj.get(name) not in (None, ""):
                values[field] = obj[name]
                break
    text = values.get("text")
    if text is None:
        raise ReadError('no "text" field')
    if not isinstance(text, str):
        raise ReadError(f'"text" is not a string (found {type(text).__name__})')
    if not text.strip():
        raise ReadError("empty text")
    published = values.get("published")
    return Record(
        text=text,
        title=" ".join(_scalar(values.get("title")).split()),
        source=" ".join(_scalar(values.get("source")).split()),
        published=parse_date(_scalar(published)) if published is not None else None,
        url=_scalar(values.get("url")).strip(),
    )


def _scalar(value: Any) -> str:
    if value is None or isinstance(value, (dict, list)):
        return ""
    return str(value)


def iter_jsonl(stream: IO[bytes], max_line_bytes: int) -> Iterator[tuple[int, Record | str]]:
    """(line number, record or the reason the line was rejected) for each non-blank line.

    A corrupt compressed stream ends the iteration with one reason (it cannot be resynced).
    """
    lineno = 0
    seen_any = False
    while True:
        lineno += 1
        try:
            line = stream.readline(max_line_bytes + 1)
        except STREAM_ERRORS + (OSError,) as e:
            yield lineno, f"corrupt or truncated data, reading stopped ({one_line(str(e), 120)})"
            return
        if not line:
            break
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            seen_any = True
            try:
                _skip_rest_of_line(stream)
            except STREAM_ERRORS + (OSError,) as e:
                yield lineno, f"corrupt or truncated data, reading stopped ({one_line(str(e))})"
                return
            yield lineno, f"line longer than the limit of {describe_size(max_line_bytes)}"
            continue
        if not line.strip():
            continue
        seen_any = True
        yield lineno, _parse_line(line)
    if not seen_any:
        raise ReadError("empty file")


def _skip_rest_of_line(stream: IO[bytes]) -> None:
    while True:
        chunk = stream.readline(1 << 20)
        if not chunk or chunk.endswith(b"\n"):
            return


def _parse_line(line: bytes) -> Record | str:
    try:
        decoded = line.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return f"invalid UTF-8 at byte {e.start} of the line"
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as e:
        return f"invalid JSON ({e.msg} at column {e.colno})"
    try:
        return record_from_json(obj)
    except ReadError as e:
        return str(e)


def iter_json_document(text: str) -> Iterator[tuple[int, Record | str]]:
    """Records of a whole JSON file: one article object, or a list of them (1-based index)."""
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as e:
        raise ReadError(f"invalid JSON ({e.msg} at line {e.lineno}, column {e.colno})") from None
    if isinstance(obj, dict):
        for key in ("articles", "items", "documents", "data"):
            if isinstance(obj.get(key), list):
                obj = obj[key]
                break
    items = obj if isinstance(obj, list) else [obj]
    if not items:
        raise ReadError("JSON file holds no articles")
    for i, item in enumerate(items, start=1):
        try:
            yield i, record_from_json(item)
        except ReadError as e:
            yield i, str(e)
