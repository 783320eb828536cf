"""Relation slots inside claims: the recurring relations of news as subject / object spans.

A small grammar over the claim's tokens and entity mentions. Arguments are the mentions
(PER with the title phrase before it, ORG, GPE, LOC, a title without a name) and, where a
relation allows it, plain noun phrases (القوة، محطة لضخ المياه). Cues are verbs and nouns
(data in ``_CUES``), matched on the normalised word with the conjunction و/ف removed:

- a verb cue takes its subject after it (VSO, the usual order of news: "التقى ريجيرو
  ديكسترا"), before it (SVO: "قائد اليونيفيل يبحث مع...") or after its object (VOS:
  "يتولى قيادة القوة حالياً الجنرال ..."); verb + noun cues (يتولى قيادة X) take the noun's
  genitive as the object and allow the subject between them (يتولى الفريق ريجيرو قيادة X);
- a noun cue (محادثات مع، جولة على، بالتعاون مع) takes the object after its preposition and
  the subject from the clause before it; بقيادة / برفقة take the subject after them;
- titles attached to a person (``Mention.attributes``) give leads (قائد X), advises
  (مستشار X) and holds_title (رئيس الوزراء، المنسق الخاص للأمم المتحدة ...).

Every subject, object and place is a ``Span`` into the original text. ``RichSlot`` adds the
time, place, confidence and cue (``Slot`` in model.py has only relation/subject/object).
Cost: one dictionary lookup per token, and argument building only in claims with a cue.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache

from marsad.model import Claim, Mention, Slot, Span, TimeExpr, Token
from marsad.ner.lexicons import TITLES, load
from marsad.text.normalise import norm
from marsad.text.segment import verb_like

RELATIONS = (
    "leads",
    "holds_title",
    "visited",
    "met",
    "accompanied",
    "established",
    "advises",
    "located_in",
    "cooperates_with",
    "priorities",
)


@dataclass
class RichSlot(Slot):
    """A ``Slot`` with what facts need: time, place, confidence, the cue and the title."""

    value: str | None = None  # normalised title or post (holds_title, leads from a title)
    time: TimeExpr | None = None
    place: Span | None = None
    confidence: float = 1.0
    cue: Span | None = None
    subject_type: str = ""  # PER ORG GPE LOC TITLE NP
    object_type: str = ""
    former: bool = False  # the title is described as former (السابق)
    since: bool = False  # the time is when it began (منذ آب 2018)
    tense: str = ""  # of a verb cue: past (تولى، زار) | present (يتولى، تقود); "" for nouns


PERSON = frozenset({"PER", "TITLE"})
AGENT = frozenset({"PER", "ORG", "GPE", "TITLE"})
PARTY = AGENT
ORGISH = frozenset({"ORG", "GPE", "LOC"})
PLACEISH = frozenset({"GPE", "LOC", "ORG"})
PLACE = frozenset({"GPE", "LOC"})

_ARG_TYPES = frozenset({"PER", "ORG", "GPE", "LOC"})
_BARRIERS = frozenset(
    norm(w)
    for w in "أن إن أنه إنه أنها إنها أنهم إنهم الذي التي الذين اللذين اللتين بينما فيما حين".split()
)
_RELATIVES = frozenset(norm(w) for w in "الذي التي الذين اللذين اللتين".split())
_FORMER = frozenset(norm(w) for w in "السابق السابقة الأسبق الأسبقة".split())
_COPULA = frozenset(norm(w) for w in "هي هو هما هم تتمثل يتمثل تشمل يشمل".split())
_SKIP_PREPS = frozenset(
    norm(w) for w in "في وفي على من عن إلى منذ خلال بعد قبل حتى لدى عند".split()
)
_OF_WORDS = frozenset(norm(w) for w in "باسم لدى في".split())
_SINCE = frozenset(norm(w) for w in "منذ ومنذ".split())
_PRONOUN_SUFFIXES = ("ه", "ها", "هم", "هما")


@dataclass(frozen=True)
class _Frame:
    relation: str
    kind: str  # verb | noun | passive | priorities | base
    subj: frozenset[str] = AGENT
    obj: frozenset[str] = PARTY
    obj_np: bool = False  # the object may be a plain noun phrase
    prep: tuple[str, ...] = ()  # words introducing the object; "ب"/"ل" also as proclitics
    prep_required: bool = False
    head: tuple[str, ...] = ()  # verb + noun cues: the nouns (قيادة in يتولى قيادة)
    subject_after: bool = False  # noun cues whose subject follows them: بقيادة X، برفقة X
    pron: str = ""  # "obj": the verb carries its object as a pronoun; "subj": the noun its owner
    need: str = ""  # a word that must follow the object (تتخذ X من Y مقراً)
    conf: float = 0.8


def _forms(words: str) -> list[str]:
    return [norm(w) for w in words.split()]


def _pronominal(form: str) -> list[str]:
    """Verb forms with an object pronoun: رافقه، التقاه، استقبلها."""
    base = form[:-1] + "ا" if form.endswith("ي") else form
    return [base + s for s in _PRONOUN_SUFFIXES]


_CUE_SPECS: list[tuple[str, _Frame]] = [
    # leads / commands
    (
        "تولى يتولى تتولى تولت تسلم يتسلم تتسلم تسلمت استلم يستلم تستلم استلمت",
        _Frame("leads", "verb", AGENT, ORGISH, True, head=tuple(_forms("قيادة رئاسة زعامة"))),
    ),
    (
        "قاد قادت يقود تقود يقودها يقوده ترأس يترأس تترأس ترأست يرأس تزعم يتزعم تتزعم تزعمت",
        _Frame("leads", "verb", AGENT, ORGISH, True),
    ),
    ("بقيادة", _Frame("leads", "noun", AGENT, ORGISH, True, subject_after=True)),
    # visited
    (
        "زار زارت زارا زاروا يزور تزور يزوران يزورون",
        _Frame("visited", "verb", AGENT, PLACEISH, True, conf=0.8),
    ),
    (
        "وصل وصلت يصل تصل توجه توجهت يتوجه تتوجه",
        _Frame("visited", "verb", AGENT, PLACEISH, prep=("الي",), prep_required=True),
    ),
    (
        "جال جالت يجول تجول",
        _Frame("visited", "verb", AGENT, PLACEISH, True, prep=("في", "علي"), prep_required=True),
    ),
    (
        "زيارة زيارته زيارتها زيارتهم زيارتيهما",
        _Frame("visited", "noun", AGENT, PLACEISH, prep=("الي", "ل"), prep_required=True),
    ),
    (
        "جولة جولته جولتها جولات جولاته",
        _Frame(
            "visited",
            "noun",
            AGENT,
            PLACEISH,
            True,
            prep=("في", "علي"),
            prep_required=True,
            conf=0.7,
        ),
    ),  # fmt: skip
    # met
    (
        "التقى التقت يلتقي تلتقي التقيا استقبل استقبلت يستقبل تستقبل استقبلا",
        _Frame("met", "verb", PARTY, PARTY),
    ),
    (
        "اجتمع اجتمعت يجتمع تجتمع اجتمعا",
        _Frame("met", "verb", PARTY, PARTY, prep=("مع", "ب"), prep_required=True),
    ),
    (
        "بحث بحثت يبحث تبحث تباحث تباحثت يتباحث تتباحث تشاور تشاورت يتشاور",
        _Frame("met", "verb", PARTY, PARTY, prep=("مع",), prep_required=True),
    ),
    (
        "محادثات مباحثات لقاء لقاءه لقاءها اجتماع اجتماعه اجتماعها مشاورات اتصالا اتصال",
        _Frame("met", "noun", PARTY, PARTY, prep=("مع", "ب"), prep_required=True, conf=0.75),
    ),
    # accompanied: subject = the companion, object = the one accompanied
    ("رافق رافقت يرافق ترافق", _Frame("accompanied", "verb", PERSON, PERSON)),
    ("برفقة بمرافقة", _Frame("accompanied", "noun", PERSON, PERSON, subject_after=True)),
    # established / launched
    (
        "أسس أسست يؤسس تؤسس أنشأ أنشأت ينشئ تنشئ أطلق أطلقت يطلق تطلق افتتح افتتحت يفتتح "
        "تفتتح دشن دشنت يدشن تدشن",
        _Frame("established", "verb", AGENT, frozenset({"ORG"}), True),
    ),
    (
        "تأسس تأسست أنشئ أنشئت",
        _Frame("established", "passive", AGENT, frozenset({"ORG"}), True, conf=0.6),
    ),
    # advises
    (
        "يقدم تقدم قدم قدمت",
        _Frame(
            "advises",
            "verb",
            AGENT,
            PARTY,
            prep=("ل", "الي"),
            head=tuple(_forms("المشورة الاستشارة النصح المشورات الاستشارات")),
        ),
    ),  # fmt: skip
    # located in
    (
        "مقرها مقره مقرهم",
        _Frame("located_in", "noun", ORGISH, PLACE, prep=("في",), prep_required=True, pron="subj"),
    ),  # fmt: skip
    ("تقع يقع", _Frame("located_in", "verb", ORGISH, PLACE, prep=("في",), prep_required=True)),
    (
        "تتخذ يتخذ اتخذت اتخذ",
        _Frame(
            "located_in",
            "verb",
            frozenset({"ORG"}),
            PLACE,
            prep=("من",),
            prep_required=True,
            need="مقر",
        ),
    ),  # fmt: skip
    # cooperates with
    (
        "بالتعاون بالتنسيق بالشراكة بالاشتراك تنسيق التنسيق",
        _Frame("cooperates_with", "noun", PARTY, PARTY, prep=("مع",), prep_required=True),
    ),
    (
        "تعاون تعاونت يتعاون تتعاون نسق نسقت ينسق تنسق",
        _Frame("cooperates_with", "verb", PARTY, PARTY, prep=("مع",), prep_required=True),
    ),
    # priorities
    (
        "أولويات أولوية أولويتنا أولوياتنا أولويته أولويتها أولوياته أولوياتها أولوياتهم",
        _Frame("priorities", "priorities", AGENT, frozenset(), True, conf=0.7),
    ),
]

# verbs that also take their object as a pronoun suffix
_PRONOMINAL_RELATIONS = {"met", "accompanied", "visited"}


@cache
def _cues() -> dict[str, list[tuple[_Frame, str]]]:
    """Normalised cue form -> (frame, pron) where pron marks a pronoun suffix on the cue."""
    table: dict[str, list[tuple[_Frame, str]]] = {}
    for words, frame in _CUE_SPECS:
        for form in _forms(words):
            table.setdefault(form, []).append((frame, frame.pron))
            if frame.kind == "verb" and frame.relation in _PRONOMINAL_RELATIONS:
                for pform in _pronominal(form):
                    table.setdefault(pform, []).append((frame, "obj"))
    return table


_LOOKUP: dict[str, tuple[tuple[_Frame, str], ...]] = {}


def _cue_keys(w: str) -> Iterable[str]:
    yield w
    if w[:1] in "وف" and len(w) > 3:
        w = w[1:]
        yield w
    if w.startswith("ال") and len(w) > 4:
        yield w[2:]
    elif w[:1] in "لب" and len(w) > 4:
        yield w[1:]  # لمباحثات


def _lookup(w: str) -> tuple[tuple[_Frame, str], ...]:
    """The frames a normalised word cues (memoised: one dict lookup per token)."""
    found = _LOOKUP.get(w)
    if found is None:
        cues = _cues()
        found = ()
        for key in _cue_keys(w):
            if key in cues:
                found = tuple(cues[key])
                break
        if len(_LOOKUP) > 200_000:
            _LOOKUP.clear()
        _LOOKUP[w] = found
    return found


@dataclass(slots=True)
class _Arg:
    type: str  # PER ORG GPE LOC TITLE NP
    i: int  # token range [i, j) in the clause (the title phrase included for PER)
    j: int
    start: int  # the span reported (the name itself for PER)
    end: int
    mention: Mention | None = None
    conf: float = 1.0


@dataclass
class _Clause:
    text: str
    claim: Claim
    toks: list[Token]
    mentions: list[Mention]  # inside the claim
    doc_mentions: list[Mention]
    timexes: list[TimeExpr]
    args: list[_Arg] = field(default_factory=list)
    owner: list[int] = field(default_factory=list)  # token -> index in args, or -1
    joined: list[bool] = field(default_factory=list)  # only spaces before token k
    barrier: list[bool] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.toks)

    def span(self, start: int, end: int) -> Span:
        return Span(self.claim.doc, start, end, self.text[start:end])

    def arg_span(self, a: _Arg) -> Span:
        return self.span(a.start, a.end)


def _start(t: Token) -> int:
    return t.start


_STARTS: list = [None, []]  # the last token list seen and its start offsets


def _token_range(tokens: list[Token], start: int, end: int) -> tuple[int, int]:
    """Tokens [lo, hi) inside [start, end); the start offsets are computed once per list."""
    if _STARTS[0] is not tokens or len(_STARTS[1]) != len(tokens):
        _STARTS[0], _STARTS[1] = tokens, [t.start for t in tokens]
    starts = _STARTS[1]
    return bisect_left(starts, start), bisect_left(starts, end)


def _token_index(starts: list[int], offset: int) -> int:
    """Index of the token containing ``offset`` (a mention may start after a proclitic)."""
    return max(0, bisect_right(starts, offset) - 1)


def _inside(claim: Claim, mentions: list[Mention]) -> list[Mention]:
    if claim.mentions:
        return list(claim.mentions)
    return [m for m in mentions if claim.start <= m.start and m.end <= claim.end]


def _build(text, claim, tokens, mentions, timexes) -> _Clause:
    lo, hi = _token_range(tokens, claim.start, claim.end)
    toks = tokens[lo:hi]
    inside = _inside(claim, mentions)
    times = [t for t in timexes if claim.start <= t.start and t.end <= claim.end]
    c = _Clause(text, claim, toks, inside, mentions, times)
    n = len(toks)
    joined = [False] * n
    barrier = [False] * n
    prev_end = toks[0].end if toks else 0
    for k in range(n):
        tok = toks[k]
        if k:
            if tok.start == prev_end + 1 and text[prev_end] == " ":
                joined[k] = True
            else:
                gap = text[prev_end : tok.start]
                joined[k] = not gap.strip()
                barrier[k] = any(ch in gap for ch in ':«"“')
            prev_end = tok.end
        if tok.norm in _BARRIERS:
            barrier[k] = True
    c.joined, c.barrier = joined, barrier
    return c


def _build_args(c: _Clause) -> None:
    starts = [t.start for t in c.toks]
    n = c.n
    owner = [-1] * n
    args: list[_Arg] = []
    ms = sorted(c.mentions, key=lambda m: m.start)
    owned: set[int] = set()  # ids of mentions inside a person's title phrase
    for m in ms:
        if m.type == "PER" and m.attributes:
            first = min((a.start for a in m.attributes if a.start < m.start), default=m.start)
            for other in ms:
                if other is not m and first <= other.start and other.end <= m.start:
                    owned.add(id(other))
    for idx, m in enumerate(ms):
        if id(m) in owned:
            continue
        i = _token_index(starts, m.start)
        j = bisect_left(starts, m.end)
        if m.type == "PER":
            first = min((a.start for a in m.attributes if a.start < m.start), default=m.start)
            args.append(_Arg("PER", _token_index(starts, first), j, m.start, m.end, m))
        elif m.type in _ARG_TYPES:
            args.append(_Arg(m.type, i, j, m.start, m.end, m, m.confidence))
        elif m.type == "TITLE":
            # a title without a name (قائد القوّة، قائد اليونيفيل): with the names after it
            end, jj = m.end, j
            for nxt in ms[idx + 1 :]:
                ni = _token_index(starts, nxt.start)
                if nxt.type == "PER":
                    break
                if nxt.type in ("ORG", "GPE", "LOC", "NORP") and ni == jj and _close(c, end, nxt):
                    end, jj = nxt.end, bisect_left(starts, nxt.end)
                    owned.add(id(nxt))
                    continue
                break
            args.append(_Arg("TITLE", i, jj, m.start, end, m, 0.7))
    args = [a for a in args if not (a.mention is not None and id(a.mention) in owned)]
    args.sort(key=lambda a: a.i)
    kept: list[_Arg] = []
    for a in args:
        if any(owner[k] != -1 for k in range(a.i, min(a.j, n))):
            continue
        for k in range(a.i, min(a.j, n)):
            owner[k] = len(kept)
        kept.append(a)
    c.args, c.owner = kept, owner


def _close(c: _Clause, end: int, nxt: Mention) -> bool:
    gap = c.text[end : nxt.start]
    return not gap.strip(' ()«»"') or gap.strip() in ("(", "«")


# --- helpers over a clause ------------------------------------------------------------------


def _lex():
    return load()


# nouns the tagger's function-word list holds (they never start a name) but that head phrases
_CONTENT_NOUNS = frozenset(
    norm(w) for w in "بيان تصريح تصريحات مؤتمر مؤتمرا مقابلة حديث كلمة مرة".split()
)


def _is_stop(w: str) -> bool:
    if w in _CONTENT_NOUNS or (w[:1] in "وف" and w[1:] in _CONTENT_NOUNS):
        return False
    return _lex().is_stop_word(w) or not any(ch.isalpha() for ch in w)


def _adverb(c: _Clause, k: int) -> bool:
    """Adverbs and time words that may sit between a verb and its arguments."""
    tok = c.toks[k]
    return "\u064b" in tok.text or _lex().is_time(tok.norm) or _in_timex(c, k)


def _in_timex(c: _Clause, k: int) -> bool:
    tok = c.toks[k]
    return any(t.start <= tok.start and tok.end <= t.end for t in c.timexes)


def _arg_at(c: _Clause, k: int) -> _Arg | None:
    if 0 <= k < c.n and c.owner[k] != -1:
        a = c.args[c.owner[k]]
        return a if a.i == k else None
    return None


def _args_in(c: _Clause, i: int, j: int) -> list[_Arg]:
    return [a for a in c.args if i <= a.i < j]


def _limit(c: _Clause, k: int) -> int:
    """The first barrier at or after token ``k`` (or the clause end)."""
    for x in range(k, c.n):
        if c.barrier[x]:
            return x
    return c.n


def _np(c: _Clause, k: int, limit: int, long: bool = False) -> _Arg | None:
    """A plain noun phrase starting at token ``k``: up to 4 words (or to the end of the
    clause when ``long``) that are no function, time or verb words."""
    if k >= limit or k >= c.n or c.owner[k] != -1:
        return None
    w = c.toks[k].norm
    if _is_stop(w) or "\u064b" in c.toks[k].text or _in_timex(c, k):
        return None
    if not long and _verbal(w):
        return None
    j = k + 1
    cap = c.n if long else k + 4
    while j < min(limit, cap) and c.joined[j]:
        tok = c.toks[j]
        w = tok.norm
        if not long:
            if c.owner[j] != -1 or _is_stop(w) or "\u064b" in tok.text or _in_timex(c, j):
                break
            if _verbal(w) or _lex().starts(w) & TITLES:
                break  # a verb, or a title or rank starting a person's phrase
            if w[:1] == "و" and len(w) > 3:
                break  # a coordination starts another phrase
        elif not any(ch.isalpha() or ch.isdigit() for ch in w):
            break
        j += 1
    end = c.toks[j - 1].end
    return _Arg("NP", k, j, c.toks[k].start, end, None, 0.7)


def _pronoun_suffix(tok: Token) -> bool:
    """Ends with an attached pronoun (أجرتها، قوله): the surface keeps ة apart from ه."""
    raw = "".join(ch for ch in tok.text if ch.isalpha())
    return len(raw) >= 4 and raw.endswith(("ها", "هم", "ه"))


def _verbal(w: str) -> bool:
    if w[:1] in "وف" and len(w) > 3:
        w = w[1:]
    return _lex().is_verb(w) or verb_like(w)


def _skip_adverbs(c: _Clause, k: int, limit: int) -> int:
    while k < limit and _adverb(c, k):
        k += 1
    return k


def _object_at(c: _Clause, k: int, limit: int, frame: _Frame) -> _Arg | None:
    """The object starting at token ``k``: an argument of the frame's types, or a noun phrase
    (after a place cue word: "بلدة الناقورة" -> الناقورة)."""
    k = _skip_adverbs(c, k, limit)
    a = _arg_at(c, k)
    if a is None and k < limit and c.toks[k].stem in _lex().place_cues:
        a = _arg_at(c, k + 1)
    if a is not None:
        return a if a.type in frame.obj or (frame.obj_np and a.type == "TITLE") else None
    np_ = _np(c, k, limit)
    if np_ is not None:
        # an apposition names it: "العاصمة اللبنانية بيروت"; a construct noun before a name:
        # "ممثلي منظمة الصحة العالمية"
        nxt = _arg_at(c, np_.j) if np_.j < c.n and c.joined[np_.j] else None
        if nxt is None and np_.j - np_.i == 1 and k + 1 < limit and c.joined[k + 1]:
            nxt = _arg_at(c, k + 1)
        if nxt is not None and nxt.type in frame.obj and nxt.type != "PER":
            return nxt
    return np_ if frame.obj_np else None


def _object_after(c: _Clause, k: int, limit: int, frame: _Frame) -> _Arg | None:
    """The object somewhere after the subject: skips adverbs, times and prepositional
    phrases (في نوفمبر 2019، في بلدة شمع، بصور) to the first argument or noun phrase."""
    x = k
    for _ in range(10):
        if x >= limit:
            return None
        if _adverb(c, x):
            x += 1
            continue
        if c.toks[x].norm in _SKIP_PREPS:
            x += 1
            if x < limit and c.toks[x].stem in _lex().place_cues:
                x += 1
            a = _arg_at(c, x)
            np_ = _np(c, x, limit) if a is None else None
            x = a.j if a is not None else np_.j if np_ is not None else x + 1
            continue
        a = _arg_at(c, x)
        if a is not None and a.start > c.toks[x].start and a.type in PLACE:
            x = a.j  # a place with a proclitic preposition: بصور
            continue
        return _object_at(c, x, limit, frame)
    return None


def _prep_at(c: _Clause, k: int, preps: tuple[str, ...]) -> tuple[int, bool] | None:
    """Is token ``k`` one of ``preps``? (object token, True) for a separate word, (k, False)
    for a proclitic ب/ل glued to the object."""
    w = c.toks[k].norm
    for p in preps:
        if w == p or (w[:1] == "و" and w[1:] == p):
            return k + 1, True
        if len(p) == 1 and w[:1] == p and len(w) > 3:
            return k, False
    return None


def _find_prep(c: _Clause, i: int, limit: int, preps: tuple[str, ...], reach: int = 6):
    """The first of ``preps`` after token ``i``: (its token, where its object starts).
    Arguments in between (a subject with its title phrase) do not count towards ``reach``."""
    steps = 0
    for x in range(i, limit):
        if c.owner[x] != -1 and c.args[c.owner[x]].i != x:
            continue  # inside an argument
        hit = _prep_at(c, x, preps)
        if hit is not None:
            at, separate = hit
            if separate or c.owner[x] != -1:  # a proclitic counts when an argument starts there
                return x, at
        if c.owner[x] == -1:
            steps += 1
            if steps > reach:
                return None
    return None


def _first(args: Iterable[_Arg], types: frozenset[str], skip: Iterable[_Arg] = ()) -> _Arg | None:
    skip_ids = {id(s) for s in skip}
    for a in args:
        if a.type in types and id(a) not in skip_ids:
            return a
    return None


def _preverbal(c: _Clause, k: int, types: frozenset[str], reach: int = 6) -> _Arg | None:
    """The nearest argument before token ``k`` (SVO), through a relative pronoun."""
    for a in reversed(c.args):
        if a.j > k:
            continue
        if k - a.j > reach:
            return None
        between = range(a.j, k)
        if any(c.barrier[x] and c.toks[x].norm not in _RELATIVES for x in between):
            return None
        if any(x > a.j and c.barrier[x] for x in between):
            return None
        return a if a.type in types else None
    return None


def _antecedent(c: _Clause, before: int, types: frozenset[str]) -> _Arg | None:
    """A pronoun's referent: the last mention of ``types`` before ``before`` (an offset),
    in the clause or earlier in the same paragraph."""
    for a in reversed(c.args):
        if a.end <= before and a.type in types:
            return a
    floor = c.text.rfind("\n", 0, c.claim.start) + 1
    for m in reversed(c.doc_mentions):
        if m.end <= c.claim.start and m.start >= floor and m.type in types:
            return _Arg(m.type, -1, -1, m.start, m.end, m, 0.6)
        if m.end <= c.claim.start and m.start < floor:
            break
    return None


# --- frames -------------------------------------------------------------------------------


def _list(a: _Arg | None) -> list[_Arg]:
    return [a] if a is not None else []


def _untagged_person(c: _Clause, x: int, limit: int) -> _Arg | None:
    """A person the tagger missed, in a subject position: a title or rank phrase (the
    tagger's own grammar) and 1-3 plain words after it ("اللواء الإيطالي ستيفانو ديل كول")."""
    if x >= limit or c.owner[x] != -1 or not _lex().starts(c.toks[x].norm):
        return None
    from marsad.ner.attributes import parse_chain
    from marsad.ner.lexicons import Stream

    chain = parse_chain(Stream(c.text, c.toks), x)
    if chain is None or not chain.open or chain.j >= limit:
        return None
    j = end = chain.j
    while end < limit and end - j < 3 and (end == j or c.joined[end]) and c.owner[end] == -1:
        w = c.toks[end].norm
        if _is_stop(w) or w.startswith(("ال", "وال")) or _in_timex(c, end):
            break
        end += 1
    if end == j:
        return None
    return _Arg("PER", x, end, c.toks[j].start, c.toks[end - 1].end, None, 0.6)


def _verb(
    c: _Clause, k: int, frame: _Frame, pron: str, stop: int
) -> tuple[_Arg | None, _Arg | None]:
    e = k + 1
    limit = min(_limit(c, e), stop)
    subj: _Arg | None = None
    obj: _Arg | None = None
    if frame.head:
        h = None
        for x in range(e, min(limit, e + 8)):
            if c.toks[x].stem in frame.head or c.toks[x].norm in frame.head:
                h = x
                break
            if c.owner[x] == -1 and not _adverb(c, x):
                w = c.toks[x].norm
                if _is_stop(w) or c.barrier[x] or not c.joined[x]:
                    return None, None  # the rest of a name the tagger cut short may sit here
        if h is None:
            return None, None
        gap = _args_in(c, e, h) or _list(_untagged_person(c, _skip_adverbs(c, e, h), h))
        if frame.prep:
            found = _find_prep(c, h + 1, limit, frame.prep)
            obj = _object_at(c, found[1], limit, frame) if found else None
        else:
            obj = _object_at(c, h + 1, limit, frame)
        subj = _first(gap, PERSON) or _first(gap, frame.subj)
        if subj is None and obj is not None:
            subj = _first(_args_in(c, obj.j, limit), frame.subj)  # VOS
        if subj is None:
            subj = _preverbal(c, k, frame.subj)
        return subj, obj
    if frame.prep:
        found = _find_prep(c, e, limit, frame.prep)
        if found is None:
            return None, None
        p, at = found
        obj = _object_at(c, at, limit, frame)
        if frame.need:
            after = obj.j if obj is not None else at
            if not any(
                c.toks[x].stem.startswith(frame.need) for x in range(after, min(after + 2, c.n))
            ):
                return None, None
        subj = _first(_args_in(c, e, p), frame.subj)
        if subj is None and p > e:
            np_ = _np(c, _skip_adverbs(c, e, p), p)
            if np_ is not None and (frame.need or c.toks[np_.i].norm.startswith(("ال", "وال"))):
                subj = np_
        if subj is None:
            subj = _preverbal(c, k, frame.subj)
        return subj, obj
    post = _args_in(c, e, limit)
    if pron == "obj":
        obj = _antecedent(c, c.toks[k].start, frame.obj)
        subj = _first(post, frame.subj) or _preverbal(c, k, frame.subj)
        return subj, obj
    x = _skip_adverbs(c, e, limit)
    head = _arg_at(c, x)
    if head is None and x < limit and c.toks[x].stem in _lex().place_cues:
        head = _arg_at(c, x + 1)  # زار بلدة الناقورة
    if head is None:
        # VOS: a plain noun phrase object right after the verb, the subject after it
        np_ = _np(c, x, limit) if frame.obj_np else None
        if np_ is not None:
            after = _first(_args_in(c, np_.j, limit), frame.subj)
            if after is None:
                after = _untagged_person(c, _skip_adverbs(c, np_.j, limit), limit)
            if after is not None and after.type in PERSON and "PER" not in frame.obj:
                return after, np_  # VOS: يقود البعثة اللواء X
            later = _object_after(c, np_.j, limit, frame)
            if later is not None and c.toks[np_.i].norm.startswith(("ال", "وال")):
                return np_, later  # VSO with a noun-phrase subject: افتتحت القوة ... محطة
            if after is not None:
                return after, np_
            pre = _preverbal(c, k, frame.subj)
            return (pre, np_) if pre is not None else (None, None)
        return _preverbal(c, k, frame.subj), None
    if head.type in frame.subj:
        rest = _object_after(c, head.j, limit, frame)
        if rest is not None:
            return head, rest
        pre = _preverbal(c, k, frame.subj)
        if pre is not None and head.type in frame.obj:
            return pre, head  # SVO with the object right after the verb
        return head, None
    pre = _preverbal(c, k, frame.subj)
    return pre, head if head.type in frame.obj else None


def _noun(
    c: _Clause, k: int, frame: _Frame, pron: str, stop: int
) -> tuple[_Arg | None, _Arg | None]:
    e = k + 1
    limit = min(_limit(c, e), stop)
    if frame.subject_after:
        own = _arg_at(c, k)
        if own is not None and own.type == "ORG" and own.j > e:
            # the tagger read "بقيادة الولايات المتحدة" as an organisation "قيادة ..."
            subj = _Arg("NP", e, own.j, c.toks[e].start, own.end, None, 0.6)
        elif own is None:
            subj = _arg_at(c, e)
            if subj is None or subj.type not in frame.subj:
                return None, None
        else:
            return None, None
        if frame.relation == "leads":
            before = [a for a in c.args if a.j <= k]
            obj = before[-1] if before and k - before[-1].j <= 1 else None
            if obj is None:
                obj = _np_before(c, k)
            return subj, obj
        return subj, _first((a for a in c.args if a.j <= k), PERSON)
    found = _find_prep(c, e, limit, frame.prep) if frame.prep else None
    if found is None:
        return None, None
    p, at = found
    obj = _object_at(c, at, limit, frame)
    subj = _first(_args_in(c, e, p), frame.subj, skip=[obj] if obj else [])
    if subj is None and p > e + 1:
        # "مباحثات أجرتها قيادة القوة مع ...": a noun phrase between the cue and the preposition
        for x in range(p - 1, e, -1):
            if _pronoun_suffix(c.toks[x]):
                break
            np_ = _np(c, x, p)
            if np_ is None or np_.j != p:
                break
            subj = np_
    if subj is None:
        subj = _nearest_before(c, k, frame.subj)
    if subj is None and pron == "subj":
        subj = _antecedent(c, c.toks[k].start, frame.subj)
    return subj, obj


def _nearest_before(c: _Clause, k: int, types: frozenset[str]) -> _Arg | None:
    """The clause's agent before a noun cue: the nearest argument of ``types`` before it."""
    for a in reversed(c.args):
        if a.j <= k and a.type in types:
            if any(c.barrier[x] for x in range(a.j, k + 1)):
                return None
            return a
    return None


def _np_before(c: _Clause, k: int) -> _Arg | None:
    """The noun phrase ending right before token ``k`` (قوة متعددة الجنسيات بقيادة ...)."""
    for x in range(max(0, k - 4), k):
        np_ = _np(c, x, k)
        if np_ is not None and np_.j == k:
            return np_
    return None


def _passive(c: _Clause, k: int, frame: _Frame) -> tuple[_Arg | None, _Arg | None]:
    e = k + 1
    limit = _limit(c, e)
    x = _skip_adverbs(c, e, limit)
    obj = _arg_at(c, x)
    if obj is None or obj.type not in frame.obj:
        obj = _topic(c, c.toks[k].start, frame.obj)  # أُنشئت (القوة) عام 1978
    return None, obj


def _topic(c: _Clause, before: int, types: frozenset[str]) -> _Arg | None:
    """The first mention of ``types`` in the sentence that holds offset ``before``."""
    text = c.text
    floor = max(text.rfind(ch, 0, before) for ch in ".!?؟\n") + 1
    for m in c.doc_mentions:
        if m.start >= floor and m.end <= before and m.type in types:
            return _Arg(m.type, -1, -1, m.start, m.end, m, 0.6)
        if m.start >= before:
            break
    return None


def _priorities(c: _Clause, k: int, pron: str) -> tuple[_Arg | None, _Arg | None]:
    tok = c.toks[k]
    w = tok.norm
    limit = c.n
    subj: _Arg | None = None
    if w.endswith(("نا", "ه", "ها", "هم")) and not w.endswith("اولويه"):
        from marsad.claims.speech import attributed_speech

        said = attributed_speech(c.text, c.claim, c.toks, c.doc_mentions)
        if said is not None and said[0] is not None:
            sp = said[0]
            subj = _Arg("PER", -1, -1, sp.start, sp.end, None, 0.7)
        elif not w.endswith("نا"):
            subj = _antecedent(c, tok.start, AGENT)
    else:
        subj = _arg_at(c, k + 1)
        if subj is None:
            subj = _np(c, k + 1, _limit(c, k + 1))
    # the object: after a copula (هي تكثيف الدوريات ...), else the phrase before "من أولويات"
    start = subj.j if subj is not None and subj.j > k else k + 1
    for x in range(start, min(limit, start + 6)):
        if c.toks[x].norm in _COPULA:
            y = x + 1
            if y < limit and c.toks[y].norm in ("في", "علي"):
                y += 1
            return subj, _np(c, y, limit, long=True)
    if k >= 2 and c.toks[k - 1].norm in ("من", "ومن"):
        for x in range(max(0, k - 7), k - 1):
            np_ = _np(c, x, k - 1)
            if np_ is not None and np_.j == k - 1:
                return subj, np_
        before = [a for a in c.args if a.j == k - 1]
        if before:
            return subj, before[0]
    return subj, None


# --- titles attached to persons -----------------------------------------------------------

_LEAD_HEADS = frozenset(_forms("قائد قائدة"))
_ADVISE_HEADS = frozenset(_forms("مستشار مستشارة"))
# titles that, with a nationality, are a state's post (الرئيس الفرنسي، الملك الأردني)
_STATE_TITLES = frozenset(_forms("الرئيس الرئيسة الملك الملكة العاهل السلطان"))
# roles whose ministry-like complement belongs to the person's state (وزير الخارجية الأردني)
_STATE_HEADS = frozenset(_forms("وزير وزيرة رئيس رئيسة"))
# role heads that make a post after a name (أيمن الصفدي، وزير الخارجية)
_ROLE_HEADS = frozenset(
    _forms(
        "وزير وزيرة رئيس رئيسة أمين مدير مديرة محافظ محافظة سفير سفيرة منسق منسقة مبعوث "
        "مبعوثة متحدث متحدثة ناطق ناطقة نائب نائبة مساعد عضو ممثل ممثلة"
    )
)


def _posts_possible(ms: list[Mention]) -> bool:
    """A person with a post in the title before the name, or a title right after a name."""
    prev = None
    for m in ms:
        if _has_post(m) or (m.type == "TITLE" and prev is not None and prev.type == "PER"):
            return True
        prev = m
    return False


def _has_post(m: Mention) -> bool:
    return m.type == "PER" and any(
        a.kind == "role" or (a.kind == "title" and a.value in _STATE_TITLES) for a in m.attributes
    )


def _title_slots(c: _Clause) -> list[RichSlot]:
    out: list[RichSlot] = []
    for a in c.args:
        m = a.mention
        if a.type != "PER" or m is None or not m.attributes:
            continue
        nats = [x for x in m.attributes if x.kind == "nationality"]
        for attr in m.attributes:
            head = attr.value.split(" ")[0] if attr.value else ""
            if attr.kind == "role":
                relation = (
                    "leads" if head in _LEAD_HEADS else "advises" if head in _ADVISE_HEADS
                    else "holds_title"
                )  # fmt: skip
                obj, otype = _title_object(c, attr.start, attr.end, relation)
                state_post = head in _STATE_HEADS
                if (
                    relation == "holds_title"
                    and nats
                    and (otype == "" or (otype == "NP" and state_post))
                ):
                    # وزير الخارجية الأردني: the post is the state's
                    obj, otype = c.span(nats[0].start, nats[0].end), "NORP"
            elif attr.kind == "title" and attr.value in _STATE_TITLES and nats:
                relation = "holds_title"
                nat = nats[0]
                obj, otype = c.span(nat.start, nat.end), "NORP"
            else:
                continue
            former = any(norm(w) in _FORMER for w in attr.text.split())
            out.append(
                RichSlot(
                    relation,
                    c.arg_span(a),
                    obj,
                    value=_post_value(attr.value),
                    confidence=0.9 if obj is not None else 0.7,
                    cue=c.span(attr.start, attr.end),
                    subject_type="PER",
                    object_type=otype,
                    former=former,
                )
            )
    return out + _apposition_slots(c)


def _post_value(value: str) -> str:
    """The post without "former": the same post as the current holder's."""
    return " ".join(w for w in value.split(" ") if w not in _FORMER)


def _apposition_slots(c: _Clause) -> list[RichSlot]:
    """A title after the name: "أيمن الصفدي، وزير الخارجية الأردني، ..."."""
    out: list[RichSlot] = []
    for prev, a in zip(c.args, c.args[1:], strict=False):
        m = a.mention
        if a.type != "TITLE" or prev.type != "PER" or m is None or prev.j != a.i:
            continue
        if c.text[prev.end : a.start].strip() not in ("،", ","):
            continue  # without a comma the title more often opens the verb's object
        head = m.norm.split(" ")[0] if m.norm else ""
        if head.startswith("ال"):
            head = head[2:]
        relation = (
            "leads" if head in _LEAD_HEADS else "advises" if head in _ADVISE_HEADS
            else "holds_title"
        )  # fmt: skip
        if relation == "holds_title" and head not in _ROLE_HEADS:
            continue  # an honorific or a rank after a name says no post
        obj, otype = _title_object(c, a.start, a.end, relation)
        nat = next(
            (x for x in c.mentions if x.type == "NORP" and a.start <= x.start and x.end <= a.end),
            None,
        )
        if nat is not None and relation == "holds_title" and (otype in ("", "NP", "NORP")):
            obj, otype = c.span(nat.start, nat.end), "NORP"
        if (
            obj is not None
            and obj.text == (nat.text if nat is not None else None)
            and otype == "NP"
        ):
            otype = "NORP"
        tail = c.text[a.end : a.end + 12].split()
        former = any(norm(w.strip("،,")) in _FORMER for w in tail[:1])
        out.append(
            RichSlot(
                relation,
                c.arg_span(prev),
                obj,
                value=_post_value(m.norm),
                confidence=0.75,
                cue=c.span(a.start, a.end),
                subject_type="PER",
                object_type=otype,
                former=former,
            )
        )
    return out


def _title_object(c: _Clause, start: int, end: int, relation: str) -> tuple[Span | None, str]:
    toks = [t for t in c.toks if t.end > start and t.start < end]
    if not toks:
        return None, ""
    words = [norm(c.text[max(t.start, start) : t.end]) for t in toks]
    found = _lex().titles.walk(words[0], iter(words[1:]))
    n_cue = max((n for n, _ in found), default=1)
    cue_end = toks[min(n_cue, len(toks)) - 1].end
    inner = [m for m in c.mentions if cue_end <= m.start and m.end <= end]
    comp = [m for m in inner if m.type in ("ORG", "GPE", "LOC")]
    if relation in ("leads", "advises"):
        # the complement's head: an organisation right after the cue, else the phrase itself
        head = next((m for m in comp if not c.text[cue_end : m.start].strip()), None)
        if head is not None:
            return c.span(head.start, head.end), head.type
    elif comp:
        return c.span(comp[0].start, comp[0].end), comp[0].type
    rest = [t for t in toks[n_cue:] if t.start >= cue_end]
    while rest and rest[0].norm in _OF_WORDS:
        rest = rest[1:]
    if rest:
        return c.span(rest[0].start, min(rest[-1].end, end)), "NP"
    return None, ""


# --- entry points -------------------------------------------------------------------------


def extract_slots(
    text: str,
    claim: Claim,
    tokens: list[Token],
    mentions: list[Mention],
    timexes: list[TimeExpr],
) -> list[Slot]:
    """The relation slots of one claim. ``tokens``, ``mentions`` and ``timexes`` may be the
    whole document's (those outside the claim give pronouns their referents)."""
    lo, hi = _token_range(tokens, claim.start, claim.end)
    hits: list[tuple[int, _Frame, str]] = []
    get = _LOOKUP.get
    for k in range(lo, hi):
        w = tokens[k].norm
        found = get(w)
        if found is None:
            found = _lookup(w)
        if found:
            hits.extend((k - lo, frame, pron) for frame, pron in found)
    if not hits and not _posts_possible(_inside(claim, mentions)):
        return []
    c = _build(text, claim, tokens, mentions, timexes)
    _build_args(c)
    slots: list[RichSlot] = _title_slots(c)
    used: set[int] = set()
    positions = sorted({k for k, _, _ in hits})
    for k, frame, pron in hits:
        later = bisect_right(positions, k)
        stop = positions[later] if later < len(positions) else c.n
        inside = c.owner[k] != -1 and frame.kind != "priorities" and not frame.subject_after
        if k in used or inside:
            continue  # a cue word inside a name (القيادة العامة) is no cue
        if frame.kind == "verb":
            subj, obj = _verb(c, k, frame, pron, c.n)
        elif frame.kind == "noun":
            subj, obj = _noun(c, k, frame, pron, stop)
        elif frame.kind == "passive":
            subj, obj = _passive(c, k, frame)
        else:
            subj, obj = _priorities(c, k, pron)
        if obj is None or (subj is None and frame.kind != "passive"):
            continue
        if subj is not None and (subj.start, subj.end) == (obj.start, obj.end):
            continue
        used.add(k)
        conf = frame.conf * min(subj.conf if subj else 0.8, 1.0) ** 0.5 * obj.conf**0.5
        slots.append(
            RichSlot(
                frame.relation,
                c.arg_span(subj) if subj is not None else None,
                c.arg_span(obj),
                confidence=round(conf, 2),
                cue=c.span(c.toks[k].start, c.toks[k].end),
                subject_type=subj.type if subj is not None else "",
                object_type=obj.type,
                tense=_tense(c.toks[k].norm) if frame.kind in ("verb", "passive") else "",
            )
        )
    for s in slots:
        s.time, s.since = _time_near(c, s)
        if s.value is not None and not s.since:
            s.time = None  # a title holds at the report's date, not at the event's time
        s.place = _place(c, s)
    return _dedupe(slots)


# past forms that look like present ones (ت + verb)
_PAST_T = frozenset(_forms("تولى تسلم تزعم ترأس تأسس تأسست تباحث تشاور تعاون توجه"))


def _tense(w: str) -> str:
    if w[:1] in "وف" and len(w) > 3 and w not in _cues():
        w = w[1:]
    if w in _PAST_T:
        return "past"
    if w.startswith("ي") or (w.startswith("ت") and "ي" + w[1:] in _cues()):
        return "present"
    return "past"


def _time_near(c: _Clause, s: RichSlot) -> tuple[TimeExpr | None, bool]:
    """The slot's time: the nearest time expression from its cue to just past its object,
    else the nearest before the cue."""
    if not c.timexes:
        return None, False
    anchor = s.cue.start if s.cue is not None else c.claim.start
    reach = max(x.end for x in (s.cue, s.subject, s.object) if x is not None) + 40
    after = [t for t in c.timexes if anchor <= t.start <= reach]
    before = [t for t in c.timexes if t.start < anchor]
    if after:
        best = min(after, key=lambda t: t.start)
    elif before:
        best = max(before, key=lambda t: t.start)
    else:
        return None, False
    words = c.text[max(c.claim.start, best.start - 8) : best.start].split()
    since = bool(words) and norm(words[-1]) in _SINCE
    return best, since


def _place(c: _Clause, s: RichSlot) -> Span | None:
    taken = {(x.start, x.end) for x in (s.subject, s.object) if x is not None}
    starts = [t.start for t in c.toks]
    for a in c.args:
        if a.type not in PLACE or (a.start, a.end) in taken:
            continue
        if s.object is not None and s.object.start <= a.start < s.object.end:
            continue
        k = _token_index(starts, a.start)
        tok = c.toks[k]
        if a.start > tok.start and norm(tok.text[: a.start - tok.start]).endswith("ب"):
            return c.arg_span(a)  # بصور
        prev = c.toks[k - 1].norm if k else ""
        if prev in ("في", "وفي") or (
            prev in _lex().place_cues and k >= 2 and c.toks[k - 2].norm in ("في", "وفي")
        ):
            return c.arg_span(a)
    return None


def _dedupe(slots: list[RichSlot]) -> list[RichSlot]:
    seen: set[tuple] = set()
    out = []
    for s in slots:
        key = (
            s.relation,
            (s.subject.start, s.subject.end) if s.subject else None,
            (s.object.start, s.object.end) if s.object else None,
        )
        if key in seen:
            continue
        seen.add(key)
        out.append(s)
    return out


def fill_slots(
    text: str,
    claims: list[Claim],
    tokens: list[Token],
    mentions: list[Mention],
    timexes: list[TimeExpr],
) -> None:
    """Set ``claim.slots`` for every claim of a document (for the pipeline to call)."""
    for claim in claims:
        claim.slots = extract_slots(text, claim, tokens, mentions, timexes)
