"""The entity tagger interface, shared by the rule tagger and the learned taggers.

Mention spans index the original text. A proclitic (و ف ب ل ك) glued to the first word of a
name is left out of the span, so "وبالأمم المتحدة" gives the mention "الأمم المتحدة"; the one
exception is the fused ل + ال ("للأمم المتحدة"), whose article has lost its alef, so the word is
kept whole. ``Mention.norm`` is the normalised, clitic-free name ("الامم المتحده" in both
cases): the key used for linking.
"""

from __future__ import annotations

from typing import Protocol

from marsad.model import Mention, Sentence, Token
from marsad.text.normalise import norm

ENTITY_TYPES = ("PER", "ORG", "LOC", "GPE", "NORP", "TITLE", "MISC")


class TaggerError(ValueError):
    """The configured entity tagger cannot be used (a bad model directory or setting); the
    message says why in one line."""


class Tagger(Protocol):
    def tag(
        self, doc_id: str, text: str, sentences: list[Sentence], tokens: list[Token]
    ) -> list[Mention]: ...


def mention_norm(surface: str) -> str:
    """The linking key of a mention's text, for taggers that do not compute one: normalised,
    with proclitics removed from the first word where the lexicons or the article show them
    (وبالأمم المتحدة -> الامم المتحده، وبريطانيا -> بريطانيا)."""
    from marsad.ner.lexicons import clitic_variants, load, strip_proclitics

    words = norm(surface).split(" ")
    if not words or not words[0]:
        return ""
    lex = load()
    first = words[0]
    rest = words[1:]
    for form, _ in clitic_variants(first):
        probe = [form, *rest]
        for trie in (lex.orgs, lex.places, lex.nationalities, lex.titles):
            if trie.get(probe) is not None:
                return " ".join(probe)
        if form in lex.first_names and form != first:
            return " ".join(probe)
    first, _ = strip_proclitics(first)
    return " ".join([first, *rest])
