"""CoNLL-format files and exact-match, span-level NER scoring (conlleval semantics).

An entity is a maximal run of tokens opened by ``B-X``, or by ``I-X`` when the previous tag is
not of type X (conlleval's lenient reading of IOB1-style starts), and continued by ``I-X``.
A predicted entity counts only if its type, first and last token all match a gold one.
Scores are micro-averaged over the types. Written here (some 60 lines) rather than taken from
seqeval so that the evaluation has no dependency beyond the standard library; the tests
pin the semantics on hand-made sequences.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Sent = tuple[list[str], list[str]]  # tokens, tags


def read_conll(path: str | Path) -> list[Sent]:
    """Sentences of a ``token tag`` file, blank lines between sentences.

    Lines whose token is empty (a few in ANERcorp, where a symbol was lost) are skipped:
    they are always tagged O and carry no information.
    """
    sents: list[Sent] = []
    toks: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n\r")
            if not line.strip():
                if toks:
                    sents.append((toks, tags))
                    toks, tags = [], []
                continue
            tok, _, tag = line.rpartition(" ")
            if not tok.strip():
                continue
            toks.append(tok)
            tags.append(tag)
    if toks:
        sents.append((toks, tags))
    return sents


def spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entities of one tag sequence as (type, first token, end token exclusive)."""
    out: list[tuple[str, int, int]] = []
    etype: str | None = None
    start = 0
    for i, tag in enumerate(tags):
        prefix, _, typ = tag.partition("-")
        continues = prefix == "I" and typ == etype
        if etype is not None and not continues:
            out.append((etype, start, i))
            etype = None
        if prefix in ("B", "I") and not continues:
            etype, start = typ, i
    if etype is not None:
        out.append((etype, start, len(tags)))
    return out


@dataclass
class TypeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "gold": self.tp + self.fn,
            "predicted": self.tp + self.fp,
        }


@dataclass
class Scores:
    types: dict[str, TypeScore] = field(default_factory=dict)

    @property
    def micro(self) -> TypeScore:
        total = TypeScore()
        for s in self.types.values():
            total.tp += s.tp
            total.fp += s.fp
            total.fn += s.fn
        return total

    def as_dict(self) -> dict[str, dict[str, float | int]]:
        out = {t: s.as_dict() for t, s in sorted(self.types.items())}
        out["micro"] = self.micro.as_dict()
        return out


def score(
    gold: Iterable[Sequence[str]],
    pred: Iterable[Sequence[str]],
    types: Iterable[str] = ("PERS", "LOC", "ORG", "MISC"),
) -> Scores:
    """Exact-match entity scores of predicted tag sequences against gold ones."""
    result = Scores({t: TypeScore() for t in types})
    for g, p in zip(gold, pred, strict=True):
        if len(g) != len(p):
            raise ValueError(f"sequence lengths differ: {len(g)} gold vs {len(p)} predicted")
        gs, ps = set(spans(g)), set(spans(p))
        for typ, _, _ in gs | ps:
            result.types.setdefault(typ, TypeScore())
        for typ, _, _ in gs & ps:
            result.types[typ].tp += 1
        for typ, _, _ in ps - gs:
            result.types[typ].fp += 1
        for typ, _, _ in gs - ps:
            result.types[typ].fn += 1
    return result


def format_scores(scores: Scores, title: str = "") -> str:
    """A table of P/R/F1 per type, the last line ``entity-F1 0.xxx`` (micro average)."""
    lines = [title] if title else []
    lines.append(f"{'type':<6} {'prec':>6} {'rec':>6} {'F1':>6} {'gold':>6} {'pred':>6}")
    for typ, s in sorted(scores.types.items()):
        lines.append(
            f"{typ:<6} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
            f"{s.tp + s.fn:6d} {s.tp + s.fp:6d}"
        )
    m = scores.micro
    lines.append(
        f"{'micro':<6} {m.precision:6.3f} {m.recall:6.3f} {m.f1:6.3f} "
        f"{m.tp + m.fn:6d} {m.tp + m.fp:6d}"
    )
    lines.append(f"entity-F1 {m.f1:.3f}")
    return "\n".join(lines)
