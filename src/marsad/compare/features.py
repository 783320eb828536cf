"""What the aligner looks at in a claim: content terms, entities, persons, quantities, time.

Words inside a recognised mention do not count as words: the mention counts once, as its
linked entity ("E:<id>"), so "اليونيفيل" in one report and "القوة" resolved to the same mission
in another meet. Persons are kept apart from the other terms: two reports naming different
people in the same sentence frame is a disagreement, not a mismatch. Numbers are read as
quantities ("مليون و300 ألف" = "١٫٣ مليون" = 1300000).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date

from marsad.model import Claim, DocAnalysis, TimeExpr, Token
from marsad.text.wordlists import stopwords, synonym_map

PERSON_TYPES = frozenset({"PER"})
# Titles and ranks qualify the person they precede; they are compared through the person.
QUALIFIER_TYPES = frozenset({"TITLE"})

_NUMBER = re.compile(r"^[وف]?(\d+(?:[.,]\d+)?)$")
_SCALES = {
    "الف": 1e3, "الاف": 1e3, "الفا": 1e3, "الفين": 2e3, "الفان": 2e3,
    "مليون": 1e6, "ملايين": 1e6, "مليونا": 1e6, "مليوني": 2e6, "مليونين": 2e6,
    "مليار": 1e9, "مليارات": 1e9, "مليارا": 1e9, "بليون": 1e9,
}  # fmt: skip

# Cardinals written as words (normalised: ة→ه, hamza forms folded). One and two follow the
# noun they count ("مفقودين اثنين"); three to ten and the tens precede it ("خمسة مفقودين").
_UNITS = {
    "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2,
    "ثلاث": 3, "ثلاثه": 3, "اربع": 4, "اربعه": 4, "خمس": 5, "خمسه": 5,
    "ست": 6, "سته": 6, "سبع": 7, "سبعه": 7, "ثمان": 8, "ثماني": 8, "ثمانيه": 8,
    "تسع": 9, "تسعه": 9, "عشر": 10, "عشره": 10,
}  # fmt: skip
_TENS = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "اربعون": 40, "اربعين": 40,
    "خمسون": 50, "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70,
    "ثمانون": 80, "ثمانين": 80, "تسعون": 90, "تسعين": 90,
    "ميه": 100, "مايه": 100, "ميتان": 200, "ميتين": 200, "مايتان": 200, "مايتين": 200,
}  # fmt: skip
_NUMBER_WORDS = {**_UNITS, **_TENS}
_TEEN = frozenset({"عشر", "عشره"})  # "خمسة عشر" = 15
_FOLLOWS_NOUN = 2  # cardinals up to this value come after the counted noun


@dataclass
class ClaimFeatures:
    claim: Claim
    published: date | None
    terms: frozenset[str]  # content stems (synonyms folded), "E:<entity id>", "N:<quantity>"
    words: dict[str, str]  # term -> the surface it came from (for notes)
    persons: frozenset[str]  # entity ids of the persons named in the claim
    person_names: dict[str, str]  # entity id -> surface text
    numbers: frozenset[str]  # quantities outside time expressions
    time: TimeExpr | None
    negated: bool
    lists: list[list[str]]  # coordinated items ("تونس والمغرب والسودان"), as term keys
    quantities_by_noun: dict[str, str]  # counted noun term -> quantity ("مهاجر" -> "17")


def quantities(tokens: list[Token]) -> list[float]:
    """Quantities written with digits and scale words ("10 آلاف", "مليون و300 ألف", "1.3 مليون")."""
    return [value for value, _ in _scan_quantities(tokens)]


def _scan_quantities(tokens: list[Token]) -> list[tuple[float, int]]:
    """Each quantity with the index of the token after it."""
    out: list[tuple[float, int]] = []
    last_end = -1
    i = 0
    while i < len(tokens):
        value, end = _quantity(tokens, i)
        if value is None:
            i += 1
            continue
        joined = last_end == i and tokens[i].norm.startswith("و")
        joined = joined or (last_end == i - 1 and tokens[i - 1].norm == "و")
        if out and joined:
            out[-1] = (out[-1][0] + value, end)  # "مليون و300 ألف": one quantity
        else:
            out.append((value, end))
        last_end = i = end
    return out


def _quantity(tokens: list[Token], i: int) -> tuple[float | None, int]:
    tok = tokens[i]
    m = _NUMBER.match(tok.norm)
    if m:
        value = float(m.group(1).replace(",", "."))
        if i + 1 < len(tokens) and tokens[i + 1].norm in _SCALES:
            return value * _SCALES[tokens[i + 1].norm], i + 2
        return value, i + 1
    word = _bare(tok)
    if word in ("مليون", "مليار", "الف"):  # a bare scale word means one of it
        return _SCALES[word], i + 1
    if word in _NUMBER_WORDS:
        value, end = float(_NUMBER_WORDS[word]), i + 1
        if word in _UNITS and 2 < value < 10 and end < len(tokens) and tokens[end].norm in _TEEN:
            value, end = value + 10, end + 1
        if end < len(tokens) and tokens[end].norm in _SCALES:
            value, end = value * _SCALES[tokens[end].norm], end + 1
        return value, end
    return None, i + 1


def _bare(tok: Token) -> str:
    """The word without a leading conjunction or preposition ("وعشرين", "بثلاثة")."""
    if tok.norm in _NUMBER_WORDS or tok.norm in _SCALES:
        return tok.norm
    if tok.stem in _NUMBER_WORDS:
        return tok.stem
    return tok.norm[1:] if tok.norm.startswith("و") and len(tok.norm) > 3 else tok.norm


def _format(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def claim_features(analysis: DocAnalysis, claim: Claim) -> ClaimFeatures:
    starts = [t.start for t in analysis.tokens]
    lo = bisect_left(starts, claim.start)
    hi = bisect_left(starts, claim.end)
    tokens = analysis.tokens[lo:hi]
    mention_spans = [(m.start, m.end) for m in claim.mentions]
    time_spans = [(t.start, t.end) for t in analysis.timexes if claim.start <= t.start < claim.end]
    stop = stopwords()
    synonyms = synonym_map()
    terms: set[str] = set()
    words: dict[str, str] = {}
    free = [t for t in tokens if not _inside(t, time_spans) and not _inside(t, mention_spans)]
    numbers = {_format(v) for v in quantities(free)}
    for value in numbers:
        terms.add("N:" + value)
    for tok in free:
        if _NUMBER.match(tok.norm) or tok.norm in _SCALES or tok.stem in _SCALES:
            continue
        if _bare(tok) in _NUMBER_WORDS:
            continue
        if tok.norm in stop or tok.stem in stop or len(tok.stem) < 2:
            continue
        term = synonyms.get(tok.stem) or synonyms.get(tok.norm) or tok.stem
        terms.add(term)
        words.setdefault(term, tok.text)
    keys = [_token_key(t, claim.mentions, synonyms) for t in tokens]
    text = analysis.doc.text
    persons: set[str] = set()
    person_names: dict[str, str] = {}
    for m in claim.mentions:
        if m.type in PERSON_TYPES:
            key = m.entity or "P:" + (m.norm or m.text)
            persons.add(key)
            person_names.setdefault(key, m.text)
        elif m.type not in QUALIFIER_TYPES:
            term = "E:" + (m.entity or m.norm or m.text)
            terms.add(term)
            words.setdefault(term, m.text)
    return ClaimFeatures(
        claim=claim,
        published=analysis.doc.published,
        terms=frozenset(terms),
        words=words,
        persons=frozenset(persons),
        person_names=person_names,
        numbers=frozenset(numbers),
        time=claim.time,
        negated=claim.negated,
        lists=coordinated_lists(text, tokens, keys, stop),
        quantities_by_noun=counted(free, synonyms, stop),
    )


def _token_key(tok: Token, mentions: list, synonyms: dict[str, str]) -> str:
    for m in mentions:
        if m.start <= tok.start and tok.end <= m.end:
            return "E:" + (m.entity or m.norm or m.text)
    return synonyms.get(tok.stem) or synonyms.get(tok.norm) or tok.stem


def _is_conjunct(tok: Token) -> bool:
    return tok.norm.startswith("و") and tok.stem != tok.norm and len(tok.stem) >= 2


def coordinated_lists(
    text: str, tokens: list[Token], keys: list[str], stop: frozenset[str]
) -> list[list[str]]:
    """Chains of items joined by the conjunction و (or a comma), each item by its key."""
    lists: list[list[str]] = []
    chain: list[str] = []
    for i in range(1, len(tokens)):
        prev, tok = tokens[i - 1], tokens[i]
        gap = text[prev.end : tok.start]
        broken = gap.strip() not in ("", ",", "،") or tok.norm in stop or tok.stem in stop
        if broken:
            if len(chain) >= 2:
                lists.append(chain)
            chain = []
            continue
        if _is_conjunct(tok) and keys[i] != keys[i - 1]:
            if not chain and prev.norm not in stop:
                chain = [keys[i - 1]]
            if chain:
                chain.append(keys[i])
    if len(chain) >= 2:
        lists.append(chain)
    return lists


def counted(tokens: list[Token], synonyms: dict[str, str], stop: frozenset[str]) -> dict[str, str]:
    """Each quantity keyed by the noun it counts (the first content word after it)."""
    out: dict[str, str] = {}
    for value, end in _scan_quantities(tokens):
        start = end - 1
        if value <= _FOLLOWS_NOUN and _bare(tokens[start]) in _UNITS and start > 0:
            noun = tokens[start - 1]
            if noun.norm not in stop and not _NUMBER.match(noun.norm):
                out.setdefault(synonyms.get(noun.stem) or noun.stem, _format(value))
            continue
        for tok in tokens[end : end + 2]:
            if tok.norm not in stop and not _NUMBER.match(tok.norm):
                out.setdefault(synonyms.get(tok.stem) or tok.stem, _format(value))
                break
    return out


def _inside(tok: Token, spans: list[tuple[int, int]]) -> bool:
    return any(s <= tok.start and tok.end <= e for s, e in spans)
