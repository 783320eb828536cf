"""Stance of one short text towards another (agree / disagree / other), and contradiction cues.

The classifier is trained on ANS headline pairs (``marsad.compare.train_stance``). In ANS the
"disagree" pairs are corruptions of a headline (a negation inserted or removed, an antonym, a
changed number or entity) and the "other" pairs are unrelated headlines, so the features
describe the *difference* between the two texts rather than the texts themselves: how much of
each side the other covers, how the word sequence was edited, which words were removed and
added, negation and number asymmetry, and substitutions between words of opposite polarity.

Pairs are directional, as in ANS: ``a`` is the reference (the headline), ``b`` the text judged
against it. The shipped model is a linear classifier kept as plain arrays and JSON inside an
``.npz`` file (``models/stance.npz``), loaded with ``allow_pickle=False``: no code is unpickled.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import BinaryIO

import numpy as np

from marsad.text.normalise import norm
from marsad.text.segment import strip_clitics
from marsad.text.wordlists import stopwords

LABELS: tuple[str, ...] = ("agree", "disagree", "other")
MODEL_FILE = "stance.npz"

_WORD = re.compile(r"[^\W\d_]+|\d+(?:[.,]\d+)*")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

# Negation and denial words (normalised forms; matched before and after clitic stripping).
NEGATIONS: frozenset[str] = frozenset(
    norm(w)
    for w in (
        "لم لن لا ليس ليست لسنا لست ليسوا غير عدم بدون دون بلا "
        "نفى ينفي تنفي نفت نفي ينفون رفض يرفض ترفض رفضت يرفضون رفضوا"
    ).split()
)

# Hand-written polarity groups: a word of one side replaced by a word of the other side is a
# contradiction cue. Words are written naturally and reduced with ``skeleton`` when loaded, so
# inflections (يرتفع / ارتفاع / ترتفع) meet.
_POLARITY: tuple[tuple[str, str, str], ...] = (
    (
        "up_down",
        "ارتفاع ارتفع يرتفع ترتفع صعود صعد يصعد تصعد زيادة زاد يزيد تزيد رفع يرفع ترفع قفز يقفز "
        "تقفز مكاسب ربح أرباح أعلى ذروة نمو ينمو تنمو تحسن يتحسن يتعافى تتعافى انتعاش",
        "انخفاض انخفض ينخفض تنخفض هبوط هبط يهبط تهبط تراجع يتراجع تتراجع نقص ينقص تنقص خفض يخفض "
        "تخفض تخفيض هوى يهوي تهوي خسائر خسارة أدنى انهيار ينهار تنهار ركود انكماش تدهور يتدهور",
    ),
    (
        "win_lose",
        "فوز فاز يفوز تفوز انتصار انتصر ينتصر نجاح نجح ينجح تنجح نجاة ينجو",
        "خسارة خسر يخسر تخسر هزيمة هزم ينهزم فشل يفشل تفشل إخفاق مصرع مقتل",
    ),
    (
        "peace_conflict",
        "هدوء سلام تهدئة هدنة اتفاق اتفق يتفق تتفق مصالحة تعاون وفاق استقرار وقف",
        "اشتباكات اشتباك قتال حرب هجوم خلاف خلافات توتر تصعيد صراع نزاع أزمة عنف معارك تواصل",
    ),
    (
        "accept_reject",
        "يقبل تقبل قبول يوافق توافق وافق وافقت موافقة يؤيد تؤيد أيد تأييد يدعم تدعم دعم يعترف "
        "تعترف اعترف يسمح تسمح سمح يرحب ترحب رحب يشيد تشيد أشاد",
        "يرفض ترفض رفض رفضت يعارض تعارض معارضة يندد تندد ندد ينتقد تنتقد انتقد يمنع تمنع "
        "منع حظر يحظر تحظر يتجاهل تتجاهل تجاهل ينفي تنفي نفى",
    ),
    (
        "free_detain",
        "إفراج الإفراج أفرج يفرج تفرج سراح براءة تبرئة إطلاق يطلق",
        "اعتقال اعتقل يعتقل تعتقل سجن يسجن حبس احتجاز يحتجز تحتجز إعدام إدانة توقيف",
    ),
    (
        "open_close",
        "فتح يفتح تفتح افتتاح افتتح يفتتح استئناف يستأنف بدء يبدأ تبدأ إطلاق",
        "إغلاق أغلق يغلق تغلق غلق وقف يوقف توقف يتوقف تعليق يعلق إنهاء ينهي إلغاء يلغي تلغي ألغى",
    ),
    (
        "more_less",
        "أكثر كثير كبير كبيرة ضخم ضخمة أكبر",
        "أقل قليل صغير صغيرة ضئيل أصغر",
    ),
    (
        "stable_moving",
        "استقرار استقر يستقر تستقر مستقر مستقرة ثبات ثابت يثبت تماسك يتماسك هدوء",
        "ارتفاع يرتفع ترتفع انخفاض ينخفض تنخفض هبوط يهبط تهبط تراجع يتراجع قفز يقفز تذبذب "
        "اضطرابات اضطراب تقلبات",
    ),
    (
        "enter_leave",
        "دخول دخل يدخل تدخل وصول وصل يصل تصل عودة عاد يعود تعود بقاء يبقى تبقى إبقاء أبقى تقدم "
        "يتقدم تتقدم",
        "خروج خرج يخرج تخرج مغادرة غادر يغادر تغادر رحيل يرحل انسحاب انسحب ينسحب تنسحب سحب "
        "إسقاط أسقط يسقط تسقط طرد يطرد تطرد ترحيل إخلاء",
    ),
    (
        "life_death",
        "نجاة نجا ينجو تنجو إنقاذ أنقذ ينقذ تنقذ شفاء",
        "مقتل قتل يقتل تقتل مصرع وفاة توفي يموت موت غرق سقوط إعدام",
    ),
    (
        "start_delay",
        "يباشر تباشر باشر بدء بدأ يبدأ تبدأ انطلاق انطلق تنفيذ ينفذ تنفذ تسريع",
        "تأجيل أجل يؤجل تؤجل تأخير تأخر يتأخر إرجاء تعليق يعلق تعثر",
    ),
    (
        "praise_blame",
        "يشيد تشيد أشاد إشادة يمدح مدح يثني ثناء يشكر شكر يهنئ تهنئة",
        "يدين تدين أدان إدانة يندد تندد ندد ينتقد تنتقد انتقد انتقاد يهاجم تهاجم هاجم يتهم تتهم "
        "اتهم",
    ),
    (
        "presence_absence",
        "حضور حضر يحضر تحضر مشاركة شارك يشارك تشارك وجود ظهور",
        "غياب غاب يغيب تغيب مقاطعة قاطع يقاطع تقاطع انسحاب",
    ),
    (
        "safe_danger",
        "آمن آمنة أمن سلامة نجاة إنقاذ ينقذ تنقذ",
        "خطر خطير خطيرة تهديد يهدد تهدد ضحايا قتلى إصابة",
    ),
)

_PREFIXES = ("ي", "ت", "ن", "ا")
_SUFFIXES = ("يات", "ات", "ون", "ين", "يه", "ها", "هم", "هن", "نا", "ه", "ي")


@lru_cache(maxsize=100_000)
def skeleton(word: str) -> str:
    """A rough consonantal key for a normalised word, so that inflections of one word meet.

    يرتفع and ارتفاع, مصري and مصرية, هبوط and يهبط get one key. Crude (distinct words can
    collide), which is acceptable for deciding whether two headlines share a word.
    """
    w = strip_clitics(word)
    if w.isdigit():
        return w
    for s in _SUFFIXES:
        if w.endswith(s) and len(w) - len(s) >= 3:
            w = w[: -len(s)]
            break
    if len(w) >= 4 and w[0] in _PREFIXES:
        w = w[1:]
    core = w[0] + "".join(c for c in w[1:] if c not in "اوي")
    return core if len(core) >= 2 else w


@cache
def _polarity() -> dict[str, frozenset[tuple[str, int]]]:
    """skeleton -> the (polarity group, side 0 or 1) pairs it belongs to (خسارة: two groups)."""
    table: dict[str, set[tuple[str, int]]] = {}
    for name, pos, neg in _POLARITY:
        for side, words in enumerate((pos, neg)):
            for w in words.split():
                table.setdefault(skeleton(norm(w)), set()).add((name, side))
    return {k: frozenset(v) for k, v in table.items()}


@dataclass(frozen=True)
class _Side:
    """One text, analysed once (cached): words, stems, skeletons and cues."""

    words: tuple[str, ...]  # normalised
    stems: tuple[str, ...]  # clitic-stripped
    skels: tuple[str, ...]
    content: tuple[int, ...]  # indices of words that are neither stop words nor negations
    negations: int
    numbers: frozenset[str]
    trigrams: frozenset[str]


@lru_cache(maxsize=20_000)
def _side(text: str) -> _Side:
    words = tuple(_WORD.findall(norm(text)))
    stems = tuple(strip_clitics(w) for w in words)
    skels = tuple(skeleton(w) for w in words)
    stop = stopwords()
    negs = [w in NEGATIONS or s in NEGATIONS for w, s in zip(words, stems, strict=True)]
    content = tuple(
        i
        for i, (w, s) in enumerate(zip(words, stems, strict=True))
        if not negs[i] and w not in stop and s not in stop
    )
    joined = " ".join(words)
    return _Side(
        words,
        stems,
        skels,
        content,
        sum(negs),
        frozenset(w for w in words if _NUMBER.fullmatch(w)),
        frozenset(joined[i : i + 3] for i in range(max(0, len(joined) - 2))),
    )


@dataclass(frozen=True)
class _Diff:
    matched_a: int
    matched_b: int
    only_a: tuple[int, ...]  # content words of a with no counterpart (stem or skeleton) in b
    only_b: tuple[int, ...]


def _diff(a: _Side, b: _Side) -> _Diff:
    keys_a = set(a.stems) | set(a.skels)
    keys_b = set(b.stems) | set(b.skels)
    only_a = tuple(i for i in a.content if a.stems[i] not in keys_b and a.skels[i] not in keys_b)
    only_b = tuple(i for i in b.content if b.stems[i] not in keys_a and b.skels[i] not in keys_a)
    return _Diff(len(a.content) - len(only_a), len(b.content) - len(only_b), only_a, only_b)


def _polar_pairs(a: _Side, b: _Side, d: _Diff) -> tuple[list[tuple[str, str, str]], int]:
    """Polarity words found on one side only, paired across sides.

    Returns the antonym triples (group, word of a, word of b) and the number of same-polarity
    substitutions (هبوط / انخفاض), which point to a paraphrase instead.
    """
    table = _polarity()
    antonyms = []
    same = 0
    for i in d.only_a:
        pa = table.get(a.skels[i])
        if not pa:
            continue
        for j in d.only_b:
            pb = table.get(b.skels[j])
            if not pb:
                continue
            flipped = sorted({g for g, s in pa if (g, 1 - s) in pb})
            if flipped:
                antonyms.append((flipped[0], a.words[i], b.words[j]))
            elif pa & pb:
                same += 1
    return antonyms, same


def contradiction_signals(a: str, b: str) -> dict[str, object]:
    """Cheap, explainable contradiction cues between two claims (symmetric in a and b).

    Keys: ``negation_asymmetry`` (negation words on one side only), ``antonym_found`` and
    ``antonyms`` (``[group, word_a, word_b]`` triples such as ``["up_down", "ارتفاع",
    "انخفاض"]``), ``number_mismatch`` (both sides give numbers and the sets differ),
    ``numbers_a`` / ``numbers_b``, ``overlap`` (share of content words, both sides together,
    with a counterpart on the other side; near 0 means the claims are about different things).
    """
    sa, sb = _side(a), _side(b)
    d = _diff(sa, sb)
    ants, _ = _polar_pairs(sa, sb, d)
    total = len(sa.content) + len(sb.content)
    return {
        "negation_asymmetry": (sa.negations > 0) != (sb.negations > 0),
        "antonym_found": bool(ants),
        "antonyms": [list(t) for t in ants],
        "number_mismatch": bool(sa.numbers and sb.numbers and sa.numbers != sb.numbers),
        "numbers_a": sorted(sa.numbers),
        "numbers_b": sorted(sb.numbers),
        "overlap": (d.matched_a + d.matched_b) / total if total else 0.0,
    }


def pair_features(a: str, b: str, idf: dict[str, float] | None = None) -> dict[str, float]:
    """Sparse features of the pair (a = reference headline, b = text judged against it).

    Names starting ``d:`` are dense scores; ``rm:``/``add:`` are words found only in a / only
    in b; ``sub:x|y`` a removed/added skeleton pair; ``ant:`` a polarity group swapped;
    ``nega:``/``negb:`` the negation words of each side. ``idf`` enables the cosine score.
    """
    sa, sb = _side(a), _side(b)
    d = _diff(sa, sb)
    f: dict[str, float] = {}
    na, nb = len(sa.content), len(sb.content)
    cover_a = d.matched_a / na if na else 0.0
    cover_b = d.matched_b / nb if nb else 0.0
    f["d:cover_a"] = cover_a
    f["d:cover_b"] = cover_b
    f["d:cover_min"] = min(cover_a, cover_b)
    f["d:cover_max"] = max(cover_a, cover_b)
    f["d:cover_zero"] = float(d.matched_a == 0)
    f["d:only_a"] = math.log1p(len(d.only_a))
    f["d:only_b"] = math.log1p(len(d.only_b))
    f["d:len_a"] = math.log1p(na)
    f["d:len_b"] = math.log1p(nb)
    union = len(sa.trigrams | sb.trigrams)
    f["d:char3"] = len(sa.trigrams & sb.trigrams) / union if union else 0.0
    f["d:same_stems"] = float(set(sa.stems) == set(sb.stems))
    if sa.content and sb.content:
        f["d:head_a_kept"] = float(sa.content[0] not in d.only_a)
        f["d:head_b_kept"] = float(sb.content[0] not in d.only_b)
    if idf is not None:
        f["d:cosine"] = _cosine(sa, sb, idf)
    _sequence_features(sa, sb, f)

    # negation
    f["d:neg_a"] = float(sa.negations > 0)
    f["d:neg_b"] = float(sb.negations > 0)
    f["d:neg_asym"] = float((sa.negations > 0) != (sb.negations > 0))
    for prefix, side in (("nega", sa), ("negb", sb)):
        for w, s in zip(side.words, side.stems, strict=True):
            if w in NEGATIONS or s in NEGATIONS:
                f[f"{prefix}:{s}"] = 1.0

    # numbers
    if sa.numbers or sb.numbers:
        f["d:num_any"] = 1.0
        f["d:num_shared"] = float(bool(sa.numbers & sb.numbers))
        f["d:num_mismatch"] = float(bool(sa.numbers and sb.numbers and sa.numbers != sb.numbers))
        f["d:num_new"] = float(bool(sb.numbers - sa.numbers))
        f["d:num_lost"] = float(bool(sa.numbers - sb.numbers))

    # polarity swaps; negation and antonyms matter only when the texts are about one thing
    ants, same = _polar_pairs(sa, sb, d)
    related = max(cover_a, cover_b)
    if ants:
        f["d:antonym"] = 1.0
        for name in {g for g, _, _ in ants}:
            f[f"ant:{name}"] = 1.0
    if same:
        f["d:polar_same"] = 1.0
    f["d:neg_asym_rel"] = f["d:neg_asym"] * related
    f["d:antonym_rel"] = float(bool(ants)) * related

    # what was removed and what was added
    for i in d.only_a:
        f[f"rm:{sa.stems[i]}"] = 1.0
    for j in d.only_b:
        f[f"add:{sb.stems[j]}"] = 1.0
    # spelling variants, or one-letter corruptions (العربي / الغربي), among the unmatched words
    near = 0
    for i in d.only_a:
        for j in d.only_b:
            x, y = sa.stems[i], sb.stems[j]
            if min(len(x), len(y)) >= 4 and SequenceMatcher(None, x, y).ratio() >= 0.75:
                near += 1
                break
    f["d:near_words"] = math.log1p(near)
    # substitutions: removed word x added word, order-free so a learned pair works both ways
    if d.only_a and d.only_b and len(d.only_a) * len(d.only_b) <= 36:
        for i in d.only_a:
            for j in d.only_b:
                x, y = sorted((sa.skels[i], sb.skels[j]))
                f[f"sub:{x}|{y}"] = 1.0
    return f


def _sequence_features(a: _Side, b: _Side, f: dict[str, float]) -> None:
    """Edit structure of the content-word sequences: corruptions keep the order and swap a word
    or two; paraphrases reorder and rephrase."""
    xa = [a.skels[i] for i in a.content]
    xb = [b.skels[i] for i in b.content]
    sm = SequenceMatcher(None, xa, xb, autojunk=False)
    f["d:seq_ratio"] = sm.ratio()
    ops = {"replace": 0, "insert": 0, "delete": 0}
    one_to_one = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag in ops:
            ops[tag] += 1
            if tag == "replace" and i2 - i1 == 1 and j2 - j1 == 1:
                one_to_one += 1
    for tag, n in ops.items():
        f[f"d:op_{tag}"] = math.log1p(n)
    f["d:one_swap"] = float(one_to_one == 1 and sum(ops.values()) == 1)
    f["d:swap_only"] = float(one_to_one > 0 and ops["insert"] == ops["delete"] == 0)
    f["d:identical_seq"] = float(xa == xb)


def _cosine(a: _Side, b: _Side, idf: dict[str, float]) -> float:
    unseen = max(idf.values(), default=1.0)
    va = {a.skels[i]: idf.get(a.skels[i], unseen) for i in a.content}
    vb = {b.skels[i]: idf.get(b.skels[i], unseen) for i in b.content}
    dot = sum(w * vb[k] for k, w in va.items() if k in vb)
    den = math.sqrt(sum(w * w for w in va.values()) * sum(w * w for w in vb.values()))
    return dot / den if den else 0.0


def document_frequencies(texts: Sequence[str]) -> dict[str, float]:
    """Smoothed idf of content-word skeletons over ``texts`` (for the cosine feature)."""
    df: dict[str, int] = {}
    for t in texts:
        s = _side(t)
        for k in {s.skels[i] for i in s.content}:
            df[k] = df.get(k, 0) + 1
    n = len(texts)
    return {k: math.log((1 + n) / (1 + v)) + 1.0 for k, v in df.items()}


class StanceModel:
    """Linear (multinomial logistic) classifier over ``pair_features``."""

    def __init__(
        self,
        features: Sequence[str],
        weights: np.ndarray,
        bias: np.ndarray,
        labels: Sequence[str] = LABELS,
        idf: dict[str, float] | None = None,
        info: dict[str, object] | None = None,
    ) -> None:
        self.features = list(features)
        self.index = {name: i for i, name in enumerate(self.features)}
        self.weights = np.asarray(weights, dtype=np.float64)  # (n_features, n_labels)
        self.bias = np.asarray(bias, dtype=np.float64)
        self.labels = tuple(labels)
        self.idf = idf
        self.info = info or {}

    def save(self, path: str | Path) -> None:
        idf_keys = sorted(self.idf) if self.idf else []
        meta = {"labels": list(self.labels), "features": self.features, "info": self.info}
        with open(path, "wb") as fh:
            np.savez_compressed(
                fh,
                weights=self.weights.astype(np.float32),
                bias=self.bias,
                idf=np.array([self.idf[k] for k in idf_keys] if self.idf else [], np.float32),
                idf_keys=np.array(json.dumps(idf_keys, ensure_ascii=False)),
                meta=np.array(json.dumps(meta, ensure_ascii=False)),
            )

    @classmethod
    def load(cls, path: str | Path | None = None) -> StanceModel:
        """Load from ``path``, or the model shipped in ``marsad/compare/models``."""
        if path is None:
            with files("marsad.compare").joinpath("models", MODEL_FILE).open("rb") as fh:
                return cls._read(fh)
        with open(path, "rb") as fh:
            return cls._read(fh)

    @classmethod
    def _read(cls, fh: BinaryIO) -> StanceModel:
        with np.load(fh, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            idf_keys = json.loads(str(data["idf_keys"]))
            idf = dict(zip(idf_keys, data["idf"].astype(float).tolist(), strict=True))
            return cls(
                meta["features"],
                data["weights"],
                data["bias"],
                meta["labels"],
                idf or None,
                meta.get("info"),
            )

    def scores(self, a: str, b: str) -> np.ndarray:
        """Raw class scores (logits) for one pair."""
        out = self.bias.copy()
        for name, value in pair_features(a, b, self.idf).items():
            j = self.index.get(name)
            if j is not None:
                out += value * self.weights[j]
        return out

    def _proba(self, a: str, b: str) -> np.ndarray:
        s = self.scores(a, b)
        e = np.exp(s - s.max())
        return e / e.sum()

    def predict_proba(self, pairs: Sequence[tuple[str, str]]) -> list[dict[str, float]]:
        return [dict(zip(self.labels, self._proba(a, b).tolist(), strict=True)) for a, b in pairs]

    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[str]:
        return [self.labels[int(np.argmax(self.scores(a, b)))] for a, b in pairs]


@cache
def default_model() -> StanceModel:
    """The model shipped in ``marsad/compare/models`` (read once, on first use)."""
    return StanceModel.load()
