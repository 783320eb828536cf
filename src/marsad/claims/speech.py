"""Attributed speech: who said what, with spans for the speaker and the words.

Two shapes:
- a speech verb (قال، أضاف، أكد، أعرب عن، أوضح، أشار إلى ...) with its subject after it (VSO:
  "وقال المتحدث باسم القوة، الإيرلندي شون دالتون، إن ...") or before it (SVO), and the words
  after it: a quotation «...» / "..." / “...”, or reported speech after أن / إن / عن / إلى;
- an attribution phrase (وفق، بحسب، نقلاً عن، على لسان) naming the source after it, the words
  being the rest of the sentence.

A verb with no subject of its own ("وأضاف أن ...", "وتابع: «...»") continues the last
speaker of the document: ``find_speech`` threads it from sentence to sentence;
``attributed_speech`` on a lone sentence takes ``last_speaker`` or, failing that, the last
person named before the sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from marsad.claims.slots import _Arg, _arg_at, _build, _build_args, _Clause, _np
from marsad.model import Claim, Mention, Sentence, Span, Token
from marsad.text.normalise import norm

_VERBS = {
    "قال": "قال قالت قالوا قالا يقول تقول يقولون",
    "أضاف": "أضاف أضافت أضافوا يضيف تضيف",
    "أكد": "أكد أكدت أكدوا أكدا يؤكد تؤكد يؤكدون",
    "أعرب": "أعرب أعربت أعربوا يعرب تعرب",
    "أوضح": "أوضح أوضحت أوضحوا يوضح توضح",
    "أشار": "أشار أشارت أشاروا يشير تشير",
    "صرح": "صرح صرحت يصرح تصرح",
    "أعلن": "أعلن أعلنت أعلنوا يعلن تعلن",
    "ذكر": "ذكر ذكرت ذكروا يذكر تذكر",
    "شدد": "شدد شددت يشدد تشدد",
    "لفت": "لفت لفتت يلفت تلفت",
    "تابع": "تابع تابعت",
    "نفى": "نفى نفت نفوا ينفي تنفي",
    "كشف": "كشف كشفت يكشف تكشف",
    "اعتبر": "اعتبر اعتبرت يعتبر تعتبر",
    "دعا": "دعا دعت يدعو تدعو",
    "أفاد": "أفاد أفادت يفيد تفيد",
    "حذر": "حذر حذرت يحذر تحذر",
}
_SOURCES = {"وفق": "وفق وفقا وفقاً طبقا", "بحسب": "بحسب حسب", "نقلاً عن": "نقلا نقلاً"}
_COMPLEMENTS = frozenset(norm(w) for w in "أن إن أنه إنه أنها إنها أنهم إنهم بأن".split())
# verbs whose words follow a preposition: أعرب عن، أشار إلى
_ABOUT = {"أعرب": ("عن",), "أشار": ("الي",), "لفت": ("الي",), "دعا": ("الي",), "كشف": ("عن",)}
_QUOTES = {"«": "»", '"': '"', "“": "”", "„": "“"}
_SPEAKER_TYPES = ("PER", "ORG", "TITLE", "GPE")


@dataclass(frozen=True)
class Speech:
    """One attributed statement."""

    speaker: Span | None
    verb: str  # canonical cue: قال، أضاف، بحسب ...
    quote: Span | None  # the words: inside the quotation marks, or the reported clause
    direct: bool  # in quotation marks
    cue: Span
    resolved: bool = False  # the speaker was carried over from an earlier sentence


@cache
def _verb_table() -> dict[str, str]:
    table = {}
    for canonical, forms in _VERBS.items():
        for f in forms.split():
            table[norm(f)] = canonical
    return table


@cache
def _source_table() -> dict[str, str]:
    return {norm(f): canonical for canonical, forms in _SOURCES.items() for f in forms.split()}


def _key(w: str) -> str:
    return w[1:] if w[:1] in "وف" and len(w) > 3 else w


def _clause(text: str, sentence, tokens: list[Token], mentions: list[Mention]) -> _Clause:
    doc = mentions[0].doc if mentions else ""
    if isinstance(sentence, Claim):
        claim = sentence
    else:
        claim = Claim("", doc, sentence.start, sentence.end, text[sentence.start : sentence.end])
    c = _build(text, claim, tokens, mentions, [])
    _build_args(c)
    return c


def _speaker_after(c: _Clause, k: int, stop: int) -> _Arg | None:
    """The subject between the verb and the words: a person first, else an organisation or
    title, else a short noun phrase ("بيان صادر عن القوة")."""
    inside = [a for a in c.args if k < a.i < stop and a.type in _SPEAKER_TYPES]
    for types in (("PER",), ("ORG", "TITLE", "GPE")):
        for a in inside:
            if a.type in types:
                return a
    x = k + 1
    while x < stop and ("\u064b" in c.toks[x].text or c.toks[x].norm in ("في", "له", "لها")):
        x += 1
    if x < stop and c.owner[x] == -1:
        np_ = _np(c, x, stop)
        if np_ is not None:
            # a noun phrase with its prepositional tail: بيان صادر عن القوة
            end = np_.end
            if np_.j + 1 < stop and c.toks[np_.j].norm in ("عن", "من"):
                tail = _arg_at(c, np_.j + 1) or _np(c, np_.j + 1, stop)
                end = tail.end if tail is not None else end
            return _Arg("NP", np_.i, np_.j, np_.start, end, None, 0.6)
    return None


def _words_after(c: _Clause, k: int, verb: str) -> tuple[int, Span | None, bool]:
    """(token where the words start, their span, direct?) for a cue at token ``k``: the
    reported clause after أن / إن (or عن / إلى for أعرب / أشار ...), quoted or not, or a
    quotation after the verb and its subject ("وقال X: «...»")."""
    text = c.text
    end = c.claim.end
    about = _ABOUT.get(verb, ())
    comp = next(
        (x for x in range(k + 1, c.n) if c.toks[x].norm in _COMPLEMENTS or c.toks[x].norm in about),
        None,
    )
    if comp is not None and comp + 1 < c.n and c.toks[comp + 1].norm in _COMPLEMENTS:
        comp += 1  # أشار إلى أن
    start_off = c.toks[comp].end if comp is not None else c.toks[k].end
    quote = _first_quote(text, start_off, end)
    if quote is not None:
        i, j = quote
        opens_words = not text[start_off:i].strip() or comp is None
        if opens_words and (comp is not None or len(text[i:j].split()) >= 3):
            stop = (
                comp
                if comp is not None
                else next((x for x in range(k + 1, c.n) if c.toks[x].start > i), c.n)
            )
            return stop, _trimmed(c, i + 1, j), True
    if comp is not None and comp + 1 < c.n:
        return comp, _trimmed(c, c.toks[comp + 1].start, end), False
    return c.n, None, False


def _first_quote(text: str, start: int, end: int) -> tuple[int, int] | None:
    best = None
    for open_, close in _QUOTES.items():
        i = text.find(open_, start, end)
        if i == -1:
            continue
        j = text.find(close, i + 1, end + 1)
        if j != -1 and (best is None or i < best[0]):
            best = (i, j)
    return best


def _trimmed(c: _Clause, start: int, end: int) -> Span | None:
    raw = c.text[start:end]
    left = len(raw) - len(raw.lstrip())
    body = raw.strip().rstrip('.،,؛:!؟?»"”').rstrip()
    if not body:
        return None
    s = start + left
    return c.span(s, s + len(body))


def _last_person(c: _Clause) -> Span | None:
    """The last person named before the sentence, within the three paragraphs before it."""
    for m in reversed(c.doc_mentions):
        if m.end <= c.claim.start and m.type == "PER":
            if c.text.count("\n\n", m.end, c.claim.start) > 2:
                return None
            return c.span(m.start, m.end)
    return None


def _speech_in(c: _Clause, last_speaker: Span | None) -> Speech | None:
    verbs, sources = _verb_table(), _source_table()
    for k, tok in enumerate(c.toks):
        if c.owner[k] != -1:
            continue
        key = _key(tok.norm)
        if key in verbs:
            # a speech verb opens its clause: first words of the sentence, after a subject
            # (SVO), or after a comma / "كما" / "و"
            if not _verb_position(c, k):
                continue
            stop, words, direct = _words_after(c, k, verbs[key])
            if words is None:
                continue
            speaker = _speaker_after(c, k, stop)
            resolved = False
            if speaker is None:
                pre = [a for a in c.args if a.j <= k and a.type in _SPEAKER_TYPES]
                if pre and k - pre[-1].j <= 1:
                    speaker = pre[-1]
            span = c.span(speaker.start, speaker.end) if speaker is not None else None
            if span is None:
                span = last_speaker or _last_person(c)
                resolved = span is not None
            cue = c.span(tok.start, tok.end)
            return Speech(span, verbs[key], words, direct, cue, resolved)
        if key in sources or (key == "علي" and k + 1 < c.n and c.toks[k + 1].norm == "لسان"):
            canonical = sources.get(key, "على لسان")
            x = k + 1
            if key == "علي":
                x += 1
            if x < c.n and c.toks[x].norm in ("ل", "عن", "ما"):
                x += 1
            a = None
            for y in range(x, min(c.n, x + 4)):
                a = _arg_at(c, y)
                if a is not None and a.type in _SPEAKER_TYPES:
                    break
                a = None
            if a is None:
                a = _np(c, x, c.n)
            if a is None:
                continue
            cue = c.span(tok.start, tok.end)
            words = _rest_of(c, k, a)
            return Speech(c.span(a.start, a.end), canonical, words[0], words[1], cue)
    return None


def _verb_position(c: _Clause, k: int) -> bool:
    if k <= 1:
        return True
    prev_gap = c.text[c.toks[k - 1].end : c.toks[k].start]
    if any(ch in prev_gap for ch in "،,؛:"):
        return True
    if c.toks[k - 1].norm in ("كما", "وكما", "فيما", "بينما", "ثم"):
        return True
    if c.toks[k].norm[:1] in "وف":
        return True
    return c.owner[k - 1] != -1  # after its subject (SVO)


def _rest_of(c: _Clause, k: int, source: _Arg) -> tuple[Span | None, bool]:
    """The words of an attribution phrase: after it when it opens the sentence, else before."""
    end_tok = source.j if source.j > 0 else k + 1
    if k <= 1:
        after = c.toks[end_tok].start if end_tok < c.n else c.claim.end
        x = end_tok
        while x < c.n and c.toks[x].norm in ("فان", "فإن", "ان"):
            x += 1
        after = c.toks[x].start if x < c.n else c.claim.end
        return _trimmed(c, after, c.claim.end), False
    return _trimmed(c, c.claim.start, c.toks[k].start), False


def attributed_speech(
    text: str,
    sentence: Sentence | Claim,
    tokens: list[Token],
    mentions: list[Mention],
    last_speaker: Span | None = None,
) -> tuple[Span | None, str, Span | None] | None:
    """(speaker, verb, words) for the first attributed statement in ``sentence``, or None.

    ``tokens`` and ``mentions`` may be the whole document's. A speaker left implicit
    ("وأضاف أن ...") is ``last_speaker`` when given, else the last person named before."""
    c = _clause(text, sentence, tokens, mentions)
    found = _speech_in(c, last_speaker)
    if found is None:
        return None
    return found.speaker, found.verb, found.quote


def find_speech(
    text: str, sentences: list[Sentence], tokens: list[Token], mentions: list[Mention]
) -> list[Speech]:
    """Every attributed statement of a document, implicit speakers resolved to the last one."""
    out: list[Speech] = []
    last: Span | None = None
    for sentence in sentences:
        c = _clause(text, sentence, tokens, mentions)
        found = _speech_in(c, last)
        if found is None:
            continue
        out.append(found)
        if found.speaker is not None:
            last = found.speaker
    return out
