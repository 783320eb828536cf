"""Reading files, folders and globs into Documents, with one-line rejections for bad input.

Nothing here raises on bad input: every problem with a path, a file or one record becomes a
``Rejected`` and the batch goes on.
"""

from __future__ import annotations

import bz2
import glob
import gzip
import io
import lzma
import os
import stat
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Literal

from marsad.ingest.common import (
    DEFAULT_MAX_BYTES,
    ReadError,
    Rejected,
    binary_kind,
    decode_text,
    describe_size,
    one_line,
)
from marsad.ingest.feed import looks_like_feed, read_feed
from marsad.ingest.html import read_html
from marsad.ingest.jsonl import STREAM_ERRORS, iter_json_document, iter_jsonl
from marsad.ingest.plaintext import parse_plain_text
from marsad.model import Document

Format = Literal["text", "html", "feed", "jsonl", "json"]

EXTENSIONS: dict[str, Format] = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".rss": "feed",
    ".atom": "feed",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
}
_COMPRESSED = {".xz": lzma.open, ".gz": gzip.open, ".bz2": bz2.open}
_HEAD = 4096
# A JSON Lines file whose first lines are all bad is not read to its end, line by line.
MAX_BAD_LINES_AT_START = 20

PathLike = str | os.PathLike[str]


def read_paths(
    paths: Iterable[PathLike] | PathLike,
    source: str | None = None,
    published: date | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | Rejected]:
    """Documents from files, folders (recursive, hidden entries skipped) and glob patterns.

    ``source``/``published`` override what the files say. ``max_bytes`` limits a
    single-document file (and each record of a JSON Lines stream, which has no overall limit).
    A file read twice through different arguments is read once.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    seen: set[str] = set()
    for given in paths:
        for found in expand_path(given):
            if isinstance(found, Rejected):
                yield found
                continue
            key = os.path.realpath(found)
            if key in seen:
                continue
            seen.add(key)
            yield from read_file(found, source, published, max_bytes=max_bytes)


def expand_path(given: PathLike) -> Iterator[Path | Rejected]:
    """The files a command-line argument names: a file, a folder's files, or a glob's matches."""
    text = os.fspath(given)
    if not text.strip():
        yield Rejected(repr(text), "empty path")  # Path("") would mean the current folder
        return
    path = Path(text)
    try:
        exists = path.exists()
    except OSError as e:
        yield Rejected(text, _os_reason(e))
        return
    if exists:
        yield from _expand_existing(path)
        return
    if glob.has_magic(text):
        matches = sorted(glob.glob(text, recursive=True))
        if not matches:
            yield Rejected(text, "no files match this pattern")
        for match in matches:
            yield from _expand_existing(Path(match))
        return
    yield Rejected(text, "no such file or folder")


def _expand_existing(path: Path) -> Iterator[Path | Rejected]:
    if not path.is_dir():
        yield path
        return
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(path, onerror=errors.append):
        while errors:
            e = errors.pop(0)
            yield Rejected(str(e.filename or folder), f"cannot read folder: {_os_reason(e)}")
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
    for e in errors:
        yield Rejected(str(e.filename or path), f"cannot read folder: {_os_reason(e)}")


def read_file(
    path: PathLike,
    source: str | None = None,
    published: date | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | Rejected]:
    """Documents of one file, by its extension (or its content when the extension is unknown)."""
    label = os.fspath(path)
    try:
        info = os.stat(label)
        if not stat.S_ISREG(info.st_mode):
            raise ReadError("not a regular file")
        if info.st_size == 0:
            raise ReadError("empty file")
        base, opener = _split_compression(label)
        fmt = EXTENSIONS.get(os.path.splitext(base)[1].lower())
        if opener is None and fmt != "jsonl" and info.st_size > max_bytes:
            raise ReadError(_too_large(info.st_size, max_bytes))
        with open(label, "rb") as raw:
            stream: IO[bytes] = opener(raw) if opener is not None else raw
            try:
                yield from _read_stream(stream, label, fmt, source, published, max_bytes)
            finally:
                if stream is not raw:
                    stream.close()
    except ReadError as e:
        yield Rejected(label, str(e))
    except (*STREAM_ERRORS, gzip.BadGzipFile) as e:
        yield Rejected(label, f"corrupt or truncated compressed data ({one_line(str(e))})")
    except OSError as e:
        yield Rejected(label, _os_reason(e))
    except Exception as e:  # a reader bug must cost one file, not the batch
        yield Rejected(label, f"unexpected error: {type(e).__name__}: {one_line(str(e))}")


def read_bytes(
    data: bytes,
    name: str,
    source: str | None = None,
    published: date | None = None,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | Rejected]:
    """Documents of an in-memory file (an upload), typed by ``name`` like ``read_file``."""
    try:
        if not data:
            raise ReadError("empty file")
        base, opener = _split_compression(name)
        fmt = EXTENSIONS.get(os.path.splitext(base)[1].lower())
        if opener is None and fmt != "jsonl" and len(data) > max_bytes:
            raise ReadError(_too_large(len(data), max_bytes))
        raw = io.BytesIO(data)
        stream: IO[bytes] = opener(raw) if opener is not None else raw
        yield from _read_stream(stream, name, fmt, source, published, max_bytes)
    except ReadError as e:
        yield Rejected(name, str(e))
    except (*STREAM_ERRORS, gzip.BadGzipFile) as e:
        yield Rejected(name, f"corrupt or truncated compressed data ({one_line(str(e))})")
    except OSError as e:
        yield Rejected(name, _os_reason(e))
    except Exception as e:
        yield Rejected(name, f"unexpected error: {type(e).__name__}: {one_line(str(e))}")


def _split_compression(name: str) -> tuple[str, object | None]:
    root, ext = os.path.splitext(name)
    opener = _COMPRESSED.get(ext.lower())
    return (root, opener) if opener is not None else (name, None)


def _read_stream(
    stream: IO[bytes],
    label: str,
    fmt: Format | None,
    source: str | None,
    published: date | None,
    max_bytes: int,
) -> Iterator[Document | Rejected]:
    if fmt is None:
        fmt = _sniff(_peek(stream))
    if fmt == "jsonl":
        kind = binary_kind(_peek(stream))
        if kind is not None:
            raise ReadError(f"binary file ({kind}), not JSON Lines")
        read = rejected = 0
        for lineno, item in iter_jsonl(stream, max_bytes):
            if isinstance(item, str):
                rejected += 1
                yield Rejected(label, item, line=lineno)
                if read == 0 and rejected >= MAX_BAD_LINES_AT_START:
                    raise ReadError(f"first {rejected} lines are all invalid; not JSON Lines?")
            else:
                read += 1
                yield _document(item, f"{label}:{lineno}", source, published)
        return

    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ReadError(_too_large(None, max_bytes))
    if not data:
        raise ReadError("empty file")
    if fmt == "html":
        yield _document(read_html(data), label, source, published)
    elif fmt == "feed":
        for item in read_feed(data):
            if isinstance(item, tuple):
                yield Rejected(label, item[1])
            else:
                yield _document(item, f"{label}#{item.index}", source, published)
    elif fmt == "json":
        for index, record in iter_json_document(decode_text(data)):
            if isinstance(record, str):
                yield Rejected(label, f"item {index}: {record}")
            else:
                yield _document(record, f"{label}#{index}", source, published)
    else:
        raw = decode_text(data)
        if not raw.strip():
            raise ReadError("empty file (only whitespace)")
        yield _document(parse_plain_text(raw), label, source, published)


def _peek(stream: IO[bytes]) -> bytes:
    peek = getattr(stream, "peek", None)
    if peek is not None:
        return peek(_HEAD)[:_HEAD]
    position = stream.tell()
    head = stream.read(_HEAD)
    stream.seek(position)
    return head


def _sniff(head: bytes) -> Format:
    """The format of a file whose extension says nothing; plain text by default."""
    if binary_kind(head) is not None:
        return "text"  # decode_text rejects it with the kind of binary it is
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<"):
        if looks_like_feed(head):
            return "feed"
        if start.startswith((b"<!doctype html", b"<html")) or b"<body" in head.lower():
            return "html"
        if start.startswith(b"<?xml"):
            return "html" if b"<html" in head.lower() else "feed"
    if start.startswith(b"{"):
        return "jsonl"
    if start.startswith(b"["):
        return "json"
    return "text"


def _document(item, path: str, source: str | None, published: date | None) -> Document:
    return Document.create(
        text=item.text,
        title=item.title,
        source=source if source is not None else item.source,
        published=published if published is not None else item.published,
        path=path,
        url=item.url,
    )


def _too_large(size: int | None, limit: int) -> str:
    if size is None:
        return f"file too large (over the limit of {describe_size(limit)} once decompressed)"
    return f"file too large ({describe_size(size)}, limit {describe_size(limit)})"


def _os_reason(e: OSError) -> str:
    if isinstance(e, PermissionError):
        return "permission denied"
    if isinstance(e, FileNotFoundError):
        return "no such file or folder"
    if isinstance(e, IsADirectoryError):
        return "is a folder"
    return one_line(e.strerror or str(e))
