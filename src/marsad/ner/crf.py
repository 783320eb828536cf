"""A CRF named-entity tagger for Arabic news: features, decoder and the tagger class.

Features of a token: its normalised form, clitic-free stem, prefixes and suffixes, shape,
distributional word clusters (see ``clusters.py``), gazetteer and cue-word flags, the same
(reduced) for the words two either side, and multi-word gazetteer matches over the sentence.
Two CRFs are stacked: the second also sees the first's labels of the token, its neighbours
and the same word elsewhere in the document.

Training goes through CRFsuite (``train.py``); tagging does not: the weights are stored as
arrays and decoded here with numpy (Viterbi and forward-backward, a document's sentences in
one batch), and the weights of each word's own and context features are summed once and
memoised, so a word seen before costs a few array additions.

A trained model is one zip file: the weights, the clusters, the gazetteers (ANERGazet and the
entity names seen in training) and a small JSON header. The package ships one trained on
ANERcorp; ``CrfTagger()`` loads it lazily, once.
"""

from __future__ import annotations

import bisect
import io
import json
import re
import threading
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from marsad.model import Mention, Sentence, Token
from marsad.ner.base import mention_norm
from marsad.text.normalise import norm, normalise
from marsad.text.segment import split_sentences, strip_clitics

if TYPE_CHECKING:
    from marsad.ner.ensemble import EnsembleDecoder

MODEL_NAME = "anercorp-crf.zip"
FEATURE_VERSION = 1
TYPE_MAP = {"PERS": "PER", "LOC": "LOC", "ORG": "ORG", "MISC": "MISC"}

_DIGIT = re.compile(r"[0-9]")
_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]")
_LATIN = re.compile(r"[A-Za-z]")
_HAS_WORD = re.compile(r"\w")
_PUNCT_RUN = re.compile(r"(\S)\1*")

# Cue words (normalised, clitic-free stems) and their class: the CRF learns weights for the
# frequent ones from their identity; the class lets rarer cues share that evidence.
_CUES: dict[str, tuple[str, ...]] = {
    "T": (  # titles and roles that precede a person's name
        "رييس رييسه وزير وزيره ملك ملكه امير اميره شيخ سيد سيده دكتور استاذ مستشار نايب "
        "زعيم قايد مدير سفير متحدث ناطق مبعوث مندوب عاهل سلطان امين منسق مساعد المدرب مدرب "
        "لاعب اللاعب مهاجم حارس نجم مخرج فنان كاتب شاعر مطرب مغني روايي صحفي مراسل محامي "
        "قاضي نجل ابن شقيق زوج زوجه ارمله البابا بابا الجنرال جنرال عقيد عميد لواء رايد "
        "مقدم نقيب ملازم رقيب اللواء العقيد المشير مشير حاخام الامام امام مفتي اية"
    ).split(),
    "S": (  # verbs of saying, which often follow a person (VSO order: قال الرئيس ...)
        "قال قالت اكد اكدت اعلن اعلنت اضاف اضافت صرح صرحت اوضح اوضحت ذكر ذكرت اشار "
        "اشارت افاد افادت تابع تابعت اعتبر اعتبرت راي رات نفي نفت طالب طالبت دعا دعت"
    ).split(),
    "L": (  # place-type heads that precede a location name
        "مدينه بلده قريه عاصمه محافظه ولايه اقليم منطقه اماره جزيره جزر بحر نهر جبل "
        "جمهوريه مملكه دوله بلاد مخيم ميناء مطار شارع حي ضاحيه مقاطعه شمال جنوب شرق غرب "
        "وسط قضاء ناحيه سواحل ساحل خليج"
    ).split(),
    "O": (  # organisation heads
        "شركه وزاره منظمه حزب جامعه وكاله مجلس بنك مصرف اتحاد حركه جبهه جمعيه هييه "
        "مؤسسه موسسه مركز معهد نادي فريق منتخب صحيفه جريده مجله قناه اذاعه محكمه لجنه "
        "مكتب جيش قوات صندوق برنامج مجموعه تحالف رابطه نقابه اداره"
    ).split(),
    "M": (  # heads of events, products and other MISC names
        "بطوله كاس دوري مهرجان مؤتمر موتمر معرض جايزه اولمبياد مسابقه دوره"
    ).split(),
}
_PUNCT_KINDS = {
    ".": "dot",
    ",": "comma",
    '"': "quote",
    "(": "lpar",
    ")": "rpar",
    ":": "colon",
    "-": "dash",
    "/": "slash",
}


def word_key(word: str) -> str:
    """Normalised form with digits folded to 0: the key for clusters and word identity."""
    return _DIGIT.sub("0", norm(word))


def light_stem(key: str) -> str:
    """Clitic-free stem of a key; the gazetteers and cue lists are matched on stems."""
    return strip_clitics(key)


def _shape(word: str) -> str:
    if not _HAS_WORD.search(word):
        return _PUNCT_KINDS.get(norm(word)[:1], "punct")
    ar, lat, dig = bool(_ARABIC.search(word)), bool(_LATIN.search(word)), word.isdigit()
    if dig:
        return "digit"
    if any(ch.isdigit() for ch in word):
        return "alnum"
    if lat and not ar:
        if word.isupper():
            return "LAT"
        return "Lat" if word[:1].isupper() else "lat"
    return "ar" if ar and not lat else "mix"


# -- resources ---------------------------------------------------------------------------


@dataclass
class Resources:
    """Everything the features look up besides the word itself."""

    clusters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # multi-word names: tuple of stems -> type; the ANERGazet lists and the training names
    gazetteer: dict[tuple[str, ...], str] = field(default_factory=dict)
    lexicon: dict[tuple[str, ...], str] = field(default_factory=dict)
    # single-word name parts (ANERGazet person names) by stem
    name_parts: dict[str, str] = field(default_factory=dict)

    def cue(self, stem: str) -> str | None:
        return _CUE_INDEX.get(stem)


_CUE_INDEX: dict[str, str] = {}
for _cls, _words in _CUES.items():
    for _w in _words:
        _key = word_key(_w)
        _CUE_INDEX.setdefault(light_stem(_key), _cls)
        _CUE_INDEX.setdefault(_key, _cls)


def name_key(name: str) -> tuple[str, ...]:
    """A multi-word name as the tuple of its word stems."""
    return tuple(light_stem(word_key(w)) for w in name.split())


def read_anergazet(folder: Path) -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    """ANERGazet lists (loc.txt, org.txt, pers.txt) -> (multi-word gazetteer, name parts)."""
    gaz: dict[tuple[str, ...], str] = {}
    parts: dict[str, str] = {}
    for fname, typ in (("loc.txt", "LOC"), ("org.txt", "ORG"), ("pers.txt", "PERS")):
        path = folder / fname
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            if not _HAS_WORD.search(line) or "=" in line:
                continue
            key = name_key(line)
            if not key:
                continue
            if typ == "PERS" and len(key) == 1:
                parts.setdefault(key[0], typ)
            else:
                gaz.setdefault(key, typ)
    return gaz, parts


def build_lexicon(
    sents: Iterable[tuple[Sequence[str], Sequence[str]]], min_share: float = 0.5
) -> dict[tuple[str, ...], str]:
    """Names tagged in training data -> their majority type (when it holds ``min_share``).

    Only the entity occurrences are counted, so this says "when this string is a name, it is
    usually a TYPE"; whether it is a name here is left to the other features.
    """
    from marsad.eval.conll import spans

    counts: dict[tuple[str, ...], dict[str, int]] = {}
    for toks, tags in sents:
        for typ, s, e in spans(tags):
            key = tuple(light_stem(word_key(t)) for t in toks[s:e])
            by_type = counts.setdefault(key, {})
            by_type[typ] = by_type.get(typ, 0) + 1
    out: dict[tuple[str, ...], str] = {}
    for key, by_type in counts.items():
        typ, n = max(by_type.items(), key=lambda kv: kv[1])
        if n / sum(by_type.values()) >= min_share:
            out[key] = typ
    return out


def _phrase_index(
    phrases: dict[tuple[str, ...], str],
) -> dict[str, list[int]]:
    """First word -> lengths of the phrases starting with it, longest first."""
    index: dict[str, set[int]] = {}
    for key in phrases:
        index.setdefault(key[0], set()).add(len(key))
    return {w: sorted(ls, reverse=True) for w, ls in index.items()}


def _match(
    stems: Sequence[str],
    phrases: dict[tuple[str, ...], str],
    index: dict[str, list[int]],
    out: list[list[str]],
    prefix: str,
) -> None:
    """Longest-first phrase matches: add ``prefix``B-TYPE / I-TYPE features at i-1, i, i+1."""
    n = len(stems)
    i = 0
    while i < n:
        lengths = index.get(stems[i])
        matched = 0
        if lengths:
            for length in lengths:
                if i + length <= n:
                    typ = phrases.get(tuple(stems[i : i + length]))
                    if typ is not None:
                        matched = length
                        break
        if not matched:
            i += 1
            continue
        for j in range(i, i + matched):
            tag = ("B-" if j == i else "I-") + typ
            out[j].append(prefix + tag)
            if j - 1 >= 0:
                out[j - 1].append(prefix + "+1" + tag)
            if j + 1 < n:
                out[j + 1].append(prefix + "-1" + tag)
        if matched > 1:
            for j in range(i, i + matched):
                out[j].append(prefix + "multi")
        i += matched


# -- features ----------------------------------------------------------------------------


class Featurizer:
    """Token features for a sentence of words; per-word parts memoised.

    A token's features are the sum of parts that depend on one word each (its own features,
    and what it contributes to the tokens one and two places either side) and a few that
    depend on the sentence (word bigrams, phrase matches, sentence ends). The decoder relies
    on that split to cache a word's weights instead of its feature strings.
    """

    def __init__(self, resources: Resources) -> None:
        self.res = resources
        self._cache: dict[str, tuple[list[str], ...]] = {}
        self._gaz_index = _phrase_index(resources.gazetteer)
        self._lex_index = _phrase_index(resources.lexicon)

    def set_lexicon(self, lexicon: dict[tuple[str, ...], str]) -> None:
        """Swap the training-names gazetteer (jackknife folds during training)."""
        self.res.lexicon = lexicon
        self._lex_index = _phrase_index(lexicon)

    def word_parts(self, word: str) -> tuple[list[str], ...]:
        """(own, as left neighbour, as right neighbour, as 2nd left, as 2nd right, [key],
        [stem]) feature strings of a word."""
        key = word_key(word)
        stem = light_stem(key)
        shape = _shape(word)
        cl = self.res.clusters.get(key)
        scl = self.res.clusters.get(stem) if stem != key else cl
        cue = _CUE_INDEX.get(stem) or _CUE_INDEX.get(key)
        part = self.res.name_parts.get(stem)
        own = ["b", "w=" + key, "s=" + stem, "k=" + shape, "l=" + str(min(len(key), 8))]
        if shape in ("ar", "mix"):
            for n in (1, 2, 3, 4):
                if len(key) > n:
                    own.append(f"p{n}={key[:n]}")
                    own.append(f"x{n}={key[-n:]}")
            for n in (1, 2, 3):
                if len(stem) > n + 1:
                    own.append(f"sx{n}={stem[-n:]}")
            if stem != key:
                own.append("cl=" + key[: len(key) - len(stem)])
        if cl is not None:
            own.extend(("c0=" + cl[0], "c1=" + cl[1], "c2=" + cl[2]))
        else:
            own.append("c=none")
        if scl is not None and stem != key:
            own.extend(("sc1=" + scl[1], "sc2=" + scl[2]))
        if cue:
            own.append("cue=" + cue)
        if part:
            own.append("np")
        ctx_cl = cl or scl
        near = ["w=" + key, "s=" + stem, "k=" + shape]
        if ctx_cl is not None:
            near.extend(("c1=" + ctx_cl[1], "c2=" + ctx_cl[2]))
        if cue:
            near.append("cue=" + cue)
        if part:
            near.append("np")
        far = ["w=" + key]
        if ctx_cl is not None:
            far.append("c1=" + ctx_cl[1])
        if cue:
            far.append("cue=" + cue)
        return (
            own,
            ["-1" + f for f in near],
            ["+1" + f for f in near],
            ["-2" + f for f in far],
            ["+2" + f for f in far],
            [key],
            [stem],
        )

    def _word(self, word: str) -> tuple[list[str], ...]:
        cached = self._cache.get(word)
        if cached is None:
            if len(self._cache) > 300_000:
                self._cache.clear()
            cached = self._cache[word] = self.word_parts(word)
        return cached

    def sentence_extras(self, keys: Sequence[str], stems: Sequence[str]) -> list[list[str]]:
        """The features that depend on more than one word."""
        n = len(keys)
        out: list[list[str]] = []
        for i in range(n):
            f = []
            if i:
                f.append("b-=" + keys[i - 1] + "|" + keys[i])
            else:
                f.append("BOS")
            if i + 1 < n:
                f.append("b+=" + keys[i] + "|" + keys[i + 1])
            else:
                f.append("EOS")
            out.append(f)
        _match(stems, self.res.gazetteer, self._gaz_index, out, "g")
        _match(stems, self.res.lexicon, self._lex_index, out, "t")
        return out

    def sentence(self, words: Sequence[str]) -> list[list[str]]:
        """All features of each token of a sentence."""
        parts = [self._word(w) for w in words]
        n = len(parts)
        out = self.sentence_extras([p[5][0] for p in parts], [p[6][0] for p in parts])
        for i in range(n):
            f = out[i]
            f += parts[i][0]
            if i >= 1:
                f += parts[i - 1][1]
                if i >= 2:
                    f += parts[i - 2][3]
            if i + 1 < n:
                f += parts[i + 1][2]
                if i + 2 < n:
                    f += parts[i + 2][4]
        return out

    def second_extras(
        self, stems: Sequence[Sequence[str]], labels: Sequence[Sequence[str]]
    ) -> list[list[list[str]]]:
        """Stacked features for a document's sentences: the first pass's labels of the token
        and its neighbours, how the same word was labelled elsewhere in the document, and
        matches of the names the first pass found anywhere in the document."""
        from marsad.eval.conll import spans

        votes: dict[str, dict[str, int]] = {}
        found: dict[tuple[str, ...], str] = {}
        for st, labs in zip(stems, labels, strict=True):
            for s, lab in zip(st, labs, strict=True):
                v = votes.setdefault(s, {})
                t = lab[2:] if lab != "O" else "O"
                v[t] = v.get(t, 0) + 1
            for typ, a, b in spans(labs):
                found.setdefault(tuple(st[a:b]), typ)
        index = _phrase_index(found)
        out: list[list[list[str]]] = []
        for st, labs in zip(stems, labels, strict=True):
            n = len(st)
            sent: list[list[str]] = []
            for i in range(n):
                lab = labs[i]
                f = [
                    "p=" + lab,
                    "p-1=" + (labs[i - 1] if i else "BOS"),
                    "p+1=" + (labs[i + 1] if i + 1 < n else "EOS"),
                ]
                own = lab[2:] if lab != "O" else "O"
                best, best_n, total = "", 0, 0
                for t, c in votes[st[i]].items():
                    if t == own:
                        c -= 1
                    total += c
                    if t != "O" and c > best_n:
                        best, best_n = t, c
                if best:
                    f.append("dv=" + best)
                    if best_n * 2 >= total:
                        f.append("dvm=" + best)
                elif total > 0:
                    f.append("dv=O")
                sent.append(f)
            _match(st, found, index, sent, "d")
            out.append(sent)
        return out

    def second_pass(
        self,
        doc: Sequence[Sequence[str]],
        base: Sequence[list[list[str]]],
        labels: Sequence[Sequence[str]],
    ) -> list[list[list[str]]]:
        """First-pass features plus the stacked ones (see ``second_extras``)."""
        stems = [[self._word(w)[6][0] for w in words] for words in doc]
        extras = self.second_extras(stems, labels)
        return [
            [[*f, *e] for f, e in zip(fs, es, strict=True)]
            for fs, es in zip(base, extras, strict=True)
        ]


# -- decoding ----------------------------------------------------------------------------


@dataclass
class Weights:
    """The weights of the CRF passes over one attribute index.

    ``state[a, p * L + y]`` is the weight of attribute ``a`` for label ``y`` in pass ``p``;
    the last row is all zeros and stands for unknown attributes. ``trans[p, y, y']`` is the
    weight of label ``y`` followed by ``y'``.
    """

    labels: list[str]
    attributes: list[str]
    state: np.ndarray
    trans: np.ndarray

    @classmethod
    def from_crfsuite(cls, model_files: Sequence[Path]) -> Weights:
        import pycrfsuite

        infos = []
        for path in model_files:
            tagger = pycrfsuite.Tagger()
            tagger.open(str(path))
            infos.append(tagger.info())
            tagger.close()
        labels = sorted({lab for info in infos for lab in info.labels})
        lab = {y: i for i, y in enumerate(labels)}
        n = len(labels)
        index: dict[str, int] = {}
        for info in infos:
            for attr, _ in info.state_features:
                index.setdefault(attr, len(index))
        state = np.zeros((len(index) + 1, n * len(infos)), dtype=np.float32)
        trans = np.zeros((len(infos), n, n), dtype=np.float64)
        for p, info in enumerate(infos):
            for (attr, y), w in info.state_features.items():
                state[index[attr], p * n + lab[y]] = w
            for (y0, y1), w in info.transitions.items():
                trans[p, lab[y0], lab[y1]] = w
        return cls(labels, list(index), state, trans)

    @property
    def passes(self) -> int:
        return self.trans.shape[0]

    def shift_outside(self, bias: float) -> None:
        """Add ``bias`` to the score of label O at every token, in every pass. A negative
        bias trades precision for recall (the CRF alone under-predicts names)."""
        if bias and "b" in self.attributes:
            row = self.attributes.index("b")
            n = len(self.labels)
            for p in range(self.passes):
                self.state[row, p * n + self.labels.index("O")] += bias


def viterbi(emissions: Sequence[np.ndarray], trans: np.ndarray) -> list[list[int]]:
    """Best label sequence of each sentence (emission scores (n, L)), all in one batch.

    Sentences are padded at the end; the padding's steps are computed and then ignored: the
    backtrace of each sentence starts from its own last token."""
    if not emissions:
        return []
    n = trans.shape[0]
    em, mask = _pad(emissions, n)
    batch, steps = mask.shape
    lengths = mask.sum(axis=1)
    rows = np.arange(batch)
    history = np.empty((batch, steps, n))
    back = np.empty((batch, steps, n), dtype=np.intp)
    score = history[:, 0] = em[:, 0]
    for i in range(1, steps):
        cand = score[:, :, None] + trans  # (batch, from, to)
        back[:, i] = cand.argmax(axis=1)
        score = history[:, i] = cand.max(axis=1) + em[:, i]
    back[~mask] = np.arange(n)  # past a sentence's end, carry its last label back unchanged
    path = np.empty((batch, steps), dtype=np.intp)
    path[:, -1] = history[rows, lengths - 1].argmax(axis=1)
    for i in range(steps - 1, 0, -1):
        path[:, i - 1] = back[rows, i, path[:, i]]
    return [path[b, :m].tolist() for b, m in enumerate(lengths)]


def _pad(emissions: Sequence[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    steps = max(len(e) for e in emissions)
    em = np.zeros((len(emissions), steps, n))
    mask = np.zeros((len(emissions), steps), dtype=bool)
    for b, e in enumerate(emissions):
        em[b, : len(e)] = e
        mask[b, : len(e)] = True
    return em, mask


def marginals(emissions: Sequence[np.ndarray], trans: np.ndarray) -> list[np.ndarray]:
    """Per-token label probabilities of each sentence (scaled forward-backward, batched)."""
    if not emissions:
        return []
    em, mask = _pad(emissions, trans.shape[0])
    steps = em.shape[1]
    em = np.exp(em - em.max(axis=2, keepdims=True))
    texp = np.exp(trans)
    alpha = np.empty_like(em)
    beta = np.ones_like(em)
    a = em[:, 0] / em[:, 0].sum(axis=1, keepdims=True)
    alpha[:, 0] = a
    for i in range(1, steps):
        new = (a @ texp) * em[:, i]
        new /= new.sum(axis=1, keepdims=True)
        a = np.where(mask[:, i, None], new, a)
        alpha[:, i] = a
    for i in range(steps - 2, -1, -1):
        new = (em[:, i + 1] * beta[:, i + 1]) @ texp.T
        new /= new.sum(axis=1, keepdims=True)
        beta[:, i] = np.where(mask[:, i + 1, None], new, 1.0)
    prob = alpha * beta
    prob /= prob.sum(axis=2, keepdims=True)
    return [prob[b, : len(e)] for b, e in enumerate(emissions)]


class Decoder:
    """Tags documents with a model's passes; a word's summed weights are memoised."""

    def __init__(self, featurizer: Featurizer, weights: Weights, passes: int | None = None) -> None:
        self.feat = featurizer
        self.w = weights
        # how many of the model's passes to run: the first alone is a complete CRF, about
        # twice as fast as both
        self.passes = min(passes or weights.passes, weights.passes)
        self.index = {a: i for i, a in enumerate(weights.attributes)}
        self.unknown = len(weights.attributes)
        self.n = len(weights.labels)
        self._cache: dict[str, tuple[str, str, np.ndarray]] = {}

    def _word(self, word: str) -> tuple[str, str, np.ndarray]:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        parts = self.feat.word_parts(word)
        get, unk = self.index.get, self.unknown
        flat: list[int] = []
        starts: list[int] = []
        for role in parts[:5]:
            starts.append(len(flat))
            flat.extend([get(f, unk) for f in role])
        summed = np.add.reduceat(self.w.state[flat], starts, axis=0)
        if len(self._cache) > 300_000:
            self._cache.clear()
        cached = self._cache[word] = (parts[5][0], parts[6][0], summed)
        return cached

    def _add(self, em: np.ndarray, feats: list[list[str]]) -> None:
        """Add the weights of per-token feature strings to the emission scores (one list per
        row of ``em``; an unknown string weighs the all-zero last row)."""
        get, unk = self.index.get, self.unknown
        idx: list[int] = []
        starts: list[int] = []
        for fs in feats:
            starts.append(len(idx))
            idx.extend([get(f, unk) for f in fs] if fs else [unk])
        if idx:
            em += np.add.reduceat(self.w.state[idx], starts, axis=0)

    def decode(
        self,
        sentences: Sequence[Sequence[str]],
        best_paths: Callable[[list[np.ndarray], np.ndarray], list[list[int]]] | None = None,
    ) -> tuple[list[list[str]], list[np.ndarray]]:
        """Labels of each sentence from the passes run, and the last pass's emission scores
        (tokens, labels) of each sentence (empty for an empty sentence). ``best_paths``
        (the non-empty sentences' emissions and the transitions -> label paths) replaces
        Viterbi in every pass, so a second opinion can shape the labels the second pass
        reads."""
        best_paths = best_paths or viterbi
        n = self.n
        ems: list[np.ndarray] = []
        stems: list[list[str]] = []
        extras: list[list[str]] = []  # the document's tokens' multi-word features, in order
        for words in sentences:
            items = [self._word(w) for w in words]
            if not items:
                ems.append(np.zeros((0, self.w.state.shape[1])))
                stems.append([])
                continue
            parts = np.stack([it[2] for it in items])  # (tokens, 5 roles, passes * L)
            em = parts[:, 0].astype(np.float64)
            em[1:] += parts[:-1, 1]
            em[:-1] += parts[1:, 2]
            em[2:] += parts[:-2, 3]
            em[:-2] += parts[2:, 4]
            st = [it[1] for it in items]
            extras.extend(self.feat.sentence_extras([it[0] for it in items], st))
            ems.append(em)
            stems.append(st)
        live = [i for i, e in enumerate(ems) if len(e)]
        labels: list[list[str]] = [[] for _ in sentences]
        last = self.passes - 1
        if not live:
            return labels, [np.zeros((0, n)) for _ in sentences]
        # one array for the document, the sentences' arrays views into it: the weights of
        # the feature strings are added in one go
        whole = np.concatenate([ems[i] for i in live])
        bounds = np.cumsum([0, *(len(ems[i]) for i in live)])
        for k, i in enumerate(live):
            ems[i] = whole[bounds[k] : bounds[k + 1]]
        self._add(whole, extras)
        for p in range(self.passes):
            cols = slice(p * n, (p + 1) * n)
            if p:
                second = self.feat.second_extras(stems, labels)
                self._add(whole, [f for i in live for f in second[i]])
            paths = best_paths([ems[i][:, cols] for i in live], self.w.trans[p])
            for i, path in zip(live, paths, strict=True):
                labels[i] = [self.w.labels[y] for y in path]
        cols = slice(last * n, (last + 1) * n)
        return labels, [e[:, cols] for e in ems]

    def tag_document(
        self, sentences: Sequence[Sequence[str]], with_marginals: bool = False
    ) -> tuple[list[list[str]], list[list[float]]]:
        labels, ems = self.decode(sentences)
        probs: list[list[float]] = [[] for _ in sentences]
        live = [i for i, e in enumerate(ems) if len(e)]
        if with_marginals and live:
            lab = {y: k for k, y in enumerate(self.w.labels)}
            probs_live = marginals([ems[i] for i in live], self.w.trans[self.passes - 1])
            for i, m in zip(live, probs_live, strict=True):
                probs[i] = [float(m[t, lab[y]]) for t, y in enumerate(labels[i])]
        return labels, probs


# -- model files -------------------------------------------------------------------------


def _dump_phrases(phrases: dict[tuple[str, ...], str]) -> str:
    return "".join(f"{typ}\t{' '.join(key)}\n" for key, typ in phrases.items())


def _load_phrases(text: str) -> dict[tuple[str, ...], str]:
    out: dict[tuple[str, ...], str] = {}
    for line in text.splitlines():
        typ, _, words = line.partition("\t")
        if words:
            out[tuple(words.split(" "))] = typ
    return out


def save_model(
    path: Path, crf_models: Sequence[Path], resources: Resources, meta: dict[str, object]
) -> None:
    """Write the model zip: the weights of the CRFsuite models (one per pass) as arrays,
    clusters, gazetteers and a JSON header."""
    weights = Weights.from_crfsuite(crf_models)
    clusters = "".join(f"{w}\t{' '.join(ids)}\n" for w, ids in resources.clusters.items())
    parts = "".join(f"{typ}\t{w}\n" for w, typ in resources.name_parts.items())
    meta = {
        "feature_version": FEATURE_VERSION,
        "passes": weights.passes,
        "labels": weights.labels,
        "attributes": len(weights.attributes),
        **meta,
    }
    arrays = io.BytesIO()
    np.savez(arrays, state=weights.state, trans=weights.trans)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("weights.npz", arrays.getvalue())
        z.writestr("attributes.txt", "\n".join(weights.attributes))
        z.writestr("clusters.tsv", clusters)
        z.writestr("gazetteer.tsv", _dump_phrases(resources.gazetteer))
        z.writestr("lexicon.tsv", _dump_phrases(resources.lexicon))
        z.writestr("name_parts.tsv", parts)
        z.writestr("meta.json", json.dumps(meta, ensure_ascii=False, indent=1))


def default_model_path() -> Path:
    return Path(str(files("marsad.ner").joinpath("models", MODEL_NAME)))


def load_model(path: Path | None = None) -> tuple[Weights, Resources, dict[str, object]]:
    """(weights, resources, header) of a model zip, the shipped one by default."""
    path = Path(path) if path is not None else default_model_path()
    if not path.exists():
        raise FileNotFoundError(
            f"NER model not found at {path}; build it with "
            "`python -m marsad.ner.train --data DIR --out PATH`"
        )
    with zipfile.ZipFile(path) as z:
        meta = json.loads(z.read("meta.json"))
        if meta.get("feature_version") != FEATURE_VERSION:
            raise ValueError(f"{path}: feature version {meta.get('feature_version')} is not mine")
        arrays = np.load(io.BytesIO(z.read("weights.npz")))
        attributes = z.read("attributes.txt").decode("utf-8").split("\n")
        weights = Weights(
            list(meta["labels"]), attributes, arrays["state"].astype(np.float64), arrays["trans"]
        )
        weights.shift_outside(float(meta.get("o_bias", 0.0)))  # type: ignore[arg-type]
        clusters = {}
        for line in z.read("clusters.tsv").decode("utf-8").splitlines():
            w, _, ids = line.partition("\t")
            clusters[w] = tuple(ids.split(" "))
        gaz = _load_phrases(z.read("gazetteer.tsv").decode("utf-8"))
        lex = _load_phrases(z.read("lexicon.tsv").decode("utf-8"))
        parts = {}
        for line in z.read("name_parts.tsv").decode("utf-8").splitlines():
            typ, _, w = line.partition("\t")
            parts[w] = typ
    return weights, Resources(clusters, gaz, lex, parts), meta


# -- tagging -----------------------------------------------------------------------------


def _sentence_units(text: str, start: int, end: int, toks: list[Token]) -> list[tuple[int, int]]:
    """Spans of the units to tag in a sentence: its word tokens plus the punctuation between
    them, split as ANERcorp splits it (one token per run of the same symbol)."""
    units: list[tuple[int, int]] = []
    pos = start
    for t in toks:
        if t.start > pos:
            for m in _PUNCT_RUN.finditer(text, pos, t.start):
                units.append((m.start(), m.end()))
        units.append((t.start, t.end))
        pos = t.end
    if end > pos:
        for m in _PUNCT_RUN.finditer(text, pos, end):
            units.append((m.start(), m.end()))
    return units


class CrfTagger:
    """Named-entity tagger over tokens, implementing ``marsad.ner.base.Tagger``.

    Types: PERS -> PER, LOC -> LOC, ORG -> ORG, MISC -> MISC. With a two-pass model the
    document is tagged twice, the second pass seeing the first's labels across the whole
    document; ``passes=1`` runs the first pass alone (a complete CRF, about twice as fast).
    ``confidence`` is the lowest per-token marginal probability of the mention's labels in
    the last pass run.

    ``neural`` adds the neural tagger (``neural.py``) as a second opinion, mixed token by
    token with the CRF's last pass (``ensemble.py``): ``True`` takes the shipped network when
    the package has one, a path takes that file, ``False`` runs the CRF alone.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        passes: int | None = None,
        neural: bool | str | Path = True,
    ) -> None:
        self.model_path = Path(model_path) if model_path is not None else None
        self.passes = passes
        self.neural = neural
        self._lock = threading.Lock()
        self._decoder: Decoder | None = None
        self._ensemble: EnsembleDecoder | None = None
        self.meta: dict[str, object] = {}
        self.name = "crf"

    def load(self) -> Decoder:
        """Load the model (once; called on first use)."""
        with self._lock:
            if self._decoder is None:
                weights, resources, meta = load_model(self.model_path)
                self.meta = meta
                decoder = Decoder(Featurizer(resources), weights, self.passes)
                self._ensemble = self._load_ensemble(decoder)
                self._decoder = decoder
        return self._decoder

    def _load_ensemble(self, decoder: Decoder) -> EnsembleDecoder | None:
        from marsad.ner.ensemble import EnsembleDecoder
        from marsad.ner.neural import load_neural, shipped_neural_paths

        if self.neural is False:
            return None
        paths = shipped_neural_paths() if self.neural is True else [Path(self.neural)]
        if not paths:
            return None
        models = [load_neural(p)[0] for p in paths]
        self.name = "crf+bilstm" if len(models) == 1 else f"crf+{len(models)}xbilstm"
        return EnsembleDecoder(decoder, models)

    def tag_document(
        self, sentences: Sequence[Sequence[str]], marginals: bool = False
    ) -> tuple[list[list[str]], list[list[float]]]:
        """BIO labels (ANERcorp types) for the sentences of words of one document, and with
        ``marginals`` the probability of each label."""
        decoder = self._decoder or self.load()
        return (self._ensemble or decoder).tag_document(sentences, marginals)

    def tag_words(
        self, sentences: Iterable[Sequence[str]], doc_size: int | None = None
    ) -> list[list[str]]:
        """BIO labels for sentences of words, read as documents of ``doc_size`` consecutive
        sentences (the model's training setting by default)."""
        self._decoder or self.load()
        size = int(doc_size or self.meta.get("doc_size") or 30)  # type: ignore[call-overload]
        sents = list(sentences)
        out: list[list[str]] = []
        for i in range(0, len(sents), size):
            out.extend(self.tag_document(sents[i : i + size])[0])
        return out

    def tag(
        self, doc_id: str, text: str, sentences: list[Sentence], tokens: list[Token]
    ) -> list[Mention]:
        return self.tag_with_outside(doc_id, text, sentences, tokens)[0]

    def tag_with_outside(
        self,
        doc_id: str,
        text: str,
        sentences: list[Sentence],
        tokens: list[Token],
        min_outside: float = 1.0,
    ) -> tuple[list[Mention], set[int]]:
        """``tag``'s mentions, and the start offsets of the tokens labelled O with a marginal
        probability of at least ``min_outside`` (none at 1.0): the words the CRF is confident
        are in no entity."""
        from marsad.eval.conll import spans

        if not sentences:
            sentences = split_sentences(text)
        groups = _group_tokens(sentences, tokens)
        units = [_sentence_units(text, start, end, toks) for start, end, toks in groups]
        words = [[text[a:b] for a, b in us] for us in units]
        labels, probs = self.tag_document(words, marginals=True)
        found: list[tuple[str, int, int, int, float]] = []
        # the words of the document's names past their first, where no proclitic is read:
        # a first word that is one of them keeps its look-alike clitic (كالفيني after
        # ماوريتسيو كالفيني is not ك + الفيني)
        inner: set[str] = set()
        outside: set[int] = set()
        for us, ws, labs, ps in zip(units, words, labels, probs, strict=True):
            if min_outside < 1.0:
                outside.update(
                    u[0]
                    for u, y, p in zip(us, labs, ps, strict=True)
                    if y == "O" and p >= min_outside
                )
            for typ, i, j in spans(labs):
                # an entity never starts or ends on punctuation
                while i < j and not _HAS_WORD.search(ws[i]):
                    i += 1
                while j > i and not _HAS_WORD.search(ws[j - 1]):
                    j -= 1
                if i >= j:
                    continue
                found.append((typ, us[i][0], us[i][1], us[j - 1][1], min(ps[i:j])))
                inner.update(norm(w) for w in ws[i + 1 : j])
        mentions: list[Mention] = []
        for typ, a, first_end, b, p in found:
            first = text[a:first_end]
            if norm(first) in inner:
                key = norm(text[a:b])
            else:
                key = mention_norm(text[a:b])
                a += _clitic_chars(first, key)
            mentions.append(
                Mention(
                    doc=doc_id,
                    start=a,
                    end=b,
                    text=text[a:b],
                    type=TYPE_MAP.get(typ, typ),
                    norm=key,
                    confidence=round(p, 4),
                )
            )
        mentions.sort(key=lambda m: (m.start, m.end))
        return mentions, outside


def _clitic_chars(first_word: str, key: str) -> int:
    """How many characters of a mention's first word are a glued proclitic, left out of the
    span by the convention of ``marsad.ner.base`` (ANERcorp's names include them). The
    clitic-free reading is the one ``mention_norm`` chose for the linking key; the fused
    ل + ال ("للأمم") stays whole."""
    from marsad.ner.lexicons import clitic_variants

    word = norm(first_word)
    first = key.split(" ", 1)[0]
    if not first or first == word:
        return 0
    for form, n in clitic_variants(word):
        if form == first and n:
            offsets = normalise(first_word).offsets
            return offsets[n] if n < len(offsets) else 0
    return 0


def _group_tokens(
    sentences: Sequence[Sentence], tokens: Sequence[Token]
) -> list[tuple[int, int, list[Token]]]:
    """Word tokens grouped by sentence, as (sentence start, end, tokens); a token outside
    every sentence forms a group of its own."""
    bounds = [(s.start, s.end) for s in sorted(sentences, key=lambda s: s.start)]
    starts = [b[0] for b in bounds]
    groups: list[tuple[int, int, list[Token]]] = []
    current = -1
    for t in tokens:
        k = bisect.bisect_right(starts, t.start) - 1
        if k >= 0 and t.end <= bounds[k][1]:
            if k != current:
                groups.append((bounds[k][0], bounds[k][1], []))
                current = k
            groups[-1][2].append(t)
        else:
            groups.append((t.start, t.end, [t]))
            current = -1
    return groups


def read_model_meta(path: Path | None = None) -> dict[str, object]:
    path = Path(path) if path is not None else default_model_path()
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("meta.json"))


__all__ = [
    "CrfTagger",
    "Featurizer",
    "Resources",
    "build_lexicon",
    "load_model",
    "read_anergazet",
    "save_model",
]
