"""Loading the small word lists shipped in ``marsad/text/lexicons``."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from marsad.text.normalise import norm


def _lines(name: str) -> list[str]:
    text = files("marsad.text").joinpath("lexicons", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@cache
def stopwords() -> frozenset[str]:
    return frozenset(norm(w) for w in _lines("stopwords.txt"))


@cache
def synonym_map() -> dict[str, str]:
    """Each word of a synonym group mapped to the group's canonical form: the hand-written
    groups of ``synonyms.txt`` joined by the pairs learned from paraphrase data and
    near-duplicate copies (``marsad.compare.synonyms``)."""
    from marsad.compare.synonyms import learned_synonym_pairs, merge_synonyms

    return merge_synonyms(hand_synonym_map(), learned_synonym_pairs())


@cache
def hand_synonym_map() -> dict[str, str]:
    """The hand-written synonym groups only."""
    mapping: dict[str, str] = {}
    for line in _lines("synonyms.txt"):
        words = [norm(w) for w in line.split()]
        for w in words:
            mapping.setdefault(w, words[0])
    return mapping
