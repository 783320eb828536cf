"""Train the stance classifier on ANS: fit on train, choose C on dev, never look at test.

    python -m marsad.compare.train_stance --data ../shared/datasets/ans \
        [--out src/marsad/compare/models/stance.npz]
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from threadpoolctl import threadpool_limits

from marsad.compare.stance import (
    LABELS,
    MODEL_FILE,
    StanceModel,
    document_frequencies,
    pair_features,
)

C_GRID: tuple[float, ...] = (0.5, 1.0, 2.0)


DEFAULT_OUT = Path(__file__).resolve().parent / "models" / MODEL_FILE


def stance_dir(data_dir: str | Path) -> Path:
    """The folder holding the split files: ``data_dir`` itself or its ``stance/`` folder (so
    both ``.../ans`` and ``.../ans/stance`` work)."""
    d = Path(data_dir)
    return d / "stance" if (d / "stance" / "train.csv").is_file() else d


def read_split(data_dir: str | Path, split: str) -> tuple[list[tuple[str, str]], list[str]]:
    """(pairs, labels) of one ANS split file ``{split}.csv`` (columns s1, s2, stance)."""
    with open(stance_dir(data_dir) / f"{split}.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [(r["s1"], r["s2"]) for r in rows], [r["stance"] for r in rows]


def macro_f1(gold: Sequence[str], pred: Sequence[str], labels: Sequence[str] = LABELS) -> float:
    return float(np.mean([per_class(gold, pred, lab)[2] for lab in labels]))


def per_class(gold: Sequence[str], pred: Sequence[str], label: str) -> tuple[float, float, float]:
    """(precision, recall, F1) of one label."""
    tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
    n_pred = sum(1 for p in pred if p == label)
    n_gold = sum(1 for g in gold if g == label)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f1


def _matrix(feats: list[dict[str, float]], index: dict[str, int]) -> sp.csr_matrix:
    rows, cols, vals = [], [], []
    for r, f in enumerate(feats):
        for name, v in f.items():
            j = index.get(name)
            if j is not None:
                rows.append(r)
                cols.append(j)
                vals.append(v)
    m = sp.csr_matrix((vals, (rows, cols)), shape=(len(feats), len(index)), dtype=np.float64)
    # liblinear / lbfgs want 32-bit indices
    m.indices = m.indices.astype(np.int32)
    m.indptr = m.indptr.astype(np.int32)
    return m


def train_stance(data_dir: str | Path, out_path: str | Path = DEFAULT_OUT) -> dict[str, object]:
    """Fit on ``train.csv``, pick C by dev macro-F1, save the model; return the dev scores."""
    train_pairs, train_y = read_split(data_dir, "train")
    dev_pairs, dev_y = read_split(data_dir, "dev")
    idf = document_frequencies([t for pair in train_pairs for t in pair])
    train_f = [pair_features(a, b, idf) for a, b in train_pairs]
    dev_f = [pair_features(a, b, idf) for a, b in dev_pairs]
    names = sorted({k for f in train_f for k in f})
    index = {k: i for i, k in enumerate(names)}
    x_train, x_dev = _matrix(train_f, index), _matrix(dev_f, index)

    best: tuple[float, float, LogisticRegression] | None = None
    grid: dict[str, float] = {}
    # one thread: BLAS oversubscription makes this small fit many times slower on shared CPUs
    with threadpool_limits(1):
        for c in C_GRID:
            clf = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
            clf.fit(x_train, train_y)
            score = macro_f1(dev_y, list(clf.predict(x_dev)))
            grid[str(c)] = round(score, 4)
            if best is None or score > best[0]:
                best = (score, c, clf)
    assert best is not None
    _, c, clf = best

    order = [list(clf.classes_).index(lab) for lab in LABELS]
    weights = clf.coef_[order].T
    keep = np.abs(weights).max(axis=1) > 1e-4
    info = {"C": c, "dev_grid_macro_f1": grid, "train_pairs": len(train_y)}
    model = StanceModel(
        [n for n, k in zip(names, keep, strict=True) if k],
        weights[keep],
        clf.intercept_[order],
        LABELS,
        idf,
        info,
    )
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    model.save(out_path)

    # dev scores of the saved model (float32 weights), as it will be used
    saved = StanceModel.load(out_path)
    pred = saved.predict(dev_pairs)
    scores: dict[str, object] = {
        "C": c,
        "dev_grid_macro_f1": grid,
        "dev_macro_f1": round(macro_f1(dev_y, pred), 4),
        "dev_per_class": {
            lab: [round(x, 4) for x in per_class(dev_y, pred, lab)] for lab in LABELS
        },
        "features": len(saved.features),
    }
    return scores


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="ANS folder (or its stance/ folder)")
    parser.add_argument("--out", default=str(DEFAULT_OUT), help="model file to write (.npz)")
    args = parser.parse_args(argv)
    print(json.dumps(train_stance(args.data, args.out), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
