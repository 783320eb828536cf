"""Verdict for two aligned claims: agree, partial, conflict, update or unclear, with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from marsad.compare.features import ClaimFeatures

# A claim "adds detail" when the other side has this many content terms it lacks.
EXTRA_TERMS_FOR_PARTIAL = 3


@dataclass(frozen=True)
class Judgement:
    verdict: str
    note: str


def incompatibilities(a: ClaimFeatures, b: ClaimFeatures) -> list[str]:
    """Reasons the two claims cannot both hold at the same time (empty when compatible)."""
    reasons = []
    if a.persons and b.persons and not (a.persons & b.persons):
        names_a = "، ".join(sorted(a.person_names.values()))
        names_b = "، ".join(sorted(b.person_names.values()))
        reasons.append(f"they name different people ({names_a} / {names_b})")
    differing = [
        f"{a.quantities_by_noun[noun]} / {b.quantities_by_noun[noun]}"
        for noun in a.quantities_by_noun.keys() & b.quantities_by_noun.keys()
        if a.quantities_by_noun[noun] != b.quantities_by_noun[noun]
    ]
    if not differing and a.numbers and b.numbers and not (a.numbers & b.numbers):
        differing = [f"{', '.join(sorted(a.numbers))} / {', '.join(sorted(b.numbers))}"]
    if differing:
        reasons.append(f"their figures differ ({'; '.join(differing)})")
    if _explicit(a) and _explicit(b) and not a.time.compatible(b.time):  # type: ignore[union-attr]
        reasons.append(f"their dates differ ({a.time.iso} / {b.time.iso})")  # type: ignore[union-attr]
    return reasons


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
            extra_a += [a.words.get(k, k) for k in la if _item(k) not in items_b | terms_b]
            extra_b += [b.words.get(k, k) for k in lb if _item(k) not in items_a | terms_a]
    return extra_a, extra_b


def _item(key: str) -> str:
    """List items compared without the feminine ending (خمس / خمسة, مصري / مصرية)."""
    return key[:-1] if len(key) > 3 and key.endswith("ه") else key


def judge(a: ClaimFeatures, b: ClaimFeatures) -> Judgement:
    if a.negated != b.negated:
        return Judgement("conflict", "One report states the claim and the other negates it.")
    reasons = incompatibilities(a, b)
    if reasons:
        return _over_time("; ".join(reasons), a, b)
    return _compatible(a, b)


def _over_time(reason: str, a: ClaimFeatures, b: ClaimFeatures) -> Judgement:
    if a.published is None or b.published is None:
        undated = a if a.published is None else b
        return Judgement(
            "unclear",
            f"The reports disagree: {reason}; report {undated.claim.doc} has no date, so it "
            "cannot be told whether this is a change over time or a conflict.",
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
        precision = (
            f" «{finer.time.text}» is more precise than «{coarser.time.text}»"  # type: ignore[union-attr]
            " and lies within it."
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
            words = [richer.words.get(t, t) for t in sorted(extra)]
            return Judgement(
                "partial",
                f"Compatible; report {richer.claim.doc} adds detail: {' · '.join(words[:8])}."
                + precision,
            )
    return Judgement("agree", "Both reports state the same thing, in their own words." + precision)


def _width(f: ClaimFeatures) -> int:
    assert f.time is not None
    return (date.fromisoformat(f.time.value_end) - date.fromisoformat(f.time.value_start)).days
