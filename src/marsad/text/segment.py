"""Paragraphs, sentences, clauses and tokens, as spans into the original text.

* ``split_paragraphs``: lines; a newline (blank line or a single headline break) always
  ends a paragraph, and so a sentence.
* ``split_sentences``: ends at . ! ? ؟ (not at ، or ؛), also with no space after the stop
  (المنطقة.وأكد). A stop does not end a sentence after an initial or abbreviation (جون ف.
  كينيدي, د. محمد, أ.د., ق.م, U.S., Dr.), between digits (3.5, 12.11.2019), inside a URL or
  e-mail address, in an ellipsis (.. ... …), after a list number at the start of a line, or
  inside quoted speech or brackets that go on after it; closing quotes and brackets after
  the stop belong to the sentence.
* ``split_clauses``: a sentence cut at ؛ and at "، و" + verb, for claims.
* ``tokenize``: Arabic words (with their diacritics and tatweel), Latin words, numbers with
  decimal separators; each with its normalised form and its stem (proclitics stripped).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from importlib.resources import files

from marsad.model import Sentence, Token
from marsad.text.normalise import norm

# --- character classes ---------------------------------------------------------------------

_AR_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc"
)
# Marks that sit inside a word: diacritics, Quranic marks, tatweel, zero-width (non-)joiners.
_AR_MARKS = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08ca-\u08e1"
    "\u08e3-\u08ff\u0640\u200c\u200d"
)
_MARK_RE = re.compile(f"[{_AR_MARKS}]")
_MARK_SET = frozenset(chr(c) for c in range(0x0600, 0x2100) if _MARK_RE.match(chr(c)))
# Trimmed from the ends of paragraphs and sentences: whitespace and invisible controls.
_TRIM = (
    " \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a\u202b\u202c"
    "\u202d\u202e\u202f\u205f\u2060\u2066\u2067\u2068\u2069\u3000\ufeff\u061c"
)
_NEWLINES = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"

# --- tokens --------------------------------------------------------------------------------

_TOKEN = re.compile(
    # dotted Latin abbreviations: U.S. U.N. e.g.
    r"[A-Za-z](?:\.[A-Za-z])+\.?(?![A-Za-z0-9])"
    # numbers, with decimal and thousands separators: 3.5 ٣٫٥ 1,000 12.11.2019
    r"|\d+(?:[.,٫٬]\d+)*"
    # Arabic words, with the diacritics and tatweel inside and after them
    rf"|[{_AR_LETTERS}][{_AR_LETTERS}{_AR_MARKS}]*"
    # words of other scripts (Latin, with digits: G20, COVID19)
    rf"|(?:(?![{_AR_LETTERS}{_AR_MARKS}])[^\W_])+"
)

# --- clitics -------------------------------------------------------------------------------

_CONJ = "وف"
_PREP = "بلك"
_HAMZA_ALEF = "أإآ"
# Inflectional endings tried when looking a word up in the exception list (وزيرهم → وزير).
_SUFFIXES = ("هما", "هم", "ها", "هن", "كم", "نا", "ات", "ون", "ين", "ان", "يه", "ه", "ي", "ك", "ا")


@cache
def _exceptions() -> frozenset[str]:
    """Words whose initial و ف ب ل ك or ال is part of the word (see the lexicon's header)."""
    text = files("marsad.text").joinpath("lexicons", "clitic_exceptions.txt").read_text("utf-8")
    return frozenset(
        norm(w) for w in text.split("\n") if w.strip() and not w.lstrip().startswith("#")
    )


@lru_cache(maxsize=100_000)
def _is_word(w: str) -> bool:
    """True when w is listed as a whole word, directly or with an inflectional ending."""
    exceptions = _exceptions()
    if w in exceptions:
        return True
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 4:
            base = w[: -len(suffix)]
            if base in exceptions:
                return True
            if base[-1] == "ت" and base[:-1] + "ه" in exceptions:
                return True  # ta marbuta before a pronoun: وزارته → وزاره
    return False


def _strip(word: str, surface: str = "") -> str:
    """Strip [و|ف] [ب|ل|ك] [ال] from a normalised word.

    ``surface`` is the word with diacritics dropped but hamza kept, aligned with ``word``:
    an alef with hamza (ألمانيا, إلغاء) is never the article.
    """
    if len(word) < 4 or _is_word(word):
        return word
    s = word
    i = 0  # letters consumed
    # a one-letter proclitic goes only when at least three letters remain
    if s[0] in _CONJ and len(s) >= 4:
        s = s[1:]
        i = 1
        if _is_word(s):
            return s
    if s.startswith("لل") and len(s) >= 4:
        # ل + ال with the alef elided (للأمم), or ل + a word starting with ل (لليبيا, للجنة)
        if _is_word(s[1:]):
            return s[1:]
        return s[2:]
    if s[0] in _PREP and len(s) >= 4:
        s = s[1:]
        i += 1
        if _is_word(s):
            return s
    if s.startswith("ال") and len(s) >= 4 and not _is_word(s):
        if not (surface and len(surface) == len(word) and surface[i] in _HAMZA_ALEF):
            s = s[2:]
    return s


def strip_clitics(word: str) -> str:
    """Strip the proclitics و ف ب ل ك and the article ال from a normalised word.

    Stacked proclitics go together (وبالمحادثات → محادثات, وللأمم → امم); the future
    prefix س stays (فسيقول → سيقول). A one-letter proclitic is stripped only when at least
    three letters remain or the article follows, the stem keeps at least two letters, and
    words whose first letter belongs to the root (وزير, لبنان, فرنسا, كامل, المانيا) are
    kept whole (lexicons/clitic_exceptions.txt, built from corpus counts).
    """
    return _strip(word)


_ANALYSED: dict[str, tuple[str, str]] = {}
_ANALYSED_MAX = 300_000


def _analyse(surface: str) -> tuple[str, str]:
    """(normalised form, stem) of one token's surface text."""
    n = norm(surface)
    if not n or not ("\u0621" <= n[0] <= "\u064a"):
        return n, n
    light = "".join(c for c in surface if c not in _MARK_SET)  # hamza kept, aligned with n
    return n, _strip(n, light)


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """Tokens of ``text``; spans are shifted by ``offset`` (for a slice of a longer text)."""
    cache = _ANALYSED
    get = cache.get
    if len(cache) > _ANALYSED_MAX:
        cache.clear()
    out = []
    append = out.append
    for m in _TOKEN.finditer(text):
        s = m.group()
        a = get(s)
        if a is None:
            a = cache[s] = _analyse(s)
        start, end = m.span()
        append(Token(start + offset, end + offset, s, a[0], a[1]))
    return out


# --- paragraphs ----------------------------------------------------------------------------

_LINE = re.compile(f"[^{_NEWLINES}]+")


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank line, without surrounding whitespace."""
    out = []
    for m in _LINE.finditer(text):
        span = _trim(text, m.start(), m.end())
        if span:
            out.append(span)
    return out


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    seg = text[start:end]
    left = seg.lstrip(_TRIM)
    if not left:
        return None
    start += len(seg) - len(left)
    end -= len(left) - len(left.rstrip(_TRIM))
    return start, end


# --- sentences -----------------------------------------------------------------------------

_TERMINATORS = re.compile(r"[.!?؟۔…]+")
_STRONG = frozenset("!?؟")
_QUOTES = re.compile(r"[«»“”„\"()\[\]]")
_OPEN_CLOSE = {"«": "»", "(": ")", "[": "]"}
_AMBIGUOUS_QUOTES = frozenset('"“”„')
_BEFORE_OPEN = frozenset("([{«:،,؛;-–—/")
_BRACKETS = frozenset("()[]")
_CLOSERS = frozenset("»”\"')]’›")
_CONTINUATION = frozenset("،,؛;:")  # after a stop + closing quote, the sentence goes on
_MAX_QUOTE = 300  # longer quotes are not held together as one sentence
_URL = re.compile(
    r"(?:https?://|ftp://|www\.)[^\s<>\"«»]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    re.IGNORECASE,
)
_URL_TRAIL = ".,;:!?)]}»”\"'؟،؛"
_LIST_NUMBER = re.compile(r"[\s\-–•*]*\d{1,3}$")


# Latin letter names as written in Arabic acronyms (بي بي سي, سي إن إن, آي بي إم).
_LETTER_NAMES = frozenset(
    norm(w) for w in "بي سي إي آي إس إف جي دي تي إم إن يو كيه كي آر أو إل إتش زد إكس في واي".split()
)
_NEXT_WORD = re.compile(r"[ \t\xa0]*([^\W\d_]+)(\.?)")
_PREV_DOTTED = re.compile(r"(?:^|\s)[^\W\d_]{1,3}\.[ \t\xa0]*$")


@cache
def _abbreviations() -> frozenset[str]:
    """Normalised abbreviations after which a full stop does not end a sentence."""
    path = files("marsad.text").joinpath("lexicons", "abbreviations.txt")
    words = set()
    for line in path.read_text("utf-8").split("\n"):
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(norm(line.rstrip(".")))
    return frozenset(words)


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` in order, as trimmed, non-overlapping spans.

    A piece holding no letter or digit (a line of dashes, a stray "...") is not a sentence.
    """
    sentences: list[Sentence] = []
    urls = _url_spans(text) if ("://" in text or "www." in text or "@" in text) else []
    for pstart, pend in split_paragraphs(text):
        start = pstart
        for end in _boundaries(text, pstart, pend, urls):
            if end > start:
                _add(text, start, end, sentences)
                start = end
        _add(text, start, pend, sentences)
    return sentences


def _add(text: str, start: int, end: int, out: list[Sentence]) -> None:
    span = _trim(text, start, end)
    if span is None:
        return
    s, e = span
    body = text[s:e]
    if _HAS_WORD.search(body):
        out.append(Sentence(s, e, body))


_HAS_WORD = re.compile(r"[^\W_]")


def _url_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _URL.finditer(text):
        url = m.group().rstrip(_URL_TRAIL)
        spans.append((m.start(), m.start() + len(url)))
    return spans


def _in_spans(i: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= i < e for s, e in spans)


def _quote_spans(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Paired quotes and brackets in one paragraph: (open, close, is_bracket).

    « » and brackets pair by nesting. ASCII " and curly “ ” (which Arabic texts also write
    reversed) pair by context: a mark after a space and before a word opens, one after a
    word and before a space or punctuation closes. Unpaired marks are ignored, so a quote
    left open cannot swallow the rest of a paragraph.
    """
    spans: list[tuple[int, int, bool]] = []
    stack: list[tuple[str, int]] = []  # (expected closer, position)
    open_at = -1  # an open ASCII/curly quote
    for m in _QUOTES.finditer(text, start, end):
        ch = m.group()
        i = m.start()
        if ch in _AMBIGUOUS_QUOTES:
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            opens = (before.isspace() or before in _BEFORE_OPEN) and not after.isspace()
            closes = not before.isspace() and (after.isspace() or not after.isalnum())
            if opens == closes:
                closes = open_at >= 0
            if closes:
                if open_at >= 0:
                    spans.append((open_at, i, False))
                open_at = -1
            else:
                open_at = i
            continue
        if stack and stack[-1][0] == ch:
            _, j = stack.pop()
            spans.append((j, i, ch in _BRACKETS))
        elif ch in _OPEN_CLOSE:
            stack.append((_OPEN_CLOSE[ch], i))
        else:
            # a closer with no opener on top: close the nearest matching opener, if any
            for k in range(len(stack) - 1, -1, -1):
                if stack[k][0] == ch:
                    j = stack[k][1]
                    del stack[k:]
                    spans.append((j, i, ch in _BRACKETS))
                    break
    return spans


def _boundaries(text: str, pstart: int, pend: int, urls: list[tuple[int, int]]) -> list[int]:
    """Sentence end offsets inside one paragraph (each just after a stop and its closers)."""
    quotes: list[tuple[int, int, bool]] | None = None
    out = []
    for m in _TERMINATORS.finditer(text, pstart, pend):
        run = m.group()
        i, j = m.start(), m.end()
        strong = any(c in _STRONG for c in run)
        if not strong:
            if len(run) > 1 or run == "…":
                continue  # ellipsis: a pause, not an end
            if not _period_ends(text, i, pstart, pend):
                continue
        if urls and _in_spans(i, urls):
            continue
        if quotes is None:
            quotes = _quote_spans(text, pstart, pend)
        end = _extend_over_closers(text, j, pend, quotes)
        if _inside_quote(i, end, quotes):
            continue
        k = end
        while k < pend and text[k] in " \t\xa0":
            k += 1
        if k < pend and text[k] in _CONTINUATION:
            continue
        out.append(end)
    return out


def _period_ends(text: str, i: int, pstart: int, pend: int) -> bool:
    """Whether the full stop at ``i`` can end a sentence, from its neighbours alone."""
    nxt = text[i + 1] if i + 1 < pend else ""
    prev = text[i - 1] if i > pstart else ""
    if prev.isdigit() and nxt.isdigit():
        return False  # 3.5, 12.11.2019
    if nxt and (nxt.isdigit() or ("a" <= nxt <= "z")):
        return False  # no space before a digit or lowercase Latin: file.txt, v.2
    # the word just before the stop
    w = i
    while w > pstart and (text[w - 1].isalpha() or text[w - 1] in _MARK_SET):
        w -= 1
    word = text[w:i]
    if not word:
        if prev.isdigit() and _LIST_NUMBER.fullmatch(text, pstart, i):
            return False  # "1. " numbering a line
        return True
    letters = sum(1 for c in word if c.isalpha() and c != "\u0640")
    if letters == 1:
        if nxt.isalpha():
            return False  # inside a dotted run: ق.م أ.د U.S
        return _after_number(text, w, pstart)  # 2019م. 1436هـ. 300 ق.م. end; initials don't
    n = norm(word)
    if n in _abbreviations():
        return False
    if n in _LETTER_NAMES:  # بي.بي.سي, سي. إن. إن: a stop inside a spelled-out acronym
        if nxt.isalpha():
            return False
        after = _NEXT_WORD.match(text, i + 1, pend)
        if after and norm(after.group(1)) in _LETTER_NAMES:
            if after.group(2) or _PREV_DOTTED.search(text, max(pstart, w - 12), w):
                return False
    if letters == 2 and word[0] == "و" and word[1:2] in "دمأا" and nxt in (" ", "\xa0"):
        return _after_number(text, w, pstart)  # ود. محمد: "and Dr."
    return True


def _after_number(text: str, w: int, pstart: int) -> bool:
    """True when the single letter(s) at ``w`` follow a number: a date suffix like 2019م."""
    k = w
    while True:
        while k > pstart and text[k - 1] in " \xa0":
            k -= 1
        if k > pstart and text[k - 1].isdigit():
            return True
        # step back over an earlier dotted initial: ق.م → look before ق.
        if k - 2 >= pstart and text[k - 1] == "." and text[k - 2].isalpha():
            k2 = k - 2
            while k2 > pstart and text[k2 - 1] in _MARK_SET:
                k2 -= 1
            if k2 == pstart or not (text[k2 - 1].isalpha() or text[k2 - 1] in _MARK_SET):
                k = k2
                continue
        return False


def _extend_over_closers(text: str, j: int, pend: int, quotes: list[tuple[int, int, bool]]) -> int:
    """Move a sentence end past closing quotes and brackets that follow the stop."""
    closing = {c for _, c, _ in quotes}
    end = j
    k = j
    while k < pend:
        ch = text[k]
        if ch in " \t\xa0":
            k += 1
        elif ch in _CLOSERS and (k in closing or ch in "’'›"):
            k += 1
            end = k
        elif k == end and end > j and (ch in _STRONG or ch == "."):
            k += 1  # a stop right after a closer: «...؟». or (...).
            end = k
        else:
            break
    return end


def _inside_quote(i: int, end: int, quotes: list[tuple[int, int, bool]]) -> bool:
    """A stop inside a short quote or bracket that goes on after it does not end a sentence."""
    for o, c, bracket in quotes:
        if o < i < c and c - o <= _MAX_QUOTE:
            if bracket or c >= end:
                return True
    return False


# --- clauses -------------------------------------------------------------------------------

MIN_CLAUSE_TOKENS = 4

# Normalised words that open a new clause after a comma.
_CLAUSE_OPENERS = frozenset(
    norm(w)
    for w in (
        "لكن ولكن لكنه لكنها ولكنه ولكنها بينما فيما حيث إذ كما وكما ثم وقد فقد وقال وقالت "
        "وأضاف وأضافت وأكد وأكدت وأشار وأشارت وأوضح وأوضحت وأعلن وأعلنت وتابع وتابعت وكان "
        "وكانت ولم ولن وليس وليست وتم ويتم وسيتم وبات وباتت وأصبح وأصبحت وظل وظلت وعاد "
        "وعادت ولفت ولفتت وشدد وشددت ونفى ونفت وذكر وذكرت واعتبر واعتبرت وجاء وجاءت"
    ).split()
)
_TWO_WORD_OPENERS = frozenset(("في حين", "الا ان", "غير ان", "في حين ان", "اذ ان"))
# Nouns and names after و that look like verbs (start with ي or ت).
_NOT_VERBS = frozenset(
    norm(w)
    for w in (
        "يوم يوما يومي يومين أيام يد يدي يمين يسار يونيو يوليو يناير يوسف يحيى يزيد يعقوب "
        "يونس ياسر ياسين يمن اليمن ينبع يافا تونس تركيا تل تموز تشرين تاريخ تقرير تقارير "
        "تعاون تنظيم تحقيق تطوير تعزيز تأكيد تنفيذ توفير تقديم تحسين تسهيل تشجيع تدريب "
        "تعليم تمويل تمثيل تسليم تصريح تصريحات تفاصيل تكاليف توجيه توجيهات"
    ).split()
)
# Verbs whose first letters look like the article (التقى, ألقى, ألغى, التزم, التحق).
_AL_VERBS = frozenset(
    norm(w) for w in "التقى التقت التقوا ألقى ألقت ألغى ألغت التزم التزمت التحق التحقت".split()
)
_COMPARATIVES = frozenset(("كما", "وكما"))
_AS_FOLLOWERS = frozenset(("هو", "هي", "هم", "هن", "في", "لو"))
_CLAUSE_CUT = re.compile(r"[،,]\s*|[؛;]\s*")


def verb_like(w: str) -> bool:
    """A cheap guess that a normalised word (a proclitic و/ف already removed) is a verb."""
    if w.startswith("ال"):
        return w in _AL_VERBS
    if w in _NOT_VERBS or len(w) < 3:
        return False
    if w[0] == "س" and len(w) >= 4 and w[1] in "يتن":
        return True  # future: سيعمل ستقوم
    if w[0] == "ي":
        return True  # imperfect, 3rd person: يقود يعمل
    if w[0] == "ت" and not w.endswith(("ه", "ات", "يه")):
        # imperfect: تعمل تقود; not verbal nouns تفعيل (ي 4th) or تفاعل (ا 3rd)
        return not (len(w) >= 5 and (w[3] == "ي" or w[2] == "ا"))
    if w.endswith("وا") and len(w) >= 4:
        return True  # perfect, plural: قاموا
    if w.endswith("ت") and not w.endswith(("ات", "وت", "يت")) and 4 <= len(w) <= 6:
        return True  # perfect, feminine: قامت أعلنت
    return False


def _opens_clause(text: str, pos: int, end: int) -> bool:
    """Whether the words from ``pos`` (just after a comma) start a new clause."""
    m = _TOKEN.search(text, pos, end)
    if m is None:
        return False
    n = norm(m.group())
    m2 = _TOKEN.search(text, m.end(), end)
    if n in _CLAUSE_OPENERS:
        # كما هو / كما في: "as", not "and also"
        return not (n in _COMPARATIVES and m2 is not None and norm(m2.group()) in _AS_FOLLOWERS)
    if m2 is not None and f"{n} {norm(m2.group())}" in _TWO_WORD_OPENERS:
        return True
    if len(n) >= 4 and n[0] in _CONJ and not _is_word(n):
        return verb_like(n[1:])
    return False


def split_clauses(text: str, sentence: Sentence) -> list[Sentence]:
    """Clauses of a compound sentence, as spans into ``text`` (conservative).

    Cuts at ؛ and at a comma followed by و/ف + a verb or a clause conjunction (لكن, بينما,
    في حين...), outside quotes and brackets. Pieces under MIN_CLAUSE_TOKENS tokens are
    merged back, so lists of nouns ("لبنان، وسوريا، والأردن") and short fragments stay whole.
    Returns ``[sentence]`` when there is nothing to cut.
    """
    start, end = sentence.start, sentence.end
    cuts: list[tuple[int, int]] = []  # (end of the left clause, start of the right one)
    quotes: list[tuple[int, int, bool]] | None = None
    for m in _CLAUSE_CUT.finditer(text, start, end):
        i = m.start()
        if 0 < i < end - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
            continue  # 1,000
        if text[i] not in "؛;" and not _opens_clause(text, m.end(), end):
            continue
        if quotes is None:
            quotes = _quote_spans(text, start, end)
        if any(o < i < c for o, c, _ in quotes):
            continue
        nxt = _TOKEN.search(text, m.end(), end)
        if nxt is not None:
            cuts.append((i, nxt.start()))
    if not cuts:
        return [sentence]
    starts = [m.start() for m in _TOKEN.finditer(text, start, end)]

    def count(p: list[int]) -> int:
        return bisect_left(starts, p[1]) - bisect_left(starts, p[0])

    pieces = []
    left = start
    for cut_end, next_start in cuts:
        pieces.append([left, cut_end])
        left = next_start
    pieces.append([left, end])
    merged: list[list[int]] = []
    for p in pieces:
        if merged and (count(p) < MIN_CLAUSE_TOKENS or count(merged[-1]) < MIN_CLAUSE_TOKENS):
            merged[-1][1] = p[1]
        else:
            merged.append(p)
    if len(merged) == 1:
        return [sentence]
    out = []
    for s, e in merged:
        span = _trim(text, s, e)
        if span:
            out.append(Sentence(span[0], span[1], text[span[0] : span[1]]))
    return out
