"""Story benchmarks: near-duplicate detection and story clustering, time per report and growth.

On the real SaudiNewsNet corpus when it is present (near-duplicates from the article texts;
story keys from an analysed store when one is given, else quick term keys from the texts),
and on generated corpora of 100,000 and 300,000 reports: entity keys and terms drawn from
Zipf distributions, reports grouped into events of Zipf-distributed sizes spread over days,
and a share of reports that are lightly edited copies of another report of their event.

Time that grows linearly with the corpus gives a 300k/100k ratio near 3; quadratic, near 9.
"""

from __future__ import annotations

import gc
import json
import lzma
import random
import resource
import time
from collections import Counter
from datetime import date, timedelta
from itertools import islice
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from marsad.bench import saudinewsnet_path
from marsad.model import Document
from marsad.stories.build import StoryInput, build_from_inputs, build_stories, read_inputs
from marsad.stories.neardup import NUM_PERM, Signature, signature, words

OUTLETS = 14
REPORTS_PER_DAY = 1500  # about SaudiNewsNet's rate (31,030 reports over 22 days)


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def quick_terms(text: str, limit: int = 20) -> set[str]:
    """Salient terms without the analysis pipeline: the most frequent clitic-stripped words."""
    from marsad.text.segment import strip_clitics
    from marsad.text.wordlists import stopwords

    stop = stopwords()
    counts = Counter()
    for word in words(text):
        if word in stop or word.isdigit():
            continue
        stem = strip_clitics(word)
        if len(stem) >= 3 and stem not in stop:
            counts[stem] += 1
    return {t for t, _ in counts.most_common(limit)}


def corpus_inputs(path: Path, limit: int | None = None) -> tuple[list[StoryInput], dict]:
    """SaudiNewsNet reports with MinHash signatures and quick term keys (no entities)."""
    rows = []
    with lzma.open(path, "rt", encoding="utf-8") as fh:
        for line in islice(fh, limit):
            row = json.loads(line)
            if row.get("text", "").strip():
                rows.append(row)
    docs = []
    for row in rows:
        try:
            published = date.fromisoformat(row.get("published") or "")
        except ValueError:
            published = None
        docs.append(Document.create(row["text"], row.get("title", ""), row["source"], published))
    t0 = time.perf_counter()
    sigs = [signature(d.text) for d in docs]
    t1 = time.perf_counter()
    terms = [quick_terms(d.text) for d in docs]
    t2 = time.perf_counter()
    inputs = [
        StoryInput(Document(d.id, "", d.title, d.source, d.published), set(), term_set, sig)
        for d, term_set, sig in zip(docs, terms, sigs, strict=True)
    ]
    return inputs, {"signatures": t1 - t0, "quick_terms": t2 - t1}


def synthetic_inputs(count: int, seed: int = 2015) -> list[StoryInput]:
    """A generated corpus of ``count`` reports (see the module docstring)."""
    rng = np.random.default_rng(seed)
    days = max(7, count // REPORTS_PER_DAY)
    # The same vocabularies and rates at every size, so that sizes differ only in length.
    n_entities, n_terms = 60_000, 120_000
    entity_names = [f"{('PER', 'ORG', 'GPE', 'LOC')[i % 4]}:e{i}" for i in range(n_entities)]
    term_names = [f"t{i}" for i in range(n_terms)]

    def zipf(size: int, vocabulary: int, exponent: float = 1.1) -> np.ndarray:
        ranks = np.arange(1, vocabulary + 1, dtype=np.float64)
        p = ranks**-exponent
        return rng.choice(vocabulary, size=size, p=p / p.sum())

    # Events: Zipf-distributed sizes (most reports alone, a few stories of dozens).
    sizes = np.minimum(rng.zipf(2.0, size=count), 150)
    sizes = sizes[: int(np.searchsorted(np.cumsum(sizes), count)) + 1]
    sizes[-1] -= sizes.sum() - count
    n_events = len(sizes)
    event_day = rng.integers(0, days, size=n_events)
    event_entities = zipf(n_events * 4, n_entities, 0.9).reshape(n_events, 4)
    event_terms = zipf(n_events * 14, n_terms, 0.9).reshape(n_events, 14)
    common_entities = zipf(count * 3, n_entities, 1.2).reshape(count, 3)
    common_terms = zipf(count * 8, n_terms, 1.2).reshape(count, 8)
    keep_entity = rng.random((count, 4)) < 0.7
    keep_term = rng.random((count, 14)) < 0.6

    hashes = rng.integers(0, 2**32, size=(count, NUM_PERM), dtype=np.uint32)
    event_of = np.repeat(np.arange(n_events), sizes)
    first_of_event = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    # 5% of the reports of multi-report events copy their event's first report, with a
    # quarter of the min-hashes changed (an estimated Jaccard similarity near 0.75).
    position = np.arange(count) - first_of_event[event_of]
    copies = (position > 0) & (rng.random(count) < 0.05)
    originals = first_of_event[event_of[copies]]
    hashes[copies] = hashes[originals]
    changed = rng.random((int(copies.sum()), NUM_PERM)) < 0.25
    fresh = rng.integers(0, 2**32, size=changed.shape, dtype=np.uint32)
    hashes[copies] = np.where(changed, fresh, hashes[copies])

    base = date(2015, 1, 1)
    calendar = [base + timedelta(days=d) for d in range(days + 3)]
    offsets = rng.integers(0, 3, size=count)
    inputs = []
    for i in range(count):
        e = event_of[i]
        entities = {entity_names[k] for k in event_entities[e][keep_entity[i]]}
        entities.update(entity_names[k] for k in common_entities[i])
        terms = {term_names[k] for k in event_terms[e][keep_term[i]]}
        terms.update(term_names[k] for k in common_terms[i])
        doc = Document(
            f"r{i}", "", f"event {e}", f"outlet{i % OUTLETS}", calendar[event_day[e] + offsets[i]]
        )
        inputs.append(StoryInput(doc, entities, terms, Signature(hashes[i], 200)))
    return inputs


def _measure(inputs: list[StoryInput]) -> dict:
    gc.collect()
    t0, cpu0 = time.perf_counter(), time.process_time()
    result = build_from_inputs(inputs)
    total, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    sources = {it.doc.id: it.doc.source for it in inputs}
    return {
        "reports": len(inputs),
        "near_duplicates_s": result.seconds["near_duplicates"],
        "clustering_s": result.seconds["clustering"],
        "total_s": total,
        "cpu_s": cpu,  # less disturbed than wall time by other processes on the machine
        "ms_per_report": 1000 * total / max(1, len(inputs)),
        "cpu_ms_per_report": 1000 * cpu / max(1, len(inputs)),
        "stories": len(result.stories),
        "stories_3_outlets": sum(len({sources[d] for d in s.doc_ids}) >= 3 for s in result.stories),
        "duplicate_groups": len(result.duplicates),
        "peak_rss_mib": _peak_rss_mib(),
    }


def run_story_benchmarks(
    console: Console,
    data: Path | None = None,
    sizes: tuple[int, ...] = (100_000, 300_000),
    store: Path | None = None,
) -> dict:
    """Time near-duplicate detection and story clustering; print a table; the figures.

    ``data``: SaudiNewsNet's articles.jsonl.xz (default: the shared data sets, skipped when
    absent). ``store``: an analysed marsad store, whose stored entity keys and terms are then
    used for the real corpus instead of quick term keys.
    """
    results: dict = {"runs": {}}
    rows: list[tuple[str, dict]] = []
    if store is not None and Path(store).exists():
        from marsad.store import Store

        t0 = time.perf_counter()
        with Store(store) as s:
            inputs = list(read_inputs(s))
        run = _measure(inputs)
        run["read_s"] = time.perf_counter() - t0 - run["total_s"]
        results["runs"]["store"] = run
        rows.append((f"analysed store ({Path(store).name})", run))
        del inputs
    path = data or saudinewsnet_path()
    if path.exists():
        inputs, prep = corpus_inputs(path)
        run = _measure(inputs)
        run["signature_ms_per_report"] = 1000 * prep["signatures"] / max(1, len(inputs))
        run["quick_terms_ms_per_report"] = 1000 * prep["quick_terms"] / max(1, len(inputs))
        results["runs"]["saudinewsnet"] = run
        rows.append(("SaudiNewsNet (quick term keys)", run))
        del inputs
    for size in sizes:
        inputs = synthetic_inputs(size)
        run = _measure(inputs)
        results["runs"][f"synthetic_{size}"] = run
        rows.append((f"generated, {size:,} reports", run))
        del inputs
    if len(sizes) >= 2:
        small = results["runs"][f"synthetic_{sizes[0]}"]
        large = results["runs"][f"synthetic_{sizes[-1]}"]
        results["growth"] = {
            "size_ratio": sizes[-1] / sizes[0],
            "time_ratio": large["total_s"] / small["total_s"],
            "cpu_time_ratio": large["cpu_s"] / small["cpu_s"],
        }

    table = Table(
        "corpus",
        "reports",
        "near-dup s",
        "stories s",
        "ms/report",
        "CPU ms/report",
        "stories",
        "≥3 outlets",
        "dup groups",
        "peak RSS MiB",
        title="marsad bench · stories",
    )
    for label, run in rows:
        table.add_row(
            label,
            f"{run['reports']:,}",
            f"{run['near_duplicates_s']:.2f}",
            f"{run['clustering_s']:.2f}",
            f"{run['ms_per_report']:.3f}",
            f"{run['cpu_ms_per_report']:.3f}",
            f"{run['stories']:,}",
            f"{run['stories_3_outlets']:,}",
            f"{run['duplicate_groups']:,}",
            f"{run['peak_rss_mib']:.0f}",
        )
    console.print(table)
    snn = results["runs"].get("saudinewsnet")
    if snn:
        console.print(
            f"SaudiNewsNet: MinHash signature {snn['signature_ms_per_report']:.3f} ms/report, "
            f"quick term keys {snn['quick_terms_ms_per_report']:.3f} ms/report"
        )
    if "growth" in results:
        g = results["growth"]
        console.print(
            f"growth: {g['size_ratio']:.0f}× the reports took {g['time_ratio']:.2f}× the time "
            f"({g['cpu_time_ratio']:.2f}× the CPU time; linear ≈ the size ratio, quadratic ≈ "
            "its square)"
        )
    return results


def review_sample(console: Console, store: Path, count: int = 20, seed: int = 7) -> None:
    """Print random multi-outlet stories and near-duplicate groups of an analysed store, to
    judge by eye (titles and opening words of each report; nothing is written to disk)."""
    from marsad.store import Store

    with Store(store) as s:
        result = build_stories(s)
        docs = {d.id: d for d in s.iter_documents()}
    rng = random.Random(seed)

    def line(doc_id: str) -> str:
        d = docs[doc_id]
        opening = " ".join(d.text.split()[:14])
        return f"  {d.source:<12} {d.published} | {d.title[:70]} | {opening}"

    multi = [st for st in result.stories if len({docs[i].source for i in st.doc_ids}) >= 3]
    console.rule(f"{min(count, len(multi))} of {len(multi)} stories with three outlets or more")
    for n, st in enumerate(rng.sample(multi, min(count, len(multi)))):
        outlets = len({docs[i].source for i in st.doc_ids})
        console.print(f"story {n}: {len(st.doc_ids)} reports, {outlets} outlets", markup=False)
        for doc_id in st.doc_ids[:12]:
            console.print(line(doc_id), markup=False, highlight=False)
    groups = result.duplicates
    console.rule(f"{min(count, len(groups))} of {len(groups)} near-duplicate groups")
    for n, group in enumerate(rng.sample(groups, min(count, len(groups)))):
        console.print(f"group {n}: {len(group.ids)} reports", markup=False)
        for doc_id in group.ids[:6]:
            console.print(line(doc_id), markup=False, highlight=False)
