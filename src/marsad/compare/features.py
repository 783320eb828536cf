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
from dataclasses import dataclass, field
from datetime import date

from marsad.claims.extract import NOT_NEGATING_NEXT, negation_idiom
from marsad.model import Claim, DateBound, DocAnalysis, TimeExpr, Token
from marsad.text.normalise import norm
from marsad.text.segment import verb_like
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
    # every quantity of the whole report (a figure absent from the claim may be elsewhere)
    doc_numbers: frozenset[str] = frozenset()
    times: tuple[TimeExpr, ...] = ()  # all explicit time expressions inside the claim
    bound: DateBound | None = None  # for an undated report: what its text says of its date
    negated_heads: frozenset[str] = frozenset()
    hedge_by_noun: dict[str, str] = field(
        default_factory=dict
    )  # "more" | "less" | "about" | ""  # keys of the predicate under negation
    keys: frozenset[str] = frozenset()  # predicate keys of every word of the claim
    key_words: dict[str, str] = field(default_factory=dict)  # key -> a word it came from

    def name_key(self, person: str) -> str:
        """A person's name as the aligner's terms spell words (stem, synonyms folded)."""
        from marsad.text.segment import strip_clitics

        name = norm(self.person_names.get(person, person))
        stem = strip_clitics(name) if " " not in name else name
        return synonym_map().get(stem, stem)


def quantities(tokens: list[Token]) -> list[float]:
    """Quantities written with digits and scale words ("10 آلاف", "مليون و300 ألف", "1.3 مليون")."""
    return [value for value, _, _ in _scan_quantities(tokens)]


def _scan_quantities(tokens: list[Token]) -> list[tuple[float, int, int]]:
    """Each quantity with the index of the token after it and of its first token."""
    out: list[tuple[float, int, int]] = []
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
            out[-1] = (out[-1][0] + value, end, out[-1][2])  # "مليون و300 ألف": one quantity
        else:
            out.append((value, end, i))
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


def document_numbers(analysis: DocAnalysis) -> frozenset[str]:
    """Every quantity a report gives, outside its time expressions."""
    spans = [(t.start, t.end) for t in analysis.timexes]
    free = [t for t in analysis.tokens if not _inside(t, spans)]
    return frozenset(_format(v) for v in quantities(free))


def claim_features(
    analysis: DocAnalysis,
    claim: Claim,
    doc_numbers: frozenset[str] | None = None,
    bound: DateBound | None = None,
) -> ClaimFeatures:
    starts = [t.start for t in analysis.tokens]
    lo = bisect_left(starts, claim.start)
    hi = bisect_left(starts, claim.end)
    tokens = analysis.tokens[lo:hi]
    mention_spans = [(m.start, m.end) for m in claim.mentions]
    claim_times = [t for t in analysis.timexes if claim.start <= t.start < claim.end]
    time_spans = [(t.start, t.end) for t in claim_times]
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
    negated, heads = polarity(tokens, stop)
    by_noun, hedges = counted_with_hedges(free, synonyms, stop)
    key_words = {k: t.text for t in reversed(tokens) for k in predicate_keys(t.norm)}
    return ClaimFeatures(
        claim=claim,
        published=analysis.doc.published,
        terms=frozenset(terms),
        words=words,
        persons=frozenset(persons),
        person_names=person_names,
        numbers=frozenset(numbers),
        time=claim.time,
        negated=negated,
        lists=coordinated_lists(text, tokens, keys, stop, mention_spans),
        quantities_by_noun=by_noun,
        hedge_by_noun=hedges,
        doc_numbers=doc_numbers if doc_numbers is not None else frozenset(numbers),
        times=tuple(t for t in claim_times if not t.relative)
        or ((claim.time,) if claim.time else ()),
        bound=bound,
        negated_heads=heads,
        keys=frozenset(key_words),
        key_words=key_words,
    )


# Negation: particles negate the predicate that follows them; verbs of denial (نفى، استبعد،
# رفض، أنكر) negate the clause they govern ("استبعد أن يكون ..." says "لن يكون ..."). Two claims
# oppose each other only when one negates a predicate the other states.
_NEG_PARTICLES = frozenset(
    norm(w)
    for w in "لم ولم فلم لن ولن فلن لا ولا ليس وليس ليست وليست لست ليسوا عدم وعدم بعدم".split()
)
_DENIAL_VERBS = frozenset(
    norm(w)
    for w in (
        "نفى ونفى نفت ونفت ينفي وينفي تنفي وتنفي نافيا نافية نفي ونفي استبعد واستبعد استبعدت "
        "واستبعدت يستبعد ويستبعد تستبعد وتستبعد مستبعدا مستبعدة رفض ورفض رفضت ورفضت يرفض "
        "ويرفض ترفض وترفض رافضا رافضة أنكر وأنكر أنكرت وأنكرت ينكر وينكر تنكر وتنكر منكرا "
        "كذب وكذب كذبت وكذبت"
    ).split()
)
# Words between a negation and what it negates: copulas, auxiliaries, complementisers.
_NEG_SKIP = frozenset(
    norm(w)
    for w in (
        "أن إن أنه إنه أنها إنها أنهم يكون تكون يكن تكن يكونوا كان كانت أي بعد قد يتم تتم "
        "تم هناك ثمة سوى إلا فقط مطلقا قط أبدا يوجد توجد"
    ).split()
)
# Beyond the claims' own idioms: لا شك / لا ريب (no doubt = certainly).
_NOT_NEGATING_NEXT = NOT_NEGATING_NEXT | frozenset(norm(w) for w in ("شك", "ريب"))
_HEAD_WORDS = 2  # content words taken as the negated predicate


def polarity(tokens: list[Token], stop: frozenset[str]) -> tuple[bool, frozenset[str]]:
    """Whether the claim is negative in meaning, and the keys of what it negates.

    A particle (لم، لن، ليس، عدم) or a verb of denial negates what follows it. A negation that
    governs another cancels it ("لم يستبعد" is not a denial); separate negations in one claim
    ("نفى فريد تناوله ...: «لم أتناول ...»") do not."""
    negated = False
    heads: set[str] = set()
    cancelled_at = -1
    for k, tok in enumerate(tokens):
        if not _is_negation(tok):
            continue
        if k == cancelled_at or negation_idiom(tokens, k, _NOT_NEGATING_NEXT):
            continue
        taken = 0
        for j in range(k + 1, min(k + 8, len(tokens))):
            t = tokens[j]
            if taken >= _HEAD_WORDS:
                break
            if t.norm in _NEG_SKIP or t.norm in stop or t.stem in stop or len(t.stem) < 2:
                continue
            if _is_negation(t):
                if taken == 0:  # the negation governs another: the two cancel
                    cancelled_at = j
                break
            heads |= predicate_keys(t.norm)
            taken += 1
        if cancelled_at > k:
            continue
        negated = True
    return negated, frozenset(heads) if negated else frozenset()


def _is_negation(tok: Token) -> bool:
    return tok.norm in _NEG_PARTICLES or tok.norm in _DENIAL_VERBS


def predicate_keys(word: str) -> frozenset[str]:
    """Keys under which inflections of one word meet (يسجل / سجلت / تسجيل)."""
    from marsad.compare.stance import skeleton

    keys = {skeleton(word)}
    for ending in ("ت", "وا", "ا"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            keys.add(skeleton(word[: -len(ending)]))
    return frozenset(k for k in keys if len(k) >= 2)


def _token_key(tok: Token, mentions: list, synonyms: dict[str, str]) -> str:
    for m in mentions:
        if m.start <= tok.start and tok.end <= m.end:
            return "E:" + (m.entity or m.norm or m.text)
    return synonyms.get(tok.stem) or synonyms.get(tok.norm) or tok.stem


def _is_conjunct(tok: Token) -> bool:
    return tok.norm.startswith("و") and tok.stem != tok.norm and len(tok.stem) >= 2


# Quantifiers and other words that head a phrase rather than name an item of a list.
_NOT_ITEMS = frozenset(
    norm(w)
    for w in (
        "عدد عددا عددًا عدة بعض كل جميع معظم أغلب غالبية مختلف كافة سائر نحو قرابة حوالي "
        "أكثر أقل أبرز أحد إحدى جانب إضافة أنه إنه أنها إنها أنهم"
    ).split()
)


_PRONOUN_PREPS = frozenset(
    norm(w) for w in "معه معها معهم معهما له لها لهم لهما فيه فيها عليه عليها عنه عنها".split()
)


def _item_like(tokens: list[Token], i: int, mention_spans: list[tuple[int, int]]) -> bool:
    """A list item is a name or a noun: not a verb ("وعقد"، "وأشعرت"، "ونقلتهم"), a
    quantifier ("وعدد من") or a number."""
    tok = tokens[i]
    bare = tok.norm[1:] if tok.norm.startswith("و") and len(tok.norm) > 2 else tok.norm
    if any(s < tok.end and tok.start < e for s, e in mention_spans):
        # a name, unless it has a verb's ending (وأشعرت، وقالوا) the tagger took for one
        return not (len(bare) >= 5 and bare.endswith(("ت", "وا", "ون")) and verb_like(bare))
    if bare in _NOT_ITEMS or tok.stem in _NOT_ITEMS or not bare.isalpha():
        return False
    if bare.startswith("ال"):
        return True
    if verb_like(bare) or _form_iv_perfect(bare):
        return False
    for suffix in ("هما", "هم", "ها", "ه"):  # a verb with its object: نقلتهم، يزورها
        if bare.endswith(suffix) and len(bare) - len(suffix) >= 4:
            if verb_like(bare[: -len(suffix)]):
                return False
            break
    if len(bare) == 3 and i + 1 < len(tokens):
        # a short perfect verb opens a clause with its subject or a pronoun after it:
        # "... السفير وعقد معه اجتماعاً"، "وزار الوزير"
        nxt = tokens[i + 1]
        if nxt.norm in _PRONOUN_PREPS or nxt.norm.startswith("ال") or _inside(nxt, mention_spans):
            return False
    return True


def _form_iv_perfect(w: str) -> bool:
    """أعلن، أكد، اطلع: four letters, an alif first and no long vowel after it."""
    return len(w) == 4 and w[0] == "ا" and not any(c in "اوىي" for c in w[1:])


def coordinated_lists(
    text: str,
    tokens: list[Token],
    keys: list[str],
    stop: frozenset[str],
    mention_spans: list[tuple[int, int]] | None = None,
) -> list[list[str]]:
    """Chains of items joined by the conjunction و (or a comma), each item by its key.

    Items are names and nouns: a verb after و opens a new clause ("... السفير وعقد معه")
    and a quantifier heads a phrase ("وعدد من المسؤولين"); either ends the chain."""
    spans = mention_spans or []
    lists: list[list[str]] = []
    chain: list[str] = []
    for i in range(1, len(tokens)):
        prev, tok = tokens[i - 1], tokens[i]
        gap = text[prev.end : tok.start]
        broken = gap.strip() not in ("", ",", "،") or tok.norm in stop or tok.stem in stop
        broken = broken or not _item_like(tokens, i, spans)
        if broken:
            if len(chain) >= 2:
                lists.append(chain)
            chain = []
            continue
        if _is_conjunct(tok) and keys[i] != keys[i - 1]:
            if not chain and prev.norm not in stop and _item_like(tokens, i - 1, spans):
                chain = [keys[i - 1]]
            if chain:
                chain.append(keys[i])
    if len(chain) >= 2:
        lists.append(chain)
    return lists


def counted(tokens: list[Token], synonyms: dict[str, str], stop: frozenset[str]) -> dict[str, str]:
    """Each quantity keyed by the noun it counts (the first content word after it)."""
    return counted_with_hedges(tokens, synonyms, stop)[0]


def counted_with_hedges(
    tokens: list[Token], synonyms: dict[str, str], stop: frozenset[str]
) -> tuple[dict[str, str], dict[str, str]]:
    """``counted``, and for each noun the hedge on its figure ("more", "less", "about", "")."""
    out: dict[str, str] = {}
    hedges: dict[str, str] = {}
    for value, end, start in _scan_quantities(tokens):
        last = end - 1
        noun_tok = None
        if value <= _FOLLOWS_NOUN and _bare(tokens[last]) in _UNITS and last > 0:
            prev = tokens[last - 1]
            if prev.norm not in stop and not _NUMBER.match(prev.norm):
                noun_tok = prev
        else:
            for tok in tokens[end : end + 2]:
                if tok.norm not in stop and not _NUMBER.match(tok.norm):
                    noun_tok = tok
                    break
        if noun_tok is None:
            continue
        noun = _noun_key(noun_tok, synonyms)
        if noun not in out:
            out[noun] = _format(value)
            hedges[noun] = hedge_before(tokens, start)
    return out, hedges


def _noun_key(tok: Token, synonyms: dict[str, str]) -> str:
    """The counted noun without the accusative ending: "370 شخصاً" and "600 شخص" count one noun."""
    stem = tok.stem[:-1] if len(tok.stem) > 3 and tok.stem.endswith("ا") else tok.stem
    return synonyms.get(stem) or synonyms.get(tok.stem) or stem


# Words before a figure that make it a bound or an estimate: "أكثر من 600", "نحو 700".
_HEDGES = {
    "more": ("اكثر من", "ما يزيد على", "ما يزيد عن", "يزيد على", "يزيد عن", "ازيد من", "فوق"),
    "less": ("اقل من", "ما يقل عن", "ما يصل الى", "يصل الى", "حتى"),
    "about": ("نحو", "قرابه", "حوالي", "زهاء", "ما يقارب", "يقارب", "ما يقرب من", "تقريبا"),
}
_HEDGE_WORDS = {
    kind: tuple(tuple(norm(p).split(" ")) for p in phrases) for kind, phrases in _HEDGES.items()
}
APPROXIMATION = 0.075  # "نحو 400" covers 370..430


def hedge_before(tokens: list[Token], start: int) -> str:
    for kind, phrases in _HEDGE_WORDS.items():
        for words in phrases:
            lo = start - len(words)
            if lo < 0:
                continue
            window = tokens[lo:start]
            if all(t.norm == w or t.stem == w for t, w in zip(window, words, strict=True)):
                return kind
    return ""


def figure_range(value: float, hedge: str) -> tuple[float, float]:
    """The values a hedged figure allows."""
    if hedge == "more":
        return value, float("inf")
    if hedge == "less":
        return 0.0, value
    if hedge == "about":
        return value * (1 - APPROXIMATION), value * (1 + APPROXIMATION)
    return value, value


def figures_compatible(qa: str, ha: str, qb: str, hb: str) -> bool:
    lo_a, hi_a = figure_range(float(qa), ha)
    lo_b, hi_b = figure_range(float(qb), hb)
    return lo_a <= hi_b and lo_b <= hi_a


def _inside(tok: Token, spans: list[tuple[int, int]]) -> bool:
    return any(s <= tok.start and tok.end <= e for s, e in spans)
