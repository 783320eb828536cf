"""The first-version entity tagger: cue words and lexicons, no learning.

One left-to-right pass over the tokens finds, at each position, the longest of:
- a title phrase (``attributes.parse_chain``) and the 1-4 name words after it -> TITLE, PER,
  and the organisations, places and nationalities inside the phrase;
- an organisation: a known one (``data/organisations.tsv``) or a cue noun with its complement
  (وزارة الصحة الأردنية، منظمة الأمم المتحدة للتربية والعلم والثقافة) -> ORG;
- a country, city or region (CLDR, ANERGazet, hand-written lists) -> GPE / LOC;
- a nationality adjective (الأمريكي، الأردنية، الإسرائيليون) -> NORP;
- a place cue and the name after it (بلدة شمع) -> GPE;
- a known given name and the name words after it (محمد بن سلمان) -> PER;
- a Latin acronym (UNIFIL, IAEA) -> ORG.
A second pass finds again, in the same document, the persons already named (full name, or
family name alone when one person has it) and the acronyms taught by brackets after an
organisation ("الوكالة الدولية للطاقة الذرية (IAEA)", «يونيفيل»): those acronym mentions get
``acronym_of`` = the normalised expansion. A last pass reads definite head nouns as
references to the organisation named before them ("القوة الدولية" after "قوة الأمم المتحدة
المؤقتة في لبنان", "الوزارة" after "وزارة الصحة"): such a mention's ``norm`` is its
antecedent's key, with confidence 0.7. Attributes are attached last (``attach_attributes``).

Mentions never overlap, and every span is exact in the original text (see ``base.py`` for
proclitics). Cost: a few dictionary lookups per token.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from marsad.model import Mention, Sentence, Token
from marsad.ner.attributes import (
    DIRECTIONS,
    FATHER_LINKS,
    PREPOSITIONS,
    Chain,
    _name_end,
    attach_in_stream,
    name_after,
    parse_chain,
    parse_org,
    title_at,
)
from marsad.ner.lexicons import (
    BRACKETS,
    NATIONALITIES,
    ORG_CUES,
    ORGS,
    PLACE_CUES,
    PLACES,
    TITLES,
    Hit,
    Lexicons,
    Place,
    Stream,
    load,
)
from marsad.text.normalise import normalise_char
from marsad.text.segment import tokenize

_LATIN_ACRONYM = re.compile(r"^[A-Z][A-Z.&-]{1,9}$")
_NOT_ACRONYMS = {"TV", "PM", "AM", "OK", "ID", "PDF", "GPS", "USB", "SMS", "DNA", "USD", "II",
                 "III", "IV", "VI", "VII", "VIII", "IX", "XI", "XII", "COVID", "GDP", "CEO"}  # fmt: skip

# particles and prepositions that no name starts or ends with (normalised); the function-word
# list is wider and holds words that are names too (علي، صالح، رمضان; إن opens إن بي سي)
_NEVER_AT_EDGES = frozenset(
    "في من الي عن مع عند لدي حول خلال بعد قبل ضد نحو منذ حتي او ثم قد لم لن لا ما هذا "
    "هذه ذلك تلك التي الذي الذين كما ايضا".split()
)

_BEFORE_A_PLACE = PREPOSITIONS | DIRECTIONS  # (في، لدى، جنوب…: a title does not end on one)

_LEXICON_BITS = TITLES | PLACES | NATIONALITIES | ORGS | ORG_CUES | PLACE_CUES


def _closing_mark_kept(text: str, start: int, end: int) -> int:
    """The end of a span that opens a bracket or quote inside it (a name quoted after its cue:
    منظمة «كايج», منظمة (كايج)), moved past the closing mark that follows it."""
    span = text[start:end]
    for opening, closing in BRACKETS.items():
        open_count = span.count(opening)
        unclosed = open_count % 2 if opening == closing else open_count - span.count(closing)
        if unclosed > 0 and text[end : end + 1] == closing:
            return end + 1
    return end


def _adjective_like_common(word: str, lex: Lexicons) -> bool:
    # a definite word ending like an abstract noun or adjective (التسويق، الإدارية) that no
    # name list knows is taken for a common word
    if not word.startswith("ال") or word in lex.name_parts or word in lex.first_names:
        return False
    return word.endswith(("يه", "ات", "ون", "ين")) or word.startswith(("الت", "الا", "الم"))


_ANAPHOR_ADJECTIVES = {"الدوليه", "الامميه", "الدولي", "الاممي", "الدوليين"}

CONF_ANAPHOR = 0.7
CONF_CUE_PERSON = 0.9
CONF_REPEAT = 0.85
CONF_FAMILY_NAME = 0.8
CONF_GIVEN_NAME = 0.75
CONF_PLACE_CUE = 0.8
CONF_UNKNOWN_ACRONYM = 0.6
# the types of rule mentions a learned mention may replace when they are weak readings
_LEARNED_OVER = frozenset({"PER", "ORG", "GPE", "LOC"})
# the words of religious formulae (الله، رحمه الله، عز وجل، سبحانه وتعالى، رضي الله عنه),
# normalised; ANERcorp tags الله as a name, which a learned tagger repeats
_FORMULA_WORDS = frozenset(
    {
        "الله",
        "رحمه",
        "رحمها",
        "رحمهم",
        "عز",
        "وجل",
        "سبحانه",
        "وتعالي",
        "تعالي",
        "جل",
        "جلاله",
        "صلي",
        "عليه",
        "وسلم",
        "رضي",
        "عنه",
        "عنها",
        "عنهم",
    }
)
# "to me": kept out of the function words, where ولي (العهد) would read as و + لي
_TO_ME = frozenset({"لي"})
# prepositions after which a word that names both a person and a place is the place
_PLACE_PREPOSITIONS = frozenset({"في", "الي", "نحو", "داخل", "خارج", "عبر", "شمال", "جنوب"})


@dataclass
class _Found:
    type: str
    i: int
    j: int
    clitic: int
    key: str
    conf: float = 1.0
    acronym_of: str | None = None
    strong: bool = False  # a reading a learned tagger does not override


class RuleTagger:
    """Implements ``marsad.ner.base.Tagger`` with cue words and lexicons."""

    name = "rules"

    def __init__(self, lexicons: Lexicons | None = None) -> None:
        self.lex = lexicons or load()

    def tag(
        self,
        doc_id: str,
        text: str,
        sentences: list[Sentence] | None = None,
        tokens: list[Token] | None = None,
        learned: Sequence[Mention] = (),
        outside: Collection[int] = (),
    ) -> list[Mention]:
        """Mentions of ``text``. ``learned`` are mentions from a learned tagger (over the same
        tokens): each one that overlaps none of the first pass's is taken in as found there,
        so the later passes (names found again, acronyms, anaphors) and the attributes treat
        it like the rules' own. ``outside`` are the start offsets of the tokens the learned
        tagger is confident are in no entity. Both also guide the reading of a name after a
        title: a word inside a learned person name may start or continue it whatever the
        lists say, and a confident outside word does neither (unless the name lists know it)."""
        if tokens is None:
            tokens = tokenize(text)
        s = Stream(text, tokens, self.lex)
        if learned or outside:
            self._learned_reading(s, learned, outside)
        found = self._first_pass(s)
        if learned:
            found = self._merge_learned(s, found, learned)
        found = self._acronyms(s, found)
        found = self._repeats(s, found)
        found = self._anaphors(s, found)
        mentions = [self._mention(s, doc_id, f) for f in sorted(found, key=lambda f: f.i)]
        return attach_in_stream(s, mentions)

    # --- pass 1 -------------------------------------------------------------------------

    def _first_pass(self, s: Stream) -> list[_Found]:
        out: list[_Found] = []
        i = 0
        while i < s.n:
            step = self._at(s, i, out)
            i = step if step > i else i + 1
        return out

    def _at(self, s: Stream, i: int, out: list[_Found]) -> int:
        """Tag what starts at token ``i``; returns the next position."""
        lex = self.lex
        tok = s.toks[i]
        latin = tok.text[0].isascii()
        if not s.bits[i] and not latin and s.norms[i] != "د":
            return i + 1
        # the longest reading wins; on a tie: known organisation > place > nationality >
        # organisation built from a cue > place known only from ANERGazet
        cands: list[tuple[int, int, _Found]] = []
        org = parse_org(s, i)
        if org is not None:
            rank = 5 if org.known else 2
            cands.append(
                (
                    org.j,
                    rank,
                    _Found(
                        "ORG",
                        i,
                        org.j,
                        org.clitic,
                        org.key,
                        1.0,
                        org.acronym_of,
                        strong=org.known or org.acronym_of is not None,
                    ),
                )
            )
        place = s.place(i)
        if place is not None and place.j == i + 1 and self._common_look_alike(s, i, place):
            place = None
        if place is not None:
            rank = 1 if place.value.weak else 4
            cands.append(
                (
                    place.j,
                    rank,
                    _Found(
                        place.value.type,
                        i,
                        place.j,
                        place.clitic,
                        place.key,
                        strong=not place.value.weak,
                    ),
                )
            )
        nat = s.nationality(i)
        if nat is not None:
            cands.append((nat.j, 3, _Found("NORP", i, nat.j, nat.clitic, nat.value.key)))
        best_j, best = i, None
        if cands:
            best_j, _, best = max(cands, key=lambda c: (c[0], c[1]))
        cue = title_at(s, i)
        if cue is not None and self._given_name_not_title(s, i, cue.j):
            cue = None
        if cue is not None and cue.j >= best_j:
            chain = parse_chain(s, i)
            if chain is not None:
                return self._emit_chain(s, chain, out)
        if best is not None:
            out.append(best)
            return best_j
        if s.norms[i] in lex.place_cues and i + 1 < s.n and s.joined[i + 1]:
            j = self._place_name_end(s, i + 1)
            if j is not None:
                out.append(_Found("GPE", i + 1, j, 0, " ".join(s.norms[i + 1 : j]), CONF_PLACE_CUE))
                return j
        if latin and _LATIN_ACRONYM.match(tok.text) and tok.text not in _NOT_ACRONYMS:
            known = lex.latin_acronyms.get(tok.text.replace(".", "").lower())
            key = tok.text.replace(".", "").lower()
            if known is not None:
                out.append(_Found("ORG", i, i + 1, 0, key, 1.0, known.key, strong=True))
            else:
                out.append(_Found("ORG", i, i + 1, 0, key, CONF_UNKNOWN_ACRONYM))
            return i + 1
        for form, clitic in s.lex_variants(i):
            if form in lex.first_names:
                j = _name_end(s, i, None) if clitic == 0 else self._clitic_name_end(s, i)
                if j is not None and j - i >= 2 and self._second_name_ok(s, i + 1):
                    key = " ".join([form, *s.norms[i + 1 : j]])
                    out.append(_Found("PER", i, j, clitic, key, CONF_GIVEN_NAME))
                    return j
                break
        return i + 1

    def _given_name_not_title(self, s: Stream, i: int, j: int) -> bool:
        """Is a one-word title that is also a listed given name (سلطان) the first name of
        the learned tagger's person, a family name after it (سلطان الدعيع، الدكتور مساعد
        العيبان), or a father's name after بن?"""
        lex = self.lex
        word = s.norms[i]
        if j != i + 1 or j >= s.n or (word not in lex.first_names and word not in lex.name_parts):
            return False
        if i and s.joined[i] and s.norms[i - 1] in FATHER_LINKS:
            return True  # ناصر بن سلطان الشريف
        if i not in s.learned_names or j not in s.learned_names:
            return False
        nxt = s.norms[j]
        family = nxt in lex.name_parts or (
            s.definite(j) and nxt[:2] == "ال" and not _adjective_like_common(nxt, lex)
        )
        return family and (i == 0 or i - 1 not in s.learned_names)

    def _common_look_alike(self, s: Stream, i: int, place: Hit[Place]) -> bool:
        """Is a one-word place reading of token ``i`` a common word in disguise: a verb
        (ANERGazet's وادان is وأدان once the hamza is normalised away) or a word never a
        name read as a clitic and a place (لغات is not ل + غات)?"""
        word = s.norms[i]
        if place.value.weak and s.is_verb(i):
            return True
        # (a conjunction before a place is the common case: المكسيك وبنما)
        preposition_led = place.clitic > 0 and word[:1] != "و"
        if place.value.weak and i in s.learned_outside and (s.definite(i) or preposition_led):
            # a definite or preposition-led word the CRF is sure is no name: الحد الأقصى،
            # محملة بالفحم (a bare foreign name keeps its reading: تستضيف ليون المباراة)
            return True
        return preposition_led and word in self.lex.never_names

    def _clitic_name_end(self, s: Stream, i: int) -> int | None:
        # the given name carries a clitic (ومحمد): judge the name from the next word on
        end = _name_end(s, i + 1, None) if i + 1 < s.n and s.joined[i + 1] else None
        return end

    def _second_name_ok(self, s: Stream, k: int) -> bool:
        w = s.norms[k]
        if self.lex.is_listed_name(w):
            return True
        if w in {"بن", "ابن", "بنت", "ال", "ابو", "عبد"}:
            return True
        return not s.definite(k) and w not in self.lex.common_words

    def _place_name_end(self, s: Stream, k: int) -> int | None:
        lex = self.lex
        j = k
        while j < s.n and j - k < 2 and (j == k or s.joined[j]):
            w = s.norms[j]
            if s.is_stop(j) or s.definite(j) or w in lex.common_words or title_at(s, j):
                break
            if j > k and w[:1] in "وفبلك":
                break  # بلدة شمع ومدارس، شمع بتمويل
            if j in s.learned_outside:
                break  # مدينة نظيفة: an adjective the CRF is sure of
            if s.nationality(j) is not None or s.org_cue(j) is not None:
                break
            j += 1
        return j if j > k else None

    def _emit_chain(self, s: Stream, chain: Chain, out: list[_Found]) -> int:
        name = name_after(s, chain)
        for unit in chain.units:
            if name is None and unit.cue.amb:
                continue  # الفريق without a name is a team, not a rank
            subs = {k for sub in unit.comp.subs for k in range(sub.i, sub.j)}
            if unit.nat is not None:
                subs.update(range(unit.nat.i, unit.nat.j))
            plain_j = unit.cue_j
            value = set(unit.comp.value)
            while plain_j < unit.j and plain_j in value and plain_j not in subs:
                plain_j += 1
            while plain_j > unit.cue_j and s.norms[plain_j - 1] in _BEFORE_A_PLACE:
                plain_j -= 1  # المتحدث الأمني في [الرياض]: the title ends before the place
            key = " ".join([unit.cue_key, *s.norms[unit.cue_j : plain_j]])
            out.append(_Found("TITLE", unit.i, plain_j, unit.clitic, key))
            for sub in unit.comp.subs:
                out.append(
                    _Found(
                        sub.type,
                        sub.i,
                        sub.j,
                        sub.clitic,
                        sub.key,
                        1.0,
                        sub.acronym_of,
                        strong=True,
                    )
                )
            if unit.nat is not None:
                nat = unit.nat
                out.append(_Found("NORP", nat.i, nat.j, nat.clitic, nat.value.key))
        if chain.comma_nat is not None:
            nat = chain.comma_nat
            out.append(_Found("NORP", nat.i, nat.j, nat.clitic, nat.value.key))
        if name is None:
            return chain.j
        i, j = name
        out.append(_Found("PER", i, j, 0, " ".join(s.norms[i:j]), CONF_CUE_PERSON, strong=True))
        return j

    # --- mentions of a learned tagger ---------------------------------------------------

    @staticmethod
    def _learned_reading(s: Stream, learned: Sequence[Mention], outside: Collection[int]) -> None:
        """Mark on ``s`` the tokens inside the learned tagger's person names and the tokens it
        is confident are outside every entity."""
        starts = [t.start for t in s.toks]
        names: set[int] = set()
        for m in learned:
            if m.type != "PER":
                continue
            i = max(0, bisect.bisect_right(starts, m.start) - 1)
            j = bisect.bisect_left(starts, m.end)
            names.update(k for k in range(i, j) if s.toks[k].end > m.start)
        at = {t.start: k for k, t in enumerate(s.toks)}
        s.learned_names = frozenset(names)
        s.learned_outside = frozenset(at[x] for x in outside if x in at) - s.learned_names

    @staticmethod
    def _merge_learned(s: Stream, found: list[_Found], learned: Sequence[Mention]) -> list[_Found]:
        """Take in the learned mentions, as whole tokens (the span may leave out a proclitic
        of its first token, as rule spans do). A learned mention overlapping rule mentions
        replaces them when they are all weak readings (an organisation built from a cue
        word, a place only a cue or ANERGazet suggests, a person from a given name alone);
        a strong rule mention (a title, nationality, known name or acronym, a name inside or
        after a title phrase, whose end the rules judge word by word: "اللواء أرولدو لاثارو
        زار" stops before the verb) or one with exactly the learned span stays, and the
        learned one goes."""
        if not s.n:
            return found
        owner: list[_Found | None] = [None] * s.n
        for f in found:
            for k in range(f.i, f.j):
                owner[k] = f
        starts = [t.start for t in s.toks]
        dropped: set[int] = set()
        added: list[_Found] = []
        for m in learned:
            i = bisect.bisect_right(starts, m.start) - 1
            if i < 0 or m.start >= s.toks[i].end:
                continue  # starts outside every token
            j = bisect.bisect_left(starts, m.end)
            if j <= i or s.toks[j - 1].end < m.end:
                continue
            over = {id(f): f for f in owner[i:j] if f is not None}
            for f in over.values():
                if (f.i, f.j, f.type) == (i, j, m.type) and not f.strong:
                    f.conf = max(f.conf, m.confidence)  # both read the same name
            if any(
                f.strong or (f.i, f.j) == (i, j) or f.type not in _LEARNED_OVER
                for f in over.values()
            ):
                continue
            if any(f.i < i or f.j > j for f in over.values()):
                # a weak rule mention reaching past the learned one: keep both apart
                continue
            dropped.update(over)
            head = s.toks[i].text[: m.start - s.toks[i].start]
            clitic = sum(1 for ch in head if normalise_char(ch))
            new = _Found(m.type, i, j, clitic, m.norm, m.confidence)
            added.append(new)
            for k in range(i, j):
                owner[k] = new
        return [f for f in found if id(f) not in dropped] + added

    # --- acronyms -----------------------------------------------------------------------

    def _acronyms(self, s: Stream, found: list[_Found]) -> list[_Found]:
        """Bracketed acronyms after an organisation, and their later uses in the document."""
        by_start = {f.i: f for f in found}
        taught: dict[str, str] = {}
        for f in list(found):
            if f.type != "ORG" or f.j >= s.n:
                continue
            span = self._bracketed(s, f.j)
            where = by_start.get(f.j + 1)
            if span is None and where is not None and s.norms[f.j] == "في":
                # مكتب الإحصاء الأوروبي في بروكسل (يوروستات): the acronym after the place
                if where.type in ("GPE", "LOC") and s.joined[f.j + 1] and where.j < s.n:
                    span = self._bracketed(s, where.j)
            if span is None:
                continue
            a, b = span
            if f.acronym_of is not None or f.j - f.i < 2:
                continue  # "الفيفا (جوزيف) بلاتر": an acronym is not expanded by a bracket
            expansion = f.key
            inner = by_start.get(a)
            if inner is not None and self._person_or_acronym(s, found, inner, b):
                # صندوق أوبك للتنمية (أوفيد): a learned one-word person in the brackets is
                # the acronym unless the document names that person in full elsewhere
                found.remove(inner)
                inner = None
            if inner is not None and inner.j == b:
                if inner.type == "ORG" and inner.acronym_of is not None:
                    taught[inner.key] = inner.acronym_of  # a known acronym: the table decides
                elif inner.type == "ORG" and inner.conf < 1.0:  # an unknown Latin acronym
                    inner.acronym_of, inner.conf = expansion, 1.0
                    taught[inner.key] = expansion
                continue
            if any(x.i < b and a < x.j for x in found):
                continue
            known = s.org(a)
            if known is not None and known.j == b and known.clitic == 0:
                if not known.value.acronym:
                    continue  # a name in quotes ("وكالة أنباء «رويترز»"), not an acronym
                expansion = known.value.key
            elif not self._acronym_like(s, a, b):
                continue
            key = self._acronym_key(s, a, b)
            new = _Found("ORG", a, b, 0, key, 1.0, expansion)
            found.append(new)
            by_start[a] = new
            taught[key] = expansion
        if not taught:
            return found
        for f in found:
            if f.type == "ORG" and f.acronym_of is None and f.key in taught:
                f.acronym_of, f.conf = taught[f.key], 1.0
        covered = {k for f in found for k in range(f.i, f.j)}
        firsts = {key.split(" ")[0] for key in taught}
        for i in range(s.n):
            if i in covered or (s.norms[i] not in firsts and s.toks[i].text.lower() not in firsts):
                continue
            for length in (1, 2, 3):
                j = i + length
                if j > s.n or any(k in covered for k in range(i, j)):
                    break
                key = self._acronym_key(s, i, j)
                if key in taught:
                    found.append(_Found("ORG", i, j, 0, key, 1.0, taught[key]))
                    covered.update(range(i, j))
                    break
        return found

    def _person_or_acronym(self, s: Stream, found: list[_Found], inner: _Found, b: int) -> bool:
        """Is ``inner``, bracketed right after an organisation, a weak one-word person that
        is better read as the organisation's acronym?"""
        if inner.type != "PER" or inner.strong or (inner.i, inner.j) != (b - 1, b):
            return False
        if not self._acronym_like(s, inner.i, b):
            return False
        word = s.norms[inner.i]
        return not any(
            f.type == "PER" and f.j - f.i > 1 and word in s.norms[f.i : f.j] for f in found
        )

    @staticmethod
    def _bracketed(s: Stream, k: int) -> tuple[int, int] | None:
        """Tokens [k, b) inside brackets or quotes that open right before token ``k``."""
        if k not in s.bracket:
            return None
        b, _ = s.bracket[k]
        if any(s.is_stop(x) for x in range(k, b)):
            return None
        return k, b

    def _acronym_like(self, s: Stream, a: int, b: int) -> bool:
        """Bracketed words that can be an acronym: Latin capitals (IAEA, U.N.), or one Arabic
        word that is no common, modifier or name word ("(الراحل)", "(جوزيف)" are not)."""
        texts = [s.toks[k].text for k in range(a, b)]
        if all(t.isascii() for t in texts):
            return all(_LATIN_ACRONYM.match(t) for t in texts)
        if b - a != 1:
            return False
        w = s.norms[a]
        lex = self.lex
        return not (
            w in lex.common_words
            or w in lex.modifiers
            or w in lex.first_names
            or w in lex.name_parts
            or s.bits[a]
            or len(w) < 3
        )

    @staticmethod
    def _acronym_key(s: Stream, a: int, b: int) -> str:
        texts = [s.toks[x].text for x in range(a, b)]
        if all(t.isascii() for t in texts):
            return " ".join(t.replace(".", "").lower() for t in texts)
        return " ".join(s.norms[a:b])

    # --- repeated names -----------------------------------------------------------------

    def _repeats(self, s: Stream, found: list[_Found]) -> list[_Found]:
        """Find again the persons named in this document: full names and family names."""
        persons = [f for f in found if f.type == "PER"]
        if not persons:
            return found
        full: dict[str, set[tuple[str, ...]]] = {}
        family: dict[str, set[str]] = {}
        for p in persons:
            words = tuple(p.key.split(" "))
            if len(words) > 1 or self._lone_name_ok(words[0]):
                full.setdefault(words[0], set()).add(words)
            last = words[-1]
            if p.conf >= CONF_CUE_PERSON and self._family_name_ok(last):
                family.setdefault(last, set()).add(p.key)
        found = self._place_family_names(s, found, persons)
        covered = [False] * s.n
        for f in found:
            for k in range(f.i, f.j):
                covered[k] = True
        i = 0
        while i < s.n:
            if covered[i]:
                i += 1
                continue
            hit = None
            for form, clitic in s.lex_variants(i):
                longest = 0
                for words in full.get(form, ()):
                    n = len(words)
                    if n > longest and self._follows(s, i, words[1:]):
                        longest = n
                        hit = (n, clitic, " ".join(words), CONF_REPEAT)
                if hit is None and form in family and len(family[form]) == 1:
                    if not self._inside_other_name(s, i):
                        hit = (1, clitic, form, CONF_FAMILY_NAME)
                if hit is not None:
                    break
            if hit is None:
                i += 1
                continue
            n, clitic, key, conf = hit
            if any(covered[k] for k in range(i, i + n)):
                i += 1
                continue
            found.append(_Found("PER", i, i + n, clitic, key, conf))
            for k in range(i, i + n):
                covered[k] = True
            i += n
        return found

    def _place_family_names(
        self, s: Stream, found: list[_Found], persons: list[_Found]
    ) -> list[_Found]:
        """One sense a document for a family name that is also a place: once a person's
        name has been read over the place word (ديفيد كاميرون، فرانسوا هولاند, the learned
        tagger or a title backing it), the word standing alone elsewhere in the document is
        that person (قال كاميرون، وأكد هولاند), unless a preposition or a place cue right
        before it makes it the place (في هولاند، مدينة ليون). A word the document first uses
        as the place stays the place, and a family name shared by two of its persons decides
        nothing."""
        owners: dict[str, set[str]] = {}
        introduced: dict[str, int] = {}  # where the first such person is named
        for p in persons:
            last = p.j - 1
            place = s.place(last)
            if p.j - p.i < 2 or place is None or place.j != p.j or place.clitic:
                continue
            if last in s.learned_names or p.conf >= CONF_CUE_PERSON:
                word = s.norms[last]
                owners.setdefault(word, set()).add(p.key)
                introduced[word] = min(p.i, introduced.get(word, p.i))
        if not owners:
            return found
        lone: list[tuple[_Found, str]] = []
        for f in found:
            if f.type not in ("GPE", "LOC") or f.j - f.i != 1 or f.acronym_of:
                continue
            word = s.norms[f.i]
            bare = word[1:] if word[:1] == "و" and word[1:] in owners else word
            if bare in owners and not (f.i and s.place(f.i - 1) and s.place(f.i - 1).j > f.i):
                lone.append((f, bare))  # (and not the end of a longer place: خميس مشيط)
        # a word first met as the place keeps that sense all through
        placed_first = {bare for f, bare in lone if f.i < introduced[bare]}
        for f, bare in lone:
            if len(owners[bare]) != 1 or bare in placed_first or self._place_context(s, f.i):
                continue
            f.type, f.key, f.clitic = "PER", bare, len(s.norms[f.i]) - len(bare)
            f.conf, f.strong = CONF_FAMILY_NAME, False
        return found

    def _place_context(self, s: Stream, i: int) -> bool:
        """Does the word before token ``i`` make it a place (في، إلى، مدينة)?"""
        if i == 0 or not s.joined[i]:
            return False
        before = s.norms[i - 1]
        return before in _PLACE_PREPOSITIONS or before in self.lex.place_cues

    def learned_edges_ok(self, key: str) -> bool:
        """Does a learned tagger's mention (its normalised key) start and end on words that
        can be part of a name (not لدى المملكة عفيفي عبدالوهاب)?"""
        words = key.split(" ")
        return words[0] not in _NEVER_AT_EDGES and words[-1] not in _NEVER_AT_EDGES

    def learned_person_ok(self, key: str) -> bool:
        """Is a learned tagger's person (its normalised key) worth taking in? Not a
        religious formula (رحمه الله، عز وجل: ANERcorp tags الله as a name) nor a one-word
        name that ``_lone_name_ok`` would not find again."""
        words = key.split(" ")
        if all(w in _FORMULA_WORDS for w in words) and (len(words) > 1 or words[0] == "الله"):
            return False
        lex = self.lex
        if len(words) > 1 and all(
            w.startswith("ال") and w in lex.common_words and w not in lex.name_parts for w in words
        ):
            return False  # بالعيد السعيد: definite common words, none a family name
        return len(words) > 1 or self._lone_name_ok(words[0])

    def _lone_name_ok(self, word: str) -> bool:
        """May a one-word name read once be found again all through the document? Not a
        function or time word (a رمضان read as a name once does not make the month a person
        all through), a word never a name, or a definite common word or plural (الله،
        الباحثون)."""
        lex = self.lex
        if lex.is_listed_name(word):
            return True
        if lex.is_stop_word(word) or lex.is_function(word) or word in lex.never_names:
            return False
        if word in _TO_ME:
            return False
        if word.startswith("ال"):
            return word not in lex.common_words and not word.endswith(("ون", "ات"))
        return True

    def _family_name_ok(self, word: str) -> bool:
        """Can this last word of a name stand alone for the person elsewhere?"""
        lex = self.lex
        if len(word) < 3 or word in lex.common_words or lex.is_stop_word(word):
            return False
        if lex.starts(word) & _LEXICON_BITS or word in lex.modifiers:
            return False
        return not _adjective_like_common(word, lex)

    def _inside_other_name(self, s: Stream, i: int) -> bool:
        """Is token ``i`` next to a given name or name word (عون الخصاونة، عباس عراقجي)?"""
        lex = self.lex

        def named(k: int) -> bool:
            return lex.is_listed_name(s.norms[k])

        before = i > 0 and s.joined[i] and named(i - 1)
        after = i + 1 < s.n and s.joined[i + 1] and named(i + 1)
        return before or after

    @staticmethod
    def _follows(s: Stream, i: int, rest: tuple[str, ...]) -> bool:
        for offset, w in enumerate(rest, start=1):
            k = i + offset
            if k >= s.n or not s.joined[k] or s.norms[k] != w:
                return False
        return True

    # --- anaphoric organisation names --------------------------------------------------

    def _anaphors(self, s: Stream, found: list[_Found]) -> list[_Found]:
        """ "القوة الدولية" or "الوزارة" after "قوة الأمم المتحدة..." or "وزارة الصحة" in the
        same document: an ORG mention whose ``norm`` is its antecedent's key. A bare head
        (الوزارة) needs a strong cue; a weak one (القوة, also "force") needs دولية/أممية."""
        orgs = sorted((f for f in found if f.type == "ORG"), key=lambda f: f.i)
        heads: dict[str, list[tuple[int, str]]] = {}
        for f in orgs:
            key = f.acronym_of or f.key
            head = key.split(" ")[0]
            if not head.startswith("ال") and self.lex.org_cues.get([head]) is not None:
                heads.setdefault(head, []).append((f.i, key))
        if not heads:
            return found
        covered = [False] * s.n
        for f in found:
            for k in range(f.i, f.j):
                covered[k] = True
        for i in range(s.n):
            if covered[i]:
                continue
            for form, clitic in s.lex_variants(i):
                if not form.startswith("ال") or form[2:] not in heads:
                    continue
                cue = self.lex.org_cues.get([form[2:]])
                j = i + 1
                if j < s.n and s.joined[j] and s.norms[j] in _ANAPHOR_ADJECTIVES:
                    j += 1
                elif cue is None or not cue.strong:
                    break
                before = [key for pos, key in heads[form[2:]] if pos < i]
                if before and not self._names_another(s, form, j, before[-1]):
                    found.append(_Found("ORG", i, j, clitic, before[-1], CONF_ANAPHOR))
                break
        return found

    def _names_another(self, s: Stream, head: str, j: int, antecedent: str) -> bool:
        """Does a definite masculine adjective (-ي) at token ``j`` make the masculine head
        before it the name of another body (المجلس التنفيذي، النادي الأهلي، الديوان الملكي
        after مجلس إدارة النادي، نادي التعاون، ديوان المظالم)? A nationality describes (وقال
        المجلس الأمريكي), and a word of the antecedent's name repeats it. A feminine head is
        left alone: a masculine adjective after it qualifies another noun (موقع الوزارة
        الإلكتروني), and as many nouns as adjectives end in -ية (واعتمدت الهيئة الميزانية)."""
        if head.endswith("ه") or j >= s.n or not s.joined[j]:
            return False
        word = s.norms[j]
        if not (word.startswith("ال") and word.endswith("ي") and len(word) >= 5):
            return False
        if len(word) == 7 and word[4] == "ا":
            return False  # a broken plural (التهاني، المباني), not an adjective
        if word in antecedent.split(" ") or word in self.lex.name_parts:
            return False
        return self.lex.nationalities.get([word]) is None and not self._place_nisba(word)

    def _place_nisba(self, word: str) -> bool:
        """Is a definite -ي adjective made from a known place (المدريدي، اللندني، القاهري)?
        Such an adjective describes a body (النادي المدريدي) rather than naming one."""
        stem = word[2:-1]
        forms = (stem, stem + "ه", stem + "ا", stem + "يا", "ال" + stem, "ال" + stem + "ه")
        return any(self.lex.places.get([f]) is not None for f in forms)

    # --- output -------------------------------------------------------------------------

    @staticmethod
    def _mention(s: Stream, doc_id: str, f: _Found) -> Mention:
        start = s.start_offset(f.i, f.clitic)
        end = _closing_mark_kept(s.text, start, s.toks[f.j - 1].end)
        return Mention(
            doc=doc_id,
            start=start,
            end=end,
            text=s.text[start:end],
            type=f.type,
            norm=f.key,
            acronym_of=f.acronym_of,
            confidence=f.conf,
        )
