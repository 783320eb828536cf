"""The default tagger: the CRF's names, the rules' titles, nationalities and attributes.

The rule tagger (``rules.py``) is precise on what its lexicons and cue words cover (titles and
ranks, nationalities, known organisations and places, acronyms taught by brackets, persons
after a title) and blind elsewhere; the CRF (``crf.py``, trained on ANERcorp) finds names no
list knows, but has no TITLE or NORP type and attaches nothing. So the rules run as usual and
the CRF's PER / ORG / LOC mentions that overlap none of the rules' first-pass mentions join
them before the rules' later passes: a person the CRF found is then found again by family
name in the same document, gets the titles and nationalities before it, and links across
documents like a rule mention. A rule mention stays where it is a strong reading (a title,
a nationality, a known name or acronym) and gives way to a CRF name over it where it is a
weak one (see ``RuleTagger._merge_learned``). A CRF mention below ``min_confidence`` (its
lowest per-token marginal probability) is left out.

With ``neural`` (``$MARSAD_NER_TAGGER=accurate``) the learned names come from the CRF mixed
with the neural tagger (``ensemble.py``): better names (ANERcorp dev 0.657 against 0.627
through this tagger) at about 6 times the tagging cost (34.8 against 5.7 ms an article),
which takes the pipeline below 50 articles a second; the default runs the CRF alone.

Only the CRF's first pass runs here (``passes``): on ANERcorp dev the combined tagger scores
the same with one pass as with two (entity-F1 0.611 and 0.613 when this was chosen, against
0.458 for the rules alone; 0.623 and 0.469 after the common-word and verb checks, 0.627
after the construct and agreement checks; ANERcorp does not count as names much of what
the rules tag, such as الجيش اللبناني or مجلس الوزراء, so these are below the CRF's own
0.757), and one pass keeps the pipeline well above 50 articles a second on one core.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from marsad.model import Mention, Sentence, Token
from marsad.ner.crf import CrfTagger
from marsad.ner.rules import RuleTagger
from marsad.text.segment import split_sentences, tokenize

LEARNED_TYPES = frozenset({"PER", "ORG", "LOC"})
# entity-F1 on ANERcorp dev by threshold (one pass): 0 0.613, 0.5 0.611, 0.7 0.599; 0.5 keeps
# out the CRF's coin-flip names at no measurable cost
MIN_CONFIDENCE = 0.5
# a word the CRF labels O with at least this probability is no name after a title unless the
# name lists know it ("وزير الخارجية … محادثات"); see ``RuleTagger.tag``
MIN_OUTSIDE = 0.98
PASSES = 1
_TANWEEN = re.compile("[\u064b-\u064d]")
# particles no name ends on (ال is آل); بن and ابي may end a foreign one (شون بن is Sean
# Penn, هيلاري بن Hilary Benn, شينزو آبي Shinzo Abe)
_NEED_A_NAME_AFTER = frozenset({"ابن", "بنت", "ولد", "ابو", "فان", "ال"})


def without_broken_tail(m: Mention) -> Mention | None:
    """A learned person name less its last words while they carry tanween (no name does in
    news text: "رمضان قاديروف نائبًا" is رمضان قاديروف) or are a particle that needs a name
    after it ("عماد منسي الزهراني فإن", read as the فان of فان غال), or None when no word is
    left ("رَؤُوفٌ رَّحِيمٌ", a Quranic verse)."""
    if m.type != "PER":
        return m
    words, keys = m.text.split(), m.norm.split(" ")
    count = len(keys)
    if len(words) != count:
        return m
    while words and (_TANWEEN.search(words[-1]) or keys[-1] in _NEED_A_NAME_AFTER):
        words.pop()
        keys.pop()
    if not words:
        return None
    if len(words) == count:
        return m
    end = m.start + m.text.index(words[-1], sum(len(w) for w in words[:-1])) + len(words[-1])
    return replace(m, end=end, text=m.text[: end - m.start], norm=" ".join(keys))


class CombinedTagger:
    """Implements ``marsad.ner.base.Tagger``: ``RuleTagger`` fed with ``CrfTagger``'s names."""

    name = "crf+rules"

    def __init__(
        self,
        model_path: str | Path | None = None,
        types: frozenset[str] = LEARNED_TYPES,
        min_confidence: float = MIN_CONFIDENCE,
        rules: RuleTagger | None = None,
        crf: CrfTagger | None = None,
        passes: int = PASSES,
        min_outside: float = MIN_OUTSIDE,
        neural: bool = False,
    ) -> None:
        self.rules = rules or RuleTagger()
        self.crf = crf or CrfTagger(model_path, passes=passes, neural=neural)
        self.types = types
        self.min_confidence = min_confidence
        self.min_outside = min_outside

    def load(self) -> None:
        """Load the CRF model now rather than on first use."""
        self.crf.load()

    def tag(
        self,
        doc_id: str,
        text: str,
        sentences: list[Sentence] | None = None,
        tokens: list[Token] | None = None,
    ) -> list[Mention]:
        if tokens is None:
            tokens = tokenize(text)
        if not tokens:
            return []
        if sentences is None:
            sentences = split_sentences(text)
        crf_mentions, outside = self.crf.tag_with_outside(
            doc_id, text, sentences, tokens, self.min_outside
        )
        learned = [
            m
            for m in map(without_broken_tail, crf_mentions)
            if m is not None
            and m.type in self.types
            and m.confidence >= self.min_confidence
            and self.rules.learned_edges_ok(m.norm)
            and (m.type != "PER" or self.rules.learned_person_ok(m.norm))
        ]
        return self.rules.tag(doc_id, text, sentences, tokens, learned=learned, outside=outside)
