"""NER evaluation on ANERcorp: exact-match entity scores per type, micro-averaged F1.

    python -m marsad.eval.ner --data ../shared/datasets/anercorp [--model PATH] [--split dev]

The last line of the report is ``entity-F1 0.xxx`` (test split by default).
"""

from __future__ import annotations

import argparse
import bisect
import time
from dataclasses import dataclass
from pathlib import Path

from marsad.eval.conll import Scores, format_scores, read_conll, score
from marsad.ner.base import Tagger


@dataclass
class NerReport:
    split: str
    model: str
    sentences: int
    tokens: int
    scores: Scores
    seconds: float  # tagging time (features + decoding), model loading excluded, cold cache
    seconds_warm: float  # the same again, every word's weights already memoised

    @property
    def f1(self) -> float:
        return self.scores.micro.f1

    @property
    def tokens_per_second(self) -> float:
        return self.tokens / self.seconds if self.seconds else 0.0

    @property
    def tokens_per_second_warm(self) -> float:
        return self.tokens / self.seconds_warm if self.seconds_warm else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "split": self.split,
            "model": self.model,
            "sentences": self.sentences,
            "tokens": self.tokens,
            "tokens_per_second": round(self.tokens_per_second),
            "tokens_per_second_warm": round(self.tokens_per_second_warm),
            "scores": self.scores.as_dict(),
            "entity_f1": round(self.f1, 4),
        }

    def format_report(self) -> str:
        head = (
            f"ANERcorp {self.split}: {self.sentences} sentences, {self.tokens} tokens, "
            f"model {self.model}\n"
            f"tagging speed (one core) {self.tokens_per_second:,.0f} tokens/s from a cold cache, "
            f"{self.tokens_per_second_warm:,.0f} tokens/s warm"
        )
        return head + "\n" + format_scores(self.scores)


def evaluate_ner(
    data_dir: str | Path,
    model_path: str | Path | None = None,
    split: str = "test",
    neural: bool | str | Path = True,
) -> NerReport:
    """Tag ``{split}.txt`` of ``data_dir`` with the learned tagger: the CRF (the shipped model
    by default) and, unless ``neural`` is False, the neural tagger mixed with it."""
    from marsad.ner.crf import CrfTagger, default_model_path

    sents = read_conll(Path(data_dir) / f"{split}.txt")
    tagger = CrfTagger(model_path, neural=neural)
    tagger.load()
    words = [toks for toks, _ in sents]
    t0 = time.perf_counter()
    pred = tagger.tag_words(words)
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    tagger.tag_words(words)
    seconds_warm = time.perf_counter() - t0
    scores = score([tags for _, tags in sents], pred)
    return NerReport(
        split=split,
        model=f"{tagger.name} ({model_path or default_model_path()})",
        sentences=len(sents),
        tokens=sum(len(w) for w in words),
        scores=scores,
        seconds=seconds,
        seconds_warm=seconds_warm,
    )


TEXT_TYPES = {"PER": "PERS", "LOC": "LOC", "GPE": "LOC", "ORG": "ORG", "MISC": "MISC"}


def tag_as_text(tagger: Tagger, sents: list[list[str]], doc_size: int = 30) -> list[list[str]]:
    """BIO tags of ANERcorp sentences from a tagger of raw text (``marsad.ner.base.Tagger``).

    Every ``doc_size`` sentences are joined, tokens by spaces, into one document; a mention
    tags the tokens it touches (so a proclitic it left out is back in, as ANERcorp has it),
    with PER -> PERS and GPE -> LOC; TITLE and NORP mentions are not ANERcorp names."""
    from marsad.text.segment import split_sentences, tokenize

    out: list[list[str]] = []
    for d in range(0, len(sents), doc_size):
        doc = sents[d : d + doc_size]
        starts: list[int] = []
        pos = 0
        for toks in doc:
            for t in toks:
                starts.append(pos)
                pos += len(t) + 1
        text = " ".join(t for toks in doc for t in toks)
        tags = ["O"] * len(starts)
        for m in tagger.tag(f"doc{d}", text, split_sentences(text), tokenize(text)):
            typ = TEXT_TYPES.get(m.type)
            if typ is None:
                continue
            a = bisect.bisect_right(starts, m.start) - 1
            b = bisect.bisect_left(starts, m.end)
            if a < 0 or b <= a or any(t != "O" for t in tags[a:b]):
                continue
            tags[a] = "B-" + typ
            for k in range(a + 1, b):
                tags[k] = "I-" + typ
        k = 0
        for toks in doc:
            out.append(tags[k : k + len(toks)])
            k += len(toks)
    return out


def evaluate_text_tagger(
    data_dir: str | Path, tagger: Tagger, name: str, split: str = "dev"
) -> NerReport:
    """Score a tagger of raw text (the rules, the combined tagger) on ``{split}.txt``."""
    sents = read_conll(Path(data_dir) / f"{split}.txt")
    words = [toks for toks, _ in sents]
    t0 = time.perf_counter()
    pred = tag_as_text(tagger, words)
    seconds = time.perf_counter() - t0
    t0 = time.perf_counter()
    tag_as_text(tagger, words)
    seconds_warm = time.perf_counter() - t0
    return NerReport(
        split=split,
        model=name,
        sentences=len(sents),
        tokens=sum(len(w) for w in words),
        scores=score([tags for _, tags in sents], pred),
        seconds=seconds,
        seconds_warm=seconds_warm,
    )


def text_tagger(name: str, model_path: Path | None = None) -> Tagger:
    if name == "rules":
        from marsad.ner.rules import RuleTagger

        return RuleTagger()
    if name == "combined":
        from marsad.ner.combined import CombinedTagger

        return CombinedTagger(model_path)
    from marsad.ner.crf import CrfTagger

    return CrfTagger(model_path)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate the CRF NER tagger on ANERcorp.")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=None, help="CRF model zip")
    ap.add_argument(
        "--neural",
        default="shipped",
        help="neural model .npz to mix with the CRF: 'shipped' (default), a path, or 'none'",
    )
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    ap.add_argument(
        "--tagger",
        default="crf",
        choices=["crf", "crf-text", "rules", "combined"],
        help="crf: the CRF on ANERcorp's tokens (the reported figure); the others tag the "
        "sentences joined as raw text, as the pipeline does",
    )
    args = ap.parse_args(argv)
    if args.tagger == "crf":
        neural: bool | Path = (
            True
            if args.neural == "shipped"
            else False
            if args.neural == "none"
            else Path(args.neural)
        )
        report = evaluate_ner(args.data, args.model, args.split, neural)
    else:
        tagger = text_tagger(args.tagger.removesuffix("-text"), args.model)
        report = evaluate_text_tagger(args.data, tagger, args.tagger, args.split)
    print(report.format_report())


if __name__ == "__main__":
    main()
