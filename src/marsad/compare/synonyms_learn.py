"""Mine Arabic near-synonyms from paraphrases and near-duplicate copies.

Rebuild the shipped list with
``python -m marsad.compare.synonyms_learn --out src/marsad/text/lexicons/learned_synonyms.tsv``
(about 3 minutes; reads ``../shared/datasets`` or ``$MARSAD_DATASETS``).

Two editors rewriting the same sentence swap words that mean the same thing (مشروعات →
مشاريع، المصارف → البنوك) while the words around them stay put. The miner collects such 1↔1
substitutions between identical contexts (difflib opcodes over normalised, clitic-stripped
stems) from two train-only sources:

* ANS ``agree`` pairs (human paraphrases of news headlines; ``stance/train.csv`` only);
* near-duplicate sentences in SaudiNewsNet: agency copy reprinted by other outlets within a
  few days with small edits, paired through rare shared word 3-grams. A "close copy" carries
  the same numbers and has two identical words on each side of the swap.

A pair is kept when it was swapped in at least two close-copy contexts or ANS pairs, from at
least two independent stories; both words are content words (no stopwords, numbers, units,
calendar words, Latin); neither is a likely name (entity lexicons, ANERcorp train tags, name
chains around بن, a vector classifier); the two are not mere inflections of one stem
(يستهدف / ستستهدف، زيارته / زيارة: a stemmer's job, left out); the pair, or a learned synonym
of it, is not the lone swap of an ANS ``disagree`` pair (ارتفاع / انخفاض); and the words are
distributionally close (PPMI-SVD vectors over the corpus), which drops chance alignments.
"""

from __future__ import annotations

import argparse
import csv
import json
import lzma
import math
import os
import re
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from difflib import SequenceMatcher
from importlib.resources import files
from pathlib import Path

import numpy as np

from marsad.text.normalise import norm
from marsad.text.segment import strip_clitics, tokenize
from marsad.text.timex_lexicon import month_names
from marsad.text.wordlists import stopwords

Pair = tuple[str, str]

# --- tokenisation -----------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"[.!?؟\n؛]+")
_CHUNK = re.compile(r"[^\s،,:;\"'()\[\]{}«»“”‘’<>/|\-–—_*#]+")
_AR_WORD = re.compile(r"^[\u0621-\u064a]+$")


class Stemmer:
    """Clitic-stripped, normalised stems of raw text, memoised per whitespace chunk.

    ``definite`` notes, per stem, how often it carried the article (ال, لل): names of people
    almost never do, the nouns that stand before names (مدينة، ولاية، إقليم) mostly do.
    """

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[str, bool], ...]] = {}
        self.seen: Counter = Counter()
        self.definite: Counter = Counter()

    def stems(self, text: str, count: bool = False) -> list[str]:
        out: list[str] = []
        cache = self._cache
        for chunk in _CHUNK.findall(text):
            got = cache.get(chunk)
            if got is None:
                got = cache[chunk] = tuple(
                    (t.stem, _has_article(t.norm, t.stem)) for t in tokenize(chunk)
                )
            for stem, definite in got:
                out.append(stem)
                if count:
                    self.seen[stem] += 1
                    if definite:
                        self.definite[stem] += 1
        return out


def _has_article(form: str, stem: str) -> bool:
    head = form[: len(form) - len(stem)] if form.endswith(stem) else ""
    return head.endswith("ال") or head.endswith("لل")


def word_stem(word: str) -> str:
    return strip_clitics(norm(word))


# --- substitution extraction ------------------------------------------------------------------


@dataclass(frozen=True)
class Substitution:
    a: str
    b: str
    context: tuple[tuple[str, ...], tuple[str, ...]]  # up to two identical words left and right
    run: int  # identical words on the shorter side (0 at a sequence edge)


def substitutions(
    a: Sequence[str],
    b: Sequence[str],
    context: int = 2,
    matcher: SequenceMatcher | None = None,
) -> list[Substitution]:
    """1↔1 word substitutions between two token sequences, inside identical contexts.

    A substitution counts only when at least ``context`` identical tokens stand right before
    and right after it in both sequences. With ``context`` 1, a substitution at an edge of
    both sequences also counts when two identical tokens stand on its other side.
    """
    if matcher is None:
        matcher = SequenceMatcher(None, a, b, autojunk=False)
    ops = matcher.get_opcodes()
    out: list[Substitution] = []
    for k, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag != "replace" or i2 - i1 != 1 or j2 - j1 != 1 or a[i1] == b[j1]:
            continue
        left = _equal_run(ops, k - 1)
        right = _equal_run(ops, k + 1)
        ok = left >= context and right >= context
        if not ok and context == 1:
            at_start = i1 == 0 and j1 == 0
            at_end = i2 == len(a) and j2 == len(b)
            ok = (at_start and right >= 2) or (at_end and left >= 2)
        if ok:
            ctx = (tuple(a[max(0, i1 - 2) : i1]), tuple(a[i2 : i2 + 2]))
            out.append(Substitution(a[i1], b[j1], ctx, min(left, right)))
    return out


def _equal_run(ops: list[tuple[str, int, int, int, int]], k: int) -> int:
    if 0 <= k < len(ops) and ops[k][0] == "equal":
        return ops[k][2] - ops[k][1]
    return 0


def set_substitution(a: Sequence[str], b: Sequence[str], ignore: frozenset[str]) -> Pair | None:
    """The one content word each side has that the other lacks, when that is all that differs.

    Headline paraphrases often reorder words (اقتنصت المخابرات التركية ... / الاستخبارات
    التركية تقتنص ...); with everything else shared, the lone leftovers are substitutes.
    At least two shared content words are required.
    """
    sa = {w for w in a if w not in ignore}
    sb = {w for w in b if w not in ignore}
    only_a, only_b = sa - sb, sb - sa
    if len(only_a) == 1 and len(only_b) == 1 and len(sa & sb) >= 2:
        return next(iter(only_a)), next(iter(only_b))
    return None


def unordered(a: str, b: str) -> Pair:
    return (a, b) if a <= b else (b, a)


# --- word classes that are never synonyms ------------------------------------------------------

# Function words the shared stopword list leaves out, deictic time words and number words:
# editors swap them freely (امس → اليوم, ثلاثه → اربعه) without the words meaning the same.
_EXTRA_FUNCTION = """
ان انه انها انهم اننا لان لانه لم لن لا ليس ليست لست ما لما مما عما كلا كلتا ولا فلا
قد وقد فقد سوف تم يتم وتم جري يجري اجل الي الى حين حينما بينما عندما كذلك هكذا كما مثل
اكثر اقل اكبر اصغر اول اخر جميع كافه سائر نفس ذات عده عدد بعدما قبيل اثناء جراء نتيجه
امس اليوم غدا الان حاليا مساء صباح ليله ظهر عصر فجر اسبوع
عام سنه شهر ساعه دقيقه لحظه
صفر واحد واحده اثنان اثنين اثنتين ثلاث ثلاثه اربع اربعه خمس خمسه ست سته سبع سبعه ثمان
ثماني ثمانيه تسع تسعه عشر عشره عشرين ثلاثين اربعين خمسين ستين سبعين ثمانين تسعين مئه مائه
مئات الف الاف الفين مليون ملايين مليار مليارات نصف ربع ثلث
كجم كغم كلغ كيلو كيلوجرام كيلوجراما كيلوغرام كيلوغراما كلم كيلومتر كيلومترا كيلومترات متر مترا
امتار سم ملم طن طنا اطنان لتر ليتر جرام جراما غرام غراما ميجاوات ميجاواط هكتار دونم
اول ثاني ثالث رابع خامس سادس سابع ثامن تاسع عاشر اولي ثانيه ثالثه رابعه خامسه
سبت احد اثنين ثلاثاء اربعاء خميس جمعه
هو هي هم هن انت انتم نحن انا هذا هذه هؤلاء اولئك الذي التي الذين اللواتي
"""


def function_words() -> frozenset[str]:
    words = set(stopwords())
    words.update(w for w in _EXTRA_FUNCTION.split())
    words.update(strip_clitics(w) for w in list(words))
    for name in month_names():
        words.add(strip_clitics(norm(name)))
    return frozenset(words)


def is_content_word(word: str, function: frozenset[str]) -> bool:
    if len(word) < 3 or not _AR_WORD.match(word) or word in function:
        return False
    # short words keep their proclitic (بما، لمن): judge what follows it
    return not (len(word) <= 4 and word[0] in "وفبلك" and word[1:] in function)


# Inflectional prefixes and suffixes of a normalised stem (after clitics are gone).
_PREFIXES = ("", "ي", "ت", "ن", "ا", "س", "سي", "ست", "سن", "سا", "م")
_SUFFIXES = (
    "", "ه", "ي", "ا", "ت", "ن", "ان", "ين", "ون", "ات", "وا", "تم", "تا", "نا", "ها", "هم",
    "هما", "هن", "كم", "يه", "يين", "يون", "يات", "تان", "تين", "اء",
)  # fmt: skip


def _cores(word: str) -> set[str]:
    cores = set()
    for p in _PREFIXES:
        if not word.startswith(p):
            continue
        for s in _SUFFIXES:
            if s and not word.endswith(s):
                continue
            core = word[len(p) : len(word) - len(s)]
            if len(core) >= 3:
                cores.add(core)
                if core[-1] in "تهة" and len(core) >= 4:
                    cores.add(core[:-1])  # ta marbuta, open before a suffix: زيارته / زياره
    return cores


def inflectional_variants(a: str, b: str) -> bool:
    """True when a and b differ only by inflectional affixes (يستهدف / ستستهدف, وزير / وزيره)."""
    if min(len(a), len(b)) >= 3 and (a in b or b in a):
        return True
    return bool(_cores(a) & _cores(b))


# --- sources ----------------------------------------------------------------------------------


def read_ans(path: Path) -> Iterator[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            yield row["s1"], row["s2"], row["stance"]


def mine_ans(
    rows: Iterable[tuple[str, str, str]], stemmer: Stemmer, function: frozenset[str]
) -> tuple[Counter, set[Pair]]:
    """(substitutions in ``agree`` pairs with their counts, lone swaps in ``disagree`` pairs)."""
    agree: Counter = Counter()
    contrast: set[Pair] = set()
    for s1, s2, stance in rows:
        a, b = stemmer.stems(s1), stemmer.stems(s2)
        single = set_substitution(a, b, function)
        if stance == "agree":
            found = {unordered(s.a, s.b) for s in substitutions(a, b, context=1)}
            if single:
                found.add(unordered(*single))
            agree.update(found)
        elif stance == "disagree" and single:
            # the one word swapped is what makes the headline false (ارتفاع / انخفاض); a swap
            # beside other edits (an added negation) is often a mere paraphrase
            contrast.add(unordered(*single))
    return agree, contrast


@dataclass
class Corpus:
    """Unique sentences of a news corpus, as stem-id arrays, with the documents they occur in."""

    vocab: dict[str, int]
    words: list[str]
    sentences: list[np.ndarray]
    docs: list[list[int]]  # sentence -> documents it occurs in
    doc_source: list[str]
    doc_day: list[int]  # date ordinal, or -1 when unknown
    counts: np.ndarray  # corpus frequency of each word id
    stream: np.ndarray  # all sentences' word ids in order, -1 between sentences (for vectors)


def read_articles(path: Path, limit: int | None = None) -> Iterator[dict]:
    with lzma.open(path, "rt", encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)


def _day(value: str) -> int:
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except (TypeError, ValueError):
        return -1


def build_corpus(
    articles: Iterable[dict], stemmer: Stemmer, min_len: int = 5, max_len: int = 80
) -> Corpus:
    """Titles and sentences (cut at . ! ? ؟ ؛ and line breaks) as stem ids; exact repeats
    across documents are kept once, with the documents that carry them."""
    vocab: dict[str, int] = {}
    words: list[str] = []
    index: dict[tuple[int, ...], int] = {}
    sentences: list[np.ndarray] = []
    docs: list[list[int]] = []
    doc_source: list[str] = []
    doc_day: list[int] = []
    stream: list[int] = []
    for d, art in enumerate(articles):
        doc_source.append(art.get("source") or "")
        doc_day.append(_day(art.get("published") or ""))
        seen: set[int] = set()
        for part in [art.get("title") or "", *_SENTENCE_BREAK.split(art.get("text") or "")]:
            stems = stemmer.stems(part, count=True)
            if not stems:
                continue
            ids = []
            for w in stems:
                i = vocab.get(w)
                if i is None:
                    i = vocab[w] = len(words)
                    words.append(w)
                ids.append(i)
            stream.extend(ids)
            stream.append(-1)
            if not (min_len <= len(ids) <= max_len):
                continue
            key = tuple(ids)
            s = index.get(key)
            if s is None:
                s = index[key] = len(sentences)
                sentences.append(np.array(ids, dtype=np.int64))
                docs.append([])
            if s not in seen:
                seen.add(s)
                docs[s].append(d)
    arr = np.array(stream, dtype=np.int64)
    counts = np.bincount(arr[arr >= 0], minlength=len(words))
    return Corpus(vocab, words, sentences, docs, doc_source, doc_day, counts, arr)


def candidate_pairs(
    corpus: Corpus, n: int = 3, max_postings: int = 30, min_shared: int = 2
) -> list[tuple[int, int]]:
    """Pairs of distinct sentences sharing word n-grams that are rare in the corpus.

    An inverted index on hashed n-grams, in numpy: an n-gram in more than ``max_postings``
    sentences is boilerplate and is ignored; a pair needs ``min_shared`` shared n-grams.
    """
    lengths = np.array([len(s) for s in corpus.sentences], dtype=np.int64)
    ids = np.concatenate(corpus.sentences)
    sid = np.repeat(np.arange(len(lengths)), lengths)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    pos = np.arange(len(ids)) - np.repeat(starts, lengths)
    valid = pos <= np.repeat(lengths, lengths) - n
    h = np.zeros(len(ids), dtype=np.uint64)
    mult = np.uint64(1_000_003)
    with np.errstate(over="ignore"):
        for k in range(n):
            shifted = np.zeros(len(ids), dtype=np.uint64)
            shifted[: len(ids) - k] = ids[k:].astype(np.uint64) + np.uint64(1)
            h = h * mult + shifted
    h, sid = h[valid], sid[valid]
    order = np.lexsort((sid, h))
    h, sid = h[order], sid[order]
    keep = np.ones(len(h), dtype=bool)
    keep[1:] = (h[1:] != h[:-1]) | (sid[1:] != sid[:-1])  # one n-gram counted once a sentence
    h, sid = h[keep], sid[keep]
    bounds = np.flatnonzero(np.concatenate([[True], h[1:] != h[:-1], [True]]))
    group_start, group_size = bounds[:-1], np.diff(bounds)
    keys: list[np.ndarray] = []
    total = len(lengths)
    for size in range(2, max_postings + 1):
        g = group_start[group_size == size]
        if not len(g):
            continue
        for i in range(size):
            for j in range(i + 1, size):
                x, y = sid[g + i], sid[g + j]
                keys.append(np.minimum(x, y) * total + np.maximum(x, y))
    if not keys:
        return []
    uniq, shared = np.unique(np.concatenate(keys), return_counts=True)
    uniq = uniq[shared >= min_shared]
    return [(int(k // total), int(k % total)) for k in uniq]


@dataclass(frozen=True)
class Occurrence:
    """One 1↔1 substitution seen between two near-duplicate corpus sentences."""

    pair: Pair
    context: tuple[tuple[str, ...], tuple[str, ...]]
    run: int  # identical tokens on the shorter side of the substitution
    ratio: float  # similarity of the two sentences (difflib ratio)
    same_numbers: bool  # both sentences carry the same numbers (a copy, not a template)
    cross_outlet: bool
    days: int  # smallest date difference between documents carrying the two (-1 unknown)
    day: int  # the story's first day (date ordinal, -1 unknown): copies of one story share it


def _link(corpus: Corpus, s: int, t: int) -> tuple[bool, int, int] | None:
    """(different outlets?, smallest day gap, first day) over documents carrying s and t."""
    best: tuple[bool, int] | None = None
    for d in corpus.docs[s]:
        for e in corpus.docs[t]:
            if d == e:
                continue
            a, b = corpus.doc_day[d], corpus.doc_day[e]
            gap = abs(a - b) if a >= 0 and b >= 0 else -1
            cand = (corpus.doc_source[d] != corpus.doc_source[e], gap)
            if best is None or (cand[0], -abs(cand[1])) > (best[0], -abs(best[1])):
                best = cand
    if best is None:
        return None
    days = [corpus.doc_day[d] for d in (*corpus.docs[s], *corpus.docs[t]) if corpus.doc_day[d] >= 0]
    return best[0], best[1], min(days, default=-1)


_DIGITS = re.compile(r"\d")


def mine_corpus(
    corpus: Corpus, pairs: Iterable[tuple[int, int]], min_ratio: float = 0.3, context: int = 1
) -> list[Occurrence]:
    """Every 1↔1 substitution between candidate sentence pairs (filtered later)."""
    out: list[Occurrence] = []
    words = corpus.words
    for s, t in pairs:
        link = _link(corpus, s, t)
        if link is None:
            continue
        a = [words[i] for i in corpus.sentences[s]]
        b = [words[i] for i in corpus.sentences[t]]
        matcher = SequenceMatcher(None, a, b, autojunk=False)
        if matcher.real_quick_ratio() < min_ratio or matcher.quick_ratio() < min_ratio:
            continue
        ratio = matcher.ratio()
        if ratio < min_ratio:
            continue
        subs = substitutions(a, b, context=context, matcher=matcher)
        if not subs:
            continue
        same_numbers = sorted(w for w in a if _DIGITS.search(w)) == sorted(
            w for w in b if _DIGITS.search(w)
        )
        for sub in subs:
            out.append(
                Occurrence(
                    unordered(sub.a, sub.b), sub.context, sub.run, ratio, same_numbers, *link
                )
            )
    return out


# --- distributional similarity ----------------------------------------------------------------


def word_vectors(
    corpus: Corpus, min_count: int = 5, window: int = 2, dim: int = 200, seed: int = 0
) -> tuple[dict[str, int], np.ndarray]:
    """Unit-length PPMI-SVD vectors of the words seen ``min_count`` times (window ±``window``)."""
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    keep = np.flatnonzero(corpus.counts >= min_count)
    remap = np.full(len(corpus.words) + 1, -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    stream = corpus.stream
    ids = np.where(stream >= 0, remap[stream], -1)
    # -1 both marks sentence ends and rare words: a window never crosses either
    size = len(keep)
    matrix = sparse.csr_matrix((size, size), dtype=np.float32)
    for d in range(1, window + 1):
        x, y = ids[:-d], ids[d:]
        ok = (x >= 0) & (y >= 0)
        x, y = x[ok], y[ok]
        weight = np.full(len(x), 1.0 / d, dtype=np.float32)
        part = sparse.coo_matrix((weight, (x, y)), shape=(size, size)).tocsr()
        matrix = matrix + part + part.T
    matrix = matrix.tocoo()
    row = np.asarray(matrix.sum(axis=1)).ravel()
    col = np.asarray(matrix.sum(axis=0)).ravel() ** 0.75
    col_total = col.sum()
    pmi = (
        np.log(matrix.data)
        + math.log(col_total)
        - np.log(row[matrix.row])
        - np.log(col[matrix.col])
    )
    positive = pmi > 0
    ppmi = sparse.csr_matrix(
        (pmi[positive], (matrix.row[positive], matrix.col[positive])), shape=(size, size)
    )
    u, s, _ = randomized_svd(ppmi, n_components=min(dim, size - 1), random_state=seed, n_iter=4)
    vectors = u * np.sqrt(s)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)
    index = {corpus.words[w]: i for i, w in enumerate(keep)}
    return index, vectors.astype(np.float32)


# --- names ------------------------------------------------------------------------------------


def _data_lines(package: str, name: str) -> list[str]:
    try:
        text = files(package).joinpath("data", name).read_text(encoding="utf-8")
    except (FileNotFoundError, ModuleNotFoundError):
        return []
    return [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def name_lexicon(gazetteers: Path | None = None) -> frozenset[str]:
    """Single-word person-name parts and place names, as stems.

    From the entity tagger's filtered lists (ANERGazet, given names, CLDR and regional
    places) less its list of everyday words, plus the raw ANERGazet person list when given.
    """
    common = {word_stem(w) for w in _data_lines("marsad.ner", "common_words.txt")}
    names: set[str] = set()
    for file in ("anergazet_pers.txt", "anergazet_loc.txt", "first_names.txt"):
        names.update(word_stem(w) for w in _data_lines("marsad.ner", file) if " " not in w)
    for file in ("places_cldr.tsv", "places_extra.tsv"):
        for line in _data_lines("marsad.ner", file):
            name = line.split("\t")[0].strip()
            if name and " " not in name:
                names.add(word_stem(name))
    if gazetteers is not None and (gazetteers / "pers.txt").exists():
        for line in (gazetteers / "pers.txt").read_text(encoding="utf-8").splitlines():
            if line.strip() and " " not in line.strip():
                names.add(word_stem(line.strip()))
    return frozenset(names - common)


def entity_rates(path: Path) -> dict[str, float]:
    """Share of each stem's occurrences inside a PERS/LOC/ORG span of a CoNLL file (ANERcorp)."""
    inside: Counter = Counter()
    total: Counter = Counter()
    with path.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) != 2:
                continue
            stem = word_stem(parts[0])
            total[stem] += 1
            if parts[1][2:] in ("PERS", "LOC", "ORG"):
                inside[stem] += 1
    return {w: inside[w] / n for w, n in total.items()}


def name_chain_rates(corpus: Corpus, min_count: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Per word id: share of occurrences next to بن/بنت/ابن/ابو, and right after a given name.

    Saudi news names people as chains (سلمان بن عبدالعزيز، سعد الضويلع): a given name sits
    beside بن, a family name follows a given name. Both mark a word as a name part.
    """
    stream = corpus.stream
    size = len(corpus.words)
    counts = np.maximum(corpus.counts, 1)
    marks = [corpus.vocab[w] for w in ("بن", "بنت", "ابن", "ابو") if w in corpus.vocab]
    is_mark = np.isin(stream, marks)
    beside = np.zeros(size)
    for ids in (stream[1:][is_mark[:-1]], stream[:-1][is_mark[1:]]):
        np.add.at(beside, ids[ids >= 0], 1)
    beside /= counts
    given = (beside >= 0.2) & (corpus.counts >= min_count)
    prev = stream[:-1]
    after_given = np.zeros(len(stream), dtype=bool)
    after_given[1:] = (prev >= 0) & given[np.maximum(prev, 0)]
    following = np.zeros(size)
    ids = stream[after_given]
    np.add.at(following, ids[ids >= 0], 1)
    return beside, following / counts


def name_probabilities(
    index: dict[str, int], vectors: np.ndarray, rates: dict[str, float]
) -> np.ndarray:
    """P(name) of every vector word: logistic regression on its vector, taught by ANERcorp."""
    from sklearn.linear_model import LogisticRegression

    rows, labels = [], []
    for w, r in rates.items():
        if w in index and (r >= 0.7 or r <= 0.3):
            rows.append(index[w])
            labels.append(int(r >= 0.7))
    if len(set(labels)) < 2:
        return np.zeros(len(vectors))
    clf = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")
    clf.fit(vectors[rows], np.array(labels))
    return clf.predict_proba(vectors)[:, 1]


# --- selection --------------------------------------------------------------------------------


@dataclass
class Candidate:
    pair: Pair
    strict: int  # distinct contexts in close copies (same numbers, ratio, two words each side)
    loose: int  # further distinct contexts in looser copies (one word each side)
    ans: int  # ANS agree pairs
    stories: int  # independent occurrences: close-copy stories (by first day) plus ANS pairs
    cosine: float
    kind: str = "synonym"  # or "spelling"
    score: float = 0.0
    reason: str = ""  # why it was rejected ("" when kept)

    @property
    def weight(self) -> float:
        return self.strict + self.ans + 0.5 * self.loose


_SKELETON = str.maketrans({"غ": "ج", "ق": "ج", "ك": "ج", "ط": "ت", "ث": "س", "ذ": "ز", "ظ": "ض"})


def skeleton(word: str) -> str:
    """Consonants only, with letters that transliterate one sound merged (جوجل / غوغل)."""
    return "".join(c for c in word.translate(_SKELETON) if c not in "اويءئؤىه")


def spelling_variants(a: str, b: str) -> bool:
    return skeleton(a) == skeleton(b) and len(skeleton(a)) >= 2


@dataclass
class Settings:
    strict_ratio: float = 0.5
    loose_ratio: float = 0.35
    max_days: int = 3
    min_evidence: int = 2  # close-copy contexts plus ANS pairs: loose copies alone mislead
    min_stories: int = 2
    min_cosine: float = 0.3
    min_count: int = 10  # corpus occurrences of each word (rarer words get no vector)
    name_probability: float = 0.5
    name_definite: float = 0.1
    name_chain: float = 0.2


def aggregate(
    occurrences: Iterable[Occurrence], settings: Settings
) -> tuple[dict[Pair, set], dict[Pair, set], dict[Pair, set]]:
    """(close-copy contexts, further loose-copy contexts, close-copy stories) of each pair.

    Only close copies (two identical words each side, similar sentences) count as support;
    loose copies (one word each side) add to the score only: alone they admit too many
    template swaps (مغادرته / وصوله، امن / طوارئ).
    """
    strict: dict[Pair, set] = defaultdict(set)
    loose: dict[Pair, set] = defaultdict(set)
    stories: dict[Pair, set] = defaultdict(set)
    for o in occurrences:
        # a copy: other outlet, nearby day, same numbers, context on both sides (a sentence-
        # initial swap is mostly a template's verb: ارتفع / تراجع مؤشر ...)
        if not (o.same_numbers and o.cross_outlet and o.days <= settings.max_days and o.run):
            continue
        if o.run >= 2 and o.ratio >= settings.strict_ratio:
            strict[o.pair].add(o.context)
            stories[o.pair].add(o.day)
        elif o.ratio >= settings.loose_ratio:
            loose[o.pair].add(o.context)
    for pair, ctx in loose.items():
        ctx -= strict.get(pair, set())
    return strict, loose, stories


def select(
    strict: dict[Pair, set],
    loose: dict[Pair, set],
    stories: dict[Pair, set],
    agree: Counter,
    contrast: set[Pair],
    cosine,
    is_name,
    function: frozenset[str],
    settings: Settings,
) -> list[Candidate]:
    """Every candidate with enough evidence, kept (reason "") or with the reason it was dropped."""
    pairs = set(strict) | set(loose) | set(agree)
    out = []
    contrast_list = list(contrast)
    for pair in sorted(pairs):
        a, b = pair
        n_ans = agree.get(pair, 0)
        cand = Candidate(
            pair,
            strict=len(strict.get(pair, ())),
            loose=len(loose.get(pair, ())),
            ans=n_ans,
            stories=len(stories.get(pair, ())) + n_ans,
            cosine=0.0,
        )
        if cand.strict + cand.ans < settings.min_evidence or cand.stories < settings.min_stories:
            continue
        cand.cosine = cosine(a, b)
        if not (is_content_word(a, function) and is_content_word(b, function)):
            cand.reason = "function word or number"
        elif inflectional_variants(a, b):
            cand.reason = "inflection"
        elif is_name(a) or is_name(b):
            cand.reason = "name"
        elif _contrasting(pair, contrast_list):
            cand.reason = "contrast"
        elif cand.cosine < settings.min_cosine:
            cand.reason = "dissimilar"  # or a word too rare to have a vector
        if spelling_variants(a, b):
            cand.kind = "spelling"
        cand.score = round(max(cand.cosine, 0.0) * cand.weight / (cand.weight + 1.0), 3)
        out.append(cand)
    _propagate_contrast(out, contrast_list)
    return out


def _propagate_contrast(cands: list[Candidate], contrast: list[Pair]) -> None:
    """Drop x/y when x is a learned synonym of one side of a contrast and y of the other.

    زاد ~ ارتفع and انخفض ~ انخفاض, with ارتفاع / انخفاض contrasting in ANS, make زاد / انخفض
    a contrast too, though no headline swapped exactly those two.
    """
    kept = [c for c in cands if not c.reason]
    near: dict[str, set[str]] = defaultdict(set)
    for c in kept:
        if c.strict + c.ans >= 2:
            a, b = c.pair
            near[a].add(b)
            near[b].add(a)

    def side(word: str, pole: str) -> bool:
        return _same_family(word, pole) or any(_same_family(n, pole) for n in near.get(word, ()))

    for c in kept:
        a, b = c.pair
        for x, y in contrast:
            if (side(a, x) and side(b, y)) or (side(a, y) and side(b, x)):
                c.reason = "contrast (through a synonym)"
                break


def _contrasting(pair: Pair, contrast: list[Pair]) -> bool:
    """The pair, or an inflection of it, swapped for its opposite in an ANS disagree pair."""
    a, b = pair
    for c, d in contrast:
        if (_same_family(a, c) and _same_family(b, d)) or (
            _same_family(a, d) and _same_family(b, c)
        ):
            return True
    return False


def _same_family(a: str, b: str) -> bool:
    return a == b or inflectional_variants(a, b) or (len(a) >= 4 and skeleton(a) == skeleton(b))


# --- the command ------------------------------------------------------------------------------


def datasets_dir() -> Path:
    env = os.environ.get("MARSAD_DATASETS")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[4] / "shared" / "datasets"


@dataclass
class Mined:
    """Everything the selection needs, gathered once (the slow part)."""

    agree: Counter
    contrast: set[Pair]
    occurrences: list[Occurrence]
    index: dict[str, int]  # word -> row of ``vectors``
    vectors: np.ndarray
    names: frozenset[str]  # words taken for names


def gather(datasets: Path, settings: Settings, limit: int | None = None, log=print) -> Mined:
    started = time.monotonic()

    def step(msg: str) -> None:
        log(f"[{time.monotonic() - started:6.1f}s] {msg}")

    stemmer = Stemmer()
    function = function_words()
    ans = read_ans(datasets / "ans" / "stance" / "train.csv")
    agree, contrast = mine_ans(ans, stemmer, function)
    step(f"ANS train: {sum(agree.values())} agree substitutions, {len(contrast)} contrasting")
    articles = read_articles(datasets / "saudinewsnet" / "articles.jsonl.xz", limit)
    corpus = build_corpus(articles, stemmer, min_len=5)
    step(f"corpus: {len(corpus.doc_day)} articles, {len(corpus.sentences)} distinct sentences")
    pairs = candidate_pairs(corpus, n=3, min_shared=2, max_postings=30)
    step(f"{len(pairs)} candidate sentence pairs")
    occurrences = mine_corpus(corpus, pairs, min_ratio=settings.loose_ratio, context=1)
    step(f"{len(occurrences)} substitutions")
    index, vectors = word_vectors(corpus, min_count=settings.min_count)
    step(f"vectors for {len(index)} words")

    # names: lexicons, ANERcorp train tags, name chains, and a vector classifier for the rest
    rates = entity_rates(datasets / "anercorp" / "train.txt")
    p_name = name_probabilities(index, vectors, rates)
    lexicon = name_lexicon(datasets / "anercorp" / "gazetteers")
    beside, following = name_chain_rates(corpus)
    words = {w for o in occurrences for w in o.pair} | {w for p in agree for w in p}
    names = set()
    for w in words:
        k = corpus.vocab.get(w)
        i = index.get(w)
        definite = stemmer.definite[w] / max(stemmer.seen[w], 1)
        if (
            w in lexicon
            or rates.get(w, 0.0) >= 0.7
            or (k is not None and max(beside[k], following[k]) >= settings.name_chain)
            or (
                i is not None
                and p_name[i] >= settings.name_probability
                and definite < settings.name_definite
            )
        ):
            names.add(w)
    step(f"{len(names)} of {len(words)} substituted words taken for names")
    return Mined(agree, contrast, occurrences, index, vectors, frozenset(names))


def choose(mined: Mined, settings: Settings) -> list[Candidate]:
    index, vectors = mined.index, mined.vectors

    def cosine(a: str, b: str) -> float:
        i, j = index.get(a), index.get(b)
        return -1.0 if i is None or j is None else float(vectors[i] @ vectors[j])

    strict, loose, stories = aggregate(mined.occurrences, settings)
    return select(
        strict,
        loose,
        stories,
        mined.agree,
        mined.contrast,
        cosine,
        mined.names.__contains__,
        function_words(),
        settings,
    )


def learn(
    datasets: Path, settings: Settings, limit: int | None = None, log=print
) -> list[Candidate]:
    found = choose(gather(datasets, settings, limit, log), settings)
    log(f"{len(found)} pairs with enough evidence, {sum(not c.reason for c in found)} kept")
    return found


def write_tsv(candidates: Iterable[Candidate], path: Path) -> int:
    kept = sorted((c for c in candidates if not c.reason), key=lambda c: (-c.score, c.pair))
    lines = [
        "# Near-synonyms learned by marsad.compare.synonyms_learn from ANS train paraphrases and",
        "# near-duplicate SaudiNewsNet copies (normalised, clitic-stripped stems; unordered pairs).",
        "# word_a <TAB> word_b <TAB> score <TAB> support (independent stories and ANS pairs) <TAB> kind",
        "# kind: synonym, or spelling (one word spelt two ways: اميركي / امريكي، صحافي / صحفي)",
    ]
    lines += [f"{c.pair[0]}\t{c.pair[1]}\t{c.score:.3f}\t{c.stories}\t{c.kind}" for c in kept]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(kept)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="TSV file to write")
    parser.add_argument("--datasets", type=Path, default=None, help="../shared/datasets")
    parser.add_argument("--limit", type=int, default=None, help="read only N articles")
    parser.add_argument("--rejected", type=Path, default=None, help="also write rejected pairs")
    args = parser.parse_args(argv)
    datasets = args.datasets or datasets_dir()
    found = learn(datasets, Settings(), args.limit, log=lambda m: print(m, file=sys.stderr))
    n = write_tsv(found, args.out)
    if args.rejected:
        rows = [c for c in found if c.reason]
        args.rejected.write_text(
            "".join(
                f"{c.pair[0]}\t{c.pair[1]}\t{c.cosine:.2f}\t{c.stories}\t{c.reason}\n" for c in rows
            ),
            encoding="utf-8",
        )
    print(f"wrote {n} pairs to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
