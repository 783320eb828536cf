"""An optional entity tagger that runs a local Hugging Face token-classification model.

The model is a directory the user has on disk (saved with ``save_pretrained``, e.g. a
CAMeLBERT NER model); nothing is downloaded. ``transformers`` and ``torch`` are imported only
when a tagger is built, so the rest of marsad never needs them.

How a document is tagged:
- each sentence is tagged on its own, as the models are trained; Arabic diacritics and tatweel
  are removed first (WordPiece vocabularies hold bare letters, so "الرئـــيس" or "قالَ" would
  otherwise become [UNK]) and every position is mapped back to the original text;
- a sentence longer than the model's window (512 subwords at most) is read in overlapping
  windows; a word seen in two windows takes the label from the window where it sits further
  from the edge;
- a word's label is its first subword's; BIO, BIOES and BILOU labels are decoded into spans
  of words (a stray I- starts a mention), and type names are mapped to marsad's types
  (``TYPE_MAP``: PERS/PER/PERSON -> PER, LOC/FAC -> LOC, GPE -> GPE, ORG -> ORG, MISC -> MISC,
  as ``crf.py`` maps ANERcorp's; linking reads GPE and LOC as one kind of place);
- as in ``crf.py``, punctuation at a mention's edges and a glued proclitic (و ف ب ل ك) are
  left out of the span, ``norm`` is ``mention_norm`` of the text and ``confidence`` is the
  lowest probability of the mention's word labels; attributes are attached last.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marsad.model import Mention, Sentence, Token
from marsad.ner.attributes import attach_attributes
from marsad.ner.base import TaggerError, mention_norm
from marsad.text.segment import split_sentences

ENV_VAR = "MARSAD_NER_MODEL"
MAX_WINDOW = 512

# Entity type names found in Arabic and multilingual NER label sets -> marsad mention types.
# Types not listed (DATE, TIME, MONEY, CARDINAL...) are dropped: times have their own stage.
TYPE_MAP: dict[str, str] = {
    "PER": "PER",
    "PERS": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "FAC": "LOC",
    "GPE": "GPE",
    "ORG": "ORG",
    "ORGANIZATION": "ORG",
    "ORGANISATION": "ORG",
    "NORP": "NORP",
    "OCC": "TITLE",
    "TITLE": "TITLE",
    "MISC": "MISC",
    "EVENT": "MISC",
    "PRODUCT": "MISC",
    "WORK_OF_ART": "MISC",
    "LAW": "MISC",
    "LANGUAGE": "MISC",
}

_MARKS = re.compile("[\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]")
_HAS_WORD = re.compile(r"\w")
_PREFIXES = ("B", "I", "E", "S", "L", "U")
_WEIGHT_FILES = (
    "model.safetensors",
    "model.safetensors.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
)


class TransformerModelError(TaggerError):
    """The model directory cannot be used: missing, not a token-classification model, or
    ``transformers``/``torch`` are not installed."""


def split_label(label: str) -> tuple[str, str | None]:
    """("B", "PER") from "B-PER", "b_pers" or "PER" (no prefix reads as I); ("O", None) for
    the outside label."""
    lab = label.strip().upper()
    if lab in ("O", "OUT", "OUTSIDE", ""):
        return "O", None
    for sep in ("-", "_"):
        head, found, tail = lab.partition(sep)
        if found and head in _PREFIXES and tail:
            return head, tail
    return "I", lab


def decode_labels(labels: list[str]) -> list[tuple[str, int, int]]:
    """(type, first word, end word) of the mentions in a sequence of word labels, with the
    raw type names of the model. B/S/U start a mention, I/E/L continue one of the same type
    (or start one), E/S/L/U close it, O closes any."""
    out: list[tuple[str, int, int]] = []
    cur: tuple[str, int] | None = None
    for i, label in enumerate(labels):
        prefix, typ = split_label(label)
        if typ is None:
            if cur:
                out.append((cur[0], cur[1], i))
            cur = None
            continue
        if prefix in ("B", "S", "U") or cur is None or cur[0] != typ:
            if cur:
                out.append((cur[0], cur[1], i))
            cur = (typ, i)
        if prefix in ("E", "S", "L", "U"):
            out.append((cur[0], cur[1], i + 1))
            cur = None
    if cur:
        out.append((cur[0], cur[1], len(labels)))
    return out


def strip_marks(text: str) -> tuple[str, list[int]]:
    """``text`` without diacritics and tatweel, and for each kept character its index in
    ``text``."""
    if not _MARKS.search(text):
        return text, list(range(len(text)))
    kept: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        if not _MARKS.fullmatch(ch):
            kept.append(ch)
            index.append(i)
    return "".join(kept), index


@dataclass
class _Unit:
    """A piece of the document tagged as one sequence (a sentence)."""

    start: int  # offset of the piece in the document
    raw: str  # the piece as in the document
    clean: str  # the piece without marks, as fed to the tokenizer
    index: list[int]  # clean position -> raw position


@dataclass
class _Word:
    start: int  # span in the unit's clean text
    end: int
    label: str
    prob: float


def _require_backend() -> tuple[Any, Any]:
    try:
        import torch
        import transformers
    except ImportError as exc:
        raise TransformerModelError(
            f"the transformer tagger needs `transformers` and `torch` ({exc}); install them "
            "with `pip install 'marsad[transformers]'`"
        ) from exc
    return transformers, torch


def check_model_dir(model_dir: Path) -> dict[str, Any]:
    """The model's config.json, once the directory is seen to hold a token-classification
    model with entity labels; a ``TransformerModelError`` naming the problem otherwise."""
    if not model_dir.exists():
        raise TransformerModelError(f"NER model directory {model_dir} does not exist")
    if not model_dir.is_dir():
        raise TransformerModelError(f"NER model path {model_dir} is not a directory")
    config_path = model_dir / "config.json"
    if not config_path.is_file():
        raise TransformerModelError(
            f"{model_dir} holds no Hugging Face model (no config.json); save one with "
            "`model.save_pretrained(dir)` and `tokenizer.save_pretrained(dir)`"
        )
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise TransformerModelError(f"{config_path} cannot be read: {exc}") from exc
    archs = config.get("architectures") or []
    if archs and not any(str(a).endswith("ForTokenClassification") for a in archs):
        raise TransformerModelError(
            f"{model_dir} holds a {', '.join(archs)} model, not a token-classification (NER) model"
        )
    if not any((model_dir / name).is_file() for name in _WEIGHT_FILES):
        raise TransformerModelError(
            f"{model_dir} holds no model weights ({' or '.join(_WEIGHT_FILES[::2])})"
        )
    labels = [str(v) for v in (config.get("id2label") or {}).values()]
    types = {split_label(lab)[1] for lab in labels} - {None}
    if not types & set(TYPE_MAP):
        shown = ", ".join(labels[:6]) or "none"
        raise TransformerModelError(
            f"the labels of the model in {model_dir} ({shown}) name no entity type marsad "
            f"knows ({', '.join(sorted(TYPE_MAP))}); set id2label in its config.json"
        )
    return config


class TransformerTagger:
    """Implements ``marsad.ner.base.Tagger`` with a local token-classification model.

    ``model_dir`` is checked when the tagger is built; the model itself is loaded on first
    use (or by ``load()``). ``batch_size`` windows are run at once on ``device`` ("cpu",
    "cuda", "cuda:1", "mps").
    """

    name = "transformer"

    def __init__(self, model_dir: str | Path, batch_size: int = 16, device: str = "cpu") -> None:
        self.model_dir = Path(model_dir).expanduser()
        self.batch_size = max(1, int(batch_size))
        self.device = device
        _, torch = _require_backend()
        try:
            torch.device(device)
        except (RuntimeError, ValueError) as exc:
            raise TransformerModelError(f"unknown torch device {device!r}: {exc}") from exc
        self.config = check_model_dir(self.model_dir)
        self._lock = threading.Lock()
        self._model: Any = None
        self._tokenizer: Any = None
        self._labels: dict[int, str] = {}
        self.max_length = MAX_WINDOW
        self.stride = 128

    def load(self) -> None:
        """Load the tokenizer and the model (once; called on first use)."""
        with self._lock:
            if self._model is not None:
                return
            transformers, torch = _require_backend()
            path = str(self.model_dir)
            hf_logging = transformers.utils.logging
            bar = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()  # no progress bars in marsad's output
            try:
                tokenizer = transformers.AutoTokenizer.from_pretrained(path, local_files_only=True)
                model = transformers.AutoModelForTokenClassification.from_pretrained(
                    path, local_files_only=True
                )
            except Exception as exc:  # the library raises many kinds; all mean "unusable"
                raise TransformerModelError(
                    f"cannot load the NER model in {self.model_dir}: {exc}"
                ) from exc
            finally:
                if bar:
                    hf_logging.enable_progress_bar()
            if not getattr(tokenizer, "is_fast", False):
                raise TransformerModelError(
                    f"the tokenizer in {self.model_dir} is not a fast tokenizer, so it gives no "
                    "character offsets; save it as tokenizer.json (a `...TokenizerFast`)"
                )
            try:
                model.to(torch.device(self.device))
            except (RuntimeError, AssertionError, ValueError) as exc:
                raise TransformerModelError(f"cannot use device {self.device!r}: {exc}") from exc
            model.eval()
            limits = [MAX_WINDOW, int(getattr(model.config, "max_position_embeddings", 0) or 0)]
            tok_max = int(getattr(tokenizer, "model_max_length", 0) or 0)
            if 0 < tok_max < 100_000:
                limits.append(tok_max)
            self.max_length = min(n for n in limits if n > 0)
            specials = tokenizer.num_special_tokens_to_add(pair=False)
            self.stride = max(0, min(128, (self.max_length - specials) // 4))
            self._labels = {int(k): str(v) for k, v in model.config.id2label.items()}
            self._tokenizer = tokenizer
            self._model = model

    # -- tagging ---------------------------------------------------------------------------

    def tag(
        self,
        doc_id: str,
        text: str,
        sentences: list[Sentence] | None = None,
        tokens: list[Token] | None = None,
    ) -> list[Mention]:
        if self._model is None:
            self.load()
        units = self._units(text, sentences)
        words = self._label_words(units)
        mentions: list[Mention] = []
        for unit, unit_words in zip(units, words, strict=True):
            for typ, i, j in decode_labels([w.label for w in unit_words]):
                mtype = TYPE_MAP.get(typ)
                if mtype is None:
                    continue
                m = self._mention(doc_id, text, unit, unit_words[i:j], mtype)
                if m is not None:
                    mentions.append(m)
        mentions.sort(key=lambda m: (m.start, m.end))
        return attach_attributes(text, mentions)

    @staticmethod
    def _units(text: str, sentences: list[Sentence] | None) -> list[_Unit]:
        sents = sentences or split_sentences(text)
        if not sents and text.strip():
            sents = [Sentence(0, len(text), text)]
        units = []
        for s in sents:
            raw = text[s.start : s.end]
            clean, index = strip_marks(raw)
            if clean.strip():
                units.append(_Unit(s.start, raw, clean, index))
        return units

    def _label_words(self, units: list[_Unit]) -> list[list[_Word]]:
        """Each unit's words (as the tokenizer splits them) with their labels."""
        if not units:
            return []
        enc = self._tokenizer(
            [u.clean for u in units],
            truncation=True,
            max_length=self.max_length,
            stride=self.stride,
            return_overflowing_tokens=True,
            return_offsets_mapping=True,
        )
        n_windows = len(enc["input_ids"])
        samples = enc.get("overflow_to_sample_mapping") or list(range(n_windows))
        # per unit: word id -> (start, end) in the clean text, and the first-subword
        # predictions seen for it as (start, centrality, label, probability)
        spans: list[dict[int, list[int]]] = [{} for _ in units]
        votes: list[dict[int, list[tuple[int, int, str, float]]]] = [{} for _ in units]
        order = sorted(range(n_windows), key=lambda k: len(enc["input_ids"][k]))
        for b in range(0, n_windows, self.batch_size):
            batch = order[b : b + self.batch_size]
            labels, probs = self._predict([enc["input_ids"][k] for k in batch])
            for row, k in enumerate(batch):
                word_ids = enc.word_ids(k)
                offsets = enc["offset_mapping"][k]
                content = [t for t, w in enumerate(word_ids) if w is not None]
                if not content:
                    continue
                lo, hi = content[0], content[-1]
                u = samples[k]
                for t in content:
                    wid = word_ids[t]
                    a, e = offsets[t]
                    span = spans[u].setdefault(wid, [a, e])
                    span[0], span[1] = min(span[0], a), max(span[1], e)
                    votes[u].setdefault(wid, []).append(
                        (a, min(t - lo, hi - t), labels[row][t], probs[row][t])
                    )
        out: list[list[_Word]] = []
        for u_spans, u_votes in zip(spans, votes, strict=True):
            words = []
            for wid in sorted(u_spans):
                a, e = u_spans[wid]
                # the word's label is its first subword's, from the window where that
                # subword is furthest from an edge
                firsts = [v for v in u_votes[wid] if v[0] == a]
                _, _, label, prob = max(firsts, key=lambda v: v[1])
                words.append(_Word(a, e, label, prob))
            out.append(words)
        return out

    def _predict(self, ids: list[list[int]]) -> tuple[list[list[str]], list[list[float]]]:
        """Best label and its probability for every subword of a batch of windows."""
        _, torch = _require_backend()
        pad = self._tokenizer.pad_token_id or 0
        width = max(len(x) for x in ids)
        input_ids = torch.full((len(ids), width), pad, dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for r, x in enumerate(ids):
            input_ids[r, : len(x)] = torch.tensor(x, dtype=torch.long)
            mask[r, : len(x)] = 1
        device = self._model.device
        with torch.inference_mode():
            logits = self._model(
                input_ids=input_ids.to(device), attention_mask=mask.to(device)
            ).logits
            p, best = torch.softmax(logits.float(), dim=-1).max(dim=-1)
        names = self._labels
        labels = [[names.get(int(i), "O") for i in r] for r in best.cpu().tolist()]
        return labels, p.cpu().tolist()

    @staticmethod
    def _mention(
        doc_id: str, text: str, unit: _Unit, words: list[_Word], mtype: str
    ) -> Mention | None:
        from marsad.ner.crf import _clitic_chars

        clean = unit.clean
        # a mention never starts or ends on punctuation
        while words and not _HAS_WORD.search(clean[words[0].start : words[0].end]):
            words = words[1:]
        while words and not _HAS_WORD.search(clean[words[-1].start : words[-1].end]):
            words = words[:-1]
        if not words:
            return None
        a = unit.start + unit.index[words[0].start]
        b = unit.start + unit.index[words[-1].end - 1] + 1
        first_end = unit.start + unit.index[words[0].end - 1] + 1
        unit_end = unit.start + len(unit.raw)
        while b < unit_end and _MARKS.fullmatch(text[b]):  # marks on the last letter
            b += 1
        while first_end < b and _MARKS.fullmatch(text[first_end]):
            first_end += 1
        key = mention_norm(text[a:b])
        a += _clitic_chars(text[a:first_end], key)
        if a >= b:
            return None
        return Mention(
            doc=doc_id,
            start=a,
            end=b,
            text=text[a:b],
            type=mtype,
            norm=key,
            confidence=round(min(w.prob for w in words), 4),
        )


def tagger_from_env(batch_size: int = 16, device: str | None = None) -> TransformerTagger | None:
    """A ``TransformerTagger`` for the directory in ``$MARSAD_NER_MODEL``, or None when it is
    unset. ``$MARSAD_NER_DEVICE`` picks the device when ``device`` is not given."""
    path = os.environ.get(ENV_VAR, "").strip()
    if not path:
        return None
    device = device or os.environ.get("MARSAD_NER_DEVICE", "").strip() or "cpu"
    return TransformerTagger(path, batch_size=batch_size, device=device)


__all__ = [
    "ENV_VAR",
    "TYPE_MAP",
    "TransformerModelError",
    "TransformerTagger",
    "check_model_dir",
    "decode_labels",
    "split_label",
    "tagger_from_env",
]
