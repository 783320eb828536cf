"""What an undated report's own text says about its date.

A report with no published date is at least as late as the latest event it describes as past:
"افتتحت القوة في نوفمبر 2019 محطة" cannot have been written before November 2019. Only
explicit time expressions count (relative ones, "أمس", need the missing date to mean anything)
and only in claims that tell of something done or begun: a past-tense verb (افتتحت، مدد،
أُنشئت، قاموا), a pluperfect (كان قد), or "منذ" (since) before the date. Announced events
("سيعقد المؤتمر في ..."، "من المقرر"، "المقبل") and end points ("حتى نهاية أغسطس 2020") are
not past and give no bound.

The bound is the *start* of the expression's interval: an event "in 2019" told as past proves
the report is from 2019 or later, not that it is from the end of 2019.
"""

from __future__ import annotations

from bisect import bisect_left

from marsad.model import Claim, DateBound, DocAnalysis, TimeExpr, Token
from marsad.text.normalise import norm
from marsad.text.segment import verb_like
from marsad.text.wordlists import stopwords

# Words that announce or schedule: a claim holding one tells of the future (normalised).
_FUTURE = frozenset(
    norm(w)
    for w in (
        "سوف المقبل المقبلة القادم القادمة المرتقب المرتقبة مرتقب مرتقبة المقرر مقرر المزمع "
        "يعتزم تعتزم يعتزمون ينوي تنوي المتوقع يتوقع تتوقع يرتقب يترقب ستكون سيكون بحلول "
        "اعتبارا"
    ).split()
)
# Before a date, these make it an end point or a limit, not the time of an event.
_NOT_EVENT_BEFORE = frozenset(
    norm(w) for w in "حتى وحتى لغاية ولغاية غاية قبل وقبل موعد أقصاه ينتهي تنتهي".split()
)
_SINCE = frozenset(norm(w) for w in "منذ ومنذ".split())
# Auxiliaries of completed action: كان قد، وقد، فقد.
_PAST_AUX = frozenset(norm(w) for w in "كان كانت كانوا وكان وكانت وكانوا قد وقد فقد لقد".split())
_IMPERFECT = "يتن"


def infer_date_bounds(analysis: DocAnalysis) -> DateBound | None:
    """The latest date an undated report tells of as past, or None (also for dated reports)."""
    if analysis.doc.published is not None:
        return None
    starts = [t.start for t in analysis.tokens]
    best: DateBound | None = None
    for claim in analysis.claims:
        times = [
            t
            for t in analysis.timexes
            if claim.start <= t.start and t.end <= claim.end and not t.relative
        ]
        if not times:
            continue
        tokens = analysis.tokens[bisect_left(starts, claim.start) : bisect_left(starts, claim.end)]
        if _announces(tokens):
            continue
        for t in times:
            if not _told_as_past(analysis.doc.text, claim, tokens, t):
                continue
            if best is None or t.value_start > best.not_before:
                best = DateBound(analysis.doc.id, t.value_start, claim.id, t.text)
    return best


def _announces(tokens: list[Token]) -> bool:
    for tok in tokens:
        w = tok.norm
        if w in _FUTURE or tok.stem in _FUTURE:
            return True
        bare = w[1:] if w[:1] in "وف" and len(w) > 4 else w
        if bare[:1] == "س" and len(bare) >= 4 and bare[1] in _IMPERFECT and verb_like(bare[1:]):
            return True  # سيعقد، ستواصل، وسيتم
    return False


def _told_as_past(text: str, claim: Claim, tokens: list[Token], t: TimeExpr) -> bool:
    words = _content(tokens, claim)
    before = [tok for tok in words if tok.end <= t.start]
    after = [tok for tok in words if tok.start >= t.end]
    lead = [norm(w) for w in t.text.split()[:1]]
    near = [tok.norm for tok in before[-2:]] + lead
    if any(w in _SINCE for w in near[-2:]):
        return True  # منذ آب 2018: a state that began then
    if any(w in _NOT_EVENT_BEFORE for w in near):
        return False
    first = words[0] if words else None
    for tok in [*reversed(before), *after]:  # the nearest verb, before the date first
        tense = _tense(tok, tok is first)
        if tense:
            return tense == "past"
    return False


def _content(tokens: list[Token], claim: Claim) -> list[Token]:
    """The claim's words outside its mentions (names are not verbs)."""
    spans = [(m.start, m.end) for m in claim.mentions]
    return [t for t in tokens if not any(s <= t.start and t.end <= e for s, e in spans)]


def _tense(tok: Token, first: bool) -> str:
    """A cheap guess at a word's tense when it is a verb: "past", "present", or "" (not one)."""
    w = tok.norm
    if w in _PAST_AUX:
        return "past"
    bare = w[1:] if w[:1] in "وف" and len(w) > 3 else w
    stop = stopwords()
    if bare.startswith("ال") or bare in stop or w in stop or not bare.isalpha():
        return ""
    if 4 <= len(bare) <= 6 and bare.endswith("ت") and not bare.endswith(("ات", "وت", "يت")):
        return "past"  # أعلنت، توسعت، أنشئت
    if len(bare) >= 4 and bare.endswith("وا"):
        return "past"  # قاموا
    if bare[:1] in _IMPERFECT and verb_like(bare):
        return "present"  # يتولى، تستمر، ينتهي
    # A sentence opens with its verb in news prose: "ومدد مجلس الأمن ..."، "زار الوزير ..."
    if first and 3 <= len(bare) <= 6 and bare[:1] not in "مس":
        return "past"
    return ""
