"""Claims: one per sentence or clause, with the mentions and time expression inside it."""

from __future__ import annotations

import re
from bisect import bisect_left
from datetime import date

from marsad.model import Claim, Mention, Sentence, TimeExpr, Token
from marsad.text.normalise import norm

# Negation cues (normalised): particles and verbs of denial.
NEGATION_WORDS = frozenset(
    norm(w)
    for w in (
        "لم ولم فلم لن ولن لا ولا ليس وليس ليست وليست لست عدم وعدم بعدم "
        "نفى ونفى نفت ونفت ينفي وينفي تنفي وتنفي نافيا نافية ينفون نفي ونفي "
        "غير"
    ).split()
)

MIN_CLAIM_TOKENS = 3

# Lines that frame a report rather than tell its news: source and link lines, bylines,
# credits, "read more" prompts. Matched on the normalised start of the clause.
_BOILERPLATE_STARTS = tuple(
    norm(w)
    for w in (
        "المصدر", "مصدر الخبر", "رابط الخبر", "رابط المقال", "الرابط", "رابط", "اقرأ أيضا",
        "اقرأ أيضاً", "اقرأ المزيد", "اقرأ ايضا", "للمزيد", "المزيد", "لمزيد من المعلومات",
        "تابعونا", "تابعوا", "شارك", "شاهد أيضا", "شاهد ايضا", "كتب:", "كتب -", "كتبت:", "بقلم",
        "تصوير", "إعداد:", "تحرير:", "إخراج", "حقوق", "جميع الحقوق", "التاريخ:", "تاريخ النشر",
        "آخر تحديث", "نشر في", "نشر بتاريخ", "خدمة «", "خدمة \"", "خاص بـ", "بالاتفاق مع",
        "مراسل", "وكالات", "المحرر", "الكاتب:", "المؤلف:",
    )
)  # fmt: skip
_URLISH = re.compile(r"https?://|www\.|\S+@\S+\.\w+|\.com\b", re.IGNORECASE)
_BYLINE_SEP = re.compile(r"\s[-ـ–—]\s?|\s?[-ـ–—]\s")
BYLINE_MAX_TOKENS = 6


def is_boilerplate(text: str, n_tokens: int) -> bool:
    """A source line, link, byline or credit: no claim of the news."""
    stripped = text.strip().lstrip("*•-–—.… ").strip()
    start = norm(stripped)
    if any(start.startswith(p) for p in _BOILERPLATE_STARTS):
        return True
    if _URLISH.search(text) and n_tokens <= 12:
        return True
    # "ناصر الطميحي ـ الرياض"، "الرياضي ـ جدة": a name and a place, no sentence
    parts = [p.split() for p in _BYLINE_SEP.split(stripped)]
    if n_tokens <= BYLINE_MAX_TOKENS and len(parts) == 2 and all(0 < len(p) <= 3 for p in parts):
        plain = not any(c.isdigit() or c in '«»":' for c in stripped)
        return plain and not start.startswith(("و", "ف"))
    return False


def _clauses(text: str, sentence: Sentence) -> list[Sentence]:
    try:
        from marsad.text.segment import split_clauses  # deeper splitter when available
    except ImportError:
        return [sentence]
    return split_clauses(text, sentence) or [sentence]


# A negation word followed by one of these says something else: لا يزال / لم يزل (still),
# لا سيما (especially), لا بد (must), ليس فقط (not only); غير أن is "however".
NOT_NEGATING_NEXT = frozenset(
    norm(w) for w in "يزال تزال يزالون يزالان زال زالت يزل تزل سيما بد فقط".split()
)
_HOWEVER_NEXT = frozenset(norm(w) for w in "أن إن أنه إنه أنها إنها".split())
# "لن نألو جهداً"، "لم يدخر وسعاً"، "لا توفر جهداً": to spare no effort is a promise, not a denial.
_SPARE_VERBS = frozenset(norm(p + v) for p in "يتنأ" for v in ("لو", "ألو", "دخر", "وفر", "بخل"))
_EFFORT_WORDS = ("جهد", "وسع")


_CONDITIONAL_BEFORE = frozenset(
    norm(w) for w in "ما إن إذا لو وإن وإذا ولو فإن فإذا حال حالة وحال".split()
)  # "في حال لم": in case not


def conditional_negation(tokens: list[Token], k: int) -> bool:
    """ "ما لم" (unless), "إن لم" / "إذا لم" (if not): a condition, not a denial of the claim."""
    return k > 0 and tokens[k].norm in ("لم", "لا") and tokens[k - 1].norm in _CONDITIONAL_BEFORE


def spares_no_effort(tokens: list[Token], k: int) -> bool:
    """The negation at ``k`` belongs to "spare no effort"."""
    if k + 2 >= len(tokens) or tokens[k + 1].norm not in _SPARE_VERBS:
        return False
    return any(
        t.norm.startswith(_EFFORT_WORDS) or t.stem.startswith(_EFFORT_WORDS)
        for t in tokens[k + 2 : k + 4]
    )


def negation_idiom(
    tokens: list[Token], k: int, not_negating_next: frozenset[str] = NOT_NEGATING_NEXT
) -> bool:
    """The negation word at ``k`` is part of an idiom that denies nothing: لا يزال، لا سيما,
    "spare no effort", "unless" (see ``not_negating_next``, ``spares_no_effort`` and
    ``conditional_negation``)."""
    following = tokens[k + 1].norm if k + 1 < len(tokens) else ""
    if following in not_negating_next:
        return True
    return spares_no_effort(tokens, k) or conditional_negation(tokens, k)


def is_negated(tokens: list[Token]) -> bool:
    for k, t in enumerate(tokens):
        if t.norm not in NEGATION_WORDS or negation_idiom(tokens, k):
            continue
        following = tokens[k + 1].norm if k + 1 < len(tokens) else ""
        if t.norm in ("غير", "وغير") and following in _HOWEVER_NEXT:
            continue
        return True
    return False


def extract_claims(
    doc_id: str,
    text: str,
    sentences: list[Sentence],
    tokens: list[Token],
    mentions: list[Mention],
    timexes: list[TimeExpr],
    body_start: int = 0,
) -> list[Claim]:
    """Claims from the sentences (split into clauses); text before ``body_start`` (a dateline)
    makes no claim."""
    token_starts = [t.start for t in tokens]
    claims: list[Claim] = []
    for sentence in sentences:
        if sentence.end <= body_start:
            continue
        if sentence.start < body_start:
            sentence = _trimmed(text, sentence, body_start)
        for clause in _clauses(text, sentence):
            lo = bisect_left(token_starts, clause.start)
            hi = bisect_left(token_starts, clause.end)
            clause_tokens = tokens[lo:hi]
            if len(clause_tokens) < MIN_CLAIM_TOKENS:
                continue
            if is_boilerplate(text[clause.start : clause.end], len(clause_tokens)):
                continue
            inside = [m for m in mentions if clause.start <= m.start and m.end <= clause.end]
            times = [t for t in timexes if clause.start <= t.start and t.end <= clause.end]
            claims.append(
                Claim(
                    id=f"{doc_id}:{clause.start}",
                    doc=doc_id,
                    start=clause.start,
                    end=clause.end,
                    text=text[clause.start : clause.end],
                    mentions=inside,
                    entities=[],
                    time=_most_specific(times),
                    negated=is_negated(clause_tokens),
                )
            )
    return claims


def _trimmed(text: str, sentence: Sentence, start: int) -> Sentence:
    while start < sentence.end and (text[start].isspace() or text[start] in "-–—:،,"):
        start += 1
    return Sentence(start, sentence.end, text[start : sentence.end])


def _most_specific(times: list[TimeExpr]) -> TimeExpr | None:
    if not times:
        return None
    return min(times, key=lambda t: (_days(t), t.start))


def _days(t: TimeExpr) -> int:
    return (date.fromisoformat(t.value_end) - date.fromisoformat(t.value_start)).days
