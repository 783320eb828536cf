"""Score the stance classifier on an ANS split: per-class precision / recall / F1, macro-F1.

    python -m marsad.eval.stance --data ../shared/datasets/ans [--model PATH] [--split test]

The last line printed is always ``macro-F1 0.xxx``.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from marsad.compare.stance import LABELS, StanceModel, default_model
from marsad.compare.train_stance import macro_f1, per_class, read_split


def evaluate_stance(
    data_dir: str | Path,
    model_path: str | Path | None = None,
    split: str = "test",
    limit: int | None = None,
) -> dict[str, object]:
    """Print the per-class table and macro-F1 of ``split`` (the first ``limit`` pairs if given)."""
    model = StanceModel.load(model_path) if model_path else default_model()
    pairs, gold = read_split(data_dir, split)
    if limit is not None:
        pairs, gold = pairs[:limit], gold[:limit]
    pred = model.predict(pairs)
    table = {lab: per_class(gold, pred, lab) for lab in LABELS}
    score = macro_f1(gold, pred)
    print(f"ANS stance, split {split}: {len(gold)} pairs")
    print(f"{'class':<10}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for lab, (p, r, f) in table.items():
        print(f"{lab:<10}{p:>10.3f}{r:>8.3f}{f:>8.3f}{sum(g == lab for g in gold):>9}")
    print(f"accuracy {sum(g == p for g, p in zip(gold, pred, strict=True)) / len(gold):.3f}")
    print(f"macro-F1 {score:.3f}")
    return {"split": split, "pairs": len(gold), "macro_f1": score, "per_class": table}


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="ANS folder (or its stance/ folder)")
    parser.add_argument("--model", default=None, help="model file (default: the shipped one)")
    parser.add_argument("--split", default="test")
    args = parser.parse_args(argv)
    evaluate_stance(args.data, args.model, args.split)


if __name__ == "__main__":
    main()
