"""Titles, ranks, roles and nationalities of persons: a small grammar of Arabic title phrases,
and ``attach_attributes`` that reads it backwards from each person mention.

A title phrase is a chain of units before a name::

    unit  := CUE [COMPLEMENT] [NATIONALITY] [COMPLEMENT]
    chain := unit+ (", " RANK-or-TITLE unit | ", " NATIONALITY)?  NAME

- CUE: a title, rank or role word from ``data/titles.tsv`` (الرئيس، الجنرال، وزير، الأمين العام،
  المتحدث باسم...), with proclitics allowed on its first word (وقال رئيس...).
- COMPLEMENT (role cues only): a genitive noun phrase - one bare definite noun, then adjectives
  (nisba -ي/-ية, participles الم-, listed modifiers), ل-genitives (للطاقة، للأمم المتحدة) and
  their و-coordinations, known organisations and places, organisation phrases (القيادة المركزية
  الأمريكية), and في/لدى + a place or organisation.
- NATIONALITY: a definite nationality adjective that agrees in gender with the cue belongs to
  the person (وزير الخارجية الأمريكي -> امريكي); after a genitive that it agrees with instead, or
  after an "on behalf of" cue, it belongs to the complement (المتحدث باسم الخارجية الإيرانية).
- A role after a unit that already has a nationality, or after a bare title (الرئيس), starts
  a new chain: "الرئيس المصري وزير الخارجية الأمريكي أنتوني بلينكن" gives Blinken only the
  second unit.

The same grammar drives the rule tagger's cue persons (``rules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from marsad.model import Attribute, Mention
from marsad.ner.lexicons import (
    ORG_CUES,
    ORGS,
    PLACE_CUES,
    PLACES,
    TITLES,
    Hit,
    KnownOrg,
    Nationality,
    OrgCue,
    Stream,
    TitleCue,
)
from marsad.text.segment import tokenize

PREPOSITIONS = {"في", "لدي"}
DIRECTIONS = {"جنوب", "شمال", "شرق", "غرب", "وسط", "جنوبي", "شمالي", "شرقي", "غربي"}
NAME_PARTICLES = {
    "بن",
    "ابن",
    "بنت",
    "ال",
    "ابو",
    "ابي",
    "عبد",
    "ولد",
    "دي",
    "دو",
    "فان",
    "فون",
    "دا",
}
_DOCTOR = TitleCue("title", True, False, False, False, False, False)
_MAX_COMPLEMENT = 9
_MAX_NAME_UNITS = 3  # name words (particles apart) of a plain name: given, father, family
_IMPERFECT = "يتنا"  # prefixes of the imperfect: he / she, you / we / I
_MAX_LINEAGE_UNITS = 6
FATHER_LINKS = frozenset({"بن", "ابن", "بنت"})
_BEFORE_A_NAME = FATHER_LINKS | {"ال", "عبد"}  # (آل, normalised; عبد الملك)
_LINEAGE = frozenset({"بن", "ابن", "بنت", "ال"})
_LOOKBACK_CHARS = 320
_LOOKBACK_TOKENS = 30
_COMPOUND_SECONDS = {"الدين", "الله", "الرحمن", "الاسلام"}  # صلاح الدين، نصر الله
_ORDINALS = {"الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن"}
_NOT_IN_NAMES = ORG_CUES | ORGS | PLACE_CUES | PLACES | TITLES


@dataclass
class Sub:
    """An entity inside a title phrase: tokens [i, j), ``clitic`` characters of proclitics."""

    type: str
    i: int
    j: int
    clitic: int
    key: str
    acronym_of: str | None = None


@dataclass
class OrgPhrase:
    i: int
    j: int
    clitic: int
    key: str
    acronym_of: str | None = None
    known: bool = False  # from the table of known organisations


@dataclass
class Complement:
    j: int
    value: list[int] = field(default_factory=list)  # tokens that belong to the value
    subs: list[Sub] = field(default_factory=list)
    evidence: bool = False  # a place, organisation, nationality, ل-genitive or name inside
    nat: Hit[Nationality] | None = None  # the person's nationality (title phrases)
    first_org_j: int = -1  # end of an organisation opening the complement
    honorific_j: int = -1  # end of an honorific and a name (مستشفى الملك فيصل)


@dataclass
class Unit:
    cue: TitleCue
    i: int
    cue_j: int
    j: int
    clitic: int
    cue_key: str
    comp: Complement

    @property
    def nat(self) -> Hit[Nationality] | None:
        return self.comp.nat


@dataclass
class Chain:
    units: list[Unit]
    j: int  # where a name may start
    comma_nat: Hit[Nationality] | None = None  # "..., الإيرلندي شون دالتون"
    open: bool = False  # token j follows with only spaces: a name may start there
    after_comma: bool = False  # token j follows a comma after a role: "والي صفاقس، أنيس..."


def _adjective_like(word: str, s: Stream) -> bool:
    base = word[2:] if word.startswith("ال") else word
    return (
        word in s.lex.modifiers
        or base.endswith(("ي", "يه", "يون", "يين", "يات"))
        or word.startswith("الم")
    )


def _hamza_noun(s: Stream, k: int) -> bool:
    """Does token ``k`` end in ئة, which normalises to the -يه of a nisba but makes a noun
    (التهنئة، التعبئة، البيئة)?"""
    return (
        s.toks[k]
        .text.rstrip("\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652")
        .endswith(("ئة", "ئه"))
    )


def _agrees(noun: str, adjective: str) -> bool:
    """Can ``adjective`` qualify (or, for ـات, be the genitive of) the word before it? A
    feminine singular takes no masculine plural: أمير المنطقة المواطنين is a title and its
    object (but القضاة الشرعيين, a broken plural in ـاة, does); a feminine nisba takes
    nothing in ـات: وزارة الداخلية المسدسات (but لجنة المنشطات, a noun and its genitive)."""
    if noun.endswith("ه") and not noun.endswith("اه") and adjective.startswith("ال"):
        if adjective.endswith(("ين", "ون")):
            return False
        if not noun.endswith("يه"):
            return True
        # a feminine nisba takes nothing in ـات (وزارة الداخلية المسدسات), and a definite one
        # closes its phrase: nothing masculine agrees after it (هيئة الهلال الأحمر السعودية
        # الموقع)
        return not (
            adjective.endswith("ات") or (noun.startswith("ال") and not adjective.endswith("ه"))
        )
    return True


def _lone_family_name(s: Stream, k: int) -> bool:
    """A definite word right after a complete title that reads as a family name: not
    adjective-like, not a common word, and nothing name-like after it."""
    w = s.norms[k]
    if _adjective_like(w, s) or w in s.lex.common_words or s.bits[k]:
        return False
    if w.startswith(("لل", "بال", "وال", "فال")):
        return False
    nxt = k + 1
    return nxt >= s.n or not s.joined[nxt] or s.is_stop(nxt)


def _opens_org(s: Stream, k: int) -> bool:
    return s.org(k) is not None or s.org_cue(k) is not None


def _pronoun_suffix(s: Stream, k: int) -> bool:
    """Ends with an attached pronoun (قوله، منزلها، سموه، وجههم): not a name."""
    raw = "".join(ch for ch in s.toks[k].text if ch.isalpha())
    if raw.endswith("لله") or s.lex.is_function(s.norms[k]):
        return False  # عبدالله، بهذه
    return len(raw) >= 4 and raw.endswith(("ه", "ها", "هم", "هما", "كم"))


def title_at(s: Stream, i: int) -> Hit[TitleCue] | None:
    if i >= s.n:
        return None
    if s.norms[i] in ("والي", "الي") and not s.toks[i].text.endswith("ي"):
        return None  # "وإلى" / "والى" (and to), not والي (governor)
    if s.norms[i] == "د":
        end = s.toks[i].end
        if s.text[end : end + 1] == "." and (i + 1 == s.n or s.joined[i + 1]):
            return Hit(i, i + 1, _DOCTOR, 0, "الدكتور")
    hit = s.title(i)
    if hit is not None and hit.j < s.n and s.joined[hit.j] and s.norms[hit.j] in FATHER_LINKS:
        return None  # "سلطان بن سلمان": a name with its father's, not the title sultan
    return hit


def _definite_nat(s: Stream, k: int) -> Hit[Nationality] | None:
    hit = s.nationality(k)
    if hit is not None and hit.value.definite and hit.clitic == 0:
        return hit
    return None


def parse_org(s: Stream, i: int) -> OrgPhrase | None:
    """An organisation name starting at token ``i``: a known one, or a cue noun with its
    complement (وزارة الصحة الأردنية، الوكالة الدولية للطاقة الذرية)."""
    memo = s.__dict__.setdefault("_org_memo", {})
    if i in memo:
        return memo[i]
    memo[i] = None  # guards against re-entry while parsing
    best: OrgPhrase | None = None
    cue = s.org_cue(i)
    if cue is not None and cue.clitic and s.lex.is_function(s.norms[i]):
        cue = None  # بقيادة السعودية: a preposition, not ب + قيادة
    if cue is not None:
        comp = parse_complement(s, cue.j, cue.value)
        if comp.j > cue.j and _org_ok(cue.value, comp):
            key = " ".join([cue.key, *s.norms[cue.j : comp.j]])
            best = OrgPhrase(i, comp.j, cue.clitic, key)
    known = s.org(i)
    if known is not None and not _spelt_as_written(s, known):
        known = None
    if known is not None:  # the table lists full names: a longer cue phrase is a coincidence
        acr = known.value.key if known.value.acronym else None
        best = OrgPhrase(i, known.j, known.clitic, known.key, acr, known=True)
    memo[i] = best
    return best


_HAMZA = frozenset("أإآؤئء")


def _spelt_as_written(s: Stream, hit: Hit[KnownOrg]) -> bool:
    """Is a one-word Arabic acronym spelt in the text as the table writes it, hamza and all?
    Normalisation folds أ into ا, which makes وام (the Emirates news agency) of وأم (and a
    mother); the written hamza tells them apart."""
    written = hit.value.written
    if not written or hit.j - hit.i != 1:
        return True
    letters = [ch for ch in s.toks[hit.i].text if ch.isalpha() and ch != "\u0640"][hit.clitic :]
    if len(letters) != len(written):
        return True
    return all((a in _HAMZA) == (b in _HAMZA) for a, b in zip(letters, written, strict=True))


def _org_ok(cue: OrgCue, comp: Complement) -> bool:
    if cue.honorific_only:
        return comp.honorific_j != -1 and comp.j > comp.honorific_j
    if comp.first_org_j == comp.j and not cue.strong:
        return False  # قيادة اليونيفيل: the command *of* an organisation, not a new one
    if cue.definite or not cue.strong:
        return comp.evidence
    return True


def parse_complement(s: Stream, j0: int, head: TitleCue | OrgCue) -> Complement:
    """The genitive complement of a role cue (``TitleCue``) or organisation cue (``OrgCue``)."""
    title_mode = isinstance(head, TitleCue)
    lex = s.lex
    comp = Complement(j0)
    k = j0
    gens = 0
    last = ""  # kind of the last consumed element
    while k < s.n and s.joined[k] and k - j0 < _MAX_COMPLEMENT:
        w = s.norms[k]
        nat = _definite_nat(s, k)
        if nat is not None:
            if title_mode and not nat.value.plural and not head.of and comp.nat is None:
                if nat.value.fem == head.fem:
                    comp.nat = nat
                    k = comp.j = nat.j
                    last = "nat"
                    continue
            if title_mode:
                comp.subs.append(Sub("NORP", k, nat.j, 0, nat.value.key))
            comp.value.extend(range(k, nat.j))
            comp.evidence = True
            k = comp.j = nat.j
            last = "adj"
            continue
        cue_here = title_at(s, k)
        if cue_here is not None and (title_mode or cue_here.value.kind != "title" or comp.value):
            break
        org = parse_org(s, k)
        if org is not None and (org.clitic == 0 or title_mode):
            if title_mode:
                comp.subs.append(Sub("ORG", k, org.j, org.clitic, org.key, org.acronym_of))
            if k == j0:
                comp.first_org_j = org.j
            comp.value.extend(range(k, org.j))
            comp.evidence = True
            k = comp.j = org.j
            last = "org"
            gens = max(gens, 1)
            continue
        place = s.place(k)
        if place is not None and (place.clitic == 0 or title_mode):
            if title_mode:
                comp.subs.append(Sub(place.value.type, k, place.j, place.clitic, place.key))
            comp.value.extend(range(k, place.j))
            comp.evidence = True
            k = comp.j = place.j
            last = "place"
            continue
        directional = title_mode and w in DIRECTIONS
        if (w in PREPOSITIONS or directional) and k + 1 < s.n and s.joined[k + 1]:
            target = _prep_target(s, k + 1, title_mode, direction=directional)
            if target is None:
                break
            if not title_mode:
                # سلطة الطاقة في غزة: where a body is shows it is one, but is no part of
                # its name (مستشفى الملك فهد في الرياض لتلقي العلاج)
                comp.evidence = comp.evidence or (not head.definite and w == "في")
                break
            end, sub = target
            if title_mode and sub is not None:
                comp.subs.append(sub)
            comp.value.extend(range(k, end))
            comp.evidence = comp.evidence or sub is not None
            k = comp.j = end
            last = "place"
            continue
        if s.is_stop(k):
            break
        if w in lex.modifiers:
            comp.value.append(k)
            k = comp.j = k + 1
            last = "adj"
            continue
        if title_mode and _learned_name_from(s, k, j0 - 1) and not _adjective_like(w, s):
            break  # the learned tagger's person starts here: رئيس الوزراء ألكسيس تسيبراس
        if s.definite(k):
            if title_mode and w in lex.name_parts and (comp.value or head.std):
                break  # وزير الخارجية الصفدي: a family name, not a genitive
            if title_mode and head.std and not comp.value and _lone_family_name(s, k):
                break  # رئيس الوزراء الخصاونة إن...
            if not title_mode and not head.definite:
                # an honorific and a name after an indefinite head: مستشفى الملك فيصل (a
                # definite head takes no genitive: رئيس النادي الأمير فيصل is a person)
                honorific = title_at(s, k)
                if honorific is not None and honorific.value.kind == "title" and gens == 0:
                    end = _name_end(s, honorific.j, None)
                    if end is None:
                        break
                    comp.value.extend(range(k, end))
                    comp.evidence = True
                    k = comp.j = comp.honorific_j = end
                    last = "gen"
                    gens = 1
                    continue
            if (
                title_mode
                and not comp.value
                and s.definite(j0 - 1)
                and w.startswith("ال")
                and _hamza_noun(s, k)
            ):
                break  # a definite title takes no genitive: ولي ولي العهد التهنئة
            if not comp.value or last == "construct":
                kind = "gen"
                gens = 1
            elif _adjective_like(w, s) and _agrees(s.norms[k - 1], w) and not _hamza_noun(s, k):
                kind = "adj"
            elif w.startswith("لل"):
                kind = "gen"
                comp.evidence = True
            elif w.startswith("وال") and last in ("gen", "adj") and not _opens_org(s, k):
                kind = "gen"
            else:
                break
            comp.value.append(k)
            k = comp.j = k + 1
            last = kind
            continue
        # ل + a construct noun: وزير الدولة لشؤون مجلس الوزراء، لإزالة الألغام
        if w.startswith("ل") and len(w) > 3 and comp.value and k + 1 < s.n and s.joined[k + 1]:
            nxt = k + 1
            if s.definite(nxt) or s.place(nxt) is not None or s.org(nxt) is not None:
                if not s.is_stop(nxt) and not _pronoun_suffix(s, k):
                    comp.value.append(k)
                    comp.evidence = True
                    k = comp.j = k + 1
                    last = "construct"
                    continue
        # an indefinite word: a construct noun opening the complement (رئيس أركان الجيش)
        if (
            k - j0 < 2
            and last in ("", "construct")
            and _head_takes_construct(s, j0, k, head)
            and k + 1 < s.n
            and s.joined[k + 1]
        ):
            nxt = k + 1
            if (
                s.definite(nxt)
                or s.place(nxt) is not None
                or s.org(nxt) is not None
                or (
                    s.norms[nxt] in DIRECTIONS
                    and nxt + 1 < s.n
                    and s.joined[nxt + 1]
                    and s.place(nxt + 1) is not None
                )
            ):
                if w not in lex.common_words and not _adjective_like(w, s):
                    if _pronoun_suffix(s, k):
                        # a word with a pronoun is in construct with nothing; right after
                        # a title it closes it (وزير خارجيته، رئيس تحريرها), elsewhere it
                        # is no part of a name (منظمة اعتبرها الاتحاد)
                        if title_mode and k == j0:
                            comp.value.append(k)
                            comp.j = k + 1
                        break
                    comp.value.append(k)
                    k = comp.j = k + 1
                    last = "construct"
                    continue
        if (
            not title_mode
            and head.takes_name
            and not head.definite
            and k == j0
            and k not in s.learned_outside  # بتنظيم مكون من خلايا، شركة عقار
            and not _pronoun_suffix(s, k)  # منظمة اعتبرها الاتحاد
            and w not in lex.common_words
            and not w.endswith("ه")
            and not _adjective_like(w, s)
            and s.title(k) is None
        ):
            comp.value.append(k)
            comp.evidence = True
            k = comp.j = k + 1
            last = "name"
            continue
        break
    return comp


def _learned_name_from(s: Stream, k: int, cue: int) -> bool:
    """Is token ``k`` inside one of the learned tagger's person names that begins at the
    title's last word ``cue`` or later (سلطان الدعيع, رئيس الوزراء ألكسيس تسيبراس), not in
    one that takes in the whole title (أسامة بادويلان شيخ العطارين)?"""
    if k not in s.learned_names:
        return False
    start = k
    while start - 1 in s.learned_names:
        start -= 1
    return start >= cue


def _head_takes_construct(s: Stream, j0: int, k: int, head: TitleCue | OrgCue) -> bool:
    """May the head ending at token ``j0`` take word ``k`` as its construct genitive? A
    definite head never does (الوزارة بإصدار اللائحة، القاضي عبدالله), nor a title with a
    pronoun (نائبه سعد الصعب), except a title before a ل-genitive (المدير العام لشؤون
    المنظمات)."""
    if isinstance(head, OrgCue):
        return not head.definite
    w = s.norms[k]
    if w.startswith("ل") and len(w) > 3 and k not in s.learned_names:
        return True
    return not (s.definite(j0 - 1) or _pronoun_suffix(s, j0 - 1))


def _prep_target(
    s: Stream, k: int, title_mode: bool, direction: bool
) -> tuple[int, Sub | None] | None:
    """What follows في / لدى / جنوب... inside a complement: (end, entity found)."""
    place = s.place(k)
    if place is not None and place.clitic == 0:
        return place.j, Sub(place.value.type, k, place.j, 0, place.key)
    if not direction and s.norms[k] in DIRECTIONS and k + 1 < s.n and s.joined[k + 1]:
        place = s.place(k + 1)
        if place is not None and place.clitic == 0:  # في جنوب لبنان
            return place.j, Sub(place.value.type, k + 1, place.j, 0, place.key)
    if direction or not title_mode:
        return None
    org = parse_org(s, k)
    if org is not None:
        return org.j, Sub("ORG", k, org.j, org.clitic, org.key, org.acronym_of)
    cue = s.org_cue(k)
    if cue is not None and cue.clitic == 0 and not cue.value.honorific_only:
        end = cue.j
        if not cue.value.definite:  # في مكتب المنظمة
            if end < s.n and s.joined[end] and s.definite(end) and not s.is_stop(end):
                end += 1
            else:
                return None
        return end, None
    return None


def parse_unit(s: Stream, hit: Hit[TitleCue]) -> Unit:
    cue = hit.value
    if cue.cmp:
        comp = parse_complement(s, hit.j, cue)
    else:
        comp = Complement(hit.j)
        k = hit.j
        while k < s.n and s.joined[k]:
            nat = _definite_nat(s, k)
            if nat is not None and comp.nat is None and not nat.value.plural:
                if nat.value.fem != cue.fem:
                    break
                comp.nat = nat
                k = comp.j = nat.j
            elif s.norms[k] in s.lex.modifiers:
                comp.value.append(k)
                k = comp.j = k + 1
            else:
                break
    return Unit(cue, hit.i, hit.j, comp.j, hit.clitic, hit.key, comp)


def parse_chain(s: Stream, i: int) -> Chain | None:
    """The title phrase that starts at token ``i``, if a title cue starts there."""
    hit = title_at(s, i)
    if hit is None:
        return None
    units = [parse_unit(s, hit)]
    k = units[0].j
    comma_nat = None
    while k < s.n:
        prev = units[-1]
        joined, comma = s.joined[k], s.comma[k]
        if k in s.bracket and prev.comp.subs and prev.comp.subs[-1].j == k:
            # an acronym in brackets after the organisation: "(اليونيفيل)"، «يونيفيل»,
            k, sep = s.bracket[k]
            if k >= s.n:
                break
            joined, comma = sep == "joined", sep == "comma"
        nxt = title_at(s, k)
        if joined and nxt is not None:
            if (
                nxt.clitic
                and s.norms[k][:1] == "و"
                and nxt.value.kind != "role"
                and prev.cue.kind == "role"
            ):
                # "... مدير دائرة إعلام دبي وسمو الشيخ أحمد": an honorific or a rank joined
                # by "and" to a role opens the next person of a list; roles join roles
                # (وزير الخارجية ونائب رئيس الوزراء فلان)
                break
            if nxt.value.kind == "role":
                if prev.cue.pre and prev.j == prev.cue_j:
                    merged = parse_unit(s, nxt)
                    merged.i, merged.clitic = prev.i, prev.clitic
                    merged.cue_key = " ".join([prev.cue_key, merged.cue_key])
                    units[-1] = merged
                    k = merged.j
                    continue
                if prev.nat is not None or (prev.cue.std and not prev.cue.cmp):
                    break  # a new person's title
            units.append(parse_unit(s, nxt))
            k = units[-1].j
            continue
        if comma and prev.cue.kind == "role":
            if nxt is not None and nxt.value.kind in ("rank", "title"):
                units.append(parse_unit(s, nxt))
                k = units[-1].j
                continue
            nat = _definite_nat(s, k)
            if nat is None and prev.comp.value and nxt is None:
                return Chain(units, k, None, open=False, after_comma=True)
            if nat is not None and not nat.value.plural and prev.nat is None:
                comma_nat = nat
                k = nat.j
                joined = k < s.n and s.joined[k]
                if joined and (nxt := title_at(s, k)) is not None:
                    if nxt.value.kind in ("rank", "title"):
                        units.append(parse_unit(s, nxt))
                        k = units[-1].j
                        joined = k < s.n and s.joined[k]
            break
        break
    else:
        joined = False
    return Chain(units, k, comma_nat, open=joined and k < s.n)


def _common_word(s: Stream, w: str) -> bool:
    return w in s.lex.never_names or w.startswith("ال") or s.lex.is_stop_word(w)


def _verb_like(s: Stream, k: int) -> bool:
    """Token ``k`` reads as a verb (or a conjunction glued to a common word) by its shape:
    an imperfect whose form with another person prefix is a common word (يدرك: تدرك، ندرك),
    a future (ستتخذ: تتخذ), or و / ف before a verb or a common word (فأعلن، وأكد). Callers
    let the given-name and name-part lists pass first (يزيد، يحيى، تركي)."""
    w = s.norms[k]
    if len(w) < 4:
        return False
    common = s.lex.never_names
    if w[0] in "وف" and (w[1:] in common or s.lex.is_verb(w[1:])):
        return True
    if w[0] == "س" and w[1] in "يتن" and (w[1:] in common or s.lex.is_verb(w[1:])):
        return True
    if w[0] in _IMPERFECT[:3]:
        stem = w[1:]
        return any(p + stem in common for p in _IMPERFECT if p != w[0])
    return False


def _family_name_follows(s: Stream, k: int) -> bool:
    """Token ``k`` is followed, in the same phrase, by a word that reads as a family name
    ("بشر الخصاونة"), so a common-looking word at ``k`` is a given name after all."""
    j = k + 1
    if j >= s.n or not s.joined[j] or s.is_stop(j):
        return False
    w = s.norms[j]
    if w in s.lex.never_names or w in s.lex.modifiers or title_at(s, j) is not None:
        return False
    if w in s.lex.name_parts or w in s.lex.first_names:
        return True
    if not s.definite(j):
        # a word no list calls common and shaped like no verb or clitic phrase: جو بايدن
        return (
            len(w) >= 3
            and not s.bits[j]
            and not (w[:1] in "وفبلك" and _common_word(s, w[1:]))
            and not _verb_like(s, j)
            and not _pronoun_suffix(s, j)
        )
    # a definite word that does not end like an adjective or a plural (الخارجية، المسؤولين)
    return not w.endswith(("يه", "ات", "ون", "ين", "ي"))


def _closes_lineage(s: Stream, k: int, j: int) -> bool:
    """Token ``j``, definite, can be the family name closing the lineage that starts at
    ``k``: the name before it follows بن / بنت (بن محمد السعيد، بن عبد الله الراشد), and it
    is no common word, adjective, nationality or place."""
    if not any(s.norms[x] in FATHER_LINKS for x in range(max(k, j - 3), j - 1)):
        return False
    if s.norms[j - 1] in NAME_PARTICLES or s.definite(j - 1) and s.norms[j - 1] != "الله":
        return False
    w = s.norms[j]
    if j in s.learned_names:
        return True
    # a nisba is a family name here (بن محمد الزهراني); nationalities ended the name before
    if w in s.lex.never_names or w in s.lex.common_words or w in s.lex.modifiers:
        return False
    return j not in s.learned_outside and not s.bits[j] and not w.startswith(("لل", "بال"))


def _name_start_ok(s: Stream, k: int, cue: TitleCue | None) -> bool:
    lex = s.lex
    w = s.norms[k]
    if s.is_stop(k) or w in lex.modifiers or title_at(s, k) is not None:
        return False
    if _definite_nat(s, k) is not None or s.org(k) is not None or s.org_cue(k) is not None:
        return False
    place = s.place(k)
    if place is not None and place.clitic == 0:
        return False
    if "\u064b" in s.toks[k].text:  # tanwin fath: an adverb or object, not a name
        return False
    listed = lex.is_listed_name(w)
    if listed:
        return True
    if len(w) < 2 or w in lex.title_words:
        return False
    if k not in s.learned_names and (k in s.learned_outside or _verb_like(s, k)):
        return False  # "وزير الخارجية … محادثات"، "الوزير الجديد يدرك"، "الرئيس ستتخذ"
    if len(w) >= 5 and w.startswith(("تت", "تست")):
        return False  # a verb in the present (تتلخص، تستعد), not a name
    if len(w) >= 5 and w.startswith(("يت", "يست")):
        # يتابع، يستعرض التقرير; but يتسحاق رابين-like names keep their family name
        if k + 1 >= s.n or s.definite(k + 1) or not _family_name_follows(s, k):
            return False
    if k not in s.learned_names and w in lex.never_names:
        if w[:1] in "لبكفو" and len(w) >= 4:
            return False  # بمنطقة القصيم، ومنسوبي: a clitic glued to a common word
        return _family_name_follows(s, k)  # محادثات، جديد: common, unless a name follows
    if w.startswith("و") and len(w) > 3:
        return False  # وإدارة، وأبي: a conjunction (given names in و are listed)
    if _pronoun_suffix(s, k) or (cue is not None and cue.prof):
        return False
    if s.definite(k):
        if cue is not None and cue.std and cue.cmp and _lone_family_name(s, k):
            return True
        if cue is None or cue.amb or cue.cmp:
            return False
        return w not in lex.common_words and not w.startswith(("لل", "وال", "بال"))
    if w[:1] in "لبكف" and len(w) >= 4:
        return False  # a preposition or conjunction glued to a common word: لشؤون، بضرورة
    if cue is not None and cue.amb:
        return len(w) >= 4 and not w.startswith(("ي", "ت", "ن", "ا", "س"))
    return True


def _name_end(s: Stream, k: int, cue: TitleCue | None) -> int | None:
    """End of the name that starts at token ``k`` (1-4 name units), or None."""
    if k >= s.n or not _name_start_ok(s, k, cue):
        return None
    lex = s.lex
    j = k + 1
    pending = s.norms[k] in NAME_PARTICLES  # a particle needs the word after it
    units = 0 if pending else 1
    after_family = False  # the first word may be a foreign given name in ال- (ألبرتو)
    while j < s.n and s.joined[j]:
        w = s.norms[j]
        if (
            j in s.learned_names
            and j - 1 in s.learned_names
            and j + 1 in s.learned_names
            and s.lex.is_function(w)
            and not s.lex.is_verb(w)
        ):
            # a function word inside the learned tagger's name: بان كي مون
            units += 1
            j += 1
            continue
        if not pending and units >= _MAX_NAME_UNITS:
            # a chain of fathers and a house name is one name: راشد بن محمد بن راشد آل مكتوم
            lineage = any(s.norms[x] in _LINEAGE for x in range(k, j))
            if not (lineage and w in _LINEAGE and units < _MAX_LINEAGE_UNITS):
                if not (s.definite(j) and units < _MAX_LINEAGE_UNITS and _closes_lineage(s, k, j)):
                    break
        if s.is_stop(j) or w in lex.modifiers:
            break
        if title_at(s, j) is not None and not (pending and s.norms[j - 1] in _BEFORE_A_NAME):
            break  # (after بن a title word is the father's name: ناصر بن سلطان الشريف, and
            # after آل the house's: عبدالعزيز آل الشيخ)
        if _definite_nat(s, j) is not None or s.org_cue(j) is not None:
            break
        if s.org(j) is not None or (s.place(j) is not None and s.place(j).clitic == 0):
            # a place word the learned tagger reads as the family name right after a given
            # name goes on with it: a foreign name that is also a place (ديفيد كاميرون،
            # فرانسوا هولاند), or a family named after one (عبدالله بن محمد السويد)
            over_place = (
                s.org(j) is None
                and j in s.learned_names
                and j - 1 in s.learned_names
                and (units == 1 or s.norms[j - 2] in FATHER_LINKS)
            )
            if not pending and not over_place:
                break
        if "\u064b" in s.toks[j].text:
            break
        listed = lex.is_listed_name(w)
        if not pending and not listed:
            if j not in s.learned_names and (
                (w in lex.never_names and not s.definite(j)) or _verb_like(s, j)
            ):
                break  # a common word ends the name ("الوزير ماجد يدرك"); a definite one
                # the lists call common may still be a family name (القضاة), and a word
                # the learned tagger leaves out may be a foreign one (أرولدو لاثارو)
            if w.startswith("و") and len(w) > 3:
                break  # a conjunction: وفدا، والوفد
            if w.startswith("ي") and len(w) >= 4:
                break  # a present-tense verb
            if w.startswith(("لل", "بال", "فال")) or _pronoun_suffix(s, j):
                break  # للإنذار، قوله
            if w[:1] in "وبل" and s.bits[j] & _NOT_IN_NAMES:
                learned = j in s.learned_names and j - 1 in s.learned_names
                if not learned or lex.starts(w[1:]) & _NOT_IN_NAMES:
                    break  # ببريدة، بحي، وشارع: a clitic before a place or a cue word
                # (a word the learned tagger reads on over and no clitic opens: لي باو دونغ)
            if len(w) < 2:
                break
        if not pending and not listed and s.definite(j) and w.endswith("يه"):
            if j not in s.learned_names:
                break  # a feminine adjective is no family name: مدارس الملك فيصل النموذجية
        if not pending and not listed and s.definite(j) and units >= 2:
            # a definite word is a family name right after the given name, or closing a
            # lineage (فهد بن عبد الله بن محمد السعيد)
            if not (_closes_lineage(s, k, j) and units < _MAX_LINEAGE_UNITS):
                break
        if not pending and after_family and w not in NAME_PARTICLES and w not in _ORDINALS:
            break  # nothing but بن / آل / an ordinal follows a family name (الربيعة دراسة)
        if not pending and not listed and w.startswith(("سي", "ست", "سن")) and len(w) >= 5:
            break  # a future verb: سيعودون
        if w in NAME_PARTICLES:
            pending = True
        else:
            house = pending and s.norms[j - 1] == "ال"  # آل سعود, آل الشيخ: a family name
            after_family = house or (s.definite(j) and not pending and w not in _COMPOUND_SECONDS)
            pending = False
            units += 1
        j += 1
    if pending:
        j -= 1
    # a preposition glued to a common word inside the name ends it: "فهد بإجمالي تعويض";
    # a name of three words or more does not end in one either ("أوهورو كينياتا بوجود")
    last = j if j - k >= 3 else j - 1
    for x in range(k + 1, last):
        w = s.norms[x]
        if w in NAME_PARTICLES or lex.is_listed_name(w):
            continue
        if w[:1] in "بل":
            if x in s.learned_names:
                # a name the learned tagger reads over the word (شي جين بينغ، أسامة بن
                # لادن، إيرينا بوكوفا) ends where that reading ends ("جيمس بوند نحت")
                j = next((y for y in range(x + 1, j) if y not in s.learned_names), j)
            else:
                j = x
            break
    return j if j > k else None


def name_after(s: Stream, chain: Chain) -> tuple[int, int] | None:
    """The name that follows a title chain: token range [i, j)."""
    k = chain.j
    if k < s.n and chain.after_comma:
        end = _name_end(s, k, None)
        if end is None or s.definite(k):
            return None
        listed = s.lex.is_listed_name(s.norms[k])
        closed = end == s.n or s.comma[end]  # the apposition closes with a comma
        return (k, end) if (listed or closed) and end - k >= 2 else None
    if k >= s.n or not chain.open:
        return None
    last = chain.units[-1]
    cue = last.cue
    if cue.cmp and not cue.std and not last.comp.value and chain.comma_nat is None:
        return None  # "قائد" with nothing after it is no title
    if last.comp.value and cue.cmp:
        cue = replace(cue, std=False)
    end = _name_end(s, k, cue)
    return (k, end) if end is not None else None


# --- attributes -------------------------------------------------------------------------


def chain_attributes(s: Stream, chain: Chain) -> list[Attribute]:
    """The attributes a title chain gives the person named after it."""
    out: list[Attribute] = []
    for unit in chain.units:
        start = s.start_offset(unit.i, unit.clitic)
        toks = list(range(unit.cue_j, unit.j))
        nat_range = range(unit.nat.i, unit.nat.j) if unit.nat else range(0)
        value_toks = [k for k in toks if k not in nat_range]
        last_tok = max(value_toks) if value_toks else unit.cue_j - 1
        end = s.toks[last_tok].end
        value = " ".join([unit.cue_key, *(s.norms[k] for k in value_toks)])
        out.append(Attribute(unit.cue.kind, value, start, end, s.text[start:end]))  # type: ignore[arg-type]
        if unit.nat is not None:
            out.append(_nat_attribute(s, unit.nat))
    if chain.comma_nat is not None:
        out.append(_nat_attribute(s, chain.comma_nat))
    return out


def _nat_attribute(s: Stream, hit: Hit[Nationality]) -> Attribute:
    start = s.start_offset(hit.i, hit.clitic)
    end = s.toks[hit.j - 1].end
    return Attribute("nationality", hit.value.key, start, end, s.text[start:end])


def attributes_before(text: str, start: int) -> list[Attribute]:
    """Attributes from the title phrase that ends right before offset ``start``."""
    lo = max(0, start - _LOOKBACK_CHARS)
    tokens = tokenize(text[lo:start], offset=lo) + tokenize(text[start : start + 40], start)[:1]
    if len(tokens) < 2 or tokens[-1].start != start:
        return []
    return attributes_at(Stream(text, tokens), len(tokens) - 1)


def attributes_at(s: Stream, k: int) -> list[Attribute]:
    """Attributes for a person whose name starts at token ``k`` of ``s``."""
    if k == 0 or not (s.joined[k] or s.comma[k]):
        return []
    for i in range(max(0, k - _LOOKBACK_TOKENS), k):
        if title_at(s, i) is None:
            continue
        chain = parse_chain(s, i)
        if chain is None or chain.j != k:
            continue
        if s.joined[k] or chain.after_comma:
            return chain_attributes(s, chain)
    if s.joined[k]:
        nat = _nat_ending_at(s, k)
        if nat is not None:
            return [_nat_attribute(s, nat)]
    return []


def _nat_ending_at(s: Stream, k: int) -> Hit[Nationality] | None:
    """A lone nationality right before the name: "..., الهولندي ماركوس دايكسترا"."""
    for i in range(max(0, k - 2), k):
        hit = _definite_nat(s, i)
        if hit is not None and hit.j == k and not hit.value.plural:
            return hit
    return None


def attach_attributes(text: str, mentions: list[Mention]) -> list[Mention]:
    """Attach titles, ranks, roles and nationalities to PER mentions from the words before
    them. Returns new mentions; attributes already on a mention are kept unless the same
    kind at the same span is found again (so running it twice changes nothing)."""
    return _attach(mentions, lambda m: attributes_before(text, m.start))


def _attach(mentions: list[Mention], finder) -> list[Mention]:
    out = []
    for m in mentions:
        if m.type != "PER":
            out.append(m)
            continue
        found = finder(m)
        seen = {(a.kind, a.start, a.end) for a in found}
        kept = [a for a in m.attributes if (a.kind, a.start, a.end) not in seen]
        out.append(replace(m, attributes=kept + found))
    return out


def attach_in_stream(s: Stream, mentions: list[Mention]) -> list[Mention]:
    """``attach_attributes`` for a tagger that already holds the document's ``Stream``."""
    index = {t.start: k for k, t in enumerate(s.toks)}
    return _attach(mentions, lambda m: attributes_at(s, index[m.start]) if m.start in index else [])
