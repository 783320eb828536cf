"""Word vectors from unlabelled news text, the input layer of the neural NER tagger.

The same positive-PMI + truncated-SVD vectors the word clusters are cut from
(``marsad.ner.clusters``), kept for the most frequent words in half precision. Build (about
3 minutes on one core):

    python -m marsad.ner.vectors --articles ../shared/datasets/saudinewsnet/articles.jsonl.xz \\
        --out build/ner/vectors.npz

The file holds the words (normalised, digits folded to 0) and one row of floats each; no
article text.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from marsad.ner.clusters import iter_article_words, ppmi_vectors


def save_vectors(path: Path, words: list[str], vec: np.ndarray) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, words=np.array(words), vectors=vec.astype(np.float16))


def load_vectors(path: Path) -> tuple[list[str], np.ndarray]:
    with np.load(path) as data:
        return [str(w) for w in data["words"]], data["vectors"].astype(np.float32)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Build word vectors for the neural NER tagger.")
    ap.add_argument("--articles", type=Path, required=True, help="JSONL(.xz) with a text field")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--vocab", type=int, default=200_000, help="words the vectors are fitted on")
    ap.add_argument("--dim", type=int, default=160)
    args = ap.parse_args(argv)
    t0 = time.time()
    words, vec = ppmi_vectors(iter_article_words(args.articles), args.vocab, dim=args.dim)
    save_vectors(args.out, words, vec)
    print(f"{len(words)} words x {vec.shape[1]} dims in {time.time() - t0:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
