"""Orthographic normalisation of Arabic for matching, with an offset map back to the original.

Every character of the normalised string comes from exactly one character of the original
(characters are mapped one-to-one or dropped, never expanded), so any normalised span maps
back to an exact original span. The normalised text is never shown to the user.

What is folded: alef and hamza forms (أ إ آ ٱ → ا, ؤ → و, ئ → ي), ى → ي, ة → ه, Persian and
Urdu letter forms, Arabic presentation forms (ﺏ → ب), Arabic-Indic and Persian digits → ASCII,
Arabic and typographic punctuation → ASCII, exotic spaces → space, case. What is dropped:
diacritics, Quranic marks, tatweel, bidi controls and zero-width characters.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain

# Diacritics (harakat, tanwin, shadda, sukun, dagger alef, Quranic marks) and tatweel.
_DROP = frozenset(
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670", "\u0640"]
    + [chr(c) for c in range(0x06D6, 0x06DD)]
    + [chr(c) for c in range(0x06DF, 0x06E9)]
    + [chr(c) for c in range(0x06EA, 0x06EE)]
    + [chr(c) for c in range(0x08CA, 0x08E2)]
    + [chr(c) for c in range(0x08E3, 0x0900)]
    # bidi controls, zero-width characters, word joiner, BOM, soft hyphen, grapheme joiner
    + ["\u200b", "\u200c", "\u200d", "\u200e", "\u200f", "\u061c", "\ufeff", "\u00ad", "\u034f"]
    + [chr(c) for c in range(0x202A, 0x202F)]
    + [chr(c) for c in range(0x2060, 0x2065)]
    + [chr(c) for c in range(0x2066, 0x206A)]
)

_MAP: dict[str, str] = {
    # alef and hamza forms
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا", "ٵ": "ا",
    "ؤ": "و", "ٶ": "و", "ئ": "ي", "ٸ": "ي",
    # alef maqsura and ta marbuta
    "ى": "ي", "ة": "ه",
    # Persian / Urdu letter forms
    "ک": "ك", "ڪ": "ك", "ی": "ي", "ۍ": "ي", "ې": "ي", "ے": "ي", "ۓ": "ي",
    "ە": "ه", "ھ": "ه", "ۀ": "ه", "ۂ": "ه", "ۃ": "ه",
    "İ": "i",  # its full lowercase would be two characters
    # punctuation
    "،": ",", "؛": ";", "؟": "?", "٪": "%", "٫": ".", "٬": ",", "۔": ".", "٭": "*",
    "«": '"', "»": '"', "“": '"', "”": '"', "„": '"', "‟": '"', "‹": '"', "›": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "﴾": "(", "﴿": ")",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "\u3000": " ",
}  # fmt: skip
for _i in range(10):
    _MAP[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _MAP[chr(0x06F0 + _i)] = str(_i)  # Persian (extended Arabic-Indic) digits

# Blocks holding cased letters: lowercased one character for one character. (str.lower() on
# a whole string is context-sensitive, e.g. Greek final sigma, and can expand: "İ" → "i̇".)
_CASED_BLOCKS = (
    (0x0041, 0x0250), (0x0370, 0x0530), (0x0531, 0x0557), (0x10A0, 0x1100), (0x13A0, 0x1400),
    (0x1C80, 0x1CC0), (0x1E00, 0x2000), (0x2100, 0x2190), (0x24B6, 0x24EA), (0x2C00, 0x2D30),
    (0xA640, 0xA800), (0xAB70, 0xABC0), (0xFF21, 0xFF3B), (0x10400, 0x10500),
    (0x10570, 0x105C0), (0x10C80, 0x10D00), (0x118A0, 0x118C0), (0x16E40, 0x16E80),
    (0x1E900, 0x1E922),
)  # fmt: skip


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for lo, hi in _CASED_BLOCKS:
        for cp in range(lo, hi):
            ch = chr(cp)
            low = ch.lower()
            if low != ch and len(low) == 1:
                table[cp] = low
    # Arabic presentation forms whose compatibility decomposition is a single letter.
    for lo, hi in ((0xFB50, 0xFE00), (0xFE70, 0xFF00)):
        for cp in range(lo, hi):
            nfkc = unicodedata.normalize("NFKC", chr(cp))
            if len(nfkc) == 1 and nfkc != chr(cp):
                table[cp] = nfkc
    for ch, out in _MAP.items():
        table[ord(ch)] = out
    for cp, out in list(table.items()):  # presentation forms of أ ة ى fold further
        if out is not None and out in _MAP:
            table[cp] = _MAP[out]
        if out is not None and out in _DROP:
            table[cp] = None
    for ch in _DROP:
        table[ord(ch)] = None
    return table


_TABLE = _build_table()
_DROP_RE = re.compile("[" + "".join(sorted(re.escape(c) for c in _DROP)) + "]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Normalised:
    text: str
    offsets: tuple[int, ...]  # offsets[i] = index in the original of normalised char i
    original_length: int

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span [start, end) to the original span that covers it.

        The original span runs from the first to the last kept character, so dropped
        characters inside it (diacritics, tatweel) are covered, and none outside it are.
        """
        n = len(self.offsets)
        start = max(0, start)
        end = min(end, n)
        if start >= n:
            return self.original_length, self.original_length
        ostart = self.offsets[start]
        oend = self.offsets[end - 1] + 1 if end > start else ostart
        return ostart, oend


def normalise_char(ch: str) -> str:
    """The normalised form of one character: one character, or "" when it is dropped."""
    out = _TABLE.get(ord(ch), ch)
    return "" if out is None else out


def normalise(text: str) -> Normalised:
    out = text.translate(_TABLE)
    if len(out) == len(text):
        offsets: tuple[int, ...] = tuple(range(len(text)))
    else:
        ranges = []
        prev = 0
        for m in _DROP_RE.finditer(text):
            ranges.append(range(prev, m.start()))
            prev = m.end()
        ranges.append(range(prev, len(text)))
        offsets = tuple(chain.from_iterable(ranges))
    return Normalised(out, offsets, len(text))


def norm(text: str) -> str:
    """Normalised string only (no offsets): for keys, lexicon lookups and indexes.

    Runs of whitespace collapse to one space and the ends are trimmed. Words and short names
    are memoised; whole documents are not, so the cache never holds article texts.
    """
    if len(text) <= _CACHED_LENGTH:
        return _norm_short(text)
    return _norm(text)


_CACHED_LENGTH = 64


def _norm(text: str) -> str:
    return _SPACES.sub(" ", text.translate(_TABLE)).strip()


_norm_short = lru_cache(maxsize=200_000)(_norm)
