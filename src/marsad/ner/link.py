"""Cross-document entity linking: mentions -> entities.

Mentions are grouped (union-find) when:
- they have the same normalised name (``Mention.norm``) and type family (PER, ORG,
  places = GPE/LOC, NORP, MISC);
- the lexicons give them one canonical name: all the names of a country (لبنان، الجمهورية
  اللبنانية), of a known organisation (الأمم المتحدة، المنظمة الدولية، UN) or the forms of a
  nationality adjective;
- one is an acronym of the other: ``Mention.acronym_of`` as set by the tagger from brackets
  ("(IAEA)", «يونيفيل») or from the known-acronym table, which also links an acronym used
  alone in another report;
- an organisation is a cue noun and a bare name (حركة حماس ~ حماس);
- persons: full names that differ only in the transliteration of long foreign words
  (ريجيرو ~ ريغيرو، ديكسترا ~ دايكسترا), a shorter form that is a prefix of one longer name,
  and a family name alone ("الخصاونة" -> "بشر الخصاونة"). A family name alone is read first
  in its own report, as a reader would: it is the one person of the report who bears it.
  Only a report that names no bearer falls back on the whole set, where it is linked when
  exactly one person bears it. A family name borne by two people (in the report, or in the
  set when the report names none) stays its own entity, with low confidence: two people
  with one family name are never merged. So "كيري" is John Kerry in a report about him even
  when another report of the set names Teresa Heinz Kerry.

An organisation and its missions stay apart: nothing links a name to a longer name that
contains it (الأمم المتحدة vs قوة الأمم المتحدة المؤقتة في لبنان).

``Mention.entity`` and ``Mention.confidence`` are set in place (confidence becomes the lower
of the tagger's and the link's). Entity ids are a hash of the type and canonical name, so
they are stable for the same set of documents.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from marsad.model import Attribute, Entity, Mention
from marsad.ner.lexicons import Lexicons, load
from marsad.ner.title_refs import resolve_titles
from marsad.text.normalise import norm

LINKED_TYPES = {"PER", "ORG", "GPE", "LOC", "NORP", "MISC"}
CONF_ALIAS = 0.95
CONF_ACRONYM = 0.95
CONF_TRANSLIT = 0.85
CONF_PREFIX = 0.85
CONF_FAMILY_IN_DOC = 0.85
CONF_FAMILY = 0.8
CONF_AMBIGUOUS = 0.5

# the node of a one-word person name in one document: (_SHORT, name + _IN + document id)
_SHORT = "PER-in-doc"
_IN = "\x1f"

_TRANSLIT = str.maketrans({"ج": "غ", "ڤ": "ف", "پ": "ب", "گ": "غ", "چ": "ش", "ة": "ه"})


def _family(kind: str) -> str:
    return "PLACE" if kind in ("GPE", "LOC") else kind


def skeleton(word: str) -> str:
    """A transliteration-tolerant key for a foreign name: ج/غ merged, a final ش read as the
    س it often renders (غوتيريش، غوتيريس), long vowels (after the first letter) and doubled
    letters dropped (ريجيرو، ريغيرو -> رغر)."""
    w = word.translate(_TRANSLIT)
    if len(w) >= 5 and w.endswith("ش"):
        w = w[:-1] + "س"
    out = w[:1]
    for ch in w[1:]:
        if ch in "اويى" or ch == out[-1:]:
            continue
        out += ch
    return out


class _Sets:
    def __init__(self) -> None:
        self.parent: dict[tuple[str, str], tuple[str, str]] = {}

    def add(self, x: tuple[str, str]) -> None:
        self.parent.setdefault(x, x)

    def find(self, x: tuple[str, str]) -> tuple[str, str]:
        self.add(x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: tuple[str, str], b: tuple[str, str]) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller key becomes the root, so the result does not depend on order
            lo, hi = sorted((ra, rb))
            self.parent[hi] = lo


_COMPOUND_HEAD = re.compile(r"(?:(?<= )|^)(عبد|ابو) (?=\S)")


def joined_compounds(name: str) -> str:
    """Compound names written with or without a space are one name: عبد الفتاح = عبدالفتاح,
    أبو زيد = أبوزيد (keys are normalised, so أبو is ابو)."""
    return _COMPOUND_HEAD.sub(r"\1", name)


def _canonical(lex: Lexicons, fam: str, key: str) -> tuple[str, bool]:
    """The lexicon's canonical key for a name, and whether the lexicon knew it."""
    if fam == "PLACE":
        place = lex.places.get(key.split(" "))
        return (place.key, True) if place is not None else (key, False)
    if fam == "ORG":
        known = lex.org_keys.get(key)
        return (known.key, True) if known is not None else (key, False)
    if fam == "NORP":
        nat = lex.nationalities.get(key.split(" "))
        return (nat.key, True) if nat is not None else (key, False)
    return key, False


def link(
    mentions: Iterable[Mention],
    lexicons: Lexicons | None = None,
    texts: Mapping[str, str] | None = None,
) -> list[Entity]:
    """Group mentions from any number of documents into entities; a title standing alone
    joins the person who holds it (``title_refs``, which reads ``texts``, document id ->
    text, where given)."""
    lex = lexicons or load()
    mentions = list(mentions)
    items = [m for m in mentions if m.type in LINKED_TYPES and m.norm]
    sets = _Sets()
    conf: dict[int, float] = {}
    node_of: dict[int, tuple[str, str]] = {}
    known_canon: dict[tuple[str, str], str] = {}

    for idx, m in enumerate(items):
        fam = _family(m.type)
        key = joined_compounds(m.norm) if fam == "PER" else m.norm
        canon, known = _canonical(lex, fam, key)
        node = (fam, canon)
        if fam == "PER" and " " not in canon:
            node = (_SHORT, f"{canon}{_IN}{m.doc}")  # a family name alone, read in its report
        sets.add(node)
        node_of[idx] = node
        if known:
            known_canon[node] = canon
            if fam == "ORG" and canon != m.norm:
                conf[idx] = CONF_ALIAS
        if m.acronym_of:
            target, t_known = _canonical(lex, fam, m.acronym_of)
            sets.union(node, (fam, target))
            if t_known:
                known_canon[(fam, target)] = target
            conf[idx] = min(conf.get(idx, 1.0), CONF_ACRONYM)

    _link_org_names(lex, sets, node_of, items)
    short_conf = _link_persons(lex, sets, node_of, items)
    for idx, c in short_conf.items():
        conf[idx] = min(conf.get(idx, 1.0), c)

    clusters: dict[tuple[str, str], list[int]] = defaultdict(list)
    for idx in range(len(items)):
        clusters[sets.find(node_of[idx])].append(idx)

    canon_of_root: dict[tuple[str, str], str] = {}
    for node, canon in sorted(known_canon.items()):
        canon_of_root.setdefault(sets.find(node), canon)
    entities = []
    for root, members in clusters.items():
        entity = _entity(members, items, short_conf, canon_of_root.get(root))
        for idx in members:
            m = items[idx]
            m.entity = entity.id
            m.confidence = min(m.confidence, conf.get(idx, 1.0))
        entities.append(entity)
    resolve_titles(mentions, entities, texts)
    return entities


# organisation cue nouns (normalised) that name the same kind of body
_CUE_KIND = {
    cue: kind
    for kind, cues in {
        "press": "صحيفه جريده مجله",
        "broadcast": "قناه شبكه تلفزيون اذاعه",
        "business": "شركه موسسه مجموعه",
        "movement": "تنظيم منظمه جماعه حركه",
        "sport": "نادي فريق",
    }.items()
    for cue in cues.split()
}


def _link_org_names(
    lex: Lexicons,
    sets: _Sets,
    node_of: dict[int, tuple[str, str]],
    items: list[Mention],
) -> None:
    """حركة حماس ~ حماس، شركة أرامكو ~ أرامكو، تنظيم القاعدة ~ القاعدة: a naming cue noun
    before a bare name (a definite one only if it is no common word: حزب الله is not الله).
    A bare name that follows cue nouns of two kinds in the set (قناة الوطن، صحيفة الوطن،
    نادي الوطن) names different bodies and is linked to none of them; cues of one kind
    (تنظيم / منظمة القاعدة، صحيفة / مجلة لوموند) name one."""
    org_nodes = {node for node in node_of.values() if node[0] == "ORG"}
    cued: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for idx, m in enumerate(items):
        if _family(m.type) != "ORG":
            continue
        words = m.norm.split(" ")
        if len(words) != 2 or (words[1].startswith("ال") and words[1] in lex.common_words):
            continue
        cue = lex.org_cues.get(words[:1])
        if cue is not None and cue.takes_name and ("ORG", words[1]) in org_nodes:
            cued[words[1]][_CUE_KIND.get(words[0], words[0])].append(idx)
    for name, by_kind in cued.items():
        if len(by_kind) == 1:
            for idx in next(iter(by_kind.values())):
                sets.union(node_of[idx], ("ORG", name))


def _link_persons(
    lex: Lexicons, sets: _Sets, node_of: dict[int, tuple[str, str]], items: list[Mention]
) -> dict[int, float]:
    """Transliteration variants, prefixes and family names of persons. Returns the
    confidence of the mentions linked (or left alone) by these softer rules."""
    out: dict[int, float] = {}
    full = sorted({node[1] for node in node_of.values() if node[0] == "PER" and " " in node[1]})

    # transliteration variants of full names
    by_skeleton: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for n in full:
        if any(w.startswith("ال") for w in n.split(" ")[1:]):
            continue  # Arabic family names: الحسني and الحسين are two names
        by_skeleton[tuple(skeleton(w) for w in n.split(" "))].append(n)
    soft: dict[tuple[str, str], float] = {}
    for group in by_skeleton.values():
        for other in group[1:]:
            if _translit_ok(group[0], other, lex):
                sets.union(("PER", group[0]), ("PER", other))
                soft[("PER", other)] = CONF_TRANSLIT

    by_first: dict[str, list[list[str]]] = defaultdict(list)
    for n in full:
        by_first[n.split(" ")[0]].append(n.split(" "))

    # a shorter full name that is a prefix of exactly one longer person
    for n in full:
        words = n.split(" ")
        longer = {
            sets.find(("PER", " ".join(w)))
            for w in by_first[words[0]]
            if len(w) > len(words) and w[: len(words)] == words
        }
        if len(longer) == 1 and sets.find(("PER", n)) not in longer:
            sets.union(("PER", n), next(iter(longer)))
            soft[("PER", n)] = CONF_PREFIX

    # a name without (part of) its chain of fathers: محمد القرني ~ محمد بن عثمان القرني,
    # but محمد الغامدي stays apart when both محمد بن صالح and محمد بن علي الغامدي are named
    by_stripped: dict[str, list[tuple[str, list[str]]]] = defaultdict(list)
    for n in full:
        stripped, fathers = _without_fathers(n)
        if " " in stripped:
            by_stripped[stripped].append((n, fathers))
    for group in by_stripped.values():
        for n, fathers in group:
            longer = {
                sets.find(("PER", m))
                for m, more in group
                if len(more) > len(fathers) and more[: len(fathers)] == fathers
            }
            if len(longer) == 1 and sets.find(("PER", n)) not in longer:
                sets.union(("PER", n), next(iter(longer)))
                soft[("PER", n)] = CONF_PREFIX

    _link_family_names(sets, node_of, items, full, soft)
    for idx in range(len(items)):
        node = node_of[idx]
        if node[0] == _SHORT:
            node = node if node in soft else ("PER", node[1].split(_IN, 1)[0])
        if node in soft:
            out[idx] = soft[node]
    return out


def _bearer_keys(family: str) -> list[str]:
    """The keys a family name is looked up by: itself, and for a long foreign name its
    transliteration skeleton."""
    if len(family) >= 5 and not family.startswith("ال"):
        return [family, "~" + skeleton(family)]
    return [family]


def _link_family_names(
    sets: _Sets,
    node_of: dict[int, tuple[str, str]],
    items: list[Mention],
    full: list[str],
    soft: dict[tuple[str, str], float],
) -> None:
    """Links each family name alone to the one person bearing it in its own report, or,
    where its report names no bearer, in the whole set (see the module's docstring). The
    last word of a full name is its family name, unless it is a father's (بندر بن سلطان:
    "سلطان" alone is another man), a child's (أم خالد) or a house's name (آل سعود, which is
    the family name)."""
    family_of = {
        n: words[-1] for n in full if (words := n.split(" "))[-2] not in _NOT_BEFORE_A_FAMILY
    }
    in_doc: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    in_set: dict[str, set[str]] = defaultdict(set)
    for idx, m in enumerate(items):
        node = node_of[idx]
        if node[0] == "PER" and node[1] in family_of:
            for key in _bearer_keys(family_of[node[1]]):
                in_doc[m.doc][key].add(node[1])
    for n, family in family_of.items():
        for key in _bearer_keys(family):
            in_set[key].add(n)

    def owners(index: dict[str, set[str]], name: str) -> set[tuple[str, str]]:
        bearers = set().union(*(index.get(k, set()) for k in _bearer_keys(name)))
        return {sets.find(("PER", b)) for b in bearers}

    unresolved: set[str] = set()
    for node in sorted({n for n in node_of.values() if n[0] == _SHORT}):
        name, doc = node[1].split(_IN, 1)
        mine = owners(in_doc.get(doc, {}), name)
        if len(mine) == 1:
            sets.union(node, mine.pop())
            soft[node] = CONF_FAMILY_IN_DOC
            continue
        sets.union(node, ("PER", name))
        if mine:
            soft[node] = CONF_AMBIGUOUS  # two bearers in its own report
        else:
            unresolved.add(name)
    for name in sorted(unresolved):
        theirs = owners(in_set, name)
        if len(theirs) == 1:
            sets.union(("PER", name), theirs.pop())
            soft[("PER", name)] = CONF_FAMILY
        elif theirs:
            soft[("PER", name)] = CONF_AMBIGUOUS


_FATHER_WORDS = frozenset({"بن", "ابن", "بنت"})
# (normalised) words after which the last word of a name is not its bearer's family name:
# بن/بنت + the father, أم + the eldest child (ابو X is one word once joined), آل + the house
_NOT_BEFORE_A_FAMILY = _FATHER_WORDS | {"ام", "ال"}


def _without_fathers(name: str) -> tuple[str, list[str]]:
    """A normalised name without its "بن X" links, and the fathers' names in order."""
    words = name.split(" ")
    kept: list[str] = []
    fathers: list[str] = []
    k = 0
    while k < len(words):
        if words[k] in _FATHER_WORDS and 0 < k < len(words) - 2:
            fathers.append(words[k + 1])
            k += 2
        else:
            kept.append(words[k])
            k += 1
    return " ".join(kept), fathers


def _translit_ok(a: str, b: str, lex: Lexicons) -> bool:
    """Variants only where the differing words are long enough to be foreign names (five
    letters or more, or four against five with one long vowel more: بوتين ~ بوتن، ترامب ~
    ترمب) and not two Arabic names the lists know (سليمان and سلمان, سعيد and سعد are
    different names)."""
    for x, y in zip(a.split(" "), b.split(" "), strict=True):
        if x == y:
            continue
        short, long_ = sorted((x, y), key=len)
        if len(short) < 4 or len(long_) < 5:
            return False
        if len(short) == 4 and not _one_vowel_more(long_, short):
            return False  # a four-letter word only as the long one less a vowel: جورج is
            # not جيورجيو
        if lex.is_listed_name(x) and lex.is_listed_name(y):
            return False
    return True


def _one_vowel_more(long_: str, short: str) -> bool:
    """Is ``long_`` ``short`` with one long vowel (ا، و، ي) written in (بوتين، ترامب)?"""
    return len(long_) == len(short) + 1 and any(
        long_[k] in "اوي" and long_[:k] + long_[k + 1 :] == short for k in range(1, len(long_))
    )


def _entity(
    members: list[int],
    items: list[Mention],
    short_conf: dict[int, float],
    known: str | None,
) -> Entity:
    ms = [items[i] for i in members]
    types = Counter(m.type for m in ms)
    etype = max(types, key=lambda t: (types[t], t == "GPE", t))
    surface: dict[str, str] = {}
    count: Counter[str] = Counter()
    score: dict[str, tuple] = {}
    for idx in members:
        m = items[idx]
        if m.norm not in surface or norm(surface[m.norm]) != m.norm:
            surface[m.norm] = m.text  # prefer a surface without clitics (الأمم، not للأمم)
        count[m.norm] += 1
        is_full = not m.acronym_of and short_conf.get(idx, 1.0) >= CONF_TRANSLIT
        multiword = m.type == "PER" and len(m.norm.split(" ")) > 1  # a full name, not a family name
        new = (not m.acronym_of, is_full, multiword)
        old = score.get(m.norm, new)
        score[m.norm] = tuple(a and b for a, b in zip(old, new, strict=True))
    best = max(count, key=lambda k: (*score[k], count[k], len(k), k))
    canonical = known or best
    if canonical in surface:
        best = canonical  # the lexicon's own name, when a report uses it
    eid = "ent_" + hashlib.sha1(f"{_family(etype)}:{canonical}".encode()).hexdigest()[:12]
    aliases = [surface[k] for k in surface if k != best]
    attributes: list[Attribute] = []
    seen: set[tuple[str, str]] = set()
    for m in ms:
        for a in m.attributes:
            if (a.kind, a.value) not in seen:
                seen.add((a.kind, a.value))
                attributes.append(a)
    return Entity(eid, etype, _display(surface[best], best), aliases, ms, attributes)


def _display(surface: str, key: str) -> str:
    """An entity's name as written, without the fused ل + ال of a span ("للأمم" -> "الأمم")."""
    if norm(surface) != key and surface.startswith("لل"):
        fixed = "ال" + surface[2:]
        if norm(fixed) == key:
            return fixed
    return surface
