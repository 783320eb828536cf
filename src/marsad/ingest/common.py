"""What every reader shares: the rejection record, limits, decoding and binary sniffing."""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

DEFAULT_MAX_BYTES = 20 * 1024 * 1024  # per single-document file, and per JSONL line

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or Office document)"),
    (b"\x1f\x8b", "gzip data"),
    (b"\xfd7zXZ\x00", "xz data"),
    (b"BZh", "bzip2 data"),
    (b"\xd0\xcf\x11\xe0", "Office document"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)
# Control bytes that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL = set(range(32)) - {9, 10, 12, 13, 27}
_ARABIC = re.compile(r"[\u0621-\u064A]")


@dataclass(frozen=True)
class Rejected:
    """An input that could not be read; ``str()`` is a one-line message ``FILE: problem``."""

    path: str
    reason: str
    line: int | None = None  # 1-based line (JSONL) when the problem is one record of a file

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {one_line(self.reason)}"


class ReadError(Exception):
    """Raised inside readers; turned into a ``Rejected`` at the file boundary."""


def one_line(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n} bytes"


def binary_kind(data: bytes) -> str | None:
    """A short description when ``data`` (the start of a file) is not text, else None."""
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            return kind
    sample = data[:8192]
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    if b"\x00" in sample:
        return "binary data"
    if sample and sum(b in _CONTROL for b in sample) / len(sample) > 0.05:
        return "binary data"
    return None


def decode_text(data: bytes) -> str:
    """Bytes of a text file as ``str``: UTF-8 (BOM allowed) or UTF-16 with a BOM.

    Line ends are unified to ``\\n`` (as Python's text mode does), so offsets do not depend
    on the platform that wrote the file. Anything else raises ``ReadError``.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise ReadError(f"invalid UTF-16 text at byte {e.start}") from None
    else:
        kind = binary_kind(data)
        if kind is not None:
            raise ReadError(f"binary file ({kind}), not text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise ReadError(f"invalid UTF-8 at byte {e.start}{_encoding_hint(data)}") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _encoding_hint(data: bytes) -> str:
    sample = data[:65536]
    try:
        guess = sample.decode("cp1256", errors="strict")
    except UnicodeDecodeError:
        return ""
    high = [c for c in guess if ord(c) > 127]
    if high and sum(bool(_ARABIC.match(c)) for c in high) / len(high) > 0.7:
        return " (it looks like Windows-1256 Arabic; convert it to UTF-8, e.g. iconv -f cp1256 -t utf-8)"
    return ""
