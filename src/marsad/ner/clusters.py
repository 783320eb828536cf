"""Word clusters from unlabelled news text, used as NER features.

The clusters stand in for Brown clusters: each frequent word gets a distributional vector
(positive PMI over left / right / window contexts, reduced by truncated SVD) and k-means
groups the vectors at several granularities (coarse to fine). A word never seen in the
labelled data still shares a cluster with words that were, which is what lets the CRF
generalise to new names.

Build (about 3 minutes on one core):

    python -m marsad.ner.clusters --articles ../shared/datasets/saudinewsnet/articles.jsonl.xz \\
        --out src/marsad/ner/models/clusters.tsv.gz --vocab 200000

The shipped file holds only words and cluster ids (no text), one ``word<TAB>id id id`` a line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import lzma
import re
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from marsad.text.normalise import norm

if TYPE_CHECKING:
    import numpy as np

GRANULARITIES = (64, 320, 1600)
_WORD = re.compile(r"[\w\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF]+(?:[.,٫][0-9٠-٩]+)*")
_DIGITS = re.compile(r"[0-9]")


def cluster_key(word: str) -> str:
    """The key a normalised word is looked up under: digits folded to 0."""
    return _DIGITS.sub("0", word)


def iter_article_words(path: Path, limit: int | None = None) -> Iterator[list[str]]:
    """Normalised words of each article of a JSONL(.xz) file with a ``text`` field."""
    opener = lzma.open if str(path).endswith(".xz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            text = json.loads(line).get("text") or ""
            yield [cluster_key(norm(m.group())) for m in _WORD.finditer(text)]


def ppmi_vectors(
    docs: Iterable[list[str]],
    vocab_size: int = 200_000,
    context_size: int = 12_000,
    dim: int = 160,
    seed: int = 0,
) -> tuple[list[str], np.ndarray]:
    """The ``vocab_size`` most frequent words (most frequent first) and their unit-length
    distributional vectors (rows in the same order), components by falling singular value."""
    import numpy as np
    from scipy import sparse
    from sklearn.utils.extmath import randomized_svd

    docs = list(docs)
    counts = Counter(w for d in docs for w in d)
    vocab = [w for w, _ in counts.most_common(vocab_size)]
    index = {w: i for i, w in enumerate(vocab)}
    unk = len(vocab)
    # one long id stream, documents separated by a boundary id so windows never cross them
    ids = np.fromiter(
        (index.get(w, unk) for d in docs for w in [*d, None]), dtype=np.int64
    )  # None -> unk acts as the boundary
    n_ctx = context_size
    rows, cols = [], []
    # context slots: left word, right word, and a bag of the words two away
    for offset, slot in ((-1, 0), (1, 1), (-2, 2), (2, 2)):
        if offset < 0:
            w, c = ids[-offset:], ids[:offset]
        else:
            w, c = ids[:-offset], ids[offset:]
        keep = (w < unk) & (c < n_ctx)
        rows.append(w[keep])
        cols.append(c[keep] + slot * n_ctx)
    r = np.concatenate(rows)
    c = np.concatenate(cols)
    mat = sparse.coo_matrix(
        (np.ones(len(r), dtype=np.float64), (r, c)), shape=(len(vocab), 3 * n_ctx)
    ).tocsr()
    mat.sum_duplicates()
    # PPMI with context-distribution smoothing (alpha = 0.75)
    total = mat.sum()
    row_sum = np.asarray(mat.sum(axis=1)).ravel()
    col_sum = np.asarray(mat.sum(axis=0)).ravel() ** 0.75
    col_p = col_sum / col_sum.sum()
    coo = mat.tocoo()
    pmi = np.log((coo.data / total) / ((row_sum[coo.row] / total) * col_p[coo.col]))
    keep = pmi > 0
    ppmi = sparse.csr_matrix(
        (pmi[keep], (coo.row[keep], coo.col[keep])), shape=mat.shape, dtype=np.float32
    )
    u, s, _ = randomized_svd(ppmi, n_components=dim, n_iter=5, random_state=seed)
    vec = u * np.sqrt(s)
    vec /= np.linalg.norm(vec, axis=1, keepdims=True) + 1e-9
    return vocab, vec


def build_clusters(
    docs: Iterable[list[str]],
    vocab_size: int = 200_000,
    context_size: int = 12_000,
    dim: int = 160,
    granularities: tuple[int, ...] = GRANULARITIES,
    seed: int = 0,
) -> dict[str, tuple[int, ...]]:
    """Map each of the ``vocab_size`` most frequent words to one cluster id per granularity."""
    from sklearn.cluster import KMeans, MiniBatchKMeans

    vocab, vec = ppmi_vectors(docs, vocab_size, context_size, dim, seed)
    # finest level by mini-batch k-means over the words; coarser levels cluster its centroids
    finest = max(granularities)
    km = MiniBatchKMeans(
        n_clusters=finest, random_state=seed, batch_size=4096, n_init=3, max_iter=100
    ).fit(vec)
    fine_labels = km.labels_
    levels: list[np.ndarray] = []
    for k in granularities:
        if k == finest:
            levels.append(fine_labels)
        else:
            coarse = KMeans(n_clusters=k, random_state=seed, n_init=4).fit(km.cluster_centers_)
            levels.append(coarse.labels_[fine_labels])
    return {w: tuple(int(level[i]) for level in levels) for i, w in enumerate(vocab)}


def save_clusters(clusters: dict[str, tuple[int, ...]], path: Path) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=9) as f:
        for w, ids in clusters.items():
            f.write(w + "\t" + " ".join(map(str, ids)) + "\n")


def load_clusters(path: Path) -> dict[str, tuple[str, ...]]:
    """Word -> cluster ids (as strings, coarse to fine)."""
    out: dict[str, tuple[str, ...]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            w, _, ids = line.rstrip("\n").partition("\t")
            out[w] = tuple(ids.split())
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Build word clusters for the NER tagger.")
    ap.add_argument("--articles", type=Path, required=True, help="JSONL(.xz) with a text field")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--vocab", type=int, default=200_000)
    ap.add_argument("--limit", type=int, default=None, help="read only this many articles")
    args = ap.parse_args(argv)
    t0 = time.time()
    clusters = build_clusters(iter_article_words(args.articles, args.limit), args.vocab)
    save_clusters(clusters, args.out)
    print(f"{len(clusters)} words clustered in {time.time() - t0:.0f}s -> {args.out}")


if __name__ == "__main__":
    main()
