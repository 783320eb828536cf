"""Verdict for two aligned claims: agree, partial, conflict, update or unclear, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marsad.compare.features import ClaimFeatures, figures_compatible
from marsad.model import TimeExpr

# A claim "adds detail" when the other side has this many content terms it lacks.
EXTRA_TERMS_FOR_PARTIAL = 3


@dataclass(frozen=True)
class Judgement:
    verdict: str
    note: str


def incompatibilities(a: ClaimFeatures, b: ClaimFeatures) -> list[str]:
    """Reasons the two claims cannot both hold at the same time (empty when compatible)."""
    reasons = []
    if a.persons and b.persons and not (a.persons & b.persons) and _distinct_names(a, b):
        names_a = "، ".join(sorted(a.person_names.values()))
        names_b = "، ".join(sorted(b.person_names.values()))
        reasons.append(f"they name different people ({names_a} / {names_b})")
    differing = _differing_figures(a, b)
    if differing:
        reasons.append(f"their figures differ ({'; '.join(differing)})")
    if _explicit(a) and _explicit(b) and not _times_meet(a, b):
        reasons.append(f"their dates differ ({a.time.iso} / {b.time.iso})")  # type: ignore[union-attr]
    return reasons


def _distinct_names(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """No name of one side is, word for word (synonyms folded), a name or a word of the other:
    a common noun tagged as a name on both sides (محادثات / مباحثات) names no one."""
    forms_a = {a.name_key(p) for p in a.persons}
    forms_b = {b.name_key(p) for p in b.persons}
    return not (forms_a & (forms_b | b.terms) or forms_b & a.terms)


def _differing_figures(a: ClaimFeatures, b: ClaimFeatures) -> list[str]:
    """Figures that oppose each other: for a noun both claims count, a value of one side that
    the other report gives nowhere (a report giving both 98 and 272 does not oppose 272)."""
    differing = []
    for noun in sorted(a.quantities_by_noun.keys() & b.quantities_by_noun.keys()):
        qa, qb = a.quantities_by_noun[noun], b.quantities_by_noun[noun]
        ha, hb = a.hedge_by_noun.get(noun, ""), b.hedge_by_noun.get(noun, "")
        if figures_compatible(qa, ha, qb, hb):
            continue  # "أكثر من 600" / "نحو 700"
        if qa not in b.doc_numbers or qb not in a.doc_numbers:
            differing.append(f"{qa} / {qb}")
    if differing:
        return differing
    # figures counting no recognised noun: one such figure a side, found nowhere in the other
    loose_a = a.numbers - set(a.quantities_by_noun.values())
    loose_b = b.numbers - set(b.quantities_by_noun.values())
    if len(loose_a) == 1 and len(loose_b) == 1 and loose_a != loose_b:
        if not (loose_a & b.doc_numbers) and not (loose_b & a.doc_numbers):
            return [f"{next(iter(loose_a))} / {next(iter(loose_b))}"]
    return []


def _times_meet(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """Some explicit time of one claim is compatible with some time of the other."""
    times_a = [t for t in a.times if not t.relative] or [a.time]
    times_b = [t for t in b.times if not t.relative] or [b.time]
    return any(x.compatible(y) for x in times_a if x for y in times_b if y)


def _explicit(f: ClaimFeatures) -> bool:
    """A date written out in full; relative ones ("أمس", "الشهر الماضي") are too loose to oppose."""
    return f.time is not None and not f.time.relative


def list_additions(a: ClaimFeatures, b: ClaimFeatures) -> tuple[list[str], list[str]]:
    """Items of a shared list that only one side names (its words), for each side."""
    extra_a: list[str] = []
    extra_b: list[str] = []
    terms_a = {_item(t) for t in a.terms}
    terms_b = {_item(t) for t in b.terms}
    for la in a.lists:
        for lb in b.lists:
            items_a = {_item(k) for k in la}
            items_b = {_item(k) for k in lb}
            if not items_a & items_b:
                continue
            extra_a += [_shown(a, k) for k in la if _item(k) not in items_b | terms_b]
            extra_b += [_shown(b, k) for k in lb if _item(k) not in items_a | terms_a]
    return extra_a, extra_b


def _shown(f: ClaimFeatures, key: str) -> str:
    """A term as the report wrote it (never an internal key such as "E:ent_1" or "N:300")."""
    if key in f.words:
        return f.words[key]
    return key.split(":", 1)[1] if key[:2] in ("E:", "N:") else key


def _item(key: str) -> str:
    """List items compared without the feminine ending (خمس / خمسة, مصري / مصرية)."""
    return key[:-1] if len(key) > 3 and key.endswith("ه") else key


# Content words each side must hold that the other lacks before two claims whose only
# incompatibility is their date are read as two events rather than one event dated twice.
DISTINCT_TERMS_FOR_OTHER_EVENT = 2


def same_event(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """False when the claims differ only in date but each also says something the other does
    not ("أسماء المتقدمات على الوظائف التعليمية ... 1436/9/4" / "أسماء المتقدمين على الوظائف
    الصحية ... 1436/10/10"): one template, two announcements. Such a pair is not aligned."""
    if not (_explicit(a) and _explicit(b)) or _times_meet(a, b):
        return True
    if a.persons != b.persons or _differing_figures(a, b):
        return True  # another incompatibility: judged as usual

    def plain(terms: frozenset[str]) -> set[str]:
        return {t for t in terms if t[:2] not in ("E:", "N:")}

    only_a, only_b = plain(a.terms) - plain(b.terms), plain(b.terms) - plain(a.terms)
    return min(len(only_a), len(only_b)) < DISTINCT_TERMS_FOR_OTHER_EVENT


def judge(a: ClaimFeatures, b: ClaimFeatures) -> Judgement:
    if a.negated != b.negated and negation_shared(a, b):
        return Judgement("conflict", "One report states the claim and the other negates it.")
    reasons = incompatibilities(a, b)
    if reasons:
        return _over_time("; ".join(reasons), a, b)
    verdict = _compatible(a, b)
    opposed = _opposed(a, b)
    return opposed or verdict


def negation_shared(a: ClaimFeatures, b: ClaimFeatures) -> bool:
    """The predicate one claim negates is one the other claim states."""
    neg, pos = (a, b) if a.negated else (b, a)
    return bool(neg.negated_heads & pos.keys)


# The stance model (ANS pairs) as a second opinion: trusted only when it is confident in both
# directions of the pair, and only beside an explainable contradiction cue.
STANCE_CONFIDENT = 0.75


def stance(a: ClaimFeatures, b: ClaimFeatures) -> dict[str, float]:
    """The learned model's probabilities for the pair, the lower of its two directions."""
    from marsad.compare.stance import default_model

    ab, ba = default_model().predict_proba(
        [(a.claim.text, b.claim.text), (b.claim.text, a.claim.text)]
    )
    return {k: min(ab[k], ba[k]) for k in ab}


def _opposed(a: ClaimFeatures, b: ClaimFeatures) -> Judgement | None:
    """Words of opposite sense (ارتفعت / انخفضت، فتح / إغلاق) in otherwise compatible claims,
    kept only when the stance model, in both directions, reads the pair as a contradiction."""
    pairs = antonyms(a, b)
    if not pairs or stance(a, b)["disagree"] < STANCE_CONFIDENT:
        return None
    words = "; ".join(f"{x} / {y}" for x, y in pairs)
    return _over_time(f"they use words of opposite sense ({words})", a, b)


def antonyms(a: ClaimFeatures, b: ClaimFeatures) -> list[tuple[str, str]]:
    """Words of one claim whose opposite (a polarity group of ``stance``) is in the other."""
    from marsad.compare.stance import _polarity

    table = _polarity()
    only_a, only_b = a.keys - b.keys, b.keys - a.keys
    found = []
    for ka in sorted(only_a):
        for kb in sorted(only_b):
            pa, pb = table.get(ka, frozenset()), table.get(kb, frozenset())
            if any((g, 1 - side) in pb for g, side in pa):
                found.append((a.key_words.get(ka, ka), b.key_words.get(kb, kb)))
    return found[:3]


def _over_time(reason: str, a: ClaimFeatures, b: ClaimFeatures) -> Judgement:
    if a.published is None and b.published is None:
        return Judgement(
            "unclear",
            f"The reports disagree: {reason}; neither report has a date, so it cannot be told "
            "whether this is a change over time or a conflict.",
        )
    if a.published is None or b.published is None:
        undated, dated = (a, b) if a.published is None else (b, a)
        bound = undated.bound
        assert dated.published is not None
        day = dated.published.isoformat()
        if bound is not None and date.fromisoformat(bound.not_before) > dated.published:
            return Judgement(
                "update",
                f"The values differ ({reason}). Report {undated.claim.doc} has no date, but it "
                f"describes events of «{bound.text}» ({bound.not_before[:7]}) as past, so it is "
                f"later than the report of {day}: by inference, it supersedes it.",
            )
        known = (
            f" (its text only shows it is not earlier than {bound.not_before}, «{bound.text}»)"
            if bound is not None
            else ""
        )
        return Judgement(
            "unclear",
            f"The reports disagree: {reason}; the date of report {undated.claim.doc} is "
            f"unknown{known}, so it cannot be told whether this is a change over time or a "
            "conflict.",
        )
    if a.published == b.published:
        return Judgement("conflict", f"Reports of the same day disagree: {reason}.")
    earlier, later = (a, b) if a.published < b.published else (b, a)
    return Judgement(
        "update",
        f"The values differ ({reason}), but the report of {later.published.isoformat()} is later "
        f"than that of {earlier.published.isoformat()}, so it supersedes it.",
    )


def _compatible(a: ClaimFeatures, b: ClaimFeatures) -> Judgement:
    """Agree, or partial when one claim holds the other and adds detail of its own."""
    precision = ""
    if a.time and b.time and a.time.iso != b.time.iso:
        finer, coarser = (a, b) if _width(a) < _width(b) else (b, a)
        assert finer.time is not None and coarser.time is not None
        if _within(finer.time, coarser.time):
            precision = (
                f" «{finer.time.text}» is more precise than «{coarser.time.text}»"
                " and lies within it."
            )
        elif finer.time.compatible(coarser.time):
            precision = f" «{a.time.text}» and «{b.time.text}» overlap."
        else:  # disjoint times reach here only when one is relative ("أمس"): too loose to oppose
            precision = (
                f" Their times differ («{a.time.text}» {a.time.iso} / «{b.time.text}» "
                f"{b.time.iso}), but a relative date is too loose to call this a conflict."
            )
    list_a, list_b = list_additions(a, b)
    if list_a or list_b:
        parts = [
            f"report {side.claim.doc} lists more: {' · '.join(items)}"
            for side, items in ((a, list_a), (b, list_b))
            if items
        ]
        return Judgement("partial", "Compatible; " + "; ".join(parts) + "." + precision)
    only_a = a.terms - b.terms
    only_b = b.terms - a.terms
    for richer, extra, other_extra in ((a, only_a, only_b), (b, only_b, only_a)):
        if len(extra) >= EXTRA_TERMS_FOR_PARTIAL and not other_extra:
            words = [_shown(richer, t) for t in sorted(extra)]
            return Judgement(
                "partial",
                f"Compatible; report {richer.claim.doc} adds detail: {' · '.join(words[:8])}."
                + precision,
            )
    return Judgement("agree", "Both reports state the same thing, in their own words." + precision)


def _within(inner: TimeExpr, outer: TimeExpr) -> bool:
    return outer.value_start <= inner.value_start and inner.value_end <= outer.value_end


def _width(f: ClaimFeatures) -> int:
    assert f.time is not None
    return (date.fromisoformat(f.time.value_end) - date.fromisoformat(f.time.value_start)).days
