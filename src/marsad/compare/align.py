"""Align claims across the reports of a story and judge each aligned pair.

Candidate pairs come from an inverted index over content terms (never all pairs); a pair is
scored by the overlap of normalised, clitic-stripped terms (near-synonyms folded), shared
entities, shared persons and compatible times. Each claim is aligned at most once per other
report (greedy, best score first). Claims left over are unique to their source.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from marsad.compare.dating import infer_date_bounds
from marsad.compare.features import ClaimFeatures, claim_features, document_numbers
from marsad.compare.verdict import judge, same_event
from marsad.model import Alignment, DocAnalysis

MIN_SCORE = 0.34
MIN_SHARED_TERMS = 2


def similarity(a: ClaimFeatures, b: ClaimFeatures) -> float:
    shared = len(a.terms & b.terms) + len(a.persons & b.persons)
    if a.time and b.time and a.time.compatible(b.time):
        shared += 1  # the same date, in whatever words, is shared content
    if shared < MIN_SHARED_TERMS:
        return 0.0
    size_a = len(a.terms) + len(a.persons)
    size_b = len(b.terms) + len(b.persons)
    dice = 2 * shared / (size_a + size_b)
    containment = shared / min(size_a, size_b)
    return 0.5 * dice + 0.5 * containment


def align(analyses: list[DocAnalysis]) -> tuple[list[Alignment], list[str]]:
    """Alignments across the given documents, and the ids of the claims left unique."""
    per_doc = []
    for a in analyses:
        numbers = document_numbers(a)
        bound = infer_date_bounds(a)
        per_doc.append([claim_features(a, c, numbers, bound) for c in a.claims])
    alignments: list[Alignment] = []
    aligned: set[str] = set()
    for i, j in combinations(range(len(per_doc)), 2):
        for score, fa, fb in _match(per_doc[i], per_doc[j]):
            verdict = judge(fa, fb)
            alignments.append(
                Alignment(
                    [fa.claim.id, fb.claim.id], verdict.verdict, verdict.note, round(score, 3)
                )
            )
            aligned.update((fa.claim.id, fb.claim.id))
    unique = [c.claim.id for feats in per_doc for c in feats if c.claim.id not in aligned]
    return alignments, unique


def _match(
    left: list[ClaimFeatures], right: list[ClaimFeatures]
) -> list[tuple[float, ClaimFeatures, ClaimFeatures]]:
    index: dict[str, list[int]] = defaultdict(list)
    for k, f in enumerate(right):
        for term in f.terms | f.persons:
            index[term].append(k)
    scored = []
    for i, fa in enumerate(left):
        candidates = {k for term in fa.terms | fa.persons for k in index.get(term, ())}
        for k in candidates:
            score = similarity(fa, right[k])
            if score >= MIN_SCORE and same_event(fa, right[k]):
                scored.append((score, i, k))
    scored.sort(key=lambda x: (-x[0], x[1], x[2]))
    used_left: set[int] = set()
    used_right: set[int] = set()
    pairs = []
    for score, i, k in scored:
        if i in used_left or k in used_right:
            continue
        used_left.add(i)
        used_right.add(k)
        pairs.append((score, left[i], right[k]))
    return pairs
