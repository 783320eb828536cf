"""A word-level language model of the news, whose states the neural NER tagger reads.

Two LSTMs read each sentence of unlabelled news, one left to right and one right to left,
over the frozen word vectors (``vectors.py``) and a small embedding of each token's shape.
Each is trained to predict the vector of the word that comes next on its side (the loss is
one minus the cosine between a linear map of its state and that vector), so its state sums
up the sentence so far: a word-level cousin of ELMo, cheap to train and run on a CPU since
no softmax over the vocabulary is needed. The tagger (``neural_train.py --context-lm``)
reads both states, frozen, beside its own inputs; with them the tagger learns from the
context of millions of news sentences, not only ANERcorp's 4,000.

    python -m marsad.ner.context_lm --articles ../shared/datasets/saudinewsnet/articles.jsonl.xz \\
        --vectors build/ner/vectors.npz --out build/ner/context-lm.npz

Needs PyTorch (``pip install '.[train]'``). Sentences are split and tokenised the way the
pipeline hands them to the tagger. The file holds weights only, no text.
"""

from __future__ import annotations

import argparse
import json
import lzma
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from marsad.ner.neural import SHAPES, Encoder

DEFAULTS: dict[str, float | int] = {
    "hidden": 128,  # per direction
    "sentences": 150_000,  # news sentences read (about 4.9 million tokens)
    "epochs": 1,
    "batch": 64,
    "lr": 0.002,
    "seed": 1,
}
SHAPE_DIM = 8
HELD_OUT = 2000  # sentences kept apart to report the loss on
MIN_UNITS, MAX_UNITS = 4, 80


def news_sentences(articles: Path) -> Iterator[list[str]]:
    """The tagger's units (words and punctuation runs) of each sentence of the articles of a
    JSONL(.xz) file with a ``text`` field."""
    from marsad.ner.crf import _group_tokens, _sentence_units
    from marsad.text.segment import split_sentences, tokenize

    opener = lzma.open if str(articles).endswith(".xz") else open
    with opener(articles, "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line).get("text") or ""
            groups = _group_tokens(split_sentences(text), tokenize(text))
            for start, end, toks in groups:
                units = [
                    "".join(text[a:b].split()) for a, b in _sentence_units(text, start, end, toks)
                ]
                units = [u for u in units if u]
                if MIN_UNITS <= len(units) <= MAX_UNITS:
                    yield units


def encode_corpus(
    articles: Path, encoder: Encoder, sentences: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vector rows and shape ids of the first ``sentences`` news sentences, flat, with the
    sentence offsets."""
    ids: list[int] = []
    shapes: list[int] = []
    offsets = [0]
    for units in news_sentences(articles):
        codes = [encoder.word(u) for u in units]
        ids.extend(c.vector for c in codes)
        shapes.extend(c.shape for c in codes)
        offsets.append(len(ids))
        if len(offsets) > sentences:
            break
    return np.array(ids, np.int64), np.array(shapes, np.int64), np.array(offsets, np.int64)


def build_lm(torch, vectors: np.ndarray, hidden: int):  # type: ignore[no-untyped-def]
    from marsad.ner.neural_train import run_bilstm

    nn = torch.nn

    class ContextLM(nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.vectors = nn.Embedding.from_pretrained(torch.from_numpy(vectors), freeze=True)
            self.shape = nn.Embedding(len(SHAPES), SHAPE_DIM)
            self.lstm = nn.LSTM(
                vectors.shape[1] + SHAPE_DIM, hidden, batch_first=True, bidirectional=True
            )
            self.ahead = nn.Linear(hidden, vectors.shape[1])
            self.behind = nn.Linear(hidden, vectors.shape[1])

        def states(self, ids, shapes, lengths):  # type: ignore[no-untyped-def]
            """(batch, steps, 2 * hidden): the left-to-right state, then the right-to-left."""
            x = torch.cat([self.vectors(ids), self.shape(shapes)], dim=2)
            return run_bilstm(torch, self.lstm, x, lengths)

        def loss(self, ids, shapes, lengths):  # type: ignore[no-untyped-def]
            h = self.states(ids, shapes, lengths)
            fwd, bwd = h[..., :hidden], h[..., hidden:]
            cos = nn.functional.cosine_similarity
            total = 0.0
            for pred, target in (
                (self.ahead(fwd[:, :-1]), ids[:, 1:]),
                (self.behind(bwd[:, 1:]), ids[:, :-1]),
            ):
                known = (target > 0).float()  # padding and words without a vector: no target
                miss = 1 - cos(pred, self.vectors(target), dim=2)
                total = total + (miss * known).sum() / known.sum().clamp(min=1)
            return total

    return ContextLM()


def _batch(torch, ids, shapes, offsets, rows):  # type: ignore[no-untyped-def]
    lengths = [int(offsets[k + 1] - offsets[k]) for k in rows]
    b_ids = torch.zeros((len(rows), max(lengths)), dtype=torch.long)
    b_shapes = torch.zeros_like(b_ids)
    for r, k in enumerate(rows):
        a, z = offsets[k], offsets[k + 1]
        b_ids[r, : z - a] = torch.from_numpy(ids[a:z])
        b_shapes[r, : z - a] = torch.from_numpy(shapes[a:z])
    return b_ids, b_shapes, torch.tensor(lengths)


def export_lm(lm) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    """The weights tagging needs, named as the tagger's file stores them."""
    from marsad.ner.neural_train import bilstm_arrays

    sd = {k: v.detach().numpy() for k, v in lm.state_dict().items()}
    return {"lm_shape_emb": sd["shape.weight"], **bilstm_arrays(sd, "lstm", "lm")}


def train_context_lm(
    articles: Path, words: list[str], vectors: np.ndarray, out: Path, **overrides: float | int
) -> dict[str, object]:
    """Train on news sentences over ``vectors`` (row 0 the unknown word, row k + 1 that of
    ``words[k]``, as the tagger's) and write the weights to ``out``."""
    from marsad.ner.neural_train import import_torch

    torch = import_torch()
    p = {**DEFAULTS, **{k: v for k, v in overrides.items() if v is not None}}
    torch.manual_seed(int(p["seed"]))
    rng = np.random.default_rng(int(p["seed"]))
    t0 = time.time()
    ids, shapes, offsets = encode_corpus(articles, Encoder(words, [], {}, {}), int(p["sentences"]))
    n = len(offsets) - 1
    order = rng.permutation(n)
    held_out = min(HELD_OUT, n // 10)
    held, order = order[:held_out], order[held_out:]
    lm = build_lm(torch, vectors.astype(np.float32), int(p["hidden"]))
    params = [q for q in lm.parameters() if q.requires_grad]
    opt = torch.optim.Adam(params, lr=float(p["lr"]))
    size = int(p["batch"])

    def held_loss() -> float:
        with torch.no_grad():
            return float(lm.loss(*_batch(torch, ids, shapes, offsets, held)))

    start_loss = held_loss()
    for _ in range(int(p["epochs"])):
        rng.shuffle(order)
        # batches of sentences of similar length, in random order
        for i in range(0, len(order), size * 50):
            pool = sorted(order[i : i + size * 50], key=lambda k: offsets[k + 1] - offsets[k])
            batches = [pool[j : j + size] for j in range(0, len(pool), size)]
            for b in rng.permutation(len(batches)):
                loss = lm.loss(*_batch(torch, ids, shapes, offsets, batches[b]))
                opt.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(params, 5.0)
                opt.step()
    end_loss = held_loss()
    meta = {
        "params": p,
        "sentences": n,
        "tokens": int(offsets[-1]),
        "held_out_loss": [round(start_loss, 4), round(end_loss, 4)],
        "seconds": round(time.time() - t0),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, **export_lm(lm), meta=np.array(json.dumps(meta)))
    return {"model": str(out), **meta}


def load_context_lm(path: Path) -> dict[str, np.ndarray]:
    with np.load(path) as data:
        return {k: data[k] for k in data.files if k.startswith("lm_")}


def main(argv: list[str] | None = None) -> None:
    from marsad.ner.neural_train import DEFAULTS as TAGGER_DEFAULTS
    from marsad.ner.neural_train import import_torch, prepare_vectors

    ap = argparse.ArgumentParser(description="Train the news language model the tagger reads.")
    ap.add_argument("--articles", type=Path, required=True, help="JSONL(.xz) with a text field")
    ap.add_argument("--vectors", type=Path, required=True, help="vectors.npz (marsad.ner.vectors)")
    ap.add_argument("--out", type=Path, default=Path("build/ner/context-lm.npz"))
    for k, v in DEFAULTS.items():
        ap.add_argument("--" + k, type=type(v), default=None)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    import_torch().set_num_threads(args.threads)
    words, vectors = prepare_vectors(
        args.vectors, int(TAGGER_DEFAULTS["vocab"]), int(TAGGER_DEFAULTS["dim"])
    )
    overrides = {k: getattr(args, k) for k in DEFAULTS}
    print(train_context_lm(args.articles, words, vectors, args.out, **overrides))


if __name__ == "__main__":
    main()
