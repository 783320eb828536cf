"""A small neural NER tagger run with numpy: word vectors, a character CNN, a BiLSTM and a CRF.

Each word is read as its distributional vector (``vectors.py``, learnt from unlabelled news
and frozen), a character CNN over its normalised letters (clitics, affixes and the shape of
foreign names), and small embeddings of its shape, cue-word class and ANERGazet name-part
flag; the ANERGazet phrase match of the token in its sentence is added, and, when the network
was trained with one, the states of a language model of the news (``context_lm.py``: two
LSTMs over the word vectors, reading the sentence from either side) through a small
projection. A one-layer BiLSTM reads the sentence and a linear layer gives each token's
label scores, decoded with a label-transition matrix (a linear-chain CRF, trained jointly).

Training needs PyTorch (``neural_train.py``, ``pip install .[train]``); tagging does not: the
weights are a numpy ``.npz`` and everything below is numpy. What does not depend on the
sentence (a word's vector, CNN and embeddings, already multiplied into the LSTM's input
weights) is computed once per word and memoised, so a known word costs an addition and the
recurrence.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path

import numpy as np
from scipy.special import expit

from marsad.ner.crf import (
    _CUE_INDEX,
    _dump_phrases,
    _load_phrases,
    _match,
    _phrase_index,
    _shape,
    light_stem,
    word_key,
)

MODEL_NAME = "anercorp-bilstm.npz"
VECTORS_NAME = "news-vectors.npz"
MAX_CHARS = 24
# words whose LSTM input rows are memoised (8 floats per unit of the tagger's and the
# language model's LSTMs: 8 KB a word at 128 + 128 units, 400 MB at most)
CACHE_WORDS = 50_000
SHAPES = ("ar", "mix", "digit", "alnum", "LAT", "Lat", "lat", "punct")
CUE_CLASSES = ("none", *sorted(set(_CUE_INDEX.values())))
GAZ_TAGS = ("none", *(f"{p}-{t}" for t in ("LOC", "ORG", "PERS") for p in ("B", "I")))


def shape_id(word: str) -> int:
    s = _shape(word)
    return SHAPES.index(s) if s in SHAPES else SHAPES.index("punct")


@dataclass
class WordCodes:
    """The integer inputs of one word."""

    vector: int  # row in the word vectors, 0 for none
    chars: list[int]
    shape: int
    cue: int
    name_part: int


class Encoder:
    """Turns words into the integer inputs of the network (shared by training and tagging)."""

    def __init__(
        self,
        words: Sequence[str],
        chars: Sequence[str],
        gazetteer: dict[tuple[str, ...], str],
        name_parts: dict[str, str],
    ) -> None:
        # row 0 of the vectors is the unknown word
        self.word_index = {w: i + 1 for i, w in enumerate(words)}
        # char 0 is padding, 1 unknown, 2 and 3 the word's start and end
        self.char_index = {c: i + 4 for i, c in enumerate(chars)}
        self.gazetteer = gazetteer
        self.name_parts = name_parts
        self._gaz_index = _phrase_index(gazetteer)
        self._stems: dict[str, str] = {}

    def word(self, word: str) -> WordCodes:
        key = word_key(word)
        stem = light_stem(key)
        vec = self.word_index.get(key) or self.word_index.get(stem, 0)
        chars = [2, *(self.char_index.get(c, 1) for c in key[: MAX_CHARS - 2]), 3]
        cue = _CUE_INDEX.get(stem) or _CUE_INDEX.get(key) or "none"
        return WordCodes(
            vec, chars, shape_id(word), CUE_CLASSES.index(cue), int(stem in self.name_parts)
        )

    def stem(self, word: str) -> str:
        stem = self._stems.get(word)
        if stem is None:
            if len(self._stems) > 300_000:
                self._stems.clear()
            stem = self._stems[word] = light_stem(word_key(word))
        return stem

    def gazetteer_tags(self, words: Sequence[str]) -> list[int]:
        """Per token: 0, or the ANERGazet phrase tag (B-/I- type) covering it."""
        stems = [self.stem(w) for w in words]
        if not any(s in self._gaz_index for s in stems):
            return [0] * len(stems)
        found: list[list[str]] = [[] for _ in stems]
        _match(stems, self.gazetteer, self._gaz_index, found, "g")
        out = []
        for fs in found:
            own = [f[1:] for f in fs if f[1:] in GAZ_TAGS]
            out.append(GAZ_TAGS.index(own[0]) if own else 0)
        return out


class NeuralModel:
    """The network's weights and a numpy forward pass (the same arithmetic as training's)."""

    def __init__(self, arrays: dict[str, np.ndarray], encoder: Encoder, labels: list[str]):
        self.a = {k: v.astype(np.float32) for k, v in arrays.items() if v.dtype.kind == "f"}
        self.encoder = encoder
        self.labels = labels
        self.hidden = self._sigmoid_gates_first("lstm")
        # the gazetteer embedding is added per token, after the per-word part
        gaz = self.a["gaz_emb"]
        self.gaz_f = gaz @ self._input_slice("lstm_f_wih", "gaz").T
        self.gaz_b = gaz @ self._input_slice("lstm_b_wih", "gaz").T
        # the per-word part of both directions' input weights, applied once per word
        self.static_w = np.concatenate(
            [self._input_slice("lstm_f_wih", "static"), self._input_slice("lstm_b_wih", "static")]
        ).T
        self.static_b = np.concatenate([self.a["lstm_f_b"], self.a["lstm_b_b"]])
        self.whh = self._recurrent("lstm")
        # the context language model (``context_lm.py``), when the network reads one: its
        # input from a word is memoised with the word's own; its states reach the tagger's
        # LSTM through a small projection
        self.lm_hidden = self._sigmoid_gates_first("lm") if "lm_f_whh" in self.a else 0
        if self.lm_hidden:
            self.lm_static_w = np.concatenate([self.a["lm_f_wih"], self.a["lm_b_wih"]]).T
            self.lm_static_b = np.concatenate([self.a["lm_f_b"], self.a["lm_b_b"]])
            self.lm_whh = self._recurrent("lm")
            self.lm_in_w = np.concatenate(
                [self._input_slice("lstm_f_wih", "lm"), self._input_slice("lstm_b_wih", "lm")]
            ).T
        self.char_convs = ["char_conv"]
        while f"char_conv{len(self.char_convs)}_w" in self.a:
            self.char_convs.append(f"char_conv{len(self.char_convs)}")
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def _sigmoid_gates_first(self, lstm: str) -> int:
        """Reorder the gates of bidirectional LSTM ``lstm``'s weights from PyTorch's (input,
        forget, cell, output) to (input, forget, output, cell), so that one sigmoid covers
        the first three; returns its hidden size."""
        hs = self.a[f"{lstm}_f_whh"].shape[1]
        perm = np.r_[0 : 2 * hs, 3 * hs : 4 * hs, 2 * hs : 3 * hs]
        for d in ("f", "b"):
            for part in ("wih", "whh", "b"):
                name = f"{lstm}_{d}_{part}"
                self.a[name] = self.a[name][perm]
        return hs

    def _recurrent(self, lstm: str) -> np.ndarray:
        """Both directions' recurrent weights, (2, h, 4h)."""
        return np.stack([self.a[f"{lstm}_f_whh"].T, self.a[f"{lstm}_b_whh"].T])

    def _input_slice(self, name: str, part: str) -> np.ndarray:
        """The columns of an LSTM input weight that read the per-word inputs ("static"), the
        gazetteer tag ("gaz") or the projected language-model states ("lm"), in that order."""
        w = self.a[name]
        d_lm = self.a["lm_proj_w"].shape[0] if "lm_proj_w" in self.a else 0
        d_static = w.shape[1] - self.a["gaz_emb"].shape[1] - d_lm
        if part == "static":
            return w[:, :d_static]
        if part == "gaz":
            return w[:, d_static : w.shape[1] - d_lm]
        return w[:, w.shape[1] - d_lm :]

    def _char_vectors(self, codes: Sequence[WordCodes]) -> np.ndarray:
        """The character CNN of many words at once: (words, filters), one block of filters
        per window width (``char_conv_w``, then ``char_conv1_w``, ...)."""
        a = self.a
        longest = max(len(c.chars) for c in codes)
        valid = np.zeros((len(codes), longest), dtype=bool)
        for k, c in enumerate(codes):
            valid[k, : len(c.chars)] = True
        blocks = []
        for name in self.char_convs:
            w = a[name + "_w"]  # (filters, d, width)
            filters, d, width = w.shape
            pad = width // 2
            ids = np.zeros((len(codes), longest + 2 * pad), dtype=np.intp)
            for k, c in enumerate(codes):
                ids[k, pad : pad + len(c.chars)] = c.chars
            emb = a["char_emb"][ids]  # (words, positions, d); id 0 is the all-zero padding
            windows = np.concatenate([emb[:, k : k + longest] for k in range(width)], axis=2)
            kernel = w.transpose(2, 1, 0).reshape(width * d, filters)
            conv = np.maximum(windows @ kernel + a[name + "_b"], 0.0)
            conv *= valid[:, :, None]
            blocks.append(conv.max(axis=1))
        return np.concatenate(blocks, axis=1)

    def _word_inputs(self, words: Sequence[str]) -> np.ndarray:
        """Each word's contribution to both LSTM directions' gate inputs (words, 8 * hidden),
        memoised."""
        new = [w for w in dict.fromkeys(words) if w not in self._cache]
        if new:
            a = self.a
            codes = [self.encoder.word(w) for w in new]
            x = np.concatenate(
                [
                    a["word_vectors"][[c.vector for c in codes]],
                    self._char_vectors(codes),
                    a["shape_emb"][[c.shape for c in codes]],
                    a["cue_emb"][[c.cue for c in codes]],
                    a["part_emb"][[c.name_part for c in codes]],
                ],
                axis=1,
            )
            rows = x @ self.static_w + self.static_b
            if self.lm_hidden:
                lm_x = np.concatenate(
                    [
                        a["word_vectors"][[c.vector for c in codes]],
                        a["lm_shape_emb"][[c.shape for c in codes]],
                    ],
                    axis=1,
                )
                rows = np.concatenate([rows, lm_x @ self.lm_static_w + self.lm_static_b], axis=1)
            with self._lock:
                if len(self._cache) > CACHE_WORDS:
                    self._cache.clear()
                self._cache.update(zip(new, rows, strict=True))
        return np.stack([self._cache[w] for w in words])

    def gate_inputs(self, ordered: Sequence[Sequence[str]], lengths: np.ndarray) -> np.ndarray:
        """Both directions' LSTM input terms of non-empty sentences, sorted longest first
        with their ``lengths`` (2, batch, steps, 4h), the backward direction's sentences
        reversed and left-aligned."""
        steps = int(lengths[0])
        h4 = 4 * self.hidden
        gates = np.zeros((2, len(ordered), steps, h4), dtype=np.float32)
        lm4 = 4 * self.lm_hidden
        lm_gates = np.zeros((2, len(ordered), steps, lm4), dtype=np.float32)
        for row, words in enumerate(ordered):
            n = len(words)
            x = self._word_inputs(words)
            gaz = self.encoder.gazetteer_tags(words)
            gates[0, row, :n] = x[:, :h4] + self.gaz_f[gaz]
            gates[1, row, :n] = (x[:, h4 : 2 * h4] + self.gaz_b[gaz])[::-1]
            if lm4:
                lm_gates[0, row, :n] = x[:, 2 * h4 : 2 * h4 + lm4]
                lm_gates[1, row, :n] = x[:, 2 * h4 + lm4 :][::-1]
        if lm4:
            lm = _bilstm(lm_gates, lengths, self.lm_whh)
            back = _reversal(lengths, steps)[:, :, None]
            # the language model's two states side by side, in sentence order for the
            # tagger's forward direction and reversed for its backward one
            ahead = np.concatenate([lm[0], np.take_along_axis(lm[1], back, axis=1)], axis=2)
            behind = np.concatenate([np.take_along_axis(lm[0], back, axis=1), lm[1]], axis=2)
            w, b = self.a["lm_proj_w"].T, self.a["lm_proj_b"]
            gates[0] += (ahead @ w + b) @ self.lm_in_w[:, :h4]
            gates[1] += (behind @ w + b) @ self.lm_in_w[:, h4:]
        return gates

    def label_scores(self, hidden: np.ndarray, lengths: np.ndarray) -> np.ndarray:
        """(batch, steps, labels) from the two directions' states (2, batch, steps, h), the
        start and end scores added on each sentence's first and last token."""
        em = _unreverse(hidden, lengths) @ self.a["out_w"].T + self.a["out_b"]
        rows = np.arange(len(lengths))
        em[:, 0] += self.a["start"]
        em[rows, lengths - 1] += self.a["end"]
        return em

    def emissions(self, sentences: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Label scores (tokens, labels) of each sentence, the start and end scores included
        on its first and last token, ready for ``crf.viterbi`` / ``crf.marginals``."""
        return average_emissions([self], sentences)

    @property
    def transitions(self) -> np.ndarray:
        return self.a["trans"].astype(np.float64)


def _reversal(lengths: np.ndarray, steps: int) -> np.ndarray:
    """(batch, steps) positions that reverse each sentence's first ``length`` steps."""
    return np.clip(lengths[:, None] - 1 - np.arange(steps)[None, :], 0, None)


def _unreverse(hidden: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Both directions' states (2, batch, steps, h), the backward one run on reversed
    sentences, as (batch, steps, 2h) in sentence order."""
    back = _reversal(lengths, hidden.shape[2])
    hb = np.take_along_axis(hidden[1], back[:, :, None], axis=1)
    return np.concatenate([hidden[0], hb], axis=2)


def _bilstm(gates_in: np.ndarray, lengths: np.ndarray, whh: np.ndarray) -> np.ndarray:
    """LSTM directions run side by side over a padded batch: inputs (D, batch, steps, 4h)
    whose sentences are sorted longest first, recurrent weights (D, h, 4h) with the gates in
    the order input, forget, output, cell -> states (D, batch, steps, h). At step t only the
    sentences longer than t are computed (a prefix of the batch)."""
    d, batch, steps, _ = gates_in.shape
    hs = whh.shape[1]
    h = np.zeros((d, batch, hs), dtype=np.float32)
    c = np.zeros((d, batch, hs), dtype=np.float32)
    out = np.zeros((d, batch, steps, hs), dtype=np.float32)
    active = batch - np.searchsorted(lengths[::-1], np.arange(steps), side="right")
    for t in range(steps):
        k = int(active[t])
        g = h[:, :k] @ whh
        g += gates_in[:, :k, t]
        expit(g[..., : 3 * hs], out=g[..., : 3 * hs])
        np.tanh(g[..., 3 * hs :], out=g[..., 3 * hs :])
        ck = c[:, :k]
        ck *= g[..., hs : 2 * hs]
        ck += g[..., :hs] * g[..., 3 * hs :]
        hk = np.tanh(ck)
        hk *= g[..., 2 * hs : 3 * hs]
        h[:, :k] = hk
        out[:, :k, t] = hk
    return out


def average_emissions(
    models: Sequence[NeuralModel], sentences: Sequence[Sequence[str]]
) -> list[np.ndarray]:
    """The models' label scores of each sentence, averaged. All the models' LSTMs run in one
    recurrence (their directions stacked), which costs far less than one after the other:
    a step's arithmetic is small beside numpy's per-call overhead."""
    n_labels = len(models[0].labels)
    if len({m.hidden for m in models}) > 1:  # cannot share one recurrence
        each = [average_emissions([m], sentences) for m in models]
        return [sum(ems) / len(models) for ems in zip(*each, strict=True)]
    live = [k for k, s in enumerate(sentences) if len(s)]
    out = [np.zeros((0, n_labels)) for _ in sentences]
    if not live:
        return out
    order = sorted(live, key=lambda k: -len(sentences[k]))
    ordered = [sentences[k] for k in order]
    lengths = np.array([len(s) for s in ordered])
    gates = np.concatenate([m.gate_inputs(ordered, lengths) for m in models])
    whh = np.concatenate([m.whh for m in models])
    hidden = _bilstm(gates, lengths, whh)
    em = sum(
        m.label_scores(hidden[2 * i : 2 * i + 2], lengths) for i, m in enumerate(models)
    ) / len(models)
    for row, k in enumerate(order):
        out[k] = em[row, : lengths[row]].astype(np.float64)
    return out


def quantise(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows as int8 with one scale each (a quarter of float32's size, no measurable loss)."""
    scale = np.abs(vectors).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.round(vectors / scale[:, None]).astype(np.int8)
    return q, scale.astype(np.float32)


def dequantise(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return q.astype(np.float32) * scale[:, None].astype(np.float32)


def _fingerprint(quantised: np.ndarray) -> str:
    import hashlib

    return hashlib.sha1(quantised.tobytes()).hexdigest()[:16]


def save_vectors_file(path: Path, words: Sequence[str], vectors: np.ndarray) -> str:
    """Write the input word vectors (row 0 is the unknown word, then one row per word) as
    int8; return their fingerprint, which the networks trained on them record."""
    quantised, scale = quantise(vectors)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, words=np.array(list(words)), q=quantised, scale=scale)
    return _fingerprint(quantised)


@functools.lru_cache(maxsize=4)
def _load_vectors_file(path: str) -> tuple[list[str], np.ndarray, str]:
    with np.load(path) as data:
        q = data["q"]
        return [str(w) for w in data["words"]], dequantise(q, data["scale"]), _fingerprint(q)


def save_neural(
    path: Path,
    arrays: dict[str, np.ndarray],
    words: Sequence[str],
    chars: Sequence[str],
    labels: Sequence[str],
    gazetteer: dict[tuple[str, ...], str],
    name_parts: dict[str, str],
    meta: dict[str, object],
) -> None:
    """Write a network to ``path`` and its word vectors (``arrays["word_vectors"]``, shared
    by all networks trained on them) to ``VECTORS_NAME`` beside it."""
    import json

    fingerprint = save_vectors_file(path.parent / VECTORS_NAME, words, arrays["word_vectors"])
    meta = {**meta, "vectors_file": VECTORS_NAME, "vectors_fingerprint": fingerprint}
    gaz = _dump_phrases(gazetteer).splitlines()
    parts = [f"{t}\t{w}" for w, t in name_parts.items()]
    np.savez_compressed(
        path,
        **{k: v.astype(np.float32) for k, v in arrays.items() if k != "word_vectors"},
        chars=np.array(list(chars)),
        labels=np.array(list(labels)),
        gazetteer=np.array(gaz),
        name_parts=np.array(parts),
        meta=np.array(json.dumps(meta, ensure_ascii=False)),
    )


def default_neural_path() -> Path:
    return Path(str(files("marsad.ner").joinpath("models", MODEL_NAME)))


def seed_file_name(seed: int) -> str:
    """anercorp-bilstm.npz for seed 1, anercorp-bilstm-2.npz for seed 2, ..."""
    return MODEL_NAME if seed == 1 else MODEL_NAME.replace(".npz", f"-{seed}.npz")


def shipped_neural_paths() -> list[Path]:
    """The networks the package ships: ``anercorp-bilstm.npz`` and its other seeds
    (``anercorp-bilstm-2.npz`` ...), averaged by the ensemble."""
    folder = default_neural_path().parent
    return sorted(folder.glob(MODEL_NAME.replace(".npz", "*.npz")))


def load_neural(path: Path | None = None) -> tuple[NeuralModel, dict[str, object]]:
    import json

    path = Path(path) if path is not None else default_neural_path()
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if data[k].dtype.kind == "f"}
        chars = [str(c) for c in data["chars"]]
        labels = [str(y) for y in data["labels"]]
        gaz = _load_phrases("\n".join(str(line) for line in data["gazetteer"]))
        parts = {}
        for line in data["name_parts"]:
            t, _, w = str(line).partition("\t")
            parts[w] = t
        meta = json.loads(str(data["meta"]))
    vectors_path = path.parent / str(meta["vectors_file"])
    if not vectors_path.exists():
        raise FileNotFoundError(f"{path}: its word vectors {vectors_path} are missing")
    words, vectors, fingerprint = _load_vectors_file(str(vectors_path))
    if fingerprint != meta["vectors_fingerprint"]:
        raise ValueError(f"{path}: was trained on other word vectors than {vectors_path}")
    arrays["word_vectors"] = vectors
    encoder = Encoder(words, chars, gaz, parts)
    return NeuralModel(arrays, encoder, labels), meta


class NeuralTagger:
    """Tags sentences of words with the neural model (loaded lazily, once)."""

    def __init__(self, model_path: str | Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path is not None else None
        self._model: NeuralModel | None = None
        self._lock = threading.Lock()
        self.meta: dict[str, object] = {}

    def load(self) -> NeuralModel:
        with self._lock:
            if self._model is None:
                self._model, self.meta = load_neural(self.model_path)
        return self._model

    def tag_document(
        self, sentences: Sequence[Sequence[str]], with_marginals: bool = False
    ) -> tuple[list[list[str]], list[np.ndarray]]:
        """BIO labels of each sentence and, with ``with_marginals``, each token's label
        probabilities (tokens, labels) in the order of ``self.load().labels``."""
        from marsad.ner.crf import marginals, viterbi

        model = self._model or self.load()
        ems = model.emissions(sentences)
        live = [i for i, e in enumerate(ems) if len(e)]
        labels: list[list[str]] = [[] for _ in sentences]
        for i, path in zip(live, viterbi([ems[i] for i in live], model.transitions), strict=True):
            labels[i] = [model.labels[y] for y in path]
        probs: list[np.ndarray] = [np.zeros((0, len(model.labels)))] * len(sentences)
        if with_marginals and live:
            for i, m in zip(
                live, marginals([ems[i] for i in live], model.transitions), strict=True
            ):
                probs[i] = m
        return labels, probs

    def tag_words(self, sentences: Sequence[Sequence[str]], batch: int = 64) -> list[list[str]]:
        out: list[list[str]] = []
        for i in range(0, len(sentences), batch):
            out.extend(self.tag_document(sentences[i : i + batch])[0])
        return out
