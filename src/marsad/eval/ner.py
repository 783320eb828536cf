"""NER evaluation on ANERcorp: exact-match entity scores per type, micro-averaged F1.

    python -m marsad.eval.ner --data ../shared/datasets/anercorp [--model PATH] [--split dev]

The last line of the report is ``entity-F1 0.xxx`` (test split by default).
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

from marsad.eval.conll import Scores, format_scores, read_conll, score


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
    data_dir: str | Path, model_path: str | Path | None = None, split: str = "test"
) -> NerReport:
    """Tag ``{split}.txt`` of ``data_dir`` with the CRF model (the shipped one by default)."""
    from marsad.ner.crf import CrfTagger, default_model_path

    sents = read_conll(Path(data_dir) / f"{split}.txt")
    tagger = CrfTagger(model_path)
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
        model=str(model_path or default_model_path()),
        sentences=len(sents),
        tokens=sum(len(w) for w in words),
        scores=scores,
        seconds=seconds,
        seconds_warm=seconds_warm,
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description="Evaluate the CRF NER tagger on ANERcorp.")
    ap.add_argument("--data", type=Path, required=True)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--split", default="test", choices=["train", "dev", "test"])
    args = ap.parse_args(argv)
    print(evaluate_ner(args.data, args.model, args.split).format_report())


if __name__ == "__main__":
    main()
