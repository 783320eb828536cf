"""Word lists for time expressions (normalised forms) and regex alternations built from them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

from marsad.text.normalise import norm


@dataclass(frozen=True)
class MonthName:
    calendar: str  # "gregorian" | "hijri"
    month: int
    weak: bool  # also an ordinary word or a name: needs a day, a year or "شهر"
    needyear: bool  # a day before it is not enough evidence


@cache
def month_names() -> dict[str, MonthName]:
    """Normalised month name (single spaces) -> its calendar and number."""
    text = files("marsad.text").joinpath("lexicons", "months.tsv").read_text(encoding="utf-8")
    names: dict[str, MonthName] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        flags = set(cols[3].split(",")) if len(cols) > 3 else set()
        names[norm(cols[2])] = MonthName(
            cols[0], int(cols[1]), "weak" in flags, "needyear" in flags
        )
    return names


# Weekday -> Python weekday number (Monday = 0).
WEEKDAYS: dict[str, int] = {
    "الاثنين": 0,
    "الثلاثاء": 1,
    "الاربعاء": 2,
    "الخميس": 3,
    "الجمعه": 4,
    "السبت": 5,
    "الاحد": 6,
}

_UNITS = {
    "الحادي": 1,
    "الثاني": 2,
    "الثالث": 3,
    "الرابع": 4,
    "الخامس": 5,
    "السادس": 6,
    "السابع": 7,
    "الثامن": 8,
    "التاسع": 9,
}


@cache
def ordinal_days() -> dict[str, int]:
    """Ordinal day words (normalised, single spaces, "و" attached) -> 1..31."""
    out = {"الاول": 1, "العاشر": 10, "العشرين": 20, "الثلاثين": 30}
    out.update({w: n for w, n in _UNITS.items() if n > 1})
    for word, n in _UNITS.items():
        out[f"{word} عشر"] = 10 + n
        out[f"{word} والعشرين"] = 20 + n
    out["الواحد والعشرين"] = 21
    out["الحادي والثلاثين"] = 31
    out["الواحد والثلاثين"] = 31
    return out


def _units(phrase: str) -> list[str]:
    """Regex units of a phrase: escaped characters, any run of spaces between words, and "و"
    optionally followed by spaces before a word with the article ("الحادي و العشرين")."""
    units: list[str] = []
    for i, tok in enumerate(phrase.split(" ")):
        if i:
            units.append(r"\s+")
        if tok.startswith("وال"):
            units.append(r"و\s*")
            tok = tok[1:]
        units.extend(re.escape(ch) for ch in tok)
    return units


def alternation(words: Iterable[str]) -> str:
    """A regex matching any of the normalised phrases, longest first, built as a trie so that
    every branch starts with a literal (the regex engine rejects a failing branch at once)."""
    root: dict[str, dict] = {}
    for w in words:
        node = root
        for unit in _units(w):
            node = node.setdefault(unit, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        alts = [unit + emit(child) for unit, child in sorted(node.items()) if unit]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return "(?:" + emit(root) + ")"


_SPACE_RUN = re.compile(r"\s+")
_WAW_SPACE = re.compile(r"(?<=\s)و\s+(?=ال)")


def key(phrase: str) -> str:
    """The lexicon key of a matched phrase: single spaces, "و" attached to the next word."""
    return _WAW_SPACE.sub("و", _SPACE_RUN.sub(" ", phrase.strip()))
