"""The news language model the neural tagger reads: its corpus, a tiny training run (with
PyTorch only) and the tagger reading it."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import numpy as np
import pytest

from marsad.ner.context_lm import MAX_UNITS, MIN_UNITS, encode_corpus, news_sentences
from marsad.ner.neural import Encoder

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "marsad" / "samples"


def sample_articles(tmp_path: Path) -> Path:
    """The bundled sample reports as a JSONL.xz of articles, shaped like SaudiNewsNet's."""
    path = tmp_path / "articles.jsonl.xz"
    with lzma.open(path, "wt", encoding="utf-8") as f:
        for report in sorted(SAMPLES.glob("*/*.txt")):
            body = report.read_text(encoding="utf-8").split("\n\n", 1)[1]
            f.write(json.dumps({"text": body}, ensure_ascii=False) + "\n")
    return path


def test_news_sentences_are_split_as_the_tagger_reads_them(tmp_path):
    sents = list(news_sentences(sample_articles(tmp_path)))
    assert len(sents) > 20
    assert all(MIN_UNITS <= len(s) <= MAX_UNITS for s in sents)
    assert all(u and not any(ch.isspace() for ch in u) for s in sents for u in s)
    # punctuation runs are units of their own, as in ANERcorp
    joined = [" ".join(s) for s in sents]
    assert any(" ، " in j or j.endswith(" .") for j in joined)
    assert any("صفاقس" in s for s in sents)


def test_corpus_encodes_vector_rows_and_shapes(tmp_path):
    words = ["صفاقس", "تونس", "مهاجرا"]
    ids, shapes, offsets = encode_corpus(sample_articles(tmp_path), Encoder(words, [], {}, {}), 5)
    assert len(offsets) == 6 and offsets[-1] == len(ids) == len(shapes)
    assert set(np.unique(ids)) <= {0, 1, 2, 3}
    assert shapes.max() < 8


def test_tiny_language_model_feeds_a_tagger(tmp_path):
    torch = pytest.importorskip("torch")
    from marsad.ner.context_lm import load_context_lm, train_context_lm

    articles = sample_articles(tmp_path)
    words = sorted({u for s in news_sentences(articles) for u in s})[:300]
    vectors = np.random.default_rng(0).normal(size=(len(words) + 1, 16)).astype(np.float32)
    vectors[0] = 0
    out = tmp_path / "lm.npz"
    torch.set_num_threads(1)
    result = train_context_lm(articles, words, vectors, out, hidden=6, sentences=200, epochs=3)
    start, end = result["held_out_loss"]  # type: ignore[misc]
    assert end < start  # it learnt something about its neighbours
    lm = load_context_lm(out)
    assert lm["lm_f_whh"].shape == (24, 6) and lm["lm_shape_emb"].shape[1] == 8
