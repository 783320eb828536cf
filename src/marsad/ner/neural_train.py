"""Train the neural NER tagger (``neural.py``) on ANERcorp's train split with PyTorch.

    pip install '.[train]'          # PyTorch, for training only
    python -m marsad.ner.vectors --articles ../shared/datasets/saudinewsnet/articles.jsonl.xz \\
        --out build/ner/vectors.npz
    python -m marsad.ner.neural_train --data ../shared/datasets/anercorp \\
        --vectors build/ner/vectors.npz          # or: marsad train ner-neural

Learns from ``train.txt`` only; after each epoch the model is scored on ``dev.txt`` and the
best epoch is kept (early stopping on dev, the only use of dev). ``test.txt`` is left to
``marsad eval ner``. The weights are written as a numpy ``.npz`` that tagging reads without
PyTorch. Deterministic for a given seed and thread count.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from marsad.eval.conll import Sent, read_conll, score
from marsad.ner.context_lm import load_context_lm
from marsad.ner.crf import read_anergazet, viterbi, word_key
from marsad.ner.neural import (
    CUE_CLASSES,
    GAZ_TAGS,
    MAX_CHARS,
    SHAPES,
    Encoder,
    default_neural_path,
    dequantise,
    quantise,
    save_neural,
)
from marsad.ner.vectors import load_vectors

LABELS = ["O", "B-PERS", "I-PERS", "B-LOC", "I-LOC", "B-ORG", "I-ORG", "B-MISC", "I-MISC"]
DEFAULTS: dict[str, float | int] = {
    "vocab": 120_000,  # word vectors shipped: the most frequent words of the news text
    "dim": 128,  # leading SVD components kept
    "char_dim": 24,
    "char_filters": 64,
    "hidden": 128,  # per LSTM direction
    "dropout": 0.5,
    "word_dropout": 0.0,  # share of training tokens read without their vector
    "lr": 0.002,
    "batch": 16,
    "epochs": 30,
    "seed": 1,
    "lm_proj": 64,  # the news language model's states are read through this many units
    "char_widths": "3",  # widths of the character CNN's windows, "3" or e.g. "2,3,4"
    "lr_decay": 0,  # 1: the learning rate falls along a cosine to a tenth by the last epoch
    "tune_lm": 0.0,  # > 0: the language model's LSTMs train too, at this share of ``lr``
}


def char_widths(p: dict) -> list[int]:
    return [int(w) for w in str(p.get("char_widths", 3)).split(",")]


def import_torch():  # type: ignore[no-untyped-def]
    try:
        import torch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise SystemExit(
            "training the neural tagger needs PyTorch: pip install '.[train]' "
            "(see the README for the CPU build)"
        ) from exc
    return torch


def run_bilstm(torch, lstm, x, lengths):  # type: ignore[no-untyped-def]
    """A batch-first bidirectional ``nn.LSTM`` over padded sequences of ``lengths``: each
    direction reads only its sentence, and the padding's states are zero."""
    nn = torch.nn
    packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
    h, _ = lstm(packed)
    h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=x.shape[1])
    return h


def build_model(  # type: ignore[no-untyped-def]
    torch, n_vectors: int, dim: int, n_chars: int, p: dict, lm_dim: int = 0, lm=None
):
    """The network; ``lm_dim`` > 0 adds the context language model's states (that many
    per token, read through ``p["lm_proj"]`` units) to each word's inputs."""
    nn = torch.nn

    class Net(nn.Module):  # type: ignore[misc, name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.word_vectors = nn.Embedding(n_vectors, dim)
            self.word_vectors.weight.requires_grad = False
            self.char_emb = nn.Embedding(n_chars, int(p["char_dim"]), padding_idx=0)
            # one convolution per window width: char_conv (the first), char_conv1, ...
            self.widths = char_widths(p)
            for name, width in zip(self.char_conv_names(), self.widths, strict=True):
                conv = nn.Conv1d(
                    int(p["char_dim"]), int(p["char_filters"]), width, padding=width // 2
                )
                setattr(self, name, conv)
            self.shape_emb = nn.Embedding(len(SHAPES), 8)
            self.cue_emb = nn.Embedding(len(CUE_CLASSES), 8)
            self.part_emb = nn.Embedding(2, 4)
            self.gaz_emb = nn.Embedding(len(GAZ_TAGS), 8)
            d_in = dim + len(self.widths) * int(p["char_filters"]) + 8 + 8 + 4 + 8
            if lm is not None:  # the language model runs inside, and trains (``tune_lm``)
                self.lm = context_lstm(torch, lm)
                self.lm_shape = nn.Embedding.from_pretrained(
                    torch.from_numpy(lm["lm_shape_emb"].astype(np.float32))
                )
            if lm_dim:
                self.lm_proj = nn.Linear(lm_dim, int(p["lm_proj"]))
                d_in += int(p["lm_proj"])
            self.drop = nn.Dropout(float(p["dropout"]))
            self.lstm = nn.LSTM(d_in, int(p["hidden"]), batch_first=True, bidirectional=True)
            self.out = nn.Linear(2 * int(p["hidden"]), len(LABELS))
            n = len(LABELS)
            self.trans = nn.Parameter(torch.zeros(n, n))
            self.start = nn.Parameter(torch.zeros(n))
            self.end = nn.Parameter(torch.zeros(n))

        def emissions(self, batch: dict) -> torch.Tensor:  # type: ignore[name-defined]
            chars = batch["chars"]  # (B, T, C)
            b, t, c = chars.shape
            ce = self.char_emb(chars.view(b * t, c)).transpose(1, 2)  # (BT, d, C)
            valid = chars.view(b * t, 1, c) > 0
            char_vec = torch.cat(
                [
                    (torch.relu(getattr(self, name)(ce)[:, :, :c]) * valid).max(dim=2).values
                    for name in self.char_conv_names()
                ],
                dim=1,
            ).view(b, t, -1)
            vectors = self.word_vectors(batch["vector"])
            parts = [
                vectors,
                char_vec,
                self.shape_emb(batch["shape"]),
                self.cue_emb(batch["cue"]),
                self.part_emb(batch["part"]),
                self.gaz_emb(batch["gaz"]),
            ]
            if lm is not None:
                lm_x = torch.cat([vectors, self.lm_shape(batch["shape"])], dim=2)
                states = run_bilstm(torch, self.lm, lm_x, batch["lengths"])
                parts.append(self.lm_proj(self.drop(states)))
            elif lm_dim:
                parts.append(self.lm_proj(self.drop(batch["lm"])))
            x = torch.cat(parts, dim=2)
            h = run_bilstm(torch, self.lstm, self.drop(x), batch["lengths"])
            return self.out(self.drop(h))

        def char_conv_names(self) -> list[str]:
            return ["char_conv" + (str(k) if k else "") for k in range(len(self.widths))]

        def nll(self, em: torch.Tensor, tags: torch.Tensor, mask: torch.Tensor):  # type: ignore[name-defined]
            b, t, n = em.shape
            rows = torch.arange(b)
            lengths = mask.sum(1)
            gold = self.start[tags[:, 0]] + em[rows, 0, tags[:, 0]]
            alpha = self.start + em[:, 0]
            for i in range(1, t):
                m = mask[:, i]
                step = self.trans[tags[:, i - 1], tags[:, i]] + em[rows, i, tags[:, i]]
                gold = gold + step * m
                new = torch.logsumexp(alpha.unsqueeze(2) + self.trans, dim=1) + em[:, i]
                alpha = torch.where(m.unsqueeze(1), new, alpha)
            gold = gold + self.end[tags[rows, lengths - 1]]
            log_z = torch.logsumexp(alpha + self.end, dim=1)
            return (log_z - gold).sum()

    return Net()


def encode_sentences(encoder: Encoder, sents: Sequence[Sent]) -> list[dict[str, list]]:
    out = []
    for words, tags in sents:
        codes = [encoder.word(w) for w in words]
        out.append(
            {
                "vector": [c.vector for c in codes],
                "chars": [c.chars for c in codes],
                "shape": [c.shape for c in codes],
                "cue": [c.cue for c in codes],
                "part": [c.name_part for c in codes],
                "gaz": encoder.gazetteer_tags(words),
                "tags": [LABELS.index(y) if y in LABELS else 0 for y in tags],
            }
        )
    return out


def make_batch(torch, items: Sequence[dict[str, list]]) -> dict:  # type: ignore[no-untyped-def]
    b = len(items)
    t = max(len(it["vector"]) for it in items)
    batch = {
        k: torch.zeros((b, t), dtype=torch.long)
        for k in ("vector", "shape", "cue", "part", "gaz", "tags")
    }
    chars = torch.zeros((b, t, MAX_CHARS), dtype=torch.long)
    mask = torch.zeros((b, t), dtype=torch.bool)
    for i, it in enumerate(items):
        n = len(it["vector"])
        for k in ("vector", "shape", "cue", "part", "gaz", "tags"):
            batch[k][i, :n] = torch.tensor(it[k])
        for j, cs in enumerate(it["chars"]):
            chars[i, j, : len(cs)] = torch.tensor(cs)
        mask[i, :n] = True
    if "lm" in items[0]:
        lm = torch.zeros((b, t, items[0]["lm"].shape[1]))
        for i, it in enumerate(items):
            lm[i, : len(it["vector"])] = torch.from_numpy(it["lm"])
        batch["lm"] = lm
    batch["chars"] = chars
    batch["mask"] = mask
    batch["lengths"] = mask.sum(1)
    return batch


def predict(torch, net, data: Sequence[dict[str, list]], batch_size: int = 64) -> list[list[str]]:  # type: ignore[no-untyped-def]
    net.eval()
    out: list[list[str]] = []
    with torch.no_grad():
        for i in range(0, len(data), batch_size):
            items = data[i : i + batch_size]
            batch = make_batch(torch, items)
            em = net.emissions(batch).double().numpy()
            start = net.start.detach().double().numpy()
            end = net.end.detach().double().numpy()
            ems = []
            for k, it in enumerate(items):
                e = em[k, : len(it["vector"])].copy()
                e[0] += start
                e[-1] += end
                ems.append(e)
            for path in viterbi(ems, net.trans.detach().double().numpy()):
                out.append([LABELS[y] for y in path])
    net.train()
    return out


def context_lstm(torch, lm: dict[str, np.ndarray]):  # type: ignore[no-untyped-def]
    """The context language model's two LSTMs as one bidirectional ``nn.LSTM``."""
    nn = torch.nn
    hidden = lm["lm_f_whh"].shape[1]
    lstm = nn.LSTM(lm["lm_f_wih"].shape[1], hidden, batch_first=True, bidirectional=True)
    weights = {}
    for d, suffix in (("f", ""), ("b", "_reverse")):
        weights[f"weight_ih_l0{suffix}"] = lm[f"lm_{d}_wih"]
        weights[f"weight_hh_l0{suffix}"] = lm[f"lm_{d}_whh"]
        weights[f"bias_ih_l0{suffix}"] = lm[f"lm_{d}_b"]
        weights[f"bias_hh_l0{suffix}"] = np.zeros_like(lm[f"lm_{d}_b"])
    lstm.load_state_dict({k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()})
    return lstm


def add_context_states(
    torch, lm: dict[str, np.ndarray], data: list[dict], vectors: np.ndarray
) -> None:  # type: ignore[no-untyped-def]
    """Each encoded sentence's context language model states (tokens, 2 * hidden), frozen,
    computed once: the arithmetic of ``neural.NeuralModel`` in PyTorch."""
    lstm = context_lstm(torch, lm)
    vec = torch.from_numpy(vectors.astype(np.float32))
    shape = torch.from_numpy(lm["lm_shape_emb"].astype(np.float32))
    with torch.no_grad():
        for it in data:
            x = torch.cat([vec[it["vector"]], shape[it["shape"]]], dim=1).unsqueeze(0)
            it["lm"] = lstm(x)[0][0].numpy()


def bilstm_arrays(sd: dict[str, np.ndarray], module: str, name: str) -> dict[str, np.ndarray]:
    """A bidirectional ``nn.LSTM``'s weights from a state dict (``module`` its name there)
    as the numpy side stores them: ``{name}_f_wih``, ``_whh`` and one summed bias ``_b``
    for the forward direction, ``{name}_b_*`` for the backward one."""
    out = {}
    for d, suffix in (("f", ""), ("b", "_reverse")):
        out[f"{name}_{d}_wih"] = sd[f"{module}.weight_ih_l0{suffix}"]
        out[f"{name}_{d}_whh"] = sd[f"{module}.weight_hh_l0{suffix}"]
        out[f"{name}_{d}_b"] = (
            sd[f"{module}.bias_ih_l0{suffix}"] + sd[f"{module}.bias_hh_l0{suffix}"]
        )
    return out


def export_arrays(
    net, vectors: np.ndarray, lm: dict[str, np.ndarray] | None = None
) -> dict[str, np.ndarray]:  # type: ignore[no-untyped-def]
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    extra = {}
    if lm:
        extra = {**lm, "lm_proj_w": sd["lm_proj.weight"], "lm_proj_b": sd["lm_proj.bias"]}
    if "lm.weight_ih_l0" in sd:  # the language model trained with the tagger
        extra.update(bilstm_arrays(sd, "lm", "lm"), lm_shape_emb=sd["lm_shape.weight"])
    return {
        **extra,
        "word_vectors": vectors,
        "char_emb": sd["char_emb.weight"],
        **{
            f"{name}_{part}": sd[f"{name}.{weight}"]
            for name in net.char_conv_names()
            for part, weight in (("w", "weight"), ("b", "bias"))
        },
        "shape_emb": sd["shape_emb.weight"],
        "cue_emb": sd["cue_emb.weight"],
        "part_emb": sd["part_emb.weight"],
        "gaz_emb": sd["gaz_emb.weight"],
        **bilstm_arrays(sd, "lstm", "lstm"),
        "out_w": sd["out.weight"],
        "out_b": sd["out.bias"],
        "trans": sd["trans"],
        "start": sd["start"],
        "end": sd["end"],
    }


def prepare_vectors(vectors_path: Path, vocab: int, dim: int) -> tuple[list[str], np.ndarray]:
    """The ``vocab`` most frequent words and their vectors as the network reads them: the
    first ``dim`` components, scaled to one length, a zero row 0 for unknown words, and
    through the int8 quantisation the shipped file applies (train on exactly what ships)."""
    all_words, all_vec = load_vectors(vectors_path)
    vec = all_vec[:vocab, :dim]
    vec = vec / (np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9) * 0.5 * np.sqrt(dim) / 4
    vectors = np.vstack([np.zeros((1, dim), dtype=np.float32), vec.astype(np.float32)])
    return all_words[:vocab], dequantise(*quantise(vectors))


def train_neural(
    data_dir: Path,
    vectors_path: Path,
    out_path: Path,
    context_lm: Path | None = None,
    **overrides: float | int,
) -> dict[str, object]:
    """Train on ``train.txt`` (dev picks the epoch) and write the network to ``out_path``;
    with ``context_lm`` (``context_lm.py``'s file) the network reads its states too."""
    torch = import_torch()
    p = {**DEFAULTS, **{k: v for k, v in overrides.items() if v is not None}}
    torch.manual_seed(int(p["seed"]))
    rng = np.random.default_rng(int(p["seed"]))
    t0 = time.time()
    train = read_conll(data_dir / "train.txt")
    dev = read_conll(data_dir / "dev.txt")
    words, vectors = prepare_vectors(vectors_path, int(p["vocab"]), int(p["dim"]))
    dim = vectors.shape[1]
    char_counts = Counter(c for toks, _ in train for w in toks for c in word_key(w))
    chars = sorted(c for c, k in char_counts.items() if k >= 2)
    gaz, parts = read_anergazet(data_dir / "gazetteers")
    encoder = Encoder(words, chars, gaz, parts)
    train_data = encode_sentences(encoder, train)
    dev_data = encode_sentences(encoder, dev)
    lm = load_context_lm(context_lm) if context_lm else None
    tune_lm = lm is not None and float(p["tune_lm"]) > 0
    if lm and not tune_lm:
        add_context_states(torch, lm, train_data, vectors)
        add_context_states(torch, lm, dev_data, vectors)
    lm_dim = 2 * lm["lm_f_whh"].shape[1] if lm else 0
    net = build_model(torch, len(vectors), dim, len(chars) + 4, p, lm_dim, lm if tune_lm else None)
    net.word_vectors.weight.data.copy_(torch.from_numpy(vectors))
    params = [q for q in net.parameters() if q.requires_grad]
    lm_params = {id(q) for q in net.lm.parameters()} if tune_lm else set()
    groups = [{"params": [q for q in params if id(q) not in lm_params]}]
    if tune_lm:
        groups.append(
            {"params": list(net.lm.parameters()), "lr": float(p["lr"]) * float(p["tune_lm"])}
        )
    opt = torch.optim.Adam(groups, lr=float(p["lr"]))
    sched = None
    if int(p["lr_decay"]):
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(
            opt, T_max=int(p["epochs"]), eta_min=float(p["lr"]) / 10
        )
    best_f1, best_state, best_epoch = -1.0, None, 0
    gold_dev = [tags for _, tags in dev]
    order = np.arange(len(train_data))
    history = []
    for epoch in range(1, int(p["epochs"]) + 1):
        rng.shuffle(order)
        total = 0.0
        for i in range(0, len(order), int(p["batch"])):
            items = [train_data[j] for j in order[i : i + int(p["batch"])]]
            batch = make_batch(torch, items)
            if float(p["word_dropout"]) > 0:
                drop = torch.rand(batch["vector"].shape) < float(p["word_dropout"])
                batch["vector"] = batch["vector"].masked_fill(drop, 0)
            em = net.emissions(batch)
            loss = net.nll(em, batch["tags"], batch["mask"])
            opt.zero_grad()
            (loss / len(items)).backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            total += float(loss.detach())
        if sched is not None:
            sched.step()
        f1 = score(gold_dev, predict(torch, net, dev_data)).micro.f1
        history.append((epoch, round(total, 1), round(f1, 4)))
        print(
            f"epoch {epoch:2d} loss {total:9.1f} dev F1 {f1:.4f} ({time.time() - t0:.0f}s)",
            flush=True,
        )
        if f1 > best_f1:
            best_f1, best_epoch = f1, epoch
            best_state = {k: v.clone() for k, v in net.state_dict().items()}
    assert best_state is not None
    net.load_state_dict(best_state)
    meta = {
        "trained_on": "train",
        "params": p,
        "best_epoch": best_epoch,
        "dev_f1": round(best_f1, 4),
        "history": history,
        "labels": LABELS,
        "context_lm": str(context_lm) if context_lm else None,
    }
    save_neural(out_path, export_arrays(net, vectors, lm), words, chars, LABELS, gaz, parts, meta)
    return {
        "model": str(out_path),
        "dev_f1": best_f1,
        "best_epoch": best_epoch,
        "seconds": time.time() - t0,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Train the neural NER tagger on ANERcorp.")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--vectors", type=Path, required=True, help="vectors.npz (marsad.ner.vectors)")
    ap.add_argument("--out", type=Path, default=None)
    for k, v in DEFAULTS.items():
        ap.add_argument("--" + k.replace("_", "-"), type=type(v), default=None)
    ap.add_argument(
        "--context-lm", type=Path, default=None, help="context-lm.npz (marsad.ner.context_lm)"
    )
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch = import_torch()
    torch.set_num_threads(args.threads)
    overrides = {k: getattr(args, k) for k in DEFAULTS}
    result = train_neural(
        args.data, args.vectors, args.out or default_neural_path(), args.context_lm, **overrides
    )
    print(result)


if __name__ == "__main__":
    main()
