"""Train the CRF tagger on ANERcorp (train split; dev for scores and tuning).

    python -m marsad.ner.train --data ../shared/datasets/anercorp   # or: marsad train ner

writes the shipped model (``--out`` for another path). Only ``train.txt`` is learnt from;
``dev.txt`` scores the result (the parameters below were chosen on it); ``test.txt`` is left
to ``marsad eval ner``.

The names tagged in the training data become a gazetteer feature. So that the model does not
learn to trust it more than it deserves (a training name always "matches" itself), each
training sentence sees the names of the *other* folds only (jackknife over contiguous blocks,
which keeps an article's repeated names inside one fold); the shipped model carries the names
of all training sentences.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from marsad.eval.conll import Sent, format_scores, read_conll, score
from marsad.ner.clusters import load_clusters
from marsad.ner.crf import (
    CrfTagger,
    Featurizer,
    Resources,
    build_lexicon,
    read_anergazet,
    save_model,
)

DOC_SIZE = 30  # sentences per pseudo-document for the second pass
# L1 (c1) and L2 (c2) penalties tuned on dev with one pass: 0.1/0.01 0.740, 0.3/0.01 0.739,
# 0.2/0.05 0.736, 0.1/0.1 0.736, 0.05/0.05 0.730, 0.05/0.3 0.723, 0.02/0.1 0.723 entity-F1
DEFAULT_PARAMS: dict[str, float | int] = {"c1": 0.1, "c2": 0.01, "max_iterations": 300}
# added to label O's score at decoding; tuned on dev for the train-only two-pass model
# (entity-F1: 0 0.742, -0.25 0.747, -0.5 0.751, -0.75 0.757, -1.0 0.747)
O_BIAS = -0.75


def default_clusters_path() -> Path:
    return Path(str(files("marsad.ner").joinpath("models", "clusters.tsv.gz")))


def make_resources(
    data_dir: Path, clusters_path: Path | None, gazetteers: bool = True
) -> Resources:
    path = clusters_path if clusters_path is not None else default_clusters_path()
    clusters = load_clusters(path) if path.exists() else {}
    gaz, parts = read_anergazet(Path(data_dir) / "gazetteers") if gazetteers else ({}, {})
    return Resources(clusters=clusters, gazetteer=gaz, name_parts=parts)


def featurize_jackknife(
    sents: Sequence[Sent], featurizer: Featurizer, folds: int = 5
) -> list[list[list[str]]]:
    """Features of training sentences, each seeing the training names of the other folds."""
    n = len(sents)
    bounds = [round(k * n / folds) for k in range(folds + 1)]
    xs: list[list[list[str]]] = []
    for k in range(folds):
        lo, hi = bounds[k], bounds[k + 1]
        featurizer.set_lexicon(build_lexicon([*sents[:lo], *sents[hi:]]))
        xs.extend(featurizer.sentence(toks) for toks, _ in sents[lo:hi])
    return xs


def fit_crf(
    xs: Sequence[list[list[str]]],
    ys: Sequence[list[str]],
    model_file: Path,
    params: dict[str, float | int],
) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(xs, ys, strict=True):
        trainer.append(x, y)
    trainer.set_params(
        {
            "c1": float(params["c1"]),
            "c2": float(params["c2"]),
            "max_iterations": int(params["max_iterations"]),
            "feature.possible_transitions": True,
        }
    )
    trainer.train(str(model_file))


def tag_all(model_file: Path, xs: Sequence[list[list[str]]]) -> list[list[str]]:
    import pycrfsuite

    tagger = pycrfsuite.Tagger()
    tagger.open(str(model_file))
    return [tagger.tag(x) if x else [] for x in xs]


def jackknife_labels(
    xs: Sequence[list[list[str]]],
    ys: Sequence[list[str]],
    folds: int,
    params: dict[str, float | int],
    tmp: Path,
) -> list[list[str]]:
    """First-pass labels of every training sentence from a model trained on the other folds."""
    n = len(xs)
    bounds = [round(k * n / folds) for k in range(folds + 1)]
    labels: list[list[str]] = []
    for k in range(folds):
        lo, hi = bounds[k], bounds[k + 1]
        model = tmp / f"fold{k}.crfsuite"
        fit_crf([*xs[:lo], *xs[hi:]], [*ys[:lo], *ys[hi:]], model, params)
        labels.extend(tag_all(model, xs[lo:hi]))
    return labels


def second_pass_features(
    featurizer: Featurizer,
    sents: Sequence[Sent],
    xs: Sequence[list[list[str]]],
    labels: Sequence[list[str]],
    doc_size: int,
) -> list[list[list[str]]]:
    out: list[list[list[str]]] = []
    for i in range(0, len(sents), doc_size):
        words = [toks for toks, _ in sents[i : i + doc_size]]
        out.extend(featurizer.second_pass(words, xs[i : i + doc_size], labels[i : i + doc_size]))
    return out


def train_ner(
    data_dir: str | Path,
    out_path: str | Path,
    c1: float | None = None,
    c2: float | None = None,
    max_iterations: int | None = None,
    folds: int = 5,
    clusters_path: str | Path | None = None,
    include_dev: bool = False,
    limit: int | None = None,
    passes: int = 2,
    doc_size: int = DOC_SIZE,
    o_bias: float = O_BIAS,
    gazetteers: bool = True,
) -> dict[str, object]:
    """Train on ``train.txt`` (plus ``dev.txt`` with ``include_dev``), write the model zip to
    ``out_path`` and return its scores on dev (meaningless with ``include_dev``) and timings.
    ``limit`` keeps only the first N training sentences (for quick runs); ``passes`` is 1 for
    a single CRF, 2 to stack a second one on the first's labels over ``doc_size``-sentence
    windows (ANERcorp has no document breaks); ``o_bias`` is added to label O's score when
    tagging; ``gazetteers`` False leaves the ANERGazet lists out of the features."""
    data_dir = Path(data_dir)
    out_path = Path(out_path)
    params = dict(DEFAULT_PARAMS)
    for k, v in (("c1", c1), ("c2", c2), ("max_iterations", max_iterations)):
        if v is not None:
            params[k] = v
    t0 = time.time()
    train = read_conll(data_dir / "train.txt")
    dev = read_conll(data_dir / "dev.txt") if (data_dir / "dev.txt").exists() else []
    if limit is not None:
        train = train[:limit]
    if include_dev:
        train = [*train, *dev]
    resources = make_resources(data_dir, Path(clusters_path) if clusters_path else None, gazetteers)
    featurizer = Featurizer(resources)
    folds = folds if len(train) >= 2 * folds else 1
    xs = featurize_jackknife(train, featurizer, folds)
    ys = [tags for _, tags in train]
    t_feat = time.time() - t0
    with tempfile.TemporaryDirectory() as tmp:
        models = [Path(tmp) / "pass1.crfsuite"]
        fit_crf(xs, ys, models[0], params)
        if passes == 2:
            # the second pass learns from first-pass labels made without the sentence's own
            # fold, as they will be on new text
            first = jackknife_labels(xs, ys, folds, params, Path(tmp)) if folds > 1 else None
            if first is None:
                first = tag_all(models[0], xs)
            xs2 = second_pass_features(featurizer, train, xs, first, doc_size)
            models.append(Path(tmp) / "pass2.crfsuite")
            fit_crf(xs2, ys, models[1], params)
        t_fit = time.time() - t0 - t_feat
        resources.lexicon = build_lexicon(train)
        meta = {
            "trained_on": "train+dev" if include_dev else "train",
            "sentences": len(train),
            "params": params,
            "folds": folds,
            "doc_size": doc_size,
            "o_bias": o_bias,
            "clusters": len(resources.clusters),
            "gazetteers": gazetteers,
        }
        out_path.parent.mkdir(parents=True, exist_ok=True)
        save_model(out_path, models, resources, meta)
    result: dict[str, object] = {
        "model": str(out_path),
        "model_bytes": out_path.stat().st_size,
        "trained_on": meta["trained_on"],
        "sentences": len(train),
        "params": params,
        "seconds_features": round(t_feat, 1),
        "seconds_fit": round(t_fit, 1),
    }
    if dev and not include_dev:
        gold = [tags for _, tags in dev]
        for name, neural in (("", False), ("_ensemble", True)):
            tagger = CrfTagger(out_path, neural=neural)
            scores = score(gold, tagger.tag_words(toks for toks, _ in dev))
            result["dev" + name] = scores.as_dict()
            result[f"dev{name}_report"] = format_scores(scores, f"dev ({tagger.name})")
    return result


def format_result(result: dict[str, object]) -> str:
    lines = [
        f"model {result['model']} ({int(result['model_bytes']) / 1e6:.1f} MB), "  # type: ignore[call-overload]
        f"trained on {result['trained_on']} ({result['sentences']} sentences), "
        f"params {result['params']}, features {result['seconds_features']}s, "
        f"fit {result['seconds_fit']}s"
    ]
    lines.extend(str(result[k]) for k in ("dev_report", "dev_ensemble_report") if k in result)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Train the CRF NER tagger on ANERcorp.")
    ap.add_argument("--data", type=Path, required=True, help="folder with train.txt, dev.txt")
    ap.add_argument(
        "--out", type=Path, default=None, help="model zip to write (default: the shipped one)"
    )
    ap.add_argument("--c1", type=float, default=None)
    ap.add_argument("--c2", type=float, default=None)
    ap.add_argument("--max-iterations", type=int, default=None)
    ap.add_argument("--clusters", type=Path, default=None, help="clusters.tsv.gz")
    ap.add_argument(
        "--include-dev",
        action="store_true",
        help="train on train+dev (never for the shipped model: dev is for tuning)",
    )
    ap.add_argument("--limit", type=int, default=None, help="first N training sentences only")
    ap.add_argument("--passes", type=int, default=2, choices=[1, 2])
    ap.add_argument("--o-bias", type=float, default=O_BIAS, help="added to label O's score")
    ap.add_argument("--no-gazetteers", action="store_true", help="leave the ANERGazet lists out")
    args = ap.parse_args(argv)
    from marsad.ner.crf import default_model_path

    result = train_ner(
        args.data,
        args.out or default_model_path(),
        c1=args.c1,
        c2=args.c2,
        max_iterations=args.max_iterations,
        clusters_path=args.clusters,
        include_dev=args.include_dev,
        limit=args.limit,
        passes=args.passes,
        o_bias=args.o_bias,
        gazetteers=not args.no_gazetteers,
    )
    print(format_result(result))


if __name__ == "__main__":
    main()
