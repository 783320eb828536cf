"""`marsad bench`: per-document analysis throughput, compare latency, peak memory.

Runs on the real SaudiNewsNet articles when the data set is present, on text generated from
the bundled samples otherwise. Reports medians over several runs, measured in one process.
"""

from __future__ import annotations

import json
import lzma
import os
import random
import resource
import statistics
import time
from collections.abc import Iterator
from datetime import date
from itertools import islice
from pathlib import Path

from rich.console import Console
from rich.table import Table

from marsad.model import Document


def datasets_dir() -> Path:
    env = os.environ.get("MARSAD_DATASETS")
    if env:
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve()):
        for parent in [base, *base.parents]:
            candidate = parent / "shared" / "datasets"
            if candidate.is_dir():
                return candidate
    return Path("../shared/datasets")


def saudinewsnet_path() -> Path:
    return datasets_dir() / "saudinewsnet" / "articles.jsonl.xz"


def corpus_articles(path: Path, limit: int) -> list[Document]:
    docs = []
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        for line in islice(fh, limit * 2):
            row = json.loads(line)
            if not row.get("text"):
                continue
            published = _iso(row.get("published"))
            docs.append(
                Document.create(row["text"], row.get("title", ""), row.get("source", ""), published)
            )
            if len(docs) >= limit:
                break
    return docs


def _iso(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def generated_articles(count: int, words: int = 400, seed: int = 7) -> list[Document]:
    """Reports of about `words` words made by shuffling the bundled samples' sentences."""
    from marsad.demo import sample_story_paths
    from marsad.text.segment import split_sentences

    sentences = []
    for files in sample_story_paths().values():
        for f in files:
            sentences += [s.text for s in split_sentences(f.read_text(encoding="utf-8"))]
    rng = random.Random(seed)
    docs = []
    for i in range(count):
        parts: list[str] = []
        while sum(len(p.split()) for p in parts) < words:
            parts.append(rng.choice(sentences))
        docs.append(
            Document.create(
                " ".join(parts) + f" ({i})",
                f"generated {i}",
                f"outlet{i % 5}",
                date(2019, 11, 1 + i % 28),
            )
        )
    return docs


def _trim_words(doc: Document, words: int) -> Document:
    text = " ".join(doc.text.split()[:words])
    return Document.create(text, doc.title, doc.source, doc.published)


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pairs(docs: list[Document]) -> Iterator[tuple[Document, Document]]:
    for i in range(0, len(docs) - 1, 2):
        yield docs[i], docs[i + 1]


def _tagger_speed(tagger: object, docs: list[Document]) -> dict[str, float]:
    """Tokens a second of the pipeline's learned tagger (the CRF, mixed with the network when
    shipped) on the articles' words, from a fresh model (cold: no word memoised) and again
    (warm), and of the CRF alone for comparison; empty when the pipeline runs no CRF."""
    from marsad.ner.crf import CrfTagger
    from marsad.text.segment import split_sentences, tokenize

    learned = getattr(tagger, "crf", None)
    if not isinstance(learned, CrfTagger):
        return {}
    prepared = [(d.id, d.text, split_sentences(d.text), tokenize(d.text)) for d in docs]
    tokens = sum(len(p[3]) for p in prepared)
    out: dict[str, float] = {}
    settings: list[tuple[str, bool | str | Path]] = [("learned", learned.neural)]
    if learned.neural is not False:
        settings.append(("crf_only", False))
    for name, neural in settings:
        fresh = CrfTagger(learned.model_path, passes=learned.passes, neural=neural)
        fresh.load()
        cold = _timed(lambda t=fresh: [t.tag(*p) for p in prepared])
        warm = _timed(lambda t=fresh: [t.tag(*p) for p in prepared])
        out[f"{name}_tokens_per_s_cold"] = tokens / cold
        out[f"{name}_tokens_per_s_warm"] = tokens / warm
        out[f"{name}_ms_per_article"] = warm * 1000 / len(docs)
    return out


def run_benchmarks(
    console: Console, data: Path | None = None, articles: int = 300, runs: int = 5
) -> dict:
    from marsad.pipeline import analyse, compare_documents, default_tagger

    path = data or saudinewsnet_path()
    if path.exists():
        docs = corpus_articles(path, articles)
        corpus = f"SaudiNewsNet ({path})"
    else:
        docs = generated_articles(articles)
        corpus = "generated from the bundled samples (SaudiNewsNet not found)"
    default_tagger()  # load models before timing
    analyse(docs[0])
    words = sum(len(d.text.split()) for d in docs)

    analysis_times = [_timed(lambda: [analyse(d) for d in docs]) for _ in range(runs)]
    per_second = [len(docs) / t for t in analysis_times]

    long_docs = [d for d in docs if len(d.text.split()) >= 400] or generated_articles(20)
    pairs = list(_pairs([_trim_words(d, 400) for d in long_docs]))[: max(runs, 10)]
    compare_times = [_timed(lambda p=p: compare_documents(list(p))) * 1000 for p in pairs]

    tagging = _tagger_speed(default_tagger(), docs)

    results = {
        **tagging,
        "corpus": corpus,
        "articles": len(docs),
        "mean_words": round(words / len(docs)),
        "articles_per_s_median": statistics.median(per_second),
        "words_per_s_median": statistics.median(words / t for t in analysis_times),
        "compare_400w_ms_median": statistics.median(compare_times),
        "compare_400w_ms_max": max(compare_times),
        "peak_rss_mib": _peak_rss_mib(),
        "runs": runs,
    }
    table = Table("measure", "value", title=f"marsad bench · {corpus}")
    table.add_row("articles per run", f"{len(docs)} (mean {results['mean_words']} words)")
    table.add_row(
        "analysis, articles/s (median, 1 process)", f"{results['articles_per_s_median']:.1f}"
    )
    table.add_row("analysis, words/s (median)", f"{results['words_per_s_median']:.0f}")
    table.add_row(
        f"compare two 400-word reports, ms (median of {len(compare_times)})",
        f"{results['compare_400w_ms_median']:.1f}",
    )
    table.add_row("compare, ms (worst)", f"{results['compare_400w_ms_max']:.1f}")
    for name, label in (("learned", "learned entity tagger"), ("crf_only", "…CRF alone")):
        if f"{name}_tokens_per_s_cold" in results:
            table.add_row(
                f"{label}, tokens/s cold / warm (ms an article warm)",
                f"{results[f'{name}_tokens_per_s_cold']:,.0f} / "
                f"{results[f'{name}_tokens_per_s_warm']:,.0f} "
                f"({results[f'{name}_ms_per_article']:.1f})",
            )
    table.add_row("peak memory, MiB (RSS)", f"{results['peak_rss_mib']:.0f}")
    console.print(table)
    return results
