"""Near-synonym pairs learned from paraphrase data, and how they join the hand-written groups.

The pairs live in ``marsad/text/lexicons/learned_synonyms.tsv``, built by
``python -m marsad.compare.synonyms_learn``: normalised, clitic-stripped stems (the keys
``Token.stem`` carries), one unordered pair a line with a score in [0, 1].
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib.resources import files

LEARNED_FILE = "learned_synonyms.tsv"


def parse_pairs(text: str) -> list[tuple[str, str, float]]:
    """(word_a, word_b, score) rows of a learned-synonym TSV; comments and blanks skipped."""
    out: list[tuple[str, str, float]] = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        out.append((fields[0], fields[1], float(fields[2])))
    return out


@cache
def learned_synonym_pairs() -> list[tuple[str, str, float]]:
    """The shipped learned pairs, best first; empty when the file is missing."""
    resource = files("marsad.text").joinpath("lexicons", LEARNED_FILE)
    try:
        text = resource.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return sorted(parse_pairs(text), key=lambda p: (-p[2], p[0], p[1]))


def merge_synonyms(
    groups: dict[str, str], pairs: Iterable[tuple[str, str, float]], min_score: float = 0.0
) -> dict[str, str]:
    """A word -> canonical map with learned pairs added to existing synonym groups.

    Pairs go in best first. Two new words start a group. A new word joins an existing group
    only when it was learned as a synonym of every member: learned pairs are not transitive
    (مهمة "mission" ~ بعثة in the hand-written list, مهمة "important" ~ هامة learned: هامة
    must not become بعثة), so groups stay cliques and a pair linking two groups is skipped.
    """
    kept = [(a, b, s) for a, b, s in pairs if s >= min_score and a != b]
    linked = {frozenset((a, b)) for a, b, _ in kept}
    out = dict(groups)
    members: dict[str, set[str]] = {}
    for word, canonical in out.items():
        members.setdefault(canonical, set()).add(word)
    for a, b, _ in sorted(kept, key=lambda p: -p[2]):
        ca, cb = out.get(a), out.get(b)
        if ca is None and cb is None:
            out[a] = out[b] = a
            members[a] = {a, b}
        elif (ca is None) != (cb is None):
            new, canonical = (a, cb) if ca is None else (b, ca)
            group = members[canonical]
            if all(frozenset((new, m)) in linked for m in group):
                out[new] = canonical
                group.add(new)
    return out
